// What the auth core needs from the store: accounts and refresh-token records, as plain C++ types.
// The service implements it over gRPC (services/auth/store_user_directory.h); tests use a fake.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::auth {

using platform::Result;
using platform::Status;

struct UserRecord {
  std::string id;
  std::string username;
  std::string email;
  std::string password_hash;  // Argon2id, encoded; never logged, never leaves auth
  std::vector<std::string> roles;
  int64_t created_at_ms = 0;
  bool disabled = false;
};

struct NewUser {
  std::string username;  // already normalised
  std::string email;     // already normalised
  std::string password_hash;
  std::vector<std::string> roles;
};

struct RefreshTokenRecord {
  std::string token_hash;  // SHA-256 hex of the token
  std::string user_id;
  std::string family_id;
  int64_t expires_at_ms = 0;
  int64_t revoked_at_ms = 0;  // 0 while not revoked
  std::string replaced_by;    // empty until rotated
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  // kAlreadyExists "username is taken" / "email is taken".
  virtual Result<UserRecord> CreateUser(const NewUser& user) = 0;
  virtual Result<UserRecord> GetUser(const std::string& user_id) = 0;  // kNotFound
  // A login containing '@' is an email, otherwise a username. kNotFound.
  virtual Result<UserRecord> GetUserByLogin(const std::string& login) = 0;

  virtual Status StoreRefreshToken(const RefreshTokenRecord& token) = 0;
  virtual Result<RefreshTokenRecord> GetRefreshToken(const std::string& token_hash) = 0;
  // Atomic: marks the old token replaced and stores the new one in the same family.
  // kFailedPrecondition when the old one was already replaced, revoked or expired; kNotFound.
  virtual Result<RefreshTokenRecord> RotateRefreshToken(const std::string& old_hash,
                                                        const std::string& new_hash,
                                                        int64_t new_expires_at_ms) = 0;
  virtual Result<int64_t> RevokeTokenFamily(const std::string& family_id) = 0;
};

}  // namespace moodtape::auth
