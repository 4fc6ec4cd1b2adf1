// How a gateway route says who may call it and what it accepts, so handlers hold only their own
// logic (as Online Boutique's middleware and userver's per-handler auth do):
//
//   routes.User("GET", "/api/v1/jobs/{id}", [this](const HttpRequest& r, const JwtClaims& user) {
//     return GetJob(r, user);
//   });
//
// - Anyone: no token needed (sign-up, log-in, health).
// - User: a valid access token (Bearer or the mt_access cookie) or 401; a cookie on a
//   state-changing method (POST, PUT, PATCH, DELETE) also needs X-Requested-With (CSRF) or 403.
// - Admin: as User, and the admin role or 403.
// - json_body: a non-empty body must be Content-Type application/json or 415, so a cross-site
//   HTML form (text/plain, urlencoded, multipart) cannot reach a JSON route (login CSRF).
//
// And one mapping from a failed downstream call (gRPC through FromGrpcStatus, the job queue,
// Redis) to the HTTP answer: DownstreamFailure.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "platform/base/error.h"
#include "platform/grpc/call_context.h"
#include "platform/http/server.h"
#include "platform/security/jwt.h"
#include "services/gateway/request_auth.h"

namespace moodtape::gateway {

using CallerHandler =
    std::function<platform::HttpResponse(const platform::HttpRequest&, const platform::JwtClaims&)>;

struct RouteOptions {
  bool json_body = false;  // refuse a non-empty body that is not application/json (415)
};

class RouteTable {
 public:
  // `server` must outlive the table's routes' use; `auth` verifies tokens for User/Admin.
  RouteTable(platform::HttpServer& server, std::shared_ptr<const RequestAuthenticator> auth);

  void Anyone(std::string method, std::string pattern, platform::HttpHandler handler,
              RouteOptions options = {});
  void User(std::string method, std::string pattern, CallerHandler handler,
            RouteOptions options = {});
  void Admin(std::string method, std::string pattern, CallerHandler handler,
             RouteOptions options = {});

  platform::HttpServer& server() { return server_; }

 private:
  platform::HttpServer& server_;
  std::shared_ptr<const RequestAuthenticator> auth_;
};

// POST, PUT, PATCH and DELETE change state (CSRF applies); GET and HEAD do not.
bool IsStateChanging(std::string_view method);
// "application/json" with optional parameters ("; charset=utf-8"), case-insensitive.
bool IsJsonContentType(std::string_view content_type);

// The HTTP answer for a failed call to another service or to Redis:
// - kUnavailable, kDeadlineExceeded: 503 + Retry-After (the error's hint, else
//   `busy_retry_after`), "<what> is unavailable; try again shortly", logged as a warning;
// - kResourceExhausted: 429 + Retry-After (the error's hint, else 60 s) with its message;
// - the caller's own mistakes (invalid argument, not found, already exists, unauthenticated,
//   permission denied, failed precondition, aborted): their status and message;
// - anything else: 500 "internal error", the detail only in the log with the request id.
// `what` names the dependency for people ("the account service", "history").
platform::HttpResponse DownstreamFailure(
    const platform::Error& error, const platform::HttpRequest& request, std::string_view what,
    std::chrono::seconds busy_retry_after = std::chrono::seconds(5));

// The request id and trace of an HTTP request, as the parent of the gRPC calls it makes.
platform::CallContext CallContextFor(const platform::HttpRequest& request);

// `response` marked Cache-Control: no-store: answers about one user's data, jobs and tokens
// must not sit in a shared cache.
platform::HttpResponse NoStore(platform::HttpResponse response);

// The error answer for `code` with a message a person can act on, carrying the request id.
platform::HttpResponse ErrorFor(platform::ErrorCode code, std::string message,
                                const platform::HttpRequest& request);

// Sets Retry-After to `wait` rounded up to whole seconds (at least 1).
void SetRetryAfter(platform::HttpResponse& response, std::chrono::milliseconds wait);

}  // namespace moodtape::gateway
