#include "services/auth/auth_service.h"

#include "platform/grpc/call_context.h"
#include "platform/grpc/status.h"
#include "platform/security/user_tokens.h"
#include "services/auth/store_user_directory.h"

namespace moodtape::auth {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr const char* kService = "/moodtape.auth.v1.AuthService/";
constexpr size_t kMaxClientAddress = 64;  // an IPv6 address with a zone fits

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx, const platform::Status& status) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(platform::ToGrpcStatus(status));
  return reactor;
}

void ToProto(const UserRecord& u, v1::User* out) {
  out->set_id(u.id);
  out->set_username(u.username);
  out->set_email(u.email);
  for (const auto& r : u.roles) out->add_roles(r);
  out->set_created_at_unix_ms(u.created_at_ms);
}

void ToProto(const IssuedSession& s, v1::User* user, v1::Session* out) {
  ToProto(s.user, user);
  out->set_access_token(s.access_token);
  out->set_access_token_expires_at_unix_ms(s.access_expires_at_ms);
  out->set_refresh_token(s.refresh_token);
  out->set_refresh_token_expires_at_unix_ms(s.refresh_expires_at_ms);
}

platform::Status CheckClientAddress(const std::string& address) {
  if (address.size() > kMaxClientAddress) {
    return MakeError(ErrorCode::kInvalidArgument, "client_address must be at most 64 characters");
  }
  return platform::Status::Ok();
}

}  // namespace

platform::AccessPolicy AuthAccessPolicy() {
  platform::AccessPolicy policy;
  const std::string s = kService;
  for (const char* method : {"SignUp", "Login", "Refresh", "Logout", "GetUser"}) {
    policy.Allow(s + method, {"gateway"});
  }
  policy.Allow(s + "GetJwks", {"*"});
  return policy;
}

AuthSettings ReadAuthSettings(platform::Config& config) {
  AuthSettings s;
  s.tokens.issuer = platform::ReadUserTokenSettings(config).issuer;
  s.tokens.access_token_ttl = std::chrono::seconds(
      config.Int("auth", "access_token_ttl_s", s.tokens.access_token_ttl.count(), 60, 24 * 3600));
  s.tokens.refresh_token_ttl = std::chrono::seconds(config.Int(
      "auth", "refresh_token_ttl_s", s.tokens.refresh_token_ttl.count(), 3600, 365LL * 24 * 3600));
  s.throttle.max_failures_per_account = static_cast<int>(
      config.Int("auth", "max_failures_per_account", s.throttle.max_failures_per_account, 1, 1000));
  s.throttle.max_failures_per_address = static_cast<int>(config.Int(
      "auth", "max_failures_per_address", s.throttle.max_failures_per_address, 1, 100000));
  s.throttle.lockout_initial = std::chrono::seconds(
      config.Int("auth", "lockout_initial_s", s.throttle.lockout_initial.count(), 1, 24 * 3600));
  s.throttle.lockout_max =
      std::chrono::seconds(config.Int("auth", "lockout_max_s", s.throttle.lockout_max.count(),
                                      s.throttle.lockout_initial.count(), 7 * 24 * 3600));
  s.throttle.failure_memory = std::chrono::seconds(config.Int(
      "auth", "failure_memory_s", s.throttle.failure_memory.count(), 60, 30LL * 24 * 3600));
  s.signing_key_dir = config.String("auth", "signing_key_dir", s.signing_key_dir);
  if (s.signing_key_dir.empty()) throw platform::ConfigError("[auth] signing_key_dir is empty");
  s.store_timeout = config.Millis("auth", "store_timeout_ms", s.store_timeout.count(), 100, 60000);
  s.handler_threads =
      static_cast<int>(config.Int("auth", "handler_threads", s.handler_threads, 1, 256));
  s.handler_queue =
      static_cast<int>(config.Int("auth", "handler_queue", s.handler_queue, 1, 100000));
  return s;
}

// Each handler's body waits on the store (gRPC), Redis and, for sign-up and log-in, an Argon2id
// hash (tens of milliseconds), so it runs on the service's BlockingCallPool, never on a gRPC
// callback thread. GetJwks only reads memory and answers in place.

