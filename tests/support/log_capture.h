// Every log line the process writes while this object lives (the logger is process-wide), for
// tests that check what was logged, and what never was: a key, a password, a token.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "platform/base/log.h"

namespace moodtape::testing {

class LogCapture {
 public:
  LogCapture() {
    platform::SetLogSink([this](std::string_view line) {
      std::lock_guard lock(mu_);
      text_.append(line).append("\n");
    });
  }
  ~LogCapture() { platform::SetLogSink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string Text() {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

}  // namespace moodtape::testing
