// Pure decisions behind the gateway's account routes (/api/v1/auth/*, /api/v1/me): parsing and
// validating JSON request bodies, reading and writing the session cookies, where a request's
// credentials come from and whether it needs the CSRF header. No network code; unit tested in
// tests/services/gateway/account_requests_test.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "platform/base/error.h"

namespace moodtape::gateway {

inline constexpr std::string_view kAccessCookie = "mt_access";
inline constexpr std::string_view kRefreshCookie = "mt_refresh";
inline constexpr std::string_view kAccessCookiePath = "/";
inline constexpr std::string_view kRefreshCookiePath = "/api/v1/auth";
inline constexpr std::string_view kCsrfHeaderValue = "moodtape";  // X-Requested-With

// Upper bounds the gateway enforces before anything reaches auth (auth applies the real rules).
inline constexpr size_t kMaxUsernameBytes = 64;
inline constexpr size_t kMaxEmailBytes = 254;
inline constexpr size_t kMaxLoginBytes = 254;
inline constexpr size_t kMaxPasswordBytes = 1024;
inline constexpr size_t kMaxRefreshTokenBytes = 512;

struct SignUpInput {
  std::string username;
  std::string email;
  std::string password;
};

struct LoginInput {
  std::string login;  // username or email
  std::string password;
};

// Each parser refuses (kInvalidArgument, message naming the field): a body that is not valid
// UTF-8, not JSON, not an object, a missing or non-string or empty or over-long field, and any
// field it does not know (so a typo such as "pasword" is reported, not silently dropped).
platform::Result<SignUpInput> ParseSignUpBody(std::string_view body);
platform::Result<LoginInput> ParseLoginBody(std::string_view body);
// The body of refresh/logout: empty (or only whitespace) -> nullopt (the cookie is used);
// otherwise {"refresh_token": "..."}.
platform::Result<std::optional<std::string>> ParseRefreshTokenBody(std::string_view body);

// Cookie header -> name/value (the first of repeated names wins; malformed pairs are skipped).
std::map<std::string, std::string> ParseCookieHeader(std::string_view header);

struct CookieAttributes {
  std::string_view path = "/";
  int64_t max_age_s = 0;  // 0 with `expire` clears the cookie
  bool secure = false;    // only when served over TLS
};
// "name=value; Path=...; Max-Age=...; HttpOnly; SameSite=Strict[; Secure]".
std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes);
// A Set-Cookie value that deletes `name` (empty value, Max-Age=0, same Path).
std::string ClearCookieValue(std::string_view name, std::string_view path, bool secure);
// Seconds from now_ms until expires_at_ms, at least 0.
int64_t MaxAgeSeconds(int64_t expires_at_unix_ms, int64_t now_unix_ms);

enum class CredentialSource { kNone, kBearer, kCookie };

struct Credential {
  CredentialSource source = CredentialSource::kNone;
  std::string token;
};

// The access token of a request: "Authorization: Bearer <t>" wins over the mt_access cookie.
// An Authorization header that is not a non-empty Bearer token is kUnauthenticated.
platform::Result<Credential> AccessCredential(std::string_view authorization_header,
                                              std::string_view cookie_header);

// The refresh token of refresh/logout: the body's refresh_token if the body has one, else the
// mt_refresh cookie, else kNone.
platform::Result<Credential> RefreshCredential(std::string_view body,
                                               std::string_view cookie_header);

// CSRF: a state-changing request whose credential came from a cookie must carry
// "X-Requested-With: moodtape" (a custom header a cross-site form cannot send). kPermissionDenied
// otherwise. Bearer and cookie-less requests pass.
platform::Status CheckCsrf(CredentialSource source, std::string_view x_requested_with);

// "X-Token-Delivery": "" or "cookie" -> false (cookies), "body" -> true; anything else is
// kInvalidArgument naming the header.
platform::Result<bool> WantsTokensInBody(std::string_view x_token_delivery);

// "ip:port" / "[v6]:port" -> the IP alone (what auth throttles by).
std::string ClientIp(std::string_view remote_address);

// Unix milliseconds -> "2026-11-22T07:37:40.123Z".
std::string FormatRfc3339(int64_t unix_ms);

}  // namespace moodtape::gateway
