#include "services/gateway/core/account_requests.h"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

#include <nlohmann/json.hpp>

namespace moodtape::gateway {

using platform::ErrorCode;
using platform::MakeError;
using platform::Result;

namespace {

platform::Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

struct FieldSpec {
  std::string_view name;
  size_t max_bytes;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const char* JsonTypeName(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "a string";
}

Result<nlohmann::json> ParseObject(std::string_view body) {
  size_t bad = 0;
  if (!IsValidUtf8(body, &bad)) {
    // Name the field: the parser stops at the bad byte, so the last top-level key it read is
    // the field whose value holds it.
    std::string last_key;
    auto track = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
      if (depth == 1 && event == nlohmann::json::parse_event_t::key && parsed.is_string()) {
        last_key = parsed.get<std::string>();
      }
      return true;
    };
    nlohmann::json partial =
        nlohmann::json::parse(body.substr(0, bad + 1), track, /*allow_exceptions=*/false);
    (void)partial;  // only the keys seen before the bad byte matter
    std::string where = " (byte " + std::to_string(bad) + ")";
    if (!last_key.empty()) return Invalid("field \"" + last_key + "\" is not valid UTF-8" + where);
    return Invalid("request body is not valid UTF-8" + where);
  }
  if (Trim(body).empty()) return Invalid("request body is empty; expected a JSON object");
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Invalid("request body is not valid JSON");
  if (!doc.is_object()) return Invalid("request body must be a JSON object");
  return doc;
}

// Every field in `specs` is required, a non-empty string within its bound; other fields are
// refused. Returns the values in the order of `specs`.
Result<std::vector<std::string>> StringFields(const nlohmann::json& doc,
                                              std::initializer_list<FieldSpec> specs) {
  for (const auto& item : doc.items()) {
    const std::string& key = item.key();
    bool known = false;
    for (const auto& spec : specs) known = known || key == spec.name;
    if (!known) return Invalid("unknown field \"" + key + "\"");
  }
  std::vector<std::string> out;
  for (const auto& spec : specs) {
    std::string name(spec.name);
    auto it = doc.find(name);
    if (it == doc.end()) return Invalid("missing field \"" + name + "\"");
    if (!it->is_string()) {
      return Invalid("field \"" + name + "\" must be a string, not " + JsonTypeName(*it));
    }
    const auto& value = it->get_ref<const std::string&>();
    if (value.empty()) return Invalid("field \"" + name + "\" must not be empty");
    if (value.size() > spec.max_bytes) {
      return Invalid("field \"" + name + "\" is too long (at most " +
                     std::to_string(spec.max_bytes) + " bytes)");
    }
    if (value.find('\0') != std::string::npos) {
      return Invalid("field \"" + name + "\" must not contain NUL characters");
    }
    out.push_back(value);
  }
  return out;
}

}  // namespace

bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    if (i + len > n) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        if (bad_offset) *bad_offset = i;
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    static constexpr std::array<uint32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

Result<SignUpInput> ParseSignUpBody(std::string_view body) {
  auto doc = ParseObject(body);
  if (!doc.ok()) return doc.error();
  auto fields = StringFields(*doc, {{"username", kMaxUsernameBytes},
                                    {"email", kMaxEmailBytes},
                                    {"password", kMaxPasswordBytes}});
  if (!fields.ok()) return fields.error();
  return SignUpInput{(*fields)[0], (*fields)[1], (*fields)[2]};
}

Result<LoginInput> ParseLoginBody(std::string_view body) {
  auto doc = ParseObject(body);
  if (!doc.ok()) return doc.error();
  auto fields = StringFields(*doc, {{"login", kMaxLoginBytes}, {"password", kMaxPasswordBytes}});
  if (!fields.ok()) return fields.error();
  return LoginInput{(*fields)[0], (*fields)[1]};
}

Result<std::optional<std::string>> ParseRefreshTokenBody(std::string_view body) {
  if (IsValidUtf8(body) && Trim(body).empty()) return std::optional<std::string>();
  auto doc = ParseObject(body);
  if (!doc.ok()) return doc.error();
  auto fields = StringFields(*doc, {{"refresh_token", kMaxRefreshTokenBytes}});
  if (!fields.ok()) return fields.error();
  return std::optional<std::string>((*fields)[0]);
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
