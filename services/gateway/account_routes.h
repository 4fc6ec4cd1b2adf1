// The account routes of the gateway: sign-up, log-in, refresh, log-out and /me, as glue between
// the HTTP server and moodtape.auth.v1 (every decision about input, cookies and CSRF lives in
// core/account_requests.h). Handlers run on the HTTP worker pool, so the gRPC calls block.
//
// Sign-up and log-in make auth run Argon2id (64 MiB, tens of milliseconds), so a flood of them
// must not take the gateway's handler threads from every other route: sign-ups are rate-limited
// per client address and overall (in Redis, shared by every gateway), and at most
// `max_password_calls` sign-ups and log-ins are in flight at once per gateway; past that they are
// answered 503 at once instead of queueing behind each other.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "moodtape/auth/v1/auth_service.grpc.pb.h"
#include "platform/base/config.h"
#include "platform/http/server.h"
#include "platform/redis/client.h"
#include "platform/redis/rate_limiter.h"
#include "platform/security/jwt.h"
#include "platform/security/user_tokens.h"
#include "services/gateway/routes.h"

namespace moodtape::gateway {

struct AccountSettings {
  bool secure_cookies = false;                   // [gateway] secure_cookies: only behind TLS
  std::chrono::milliseconds auth_timeout{5000};  // [gateway] auth_timeout_ms: per auth call
  platform::UserTokenSettings tokens;            // [jwt] issuer, jwks_file
  // [gateway] signup_rate_limit_per_address / signup_rate_limit_total per signup_rate_window_ms.
  platform::RateLimit signup_per_address{5, std::chrono::milliseconds(600000)};
  platform::RateLimit signup_total{100, std::chrono::milliseconds(600000)};
  // [gateway] max_password_calls: sign-ups and log-ins in flight at once.
  int max_password_calls = 2;
  std::string key_prefix = "moodtape:";  // the job queue's key prefix: the counters live beside it
};

// Reads [gateway] secure_cookies, auth_timeout_ms, signup_rate_limit_per_address,
// signup_rate_limit_total, signup_rate_window_ms, max_password_calls, and [jwt].
AccountSettings ReadAccountSettings(platform::Config& config);

class AccountRoutes {
 public:
  // `redis` (the sign-up counters) must outlive the routes.
  AccountRoutes(AccountSettings settings,
                std::shared_ptr<auth::v1::AuthService::StubInterface> auth,
                platform::RedisClient& redis);

  // Adds the five routes. `this` must outlive the server's handlers.
  void Register(RouteTable& routes);

  // The counters' keys, for tests and the Redis key table.
  std::string SignUpAddressKey(std::string_view client_ip) const;
  std::string SignUpTotalKey() const;

 private:
  using Request = platform::HttpRequest;
  using Response = platform::HttpResponse;

  Response SignUp(const Request& request);
  Response Login(const Request& request);
  Response Refresh(const Request& request) const;
  Response Logout(const Request& request) const;
  Response Me(const Request& request, const platform::JwtClaims& user) const;

  Response SessionResponse(int status, const auth::v1::User& user, const auth::v1::Session& session,
                           bool tokens_in_body) const;
  // A failed auth call (DownstreamFailure with "the account service").
  Response AuthFailure(const grpc::Status& status, const Request& request) const;
  // Counts a sign-up against the address and the overall windows; the refusal, if any.
  std::optional<Response> ChargeSignUp(const Request& request);

  // Holds one of the max_password_calls slots; empty when none was free.
  class PasswordSlot {
   public:
    explicit PasswordSlot(std::atomic<int>* in_flight) : in_flight_(in_flight) {}
    PasswordSlot(PasswordSlot&& other) noexcept : in_flight_(other.in_flight_) {
      other.in_flight_ = nullptr;
    }
    PasswordSlot(const PasswordSlot&) = delete;
    PasswordSlot& operator=(const PasswordSlot&) = delete;
    ~PasswordSlot() {
      if (in_flight_) in_flight_->fetch_sub(1);
    }
    explicit operator bool() const { return in_flight_ != nullptr; }

   private:
    std::atomic<int>* in_flight_;
  };
  PasswordSlot TakePasswordSlot();
  Response PasswordCallsBusy(const Request& request) const;

  AccountSettings settings_;
  std::shared_ptr<auth::v1::AuthService::StubInterface> auth_;
  platform::RedisRateLimiter limiter_;
  std::atomic<int> password_calls_{0};
};

}  // namespace moodtape::gateway
