#include "services/gateway/account_routes.h"

#include <chrono>

#include "platform/call_context.h"
#include "platform/grpc_status.h"
#include "platform/log.h"
#include "services/gateway/core/account_requests.h"

namespace moodtape::gateway {

using platform::ErrorCode;
using platform::ErrorResponse;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::MakeError;

namespace {

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

platform::CallContext CallContextFor(const HttpRequest& request) {
  platform::CallContext ctx;
  ctx.request_id = request.request_id;
  ctx.trace = request.trace;
  return ctx;
}

nlohmann::json UserJson(const auth::v1::User& user) {
  return {{"id", user.id()},
          {"username", user.username()},
          {"email", user.email()},
          {"roles", std::vector<std::string>(user.roles().begin(), user.roles().end())},
          {"created_at", FormatRfc3339(user.created_at_unix_ms())}};
}

// A failed auth call as the HTTP answer: 429 + Retry-After while locked out, 503 when auth
// cannot be reached in time, the auth message for the caller's own mistakes, and a generic
// message (details in the log) for anything else.
HttpResponse AuthFailure(const grpc::Status& status, const grpc::ClientContext& call,
                         const HttpRequest& request, std::string_view rpc) {
  platform::Error error = platform::FromGrpcStatus(status);
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      platform::LogWarn("auth unavailable", {{"request_id", request.request_id},
                                             {"rpc", std::string(rpc)},
                                             {"error", status.error_message()}});
      return ErrorResponse(MakeError(ErrorCode::kUnavailable,
                                     "the account service is unavailable; try again shortly"),
                           request.request_id);
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return ErrorResponse(error, request.request_id);
    case grpc::StatusCode::RESOURCE_EXHAUSTED: {
      HttpResponse res = ErrorResponse(error, request.request_id);
      const auto& trailers = call.GetServerTrailingMetadata();
      auto it = trailers.find("retry-after");
      std::string seconds =
          it == trailers.end() ? "60" : std::string(it->second.data(), it->second.size());
      res.SetHeader("Retry-After", seconds);
      return res;
    }
    default:
      platform::LogError("auth call failed", {{"request_id", request.request_id},
                                              {"rpc", std::string(rpc)},
                                              {"code", static_cast<int>(status.error_code())},
                                              {"error", status.error_message()}});
      return ErrorResponse(MakeError(ErrorCode::kInternal, "internal error"), request.request_id);
  }
}

HttpResponse Unauthenticated(std::string message, const HttpRequest& request) {
  return ErrorResponse(MakeError(ErrorCode::kUnauthenticated, std::move(message)),
                       request.request_id);
}

}  // namespace

AccountSettings ReadAccountSettings(platform::Config& config) {
  AccountSettings s;
  s.secure_cookies = config.Bool("gateway", "secure_cookies", s.secure_cookies);
  s.auth_timeout = config.Millis("gateway", "auth_timeout_ms", 5000, 100, 60000);
  s.tokens = platform::ReadUserTokenSettings(config);
  return s;
}

AccountRoutes::AccountRoutes(AccountSettings settings,
                             std::shared_ptr<auth::v1::AuthService::StubInterface> auth,
                             std::shared_ptr<const RequestAuthenticator> authenticator)
    : settings_(std::move(settings)),
      auth_(std::move(auth)),
      authenticator_(std::move(authenticator)) {}

void AccountRoutes::Register(platform::HttpServer& server) {
  server.Handle("POST", "/api/v1/auth/signup", [this](const HttpRequest& r) { return SignUp(r); });
  server.Handle("POST", "/api/v1/auth/login", [this](const HttpRequest& r) { return Login(r); });
  server.Handle("POST", "/api/v1/auth/refresh",
                [this](const HttpRequest& r) { return Refresh(r); });
  server.Handle("POST", "/api/v1/auth/logout", [this](const HttpRequest& r) { return Logout(r); });
  server.Handle("GET", "/api/v1/me", [this](const HttpRequest& r) { return Me(r); });
}

