// Growing lock-outs after repeated failed log-ins. A scope ("user:<id>", "ip:<addr>") that has
// failed `max_failures` times is locked for `lockout_initial`; each further failure after a
// lock-out expires doubles the next one, up to `lockout_max`. Failures are forgotten
// `failure_memory` after the last one, or at once when the account logs in successfully.
// Time is the injected clock's, so tests move it instead of sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "platform/base/clock.h"
#include "services/auth/core/attempt_counter.h"

namespace moodtape::auth {

struct ThrottlePolicy {
  int max_failures_per_account = 5;
  // Higher: many people can share one address (NAT, campus, mobile carrier).
  int max_failures_per_address = 20;
  std::chrono::seconds lockout_initial{60};
  std::chrono::seconds lockout_max{3600};
  std::chrono::seconds failure_memory{24 * 3600};
};

class LoginThrottle {
 public:
  LoginThrottle(ThrottlePolicy policy, AttemptCounter& counter, const platform::Clock& clock)
      : policy_(policy), counter_(counter), clock_(clock) {}

  // 0 when `scope` may try now, else whole seconds until it may (at least 1).
  platform::Result<int64_t> RetryAfterSeconds(const std::string& scope);
  // Counts a failure; returns the lock-out it started (0 s when none).
  platform::Result<std::chrono::seconds> RecordFailure(const std::string& scope, int max_failures);
  platform::Status Reset(const std::string& scope) { return counter_.Reset(scope); }

  // The lock-out after the `failures`-th consecutive failure (0 below the threshold).
  std::chrono::seconds LockoutFor(int64_t failures, int max_failures) const;
  const ThrottlePolicy& policy() const { return policy_; }

 private:
  int64_t NowMs() const;

  const ThrottlePolicy policy_;
  AttemptCounter& counter_;
  const platform::Clock& clock_;
};

}  // namespace moodtape::auth
