// Fixed-window rate limits kept in Redis, shared by every gateway replica: mood submissions per
// user, sign-ups per client address and overall. One Lua script per check (INCR, PEXPIRE on the
// first hit, PTTL), so a check is one round trip and the window's expiry is always set. A fixed
// window is cheaper than a sliding log and good enough for abuse control; across a window edge up
// to twice the limit can pass.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "platform/base/error.h"

namespace moodtape::platform {

class RedisClient;

struct RateLimit {
  int64_t limit = 30;                       // requests per window
  std::chrono::milliseconds window{60000};  // the window's length
};

class RedisRateLimiter {
 public:
  explicit RedisRateLimiter(RedisClient& redis) : redis_(redis) {}

  // Counts one request against `key`'s current window. Ok while the count is within the limit;
  // kResourceExhausted with retry_after = the rest of the window once it is over; kUnavailable
  // when Redis cannot answer (callers fail closed or open as their abuse case says).
  Status Charge(const std::string& key, const RateLimit& limit);

 private:
  RedisClient& redis_;
};

}  // namespace moodtape::platform
