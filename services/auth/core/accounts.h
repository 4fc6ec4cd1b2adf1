// The auth service's domain logic: sign-up, log-in (with throttling), refresh-token rotation with
// reuse detection, log-out. No gRPC and no Redis: the store, the throttle counters, the signing
// keys and the clock come in through the constructor. The adapter builds one Accounts per call
// (it only holds references), so store calls can carry that call's deadline and request id.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "platform/base/clock.h"
#include "platform/base/error.h"
#include "services/auth/core/attempt_counter.h"
#include "services/auth/core/login_throttle.h"
#include "services/auth/core/password_hasher.h"
#include "services/auth/core/signing_keys.h"
#include "services/auth/core/user_directory.h"

namespace moodtape::auth {

struct TokenPolicy {
  std::string issuer = "moodtape";
  std::chrono::seconds access_token_ttl{15 * 60};
  std::chrono::seconds refresh_token_ttl{30 * 24 * 3600};
};

// Every account gets "user"; "admin" only from the operator (moodtape-auth make-admin).
inline constexpr const char* kUserRole = "user";
inline constexpr const char* kAdminRole = "admin";

// The message for an unknown account and a wrong password alike.
inline constexpr const char* kBadCredentials = "wrong username/email or password";

struct SignUpInput {
  std::string username;
  std::string email;
  std::string password;
  std::string client_address;
};

struct LoginInput {
  std::string login;  // username or email
  std::string password;
  std::string client_address;  // the end user's IP as the gateway saw it; may be empty
};

struct IssuedSession {
  UserRecord user;
  std::string access_token;
  int64_t access_expires_at_ms = 0;
  std::string refresh_token;  // the only copy; the store keeps its SHA-256
  int64_t refresh_expires_at_ms = 0;
};

// Throttle scopes (AttemptCounter keys).
std::string AccountScope(const std::string& user_id);         // "user:<id>"
std::string AddressScope(const std::string& client_address);  // "ip:<addr>"
// An unknown login is throttled like an account, so lock-outs do not reveal which accounts
// exist; hashed so attacker-chosen text never becomes part of a key.
std::string UnknownLoginScope(const std::string& normalised_login);  // "login:<sha256 hex>"

class Accounts {
 public:
  Accounts(const TokenPolicy& tokens, UserDirectory& users, LoginThrottle& throttle,
           const PasswordHasher& hasher, const SigningKeys& keys, const platform::Clock& clock)
      : tokens_(tokens),
        users_(users),
        throttle_(throttle),
        hasher_(hasher),
        keys_(keys),
        clock_(clock) {}

  // kInvalidArgument (which rule), kAlreadyExists (which field), store errors.
  Result<IssuedSession> SignUp(const SignUpInput& input);
  // kUnauthenticated kBadCredentials; kResourceExhausted while locked out, with the wait in its
  // retry_after; kPermissionDenied for a disabled account;
  // kUnavailable when the store or the counters cannot answer (fails closed: no throttling, no
  // log-in).
  Result<IssuedSession> Login(const LoginInput& input);
  // Rotates; reuse of an already rotated token revokes its family. kUnauthenticated.
  Result<IssuedSession> Refresh(const std::string& refresh_token);
  // Revokes the token's family; unknown or malformed tokens are a success (nothing to revoke).
  Status Logout(const std::string& refresh_token);
  Result<UserRecord> GetUser(const std::string& user_id);

  // A signed access token for `user` (exposed for tests).
  std::string AccessToken(const UserRecord& user, int64_t expires_at_ms) const;

 private:
  Result<IssuedSession> StartSession(UserRecord user);
  int64_t NowMs() const;

  const TokenPolicy& tokens_;
  UserDirectory& users_;
  LoginThrottle& throttle_;
  const PasswordHasher& hasher_;
  const SigningKeys& keys_;
  const platform::Clock& clock_;
};

}  // namespace moodtape::auth
