// Counters behind log-in throttling. Keys are scopes such as "user:<id>", "ip:<addr>" or
// "login:<sha256>"; the Redis implementation (services/auth/redis_attempt_counter.h) prefixes
// them. Lock-out instants are in the auth service's clock (unix ms), not the backend's, so tests
// move time with a ManualClock; backend expiry (TTL) only cleans up.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "platform/base/error.h"

namespace moodtape::auth {

class AttemptCounter {
 public:
  virtual ~AttemptCounter() = default;
  // Counts one failure under `key` and returns the new count; the count is forgotten `ttl` after
  // the last failure.
  virtual platform::Result<int64_t> AddFailure(const std::string& key,
                                               std::chrono::milliseconds ttl) = 0;
  // The unix ms until which `key` is locked out; 0 when it never was (or the record expired).
  virtual platform::Result<int64_t> LockedUntil(const std::string& key) = 0;
  // Records a lock-out until `until_ms`; the record itself may be dropped after `ttl`.
  virtual platform::Status Lock(const std::string& key, int64_t until_ms,
                                std::chrono::milliseconds ttl) = 0;
  // Forgets the failures and the lock-out of `key` (after a successful log-in).
  virtual platform::Status Reset(const std::string& key) = 0;
};

}  // namespace moodtape::auth
