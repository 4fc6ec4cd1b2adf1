#include "platform/base/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace moodtape::platform {
namespace {

struct LoggerState {
  std::mutex mu;
  std::string service = "moodtape";
  LogLevel min_level = LogLevel::kInfo;
  std::function<void(std::string_view)> sink;
};

LoggerState& State() {
  static LoggerState* state = new LoggerState();  // never destroyed: threads may log at exit
  return *state;
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// RFC 3339 UTC with milliseconds: what log shippers parse without configuration.
std::string NowRfc3339() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  if (text == "debug")
    *level = LogLevel::kDebug;
  else if (text == "info")
    *level = LogLevel::kInfo;
  else if (text == "warn")
    *level = LogLevel::kWarn;
  else if (text == "error")
    *level = LogLevel::kError;
  else
    return false;
  return true;
}

void InitLogging(std::string service, LogLevel min_level) {
  auto& s = State();
  std::lock_guard lock(s.mu);
  s.service = std::move(service);
  s.min_level = min_level;
}

void SetLogSink(std::function<void(std::string_view line)> sink) {
  auto& s = State();
  std::lock_guard lock(s.mu);
  s.sink = std::move(sink);
}

bool LogEnabled(LogLevel level) {
  auto& s = State();
  std::lock_guard lock(s.mu);
  return level >= s.min_level;
}

void Log(LogLevel level, std::string_view msg, const LogFields& fields) {
  auto& s = State();
  std::string service;
  {
    std::lock_guard lock(s.mu);
    if (level < s.min_level) return;
    service = s.service;
  }
  nlohmann::json line = {{"ts", NowRfc3339()},
                         {"level", LevelName(level)},
                         {"service", service},
                         {"msg", std::string(msg)}};
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      if (!line.contains(it.key())) line[it.key()] = it.value();
    }
  }
  // Replace invalid UTF-8 instead of throwing: a log line must never take the process down.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(s.mu);
  if (s.sink) {
    s.sink(text);
  } else {
    text.push_back('\n');
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
}

}  // namespace moodtape::platform
