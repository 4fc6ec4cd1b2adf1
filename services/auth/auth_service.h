// The gRPC face of auth: moodtape.auth.v1.AuthService. Each method converts the request, builds
// the core (services/auth/core/accounts.h) over a store client bound to this call, and maps the
// result with platform::ToGrpcStatus; nothing else lives here.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "moodtape/auth/v1/auth_service.grpc.pb.h"
#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/base/config.h"
#include "platform/grpc/auth.h"
#include "platform/grpc/blocking_call_pool.h"
#include "services/auth/core/accounts.h"

namespace moodtape::auth {

namespace v1 = moodtape::auth::v1;

// The account methods are for the gateway (the only front door); GetJwks for every service.
platform::AccessPolicy AuthAccessPolicy();

struct AuthSettings {
  TokenPolicy tokens;
  ThrottlePolicy throttle;
  std::string signing_key_dir = "var/auth/signing";
  std::chrono::milliseconds store_timeout{3000};
  int handler_threads = 8;  // the BlockingCallPool running sign-up, log-in, refresh...
  int handler_queue = 32;   // calls waiting for one of those threads; more are refused at once
};

// [auth] keys (and [jwt] issuer); throws platform::ConfigError naming the key.
AuthSettings ReadAuthSettings(platform::Config& config);

class AuthServiceImpl final : public v1::AuthService::CallbackService {
 public:
  // Everything must outlive the service.
  AuthServiceImpl(const AuthSettings& settings, store::v1::StoreService::StubInterface& store,
                  LoginThrottle& throttle, const PasswordHasher& hasher, const SigningKeys& keys,
                  const platform::Clock& clock, platform::MetricsRegistry* metrics = nullptr)
      : settings_(settings),
        store_(store),
        throttle_(throttle),
        hasher_(hasher),
        keys_(keys),
        clock_(clock),
        pool_("auth", settings.handler_threads, metrics, settings.handler_queue) {}

  grpc::ServerUnaryReactor* SignUp(grpc::CallbackServerContext* ctx, const v1::SignUpRequest* req,
                                   v1::SignUpResponse* res) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* ctx, const v1::LoginRequest* req,
                                  v1::LoginResponse* res) override;
  grpc::ServerUnaryReactor* Refresh(grpc::CallbackServerContext* ctx, const v1::RefreshRequest* req,
                                    v1::RefreshResponse* res) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* ctx, const v1::LogoutRequest* req,
                                   v1::LogoutResponse* res) override;
  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* ctx, const v1::GetUserRequest* req,
                                    v1::GetUserResponse* res) override;
  grpc::ServerUnaryReactor* GetJwks(grpc::CallbackServerContext* ctx, const v1::GetJwksRequest* req,
                                    v1::GetJwksResponse* res) override;

 private:
  const AuthSettings& settings_;
  store::v1::StoreService::StubInterface& store_;
  LoginThrottle& throttle_;
  const PasswordHasher& hasher_;
  const SigningKeys& keys_;
  const platform::Clock& clock_;
  // Runs every handler that blocks (store, Redis, Argon2); declared last so it is joined first.
  platform::BlockingCallPool pool_;
};

}  // namespace moodtape::auth
