#include "tests/services/auth/fakes.h"

#include <algorithm>

namespace moodtape::auth {
namespace {

using platform::ErrorCode;
using platform::MakeError;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

int64_t FakeUserDirectory::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

#define FAKE_CHECK_AVAILABLE() \
  if (unavailable) return MakeError(ErrorCode::kUnavailable, "store is down")

Result<UserRecord> FakeUserDirectory::CreateUser(const NewUser& user) {
  FAKE_CHECK_AVAILABLE();
  for (const auto& [id, u] : users) {
    if (Lower(u.username) == Lower(user.username)) {
      return MakeError(ErrorCode::kAlreadyExists, "username is taken");
    }
    if (u.email == user.email) return MakeError(ErrorCode::kAlreadyExists, "email is taken");
  }
  UserRecord record{"user-" + std::to_string(next_id_++),
                    user.username,
                    user.email,
                    user.password_hash,
                    user.roles,
                    NowMs(),
                    false};
  users[record.id] = record;
  return record;
}

Result<UserRecord> FakeUserDirectory::GetUser(const std::string& user_id) {
  FAKE_CHECK_AVAILABLE();
  auto it = users.find(user_id);
  if (it == users.end()) return MakeError(ErrorCode::kNotFound, "user not found");
  return it->second;
}

Result<UserRecord> FakeUserDirectory::GetUserByLogin(const std::string& login) {
  FAKE_CHECK_AVAILABLE();
  const bool email = login.find('@') != std::string::npos;
  for (const auto& [id, u] : users) {
    if (email ? u.email == Lower(login) : Lower(u.username) == Lower(login)) return u;
  }
  return MakeError(ErrorCode::kNotFound, "user not found");
}

Status FakeUserDirectory::StoreRefreshToken(const RefreshTokenRecord& token) {
  FAKE_CHECK_AVAILABLE();
  tokens[token.token_hash] = token;
  return Status::Ok();
}

Result<RefreshTokenRecord> FakeUserDirectory::GetRefreshToken(const std::string& token_hash) {
  FAKE_CHECK_AVAILABLE();
  auto it = tokens.find(token_hash);
  if (it == tokens.end()) return MakeError(ErrorCode::kNotFound, "refresh token not found");
  return it->second;
}

Result<RefreshTokenRecord> FakeUserDirectory::RotateRefreshToken(const std::string& old_hash,
                                                                 const std::string& new_hash,
                                                                 int64_t new_expires_at_ms) {
  FAKE_CHECK_AVAILABLE();
  auto it = tokens.find(old_hash);
  if (it == tokens.end()) return MakeError(ErrorCode::kNotFound, "refresh token not found");
  RefreshTokenRecord& old = it->second;
  if (!old.replaced_by.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition, "refresh token was already used");
  }
  if (old.revoked_at_ms != 0) {
    return MakeError(ErrorCode::kFailedPrecondition, "refresh token was revoked");
  }
  if (old.expires_at_ms <= NowMs()) {
    return MakeError(ErrorCode::kFailedPrecondition, "refresh token has expired");
  }
  old.replaced_by = new_hash;
  RefreshTokenRecord next{new_hash, old.user_id, old.family_id, new_expires_at_ms, 0, ""};
  tokens[new_hash] = next;
  return next;
}

Result<int64_t> FakeUserDirectory::RevokeTokenFamily(const std::string& family_id) {
  FAKE_CHECK_AVAILABLE();
  int64_t count = 0;
  for (auto& [hash, token] : tokens) {
    if (token.family_id == family_id && token.revoked_at_ms == 0) {
      token.revoked_at_ms = NowMs();
      ++count;
    }
  }
  return count;
}

platform::Result<int64_t> FakeAttemptCounter::AddFailure(const std::string& key,
                                                         std::chrono::milliseconds) {
  return ++failures[key];
}

platform::Result<int64_t> FakeAttemptCounter::LockedUntil(const std::string& key) {
  auto it = locks.find(key);
  return it == locks.end() ? int64_t{0} : it->second;
}

platform::Status FakeAttemptCounter::Lock(const std::string& key, int64_t until_ms,
                                          std::chrono::milliseconds) {
  locks[key] = until_ms;
  return platform::Status::Ok();
}

platform::Status FakeAttemptCounter::Reset(const std::string& key) {
  failures.erase(key);
  locks.erase(key);
  return platform::Status::Ok();
}

}  // namespace moodtape::auth
