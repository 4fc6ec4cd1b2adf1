#include "services/gateway/core/account_requests.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "platform/base/json_fields.h"
#include "platform/base/text.h"

namespace moodtape::gateway {

using platform::ErrorCode;
using platform::MakeError;
using platform::Result;

namespace {

platform::Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

std::string_view Trim(std::string_view s) { return platform::TrimWhitespace(s); }

// Every field of an account body is a required, non-empty string within its byte bound; other
// fields are refused (so a typo such as "pasword" is reported, not silently dropped).
platform::TextRule Required(size_t max_bytes) { return {.max_bytes = max_bytes}; }

}  // namespace

Result<SignUpInput> ParseSignUpBody(std::string_view body) {
  auto doc = platform::ParseJsonObject(body);
  if (!doc.ok()) return doc.error();
  platform::JsonFieldReader r(*doc);
  SignUpInput in;
  in.username = r.String("username", Required(kMaxUsernameBytes));
  in.email = r.String("email", Required(kMaxEmailBytes));
  in.password = r.String("password", Required(kMaxPasswordBytes));
  if (auto done = r.Finish(); !done.ok()) return done.error();
  return in;
}

Result<LoginInput> ParseLoginBody(std::string_view body) {
  auto doc = platform::ParseJsonObject(body);
  if (!doc.ok()) return doc.error();
  platform::JsonFieldReader r(*doc);
  LoginInput in;
  in.login = r.String("login", Required(kMaxLoginBytes));
  in.password = r.String("password", Required(kMaxPasswordBytes));
  if (auto done = r.Finish(); !done.ok()) return done.error();
  return in;
}

Result<std::optional<std::string>> ParseRefreshTokenBody(std::string_view body) {
  if (platform::IsValidUtf8(body) && Trim(body).empty()) return std::optional<std::string>();
  auto doc = platform::ParseJsonObject(body);
  if (!doc.ok()) return doc.error();
  platform::JsonFieldReader r(*doc);
  std::string token = r.String("refresh_token", Required(kMaxRefreshTokenBytes));
  if (auto done = r.Finish(); !done.ok()) return done.error();
  return std::optional<std::string>(std::move(token));
}

std::map<std::string, std::string> ParseCookieHeader(std::string_view header) {
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    size_t end = header.find_first_of(";,");
    std::string_view pair = Trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string_view name = Trim(pair.substr(0, eq));
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out.emplace(std::string(name), std::string(value));  // first wins
  }
  return out;
}

std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes) {
  std::string out;
  out.append(name).append("=").append(value);
  out.append("; Path=").append(attributes.path);
  out.append("; Max-Age=").append(std::to_string(attributes.max_age_s));
  out.append("; HttpOnly; SameSite=Strict");
  if (attributes.secure) out.append("; Secure");
  return out;
}

std::string ClearCookieValue(std::string_view name, std::string_view path, bool secure) {
  return SetCookieValue(name, "", {path, 0, secure});
}

int64_t MaxAgeSeconds(int64_t expires_at_unix_ms, int64_t now_unix_ms) {
  if (expires_at_unix_ms <= now_unix_ms) return 0;
  return (expires_at_unix_ms - now_unix_ms) / 1000;
}

Result<Credential> AccessCredential(std::string_view authorization_header,
                                    std::string_view cookie_header) {
  if (!authorization_header.empty()) {
    std::string_view auth = Trim(authorization_header);
    constexpr std::string_view kScheme = "bearer ";
    bool bearer = auth.size() > kScheme.size();
    for (size_t i = 0; bearer && i < kScheme.size(); ++i) {
      bearer = std::tolower(static_cast<unsigned char>(auth[i])) == kScheme[i];
    }
    std::string_view token = bearer ? Trim(auth.substr(kScheme.size())) : std::string_view();
    if (token.empty()) {
      return MakeError(ErrorCode::kUnauthenticated,
                       "Authorization header must be \"Bearer <access token>\"");
    }
    return Credential{CredentialSource::kBearer, std::string(token)};
  }
  auto cookies = ParseCookieHeader(cookie_header);
  auto it = cookies.find(std::string(kAccessCookie));
  if (it != cookies.end() && !it->second.empty()) {
    return Credential{CredentialSource::kCookie, it->second};
  }
  return Credential{};
}

Result<Credential> RefreshCredential(std::string_view body, std::string_view cookie_header) {
  auto from_body = ParseRefreshTokenBody(body);
  if (!from_body.ok()) return from_body.error();
  if (from_body->has_value()) return Credential{CredentialSource::kBearer, **from_body};
  auto cookies = ParseCookieHeader(cookie_header);
  auto it = cookies.find(std::string(kRefreshCookie));
  if (it != cookies.end() && !it->second.empty()) {
    return Credential{CredentialSource::kCookie, it->second};
  }
  return Credential{};
}

platform::Status CheckCsrf(CredentialSource source, std::string_view x_requested_with) {
  if (source != CredentialSource::kCookie) return platform::Status::Ok();
  if (Trim(x_requested_with) == kCsrfHeaderValue) return platform::Status::Ok();
  return MakeError(ErrorCode::kPermissionDenied,
                   "cookie-authenticated requests must send the header "
                   "\"X-Requested-With: moodtape\" (CSRF protection)");
}

Result<bool> WantsTokensInBody(std::string_view x_token_delivery) {
  std::string v;
  for (char c : Trim(x_token_delivery)) {
    v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (v.empty() || v == "cookie") return false;
  if (v == "body") return true;
  return Invalid("header X-Token-Delivery must be \"body\" or \"cookie\"");
}

std::string ClientIp(std::string_view remote_address) {
  if (!remote_address.empty() && remote_address.front() == '[') {
    size_t close = remote_address.find(']');
    if (close != std::string_view::npos) return std::string(remote_address.substr(1, close - 1));
  }
  size_t colon = remote_address.rfind(':');
  if (colon != std::string_view::npos && remote_address.find(':') == colon) {
    return std::string(remote_address.substr(0, colon));
  }
  return std::string(remote_address);
}

std::string FormatRfc3339(int64_t unix_ms) {
  int64_t secs = unix_ms / 1000;
  int64_t ms = unix_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace moodtape::gateway