HttpResponse AccountRoutes::SessionResponse(int status, const auth::v1::User& user,
                                            const auth::v1::Session& session,
                                            bool tokens_in_body) const {
  nlohmann::json body = {
      {"user", UserJson(user)},
      {"access_token_expires_at", FormatRfc3339(session.access_token_expires_at_unix_ms())}};
  if (tokens_in_body) {
    body["token_type"] = "Bearer";
    body["access_token"] = session.access_token();
    body["refresh_token"] = session.refresh_token();
    body["refresh_token_expires_at"] = FormatRfc3339(session.refresh_token_expires_at_unix_ms());
    HttpResponse res = platform::JsonResponse(status, body);
    res.SetHeader("Cache-Control", "no-store");
    return res;
  }
  int64_t now = NowUnixMs();
  HttpResponse res = platform::JsonResponse(status, body);
  res.SetHeader("Cache-Control", "no-store");
  res.headers.emplace_back(
      "Set-Cookie", SetCookieValue(kAccessCookie, session.access_token(),
                                   {kAccessCookiePath,
                                    MaxAgeSeconds(session.access_token_expires_at_unix_ms(), now),
                                    settings_.secure_cookies}));
  res.headers.emplace_back(
      "Set-Cookie", SetCookieValue(kRefreshCookie, session.refresh_token(),
                                   {kRefreshCookiePath,
                                    MaxAgeSeconds(session.refresh_token_expires_at_unix_ms(), now),
                                    settings_.secure_cookies}));
  return res;
}

HttpResponse AccountRoutes::SignUp(const HttpRequest& request) const {
  auto delivery = WantsTokensInBody(request.Header("x-token-delivery"));
  if (!delivery.ok()) return ErrorResponse(delivery.error(), request.request_id);
  auto input = ParseSignUpBody(request.body);
  if (!input.ok()) return ErrorResponse(input.error(), request.request_id);

  auth::v1::SignUpRequest req;
  req.set_username(input->username);
  req.set_email(input->email);
  req.set_password(input->password);
  req.set_client_address(ClientIp(request.remote_address));
  auth::v1::SignUpResponse resp;
  platform::CallContext parent = CallContextFor(request);
  auto call = platform::NewClientContext(settings_.auth_timeout, &parent);
  grpc::Status status = auth_->SignUp(call.get(), req, &resp);
  if (!status.ok()) return AuthFailure(status, *call, request, "SignUp");
  return SessionResponse(201, resp.user(), resp.session(), *delivery);
}

HttpResponse AccountRoutes::Login(const HttpRequest& request) const {
  auto delivery = WantsTokensInBody(request.Header("x-token-delivery"));
  if (!delivery.ok()) return ErrorResponse(delivery.error(), request.request_id);
  auto input = ParseLoginBody(request.body);
  if (!input.ok()) return ErrorResponse(input.error(), request.request_id);

  auth::v1::LoginRequest req;
  req.set_login(input->login);
  req.set_password(input->password);
  req.set_client_address(ClientIp(request.remote_address));
  auth::v1::LoginResponse resp;
  platform::CallContext parent = CallContextFor(request);
  auto call = platform::NewClientContext(settings_.auth_timeout, &parent);
  grpc::Status status = auth_->Login(call.get(), req, &resp);
  if (!status.ok()) return AuthFailure(status, *call, request, "Login");
  return SessionResponse(200, resp.user(), resp.session(), *delivery);
}