grpc::ServerUnaryReactor* AuthServiceImpl::SignUp(grpc::CallbackServerContext* ctx,
                                                  const v1::SignUpRequest* req,
                                                  v1::SignUpResponse* res) {
  return pool_.Run(ctx, [this, ctx, req, res]() -> platform::Status {
    if (auto ok = CheckClientAddress(req->client_address()); !ok.ok()) return ok;
    auto call = platform::CallContextOf(ctx);
    StoreUserDirectory users(store_, settings_.store_timeout, call.get());
    Accounts accounts(settings_.tokens, users, throttle_, hasher_, keys_, clock_);
    auto session =
        accounts.SignUp({req->username(), req->email(), req->password(), req->client_address()});
    if (!session.ok()) return session.error();
    ToProto(*session, res->mutable_user(), res->mutable_session());
    return platform::Status::Ok();
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::Login(grpc::CallbackServerContext* ctx,
                                                 const v1::LoginRequest* req,
                                                 v1::LoginResponse* res) {
  return pool_.Run(ctx, [this, ctx, req, res]() -> platform::Status {
    if (auto ok = CheckClientAddress(req->client_address()); !ok.ok()) return ok;
    auto call = platform::CallContextOf(ctx);
    StoreUserDirectory users(store_, settings_.store_timeout, call.get());
    Accounts accounts(settings_.tokens, users, throttle_, hasher_, keys_, clock_);
    // A lock-out's wait travels as a google.rpc.RetryInfo detail (ToGrpcStatus).
    auto session = accounts.Login({req->login(), req->password(), req->client_address()});
    if (!session.ok()) return session.error();
    ToProto(*session, res->mutable_user(), res->mutable_session());
    return platform::Status::Ok();
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::Refresh(grpc::CallbackServerContext* ctx,
                                                   const v1::RefreshRequest* req,
                                                   v1::RefreshResponse* res) {
  return pool_.Run(ctx, [this, ctx, req, res]() -> platform::Status {
    auto call = platform::CallContextOf(ctx);
    StoreUserDirectory users(store_, settings_.store_timeout, call.get());
    Accounts accounts(settings_.tokens, users, throttle_, hasher_, keys_, clock_);
    auto session = accounts.Refresh(req->refresh_token());
    if (!session.ok()) return session.error();
    ToProto(*session, res->mutable_user(), res->mutable_session());
    return platform::Status::Ok();
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::Logout(grpc::CallbackServerContext* ctx,
                                                  const v1::LogoutRequest* req,
                                                  v1::LogoutResponse* res) {
  return pool_.Run(ctx, [this, ctx, req, res]() -> platform::Status {
    auto call = platform::CallContextOf(ctx);
    StoreUserDirectory users(store_, settings_.store_timeout, call.get());
    Accounts accounts(settings_.tokens, users, throttle_, hasher_, keys_, clock_);
    return accounts.Logout(req->refresh_token());
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::GetUser(grpc::CallbackServerContext* ctx,
                                                   const v1::GetUserRequest* req,
                                                   v1::GetUserResponse* res) {
  return pool_.Run(ctx, [this, ctx, req, res]() -> platform::Status {
    auto call = platform::CallContextOf(ctx);
    std::string user_id = req->user_id();
    if (user_id.empty()) {
      // The token was verified before the handler ran (signature, expiry, issuer).
      if (!call->user) {
        return MakeError(ErrorCode::kUnauthenticated,
                         "no user token on the call: send authorization: Bearer "
                         "<access token>, or a user_id");
      }
      user_id = call->user->subject;
    }
    StoreUserDirectory users(store_, settings_.store_timeout, call.get());
    Accounts accounts(settings_.tokens, users, throttle_, hasher_, keys_, clock_);
    auto user = accounts.GetUser(user_id);
    if (!user.ok()) return user.error();
    ToProto(*user, res->mutable_user());
    return platform::Status::Ok();
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::GetJwks(grpc::CallbackServerContext* ctx,
                                                   const v1::GetJwksRequest* req,
                                                   v1::GetJwksResponse* res) {
  res->set_jwks_json(keys_.PublicKeys()->ToJwks().dump());
  return Finish(ctx, platform::Status::Ok());
}

}  // namespace moodtape::auth
