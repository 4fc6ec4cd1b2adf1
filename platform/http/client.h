// A small blocking HTTP/1.1 client (Boost.Beast) for the few outgoing calls the platform makes:
// error reports to a Sentry-compatible DSN and readiness probes in the launcher. Every call has
// a total deadline. Never call it on an Asio I/O thread.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "platform/base/error.h"

namespace moodtape::platform {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;
  std::string port;    // defaulted from the scheme when absent
  std::string target;  // path and query, "/" when absent
};

std::optional<Url> ParseUrl(std::string_view url);

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  std::chrono::milliseconds timeout{2000};
  // For https: verify the server against the system trust store (off only for tests).
  bool verify_tls = true;
};

struct HttpClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

// kInvalidArgument for a bad URL, kDeadlineExceeded on timeout, kUnavailable when the peer
// cannot be reached. Any HTTP status is a successful Result.
Result<HttpClientResponse> HttpFetch(const HttpClientRequest& request);

}  // namespace moodtape::platform
