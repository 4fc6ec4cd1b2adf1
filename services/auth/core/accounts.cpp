#include "services/auth/core/accounts.h"

#include <nlohmann/json.hpp>

#include "platform/base/encoding.h"
#include "platform/base/log.h"
#include "services/auth/core/account_rules.h"

namespace moodtape::auth {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr size_t kRefreshTokenBytes = 32;  // 256 bits
constexpr const char* kBadRefreshToken = "refresh token is not valid; please log in again";

platform::Error Unauthenticated(std::string message) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(message));
}

platform::Error LockedOut(int64_t seconds) {
  return platform::WithRetryAfter(
      MakeError(ErrorCode::kResourceExhausted, "too many failed log-ins; try again in " +
                                                   std::to_string(seconds) +
                                                   (seconds == 1 ? " second" : " seconds")),
      std::chrono::seconds(seconds));
}

std::string NewRefreshToken() {
  return platform::Base64UrlEncode(platform::SecureRandomBytes(kRefreshTokenBytes));
}

// What the store keys a token by. Only the hash is stored, so a database leak yields no usable
// token; SHA-256 without salt suffices because the token is 256 random bits, not a password.
std::string HashRefreshToken(const std::string& token) { return platform::Sha256Hex(token); }

bool LooksLikeRefreshToken(const std::string& token) {
  auto raw = platform::Base64UrlDecode(token);
  return raw.has_value() && raw->size() == kRefreshTokenBytes;
}

}  // namespace

std::string AccountScope(const std::string& user_id) { return "user:" + user_id; }
std::string AddressScope(const std::string& client_address) { return "ip:" + client_address; }
std::string UnknownLoginScope(const std::string& normalised_login) {
  return "login:" + platform::Sha256Hex(normalised_login);
}

int64_t Accounts::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

Result<IssuedSession> Accounts::SignUp(const SignUpInput& input) {
  auto username = NormaliseUsername(input.username);
  if (!username.ok()) return username.error();
  auto email = NormaliseEmail(input.email);
  if (!email.ok()) return email.error();
  auto password_ok = CheckPassword(input.password, *username, *email);
  if (!password_ok.ok()) return password_ok.error();

  // Every account starts as a plain user. Admin (the dead letters, other users' texts) is
  // granted only by the operator (`moodtape-auth make-admin`), never by being first to sign up:
  // on a freshly exposed server the first account could be a stranger's.
  std::vector<std::string> roles = {kUserRole};

  auto hash = hasher_.Hash(input.password);
  if (!hash.ok()) return hash.error();
  auto user = users_.CreateUser(NewUser{*username, *email, *hash, roles});
  if (!user.ok()) return user.error();
  platform::LogInfo("account created", {{"user_id", user->id}, {"roles", user->roles}});
  return StartSession(std::move(user).value());
}

Result<IssuedSession> Accounts::Login(const LoginInput& input) {
  const ThrottlePolicy& policy = throttle_.policy();
  // The address first: a guesser spraying many accounts from one place is stopped before any
  // account is even looked up.
  const bool has_address = !input.client_address.empty();
  const std::string address_scope = has_address ? AddressScope(input.client_address) : "";
  if (has_address) {
    auto wait = throttle_.RetryAfterSeconds(address_scope);
    if (!wait.ok()) return wait.error();
    if (*wait > 0) return LockedOut(*wait);
  }

  std::string login = NormaliseLogin(input.login);
  Result<UserRecord> user = login.empty() || login.size() > 320
                                ? Result<UserRecord>(MakeError(ErrorCode::kNotFound, ""))
                                : users_.GetUserByLogin(login);
  if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
  const bool known = user.ok();
  const std::string account_scope = known ? AccountScope(user->id) : UnknownLoginScope(login);

  auto wait = throttle_.RetryAfterSeconds(account_scope);
  if (!wait.ok()) return wait.error();
  if (*wait > 0) return LockedOut(*wait);

  bool verified = false;
  if (input.password.size() <= kMaxPasswordBytes) {
    if (known) {
      verified = hasher_.Verify(input.password, user->password_hash);
    } else {
      hasher_.VerifyDummy(input.password);  // same cost, so timing does not tell them apart
    }
  }
  if (!verified) {
    auto account_lock = throttle_.RecordFailure(account_scope, policy.max_failures_per_account);
    if (!account_lock.ok()) return account_lock.error();
    if (account_lock->count() > 0) {
      platform::LogWarn("log-in locked out", {{"scope", known ? account_scope : "login"},
                                              {"lockout_s", account_lock->count()}});
    }
    if (has_address) {
      auto address_lock = throttle_.RecordFailure(address_scope, policy.max_failures_per_address);
      if (!address_lock.ok()) return address_lock.error();
      if (address_lock->count() > 0) {
        platform::LogWarn("log-in locked out",
                          {{"scope", address_scope}, {"lockout_s", address_lock->count()}});
      }
    }
    return Unauthenticated(kBadCredentials);
  }
  if (user->disabled) {
    return MakeError(ErrorCode::kPermissionDenied, "this account is disabled");
  }
  // Success forgets the account's failures. The address's are left to expire: otherwise a
  // guesser with one real account could wipe its address counter between guesses.
  auto reset = throttle_.Reset(account_scope);
  if (!reset.ok()) return reset.error();
  return StartSession(std::move(user).value());
}