HttpResponse AccountRoutes::Refresh(const HttpRequest& request) const {
  auto delivery = WantsTokensInBody(request.Header("x-token-delivery"));
  if (!delivery.ok()) return ErrorResponse(delivery.error(), request.request_id);
  auto credential = RefreshCredential(request.body, request.Header("cookie"));
  if (!credential.ok()) return ErrorResponse(credential.error(), request.request_id);
  if (credential->source == CredentialSource::kNone) {
    return Unauthenticated(
        "no refresh token: send the mt_refresh cookie or {\"refresh_token\": \"...\"}", request);
  }
  platform::Status csrf = CheckCsrf(credential->source, request.Header("x-requested-with"));
  if (!csrf.ok()) return ErrorResponse(csrf.error(), request.request_id);
  // A token sent in the body gets its successor in the body; a cookie gets cookies back.
  bool in_body = *delivery || credential->source != CredentialSource::kCookie;

  auth::v1::RefreshRequest req;
  req.set_refresh_token(credential->token);
  auth::v1::RefreshResponse resp;
  platform::CallContext parent = CallContextFor(request);
  auto call = platform::NewClientContext(settings_.auth_timeout, &parent);
  grpc::Status status = auth_->Refresh(call.get(), req, &resp);
  if (!status.ok()) {
    HttpResponse res = AuthFailure(status, *call, request, "Refresh");
    if (res.status == 401 && credential->source == CredentialSource::kCookie) {
      // The cookie is dead (rotated, revoked or expired): drop both so the app shows log-in.
      res.headers.emplace_back("Set-Cookie", ClearCookieValue(kAccessCookie, kAccessCookiePath,
                                                              settings_.secure_cookies));
      res.headers.emplace_back("Set-Cookie", ClearCookieValue(kRefreshCookie, kRefreshCookiePath,
                                                              settings_.secure_cookies));
    }
    return res;
  }
  return SessionResponse(200, resp.user(), resp.session(), in_body);
}

HttpResponse AccountRoutes::Logout(const HttpRequest& request) const {
  auto credential = RefreshCredential(request.body, request.Header("cookie"));
  if (!credential.ok()) return ErrorResponse(credential.error(), request.request_id);
  platform::Status csrf = CheckCsrf(credential->source, request.Header("x-requested-with"));
  if (!csrf.ok()) return ErrorResponse(csrf.error(), request.request_id);

  if (credential->source != CredentialSource::kNone) {
    auth::v1::LogoutRequest req;
    req.set_refresh_token(credential->token);
    auth::v1::LogoutResponse resp;
    platform::CallContext parent = CallContextFor(request);
    auto call = platform::NewClientContext(settings_.auth_timeout, &parent);
    grpc::Status status = auth_->Logout(call.get(), req, &resp);
    if (!status.ok()) return AuthFailure(status, *call, request, "Logout");
  }
  HttpResponse res = platform::JsonResponse(200, {{"status", "logged_out"}});
  res.SetHeader("Cache-Control", "no-store");
  res.headers.emplace_back(
      "Set-Cookie", ClearCookieValue(kAccessCookie, kAccessCookiePath, settings_.secure_cookies));
  res.headers.emplace_back(
      "Set-Cookie", ClearCookieValue(kRefreshCookie, kRefreshCookiePath, settings_.secure_cookies));
  return res;
}

HttpResponse AccountRoutes::Me(const HttpRequest& request) const {
  auto credential = AccessCredential(request.Header("authorization"), request.Header("cookie"));
  if (!credential.ok()) return ErrorResponse(credential.error(), request.request_id);
  if (credential->source == CredentialSource::kNone) {
    return Unauthenticated(
        "not logged in: send the mt_access cookie or \"Authorization: Bearer <access token>\"",
        request);
  }
  auto claims = authenticator_->Verify(credential->token);
  if (!claims.ok()) return Unauthenticated(claims.error().message, request);

  platform::CallContext parent = CallContextFor(request);
  parent.user = *claims;
  parent.bearer_token = credential->token;
  auth::v1::GetUserRequest req;
  auth::v1::GetUserResponse resp;
  auto call = platform::NewClientContext(settings_.auth_timeout, &parent, /*forward_user=*/true);
  grpc::Status status = auth_->GetUser(call.get(), req, &resp);
  if (!status.ok()) return AuthFailure(status, *call, request, "GetUser");
  HttpResponse res = platform::JsonResponse(200, UserJson(resp.user()));
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

}  // namespace moodtape::gateway
