// AttemptCounter in Redis, shared by every auth replica. Keys (scope = "user:<id>",
// "ip:<addr>" or "login:<sha256 of an unknown login>"):
//   moodtape:auth:fail:<scope>  INCR per failure, PEXPIRE failure_memory (a count)
//   moodtape:auth:lock:<scope>  SET <locked-until unix ms> PX <lock-out + 60 s>
#pragma once

#include "platform/redis/client.h"
#include "services/auth/core/attempt_counter.h"

namespace moodtape::auth {

class RedisAttemptCounter final : public AttemptCounter {
 public:
  explicit RedisAttemptCounter(platform::RedisClient& redis) : redis_(redis) {}

  platform::Result<int64_t> AddFailure(const std::string& key,
                                       std::chrono::milliseconds ttl) override;
  platform::Result<int64_t> LockedUntil(const std::string& key) override;
  platform::Status Lock(const std::string& key, int64_t until_ms,
                        std::chrono::milliseconds ttl) override;
  platform::Status Reset(const std::string& key) override;

  static std::string FailKey(const std::string& scope) { return "moodtape:auth:fail:" + scope; }
  static std::string LockKey(const std::string& scope) { return "moodtape:auth:lock:" + scope; }

 private:
  platform::RedisClient& redis_;
};

}  // namespace moodtape::auth