Result<IssuedSession> Accounts::Refresh(const std::string& refresh_token) {
  if (!LooksLikeRefreshToken(refresh_token)) return Unauthenticated(kBadRefreshToken);
  const std::string old_hash = HashRefreshToken(refresh_token);
  auto old = users_.GetRefreshToken(old_hash);
  if (!old.ok()) {
    if (old.error().code == ErrorCode::kNotFound) return Unauthenticated(kBadRefreshToken);
    return old.error();
  }
  auto revoke_family = [&](const char* why) -> platform::Error {
    auto revoked = users_.RevokeTokenFamily(old->family_id);
    if (!revoked.ok()) return revoked.error();
    platform::LogWarn("refresh token reuse: family revoked", {{"user_id", old->user_id},
                                                              {"family_id", old->family_id},
                                                              {"revoked", *revoked},
                                                              {"reason", why}});
    return Unauthenticated("refresh token was already used; please log in again");
  };
  // A rotated token presented again means two parties hold the family (one of them stole it):
  // end every session of that log-in.
  if (!old->replaced_by.empty()) return revoke_family("rotated token presented");
  if (old->revoked_at_ms != 0) return Unauthenticated(kBadRefreshToken);
  if (old->expires_at_ms <= NowMs())
    return Unauthenticated("refresh token has expired; please log in again");

  auto user = users_.GetUser(old->user_id);
  if (!user.ok()) {
    if (user.error().code == ErrorCode::kNotFound) return Unauthenticated(kBadRefreshToken);
    return user.error();
  }
  if (user->disabled) return MakeError(ErrorCode::kPermissionDenied, "this account is disabled");

  IssuedSession session;
  session.refresh_token = NewRefreshToken();
  session.refresh_expires_at_ms =
      NowMs() +
      std::chrono::duration_cast<std::chrono::milliseconds>(tokens_.refresh_token_ttl).count();
  auto rotated = users_.RotateRefreshToken(old_hash, HashRefreshToken(session.refresh_token),
                                           session.refresh_expires_at_ms);
  if (!rotated.ok()) {
    // Lost a race with another rotation of the same token (the store settles it atomically):
    // the same reuse, seen a moment later.
    if (rotated.error().code == ErrorCode::kFailedPrecondition) {
      return revoke_family("concurrent rotation");
    }
    if (rotated.error().code == ErrorCode::kNotFound) return Unauthenticated(kBadRefreshToken);
    return rotated.error();
  }
  session.access_expires_at_ms =
      NowMs() +
      std::chrono::duration_cast<std::chrono::milliseconds>(tokens_.access_token_ttl).count();
  session.access_token = AccessToken(*user, session.access_expires_at_ms);
  session.user = std::move(user).value();
  return session;
}

Status Accounts::Logout(const std::string& refresh_token) {
  if (!LooksLikeRefreshToken(refresh_token)) return Status::Ok();
  auto token = users_.GetRefreshToken(HashRefreshToken(refresh_token));
  if (!token.ok()) {
    if (token.error().code == ErrorCode::kNotFound) return Status::Ok();
    return token.error();
  }
  auto revoked = users_.RevokeTokenFamily(token->family_id);
  if (!revoked.ok()) return revoked.error();
  return Status::Ok();
}

Result<UserRecord> Accounts::GetUser(const std::string& user_id) {
  if (user_id.empty() || user_id.size() > 64) {
    return MakeError(ErrorCode::kInvalidArgument, "user_id must be 1 to 64 characters long");
  }
  return users_.GetUser(user_id);
}

std::string Accounts::AccessToken(const UserRecord& user, int64_t expires_at_ms) const {
  const int64_t now_s = NowMs() / 1000;
  nlohmann::json payload = {
      {"iss", tokens_.issuer},
      {"sub", user.id},
      {"iat", now_s},
      {"nbf", now_s},
      {"exp", expires_at_ms / 1000},
      {"jti", platform::Base64UrlEncode(platform::SecureRandomBytes(16))},
      {"roles", user.roles},
      {"username", user.username},
  };
  return keys_.Current()->Sign(payload);
}

Result<IssuedSession> Accounts::StartSession(UserRecord user) {
  IssuedSession session;
  const int64_t now = NowMs();
  session.refresh_token = NewRefreshToken();
  session.refresh_expires_at_ms =
      now +
      std::chrono::duration_cast<std::chrono::milliseconds>(tokens_.refresh_token_ttl).count();
  RefreshTokenRecord record;
  record.token_hash = HashRefreshToken(session.refresh_token);
  record.user_id = user.id;
  record.family_id = platform::HexEncode(platform::SecureRandomBytes(16));  // one per log-in
  record.expires_at_ms = session.refresh_expires_at_ms;
  auto stored = users_.StoreRefreshToken(record);
  if (!stored.ok()) return stored.error();
  session.access_expires_at_ms =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(tokens_.access_token_ttl).count();
  session.access_token = AccessToken(user, session.access_expires_at_ms);
  session.user = std::move(user);
  return session;
}

}  // namespace moodtape::auth
