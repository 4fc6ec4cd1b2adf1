// In-memory stand-ins for the auth core's dependencies, with the store's semantics (unique
// case-insensitive usernames and emails, atomic rotation, family revocation).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "platform/base/clock.h"
#include "services/auth/core/attempt_counter.h"
#include "services/auth/core/user_directory.h"

namespace moodtape::auth {

class FakeUserDirectory final : public UserDirectory {
 public:
  explicit FakeUserDirectory(const platform::Clock& clock) : clock_(clock) {}
  Result<UserRecord> CreateUser(const NewUser& user) override;
  Result<UserRecord> GetUser(const std::string& user_id) override;
  Result<UserRecord> GetUserByLogin(const std::string& login) override;
  Status StoreRefreshToken(const RefreshTokenRecord& token) override;
  Result<RefreshTokenRecord> GetRefreshToken(const std::string& token_hash) override;
  Result<RefreshTokenRecord> RotateRefreshToken(const std::string& old_hash,
                                                const std::string& new_hash,
                                                int64_t new_expires_at_ms) override;
  Result<int64_t> RevokeTokenFamily(const std::string& family_id) override;

  std::map<std::string, UserRecord> users;           // by id
  std::map<std::string, RefreshTokenRecord> tokens;  // by hash
  bool unavailable = false;                          // every call fails kUnavailable

 private:
  int64_t NowMs() const;
  const platform::Clock& clock_;
  int next_id_ = 1;
};

class FakeAttemptCounter final : public AttemptCounter {
 public:
  platform::Result<int64_t> AddFailure(const std::string& key,
                                       std::chrono::milliseconds ttl) override;
  platform::Result<int64_t> LockedUntil(const std::string& key) override;
  platform::Status Lock(const std::string& key, int64_t until_ms,
                        std::chrono::milliseconds ttl) override;
  platform::Status Reset(const std::string& key) override;

  std::map<std::string, int64_t> failures;
  std::map<std::string, int64_t> locks;
};

}  // namespace moodtape::auth
