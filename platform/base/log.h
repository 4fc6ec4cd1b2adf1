// One JSON log line per event on stdout: {"ts","level","service","msg", ...fields}.
// The logger is process-wide because stdout is; tests swap the sink to capture lines.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace moodtape::platform {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug" | "info" | "warn" | "error"; returns false for anything else.
bool ParseLogLevel(std::string_view text, LogLevel* level);

// Extra fields for one line: request_id, trace_id, user_id, rpc, route, code, duration_ms...
using LogFields = nlohmann::json;

// Configures the process logger. Until called, lines go to stdout with service "moodtape".
void InitLogging(std::string service, LogLevel min_level);

// Replaces where lines go (one call per complete line, no trailing newline). Passing an empty
// function restores stdout. Tests use it to capture access-log lines.
void SetLogSink(std::function<void(std::string_view line)> sink);

bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view msg, const LogFields& fields = LogFields::object());

inline void LogDebug(std::string_view msg, const LogFields& fields = LogFields::object()) {
  Log(LogLevel::kDebug, msg, fields);
}
inline void LogInfo(std::string_view msg, const LogFields& fields = LogFields::object()) {
  Log(LogLevel::kInfo, msg, fields);
}
inline void LogWarn(std::string_view msg, const LogFields& fields = LogFields::object()) {
  Log(LogLevel::kWarn, msg, fields);
}
inline void LogError(std::string_view msg, const LogFields& fields = LogFields::object()) {
  Log(LogLevel::kError, msg, fields);
}

}  // namespace moodtape::platform
