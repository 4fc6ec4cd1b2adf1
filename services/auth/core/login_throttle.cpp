#include "services/auth/core/login_throttle.h"

#include <algorithm>

namespace moodtape::auth {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

int64_t LoginThrottle::NowMs() const {
  return duration_cast<milliseconds>(clock_.Now().time_since_epoch()).count();
}

std::chrono::seconds LoginThrottle::LockoutFor(int64_t failures, int max_failures) const {
  if (failures < max_failures) return seconds(0);
  int64_t doublings = std::min<int64_t>(failures - max_failures, 30);
  int64_t lock = policy_.lockout_initial.count() << doublings;
  return seconds(std::min<int64_t>(lock, policy_.lockout_max.count()));
}

platform::Result<int64_t> LoginThrottle::RetryAfterSeconds(const std::string& scope) {
  auto until = counter_.LockedUntil(scope);
  if (!until.ok()) return until.error();
  int64_t left_ms = *until - NowMs();
  if (left_ms <= 0) return int64_t{0};
  return (left_ms + 999) / 1000;
}

platform::Result<std::chrono::seconds> LoginThrottle::RecordFailure(const std::string& scope,
                                                                    int max_failures) {
  auto failures = counter_.AddFailure(scope, duration_cast<milliseconds>(policy_.failure_memory));
  if (!failures.ok()) return failures.error();
  seconds lock = LockoutFor(*failures, max_failures);
  if (lock.count() == 0) return lock;
  // The stored record outlives the lock a little; the instant inside it is what counts.
  auto status = counter_.Lock(scope, NowMs() + duration_cast<milliseconds>(lock).count(),
                              duration_cast<milliseconds>(lock + seconds(60)));
  if (!status.ok()) return status.error();
  return lock;
}

}  // namespace moodtape::auth
