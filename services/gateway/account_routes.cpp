#include "services/gateway/account_routes.h"

#include <chrono>

#include "platform/base/log.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/status.h"
#include "services/gateway/core/account_requests.h"

namespace moodtape::gateway {

using platform::ErrorCode;
using platform::ErrorResponse;
using platform::HttpResponse;
using platform::MakeError;

namespace {

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

nlohmann::json UserJson(const auth::v1::User& user) {
  return {{"id", user.id()},
          {"username", user.username()},
          {"email", user.email()},
          {"roles", std::vector<std::string>(user.roles().begin(), user.roles().end())},
          {"created_at", FormatRfc3339(user.created_at_unix_ms())}};
}

HttpResponse Unauthenticated(std::string message, const platform::HttpRequest& request) {
  return ErrorResponse(MakeError(ErrorCode::kUnauthenticated, std::move(message)),
                       request.request_id);
}

}  // namespace

AccountSettings ReadAccountSettings(platform::Config& config) {
  AccountSettings s;
  s.secure_cookies = config.Bool("gateway", "secure_cookies", s.secure_cookies);
  s.auth_timeout = config.Millis("gateway", "auth_timeout_ms", 5000, 100, 60000);
  const auto window =
      config.Millis("gateway", "signup_rate_window_ms", 600000, 1000, 7LL * 86400000);
  s.signup_per_address = {config.Int("gateway", "signup_rate_limit_per_address",
                                     s.signup_per_address.limit, 1, 1000000),
                          window};
  s.signup_total = {
      config.Int("gateway", "signup_rate_limit_total", s.signup_total.limit, 1, 100000000), window};
  s.max_password_calls =
      static_cast<int>(config.Int("gateway", "max_password_calls", s.max_password_calls, 1, 1024));
  s.tokens = platform::ReadUserTokenSettings(config);
  return s;
}

AccountRoutes::AccountRoutes(AccountSettings settings,
                             std::shared_ptr<auth::v1::AuthService::StubInterface> auth,
                             platform::RedisClient& redis)
    : settings_(std::move(settings)), auth_(std::move(auth)), limiter_(redis) {}

void AccountRoutes::Register(RouteTable& routes) {
  const RouteOptions json{.json_body = true};
  routes.Anyone(
      "POST", "/api/v1/auth/signup", [this](const Request& r) { return SignUp(r); }, json);
  routes.Anyone(
      "POST", "/api/v1/auth/login", [this](const Request& r) { return Login(r); }, json);
  routes.Anyone(
      "POST", "/api/v1/auth/refresh", [this](const Request& r) { return Refresh(r); }, json);
  routes.Anyone(
      "POST", "/api/v1/auth/logout", [this](const Request& r) { return Logout(r); }, json);
  routes.User("GET", "/api/v1/me",
              [this](const Request& r, const platform::JwtClaims& user) { return Me(r, user); });
}

std::string AccountRoutes::SignUpAddressKey(std::string_view client_ip) const {
  return settings_.key_prefix + "gateway:signup_rate:ip:" + std::string(client_ip);
}

std::string AccountRoutes::SignUpTotalKey() const {
  return settings_.key_prefix + "gateway:signup_rate:total";
}

AccountRoutes::PasswordSlot AccountRoutes::TakePasswordSlot() {
  int now = password_calls_.load();
  while (now < settings_.max_password_calls) {
    if (password_calls_.compare_exchange_weak(now, now + 1)) return PasswordSlot(&password_calls_);
  }
  return PasswordSlot(nullptr);
}

HttpResponse AccountRoutes::PasswordCallsBusy(const Request& request) const {
  platform::LogWarn("password calls at their limit",
                    {{"request_id", request.request_id},
                     {"route", request.route},
                     {"max_password_calls", settings_.max_password_calls}});
  HttpResponse res = ErrorResponse(
      MakeError(ErrorCode::kUnavailable, "too many sign-ups and log-ins right now; try again"),
      request.request_id);
  SetRetryAfter(res, std::chrono::seconds(1));
  return res;
}

std::optional<HttpResponse> AccountRoutes::ChargeSignUp(const Request& request) {
  const std::string ip = ClientIp(request.remote_address);
  for (const auto& [key, limit, whom] :
       {std::tuple{SignUpAddressKey(ip), settings_.signup_per_address, "from this address"},
        std::tuple{SignUpTotalKey(), settings_.signup_total, "on this server"}}) {
    platform::Status charged = limiter_.Charge(key, limit);
    if (charged.ok()) continue;
    if (charged.error().code != ErrorCode::kResourceExhausted) {
      // Fail closed: without the counters a flood could not be told from normal traffic.
      return DownstreamFailure(charged.error(), request, "sign-up");
    }
    HttpResponse res = ErrorResponse(
        MakeError(ErrorCode::kResourceExhausted,
                  std::string("too many sign-ups ") + whom + ": at most " +
                      std::to_string(limit.limit) + " every " +
                      std::to_string(limit.window.count() / 1000) + " s; try again later"),
        request.request_id);
    SetRetryAfter(res, *charged.error().retry_after);
    return res;
  }
  return std::nullopt;
}

HttpResponse AccountRoutes::AuthFailure(const grpc::Status& status, const Request& request) const {
  return DownstreamFailure(platform::FromGrpcStatus(status), request, "the account service");
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
    return NoStore(platform::JsonResponse(status, body));
  }
  int64_t now = NowUnixMs();
  HttpResponse res = NoStore(platform::JsonResponse(status, body));
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

HttpResponse AccountRoutes::SignUp(const Request& request) {
  auto delivery = WantsTokensInBody(request.Header("x-token-delivery"));
  if (!delivery.ok()) return ErrorResponse(delivery.error(), request.request_id);
  auto input = ParseSignUpBody(request.body);
  if (!input.ok()) return ErrorResponse(input.error(), request.request_id);
  if (auto refused = ChargeSignUp(request)) return *refused;
  PasswordSlot slot = TakePasswordSlot();
  if (!slot) return PasswordCallsBusy(request);

  auth::v1::SignUpRequest req;
  req.set_username(input->username);
  req.set_email(input->email);
  req.set_password(input->password);
  req.set_client_address(ClientIp(request.remote_address));
  auth::v1::SignUpResponse resp;
  platform::CallContext parent = CallContextFor(request);
  auto call = platform::NewClientContext(settings_.auth_timeout, &parent);
  grpc::Status status = auth_->SignUp(call.get(), req, &resp);
  if (!status.ok()) return AuthFailure(status, request);
  return SessionResponse(201, resp.user(), resp.session(), *delivery);
}

HttpResponse AccountRoutes::Login(const Request& request) {
  auto delivery = WantsTokensInBody(request.Header("x-token-delivery"));
  if (!delivery.ok()) return ErrorResponse(delivery.error(), request.request_id);
  auto input = ParseLoginBody(request.body);
  if (!input.ok()) return ErrorResponse(input.error(), request.request_id);
  PasswordSlot slot = TakePasswordSlot();
  if (!slot) return PasswordCallsBusy(request);

  auth::v1::LoginRequest req;
  req.set_login(input->login);
  req.set_password(input->password);
  req.set_client_address(ClientIp(request.remote_address));
  auth::v1::LoginResponse resp;
  platform::CallContext parent = CallContextFor(request);
  auto call = platform::NewClientContext(settings_.auth_timeout, &parent);
  grpc::Status status = auth_->Login(call.get(), req, &resp);
  if (!status.ok()) return AuthFailure(status, request);
  return SessionResponse(200, resp.user(), resp.session(), *delivery);
}

HttpResponse AccountRoutes::Refresh(const Request& request) const {
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
    HttpResponse res = AuthFailure(status, request);
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

HttpResponse AccountRoutes::Logout(const Request& request) const {
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
    if (!status.ok()) return AuthFailure(status, request);
  }
  HttpResponse res = NoStore(platform::JsonResponse(200, {{"status", "logged_out"}}));
  res.headers.emplace_back(
      "Set-Cookie", ClearCookieValue(kAccessCookie, kAccessCookiePath, settings_.secure_cookies));
  res.headers.emplace_back(
      "Set-Cookie", ClearCookieValue(kRefreshCookie, kRefreshCookiePath, settings_.secure_cookies));
  return res;
}

HttpResponse AccountRoutes::Me(const Request& request, const platform::JwtClaims& user) const {
  // The route verified the token; auth verifies it again (least privilege: the gateway asks for
  // the caller's own record with the caller's own token, never by id).
  auto credential = AccessCredential(request.Header("authorization"), request.Header("cookie"));
  if (!credential.ok()) return ErrorResponse(credential.error(), request.request_id);
  platform::CallContext parent = CallContextFor(request);
  parent.user = user;
  parent.bearer_token = credential->token;
  auth::v1::GetUserRequest req;
  auth::v1::GetUserResponse resp;
  auto call = platform::NewClientContext(settings_.auth_timeout, &parent, /*forward_user=*/true);
  grpc::Status status = auth_->GetUser(call.get(), req, &resp);
  if (!status.ok()) return AuthFailure(status, request);
  return NoStore(platform::JsonResponse(200, UserJson(resp.user())));
}

}  // namespace moodtape::gateway
