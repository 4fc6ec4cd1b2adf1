#include "services/gateway/routes.h"

#include "platform/base/log.h"
#include "platform/base/text.h"

namespace moodtape::gateway {

using platform::ErrorCode;
using platform::ErrorResponse;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::MakeError;

namespace {

// 415 is not a protocol-neutral error code: only HTTP has media types.
HttpResponse UnsupportedMediaType(const HttpRequest& request) {
  HttpResponse res =
      ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                              "the request body must be JSON sent with \"Content-Type: "
                              "application/json\""),
                    request.request_id);
  res.status = 415;
  return res;
}

std::optional<HttpResponse> CheckBody(const HttpRequest& request, const RouteOptions& options) {
  if (options.json_body && !request.body.empty() &&
      !IsJsonContentType(request.Header("content-type"))) {
    return UnsupportedMediaType(request);
  }
  return std::nullopt;
}

}  // namespace

bool IsStateChanging(std::string_view method) { return method != "GET" && method != "HEAD"; }

bool IsJsonContentType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  return platform::ToLowerAscii(platform::TrimWhitespace(type)) == "application/json";
}

RouteTable::RouteTable(platform::HttpServer& server,
                       std::shared_ptr<const RequestAuthenticator> auth)
    : server_(server), auth_(std::move(auth)) {}

void RouteTable::Anyone(std::string method, std::string pattern, platform::HttpHandler handler,
                        RouteOptions options) {
  server_.Handle(std::move(method), std::move(pattern),
                 [handler = std::move(handler), options](const HttpRequest& request) {
                   if (auto refused = CheckBody(request, options)) return *refused;
                   return handler(request);
                 });
}

void RouteTable::User(std::string method, std::string pattern, CallerHandler handler,
                      RouteOptions options) {
  const bool state_changing = IsStateChanging(method);
  server_.Handle(std::move(method), std::move(pattern),
                 [auth = auth_, handler = std::move(handler), options,
                  state_changing](const HttpRequest& request) {
                   auto claims = auth->Authenticate(request, state_changing);
                   if (!claims.ok()) return ErrorResponse(claims.error(), request.request_id);
                   if (auto refused = CheckBody(request, options)) return *refused;
                   return handler(request, *claims);
                 });
}

void RouteTable::Admin(std::string method, std::string pattern, CallerHandler handler,
                       RouteOptions options) {
  User(
      std::move(method), std::move(pattern),
      [handler = std::move(handler)](const HttpRequest& request,
                                     const platform::JwtClaims& claims) {
        if (!claims.HasRole("admin")) {
          return ErrorResponse(MakeError(ErrorCode::kPermissionDenied, "this needs the admin role"),
                               request.request_id);
        }
        return handler(request, claims);
      },
      options);
}

platform::CallContext CallContextFor(const HttpRequest& request) {
  platform::CallContext ctx;
  ctx.request_id = request.request_id;
  ctx.trace = request.trace;
  return ctx;
}

void SetRetryAfter(HttpResponse& response, std::chrono::milliseconds wait) {
  const int64_t seconds = std::max<int64_t>(1, (wait.count() + 999) / 1000);
  response.SetHeader("Retry-After", std::to_string(seconds));
}

HttpResponse DownstreamFailure(const platform::Error& error, const HttpRequest& request,
                               std::string_view what, std::chrono::seconds busy_retry_after) {
  switch (error.code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded: {
      platform::LogWarn("dependency unavailable", {{"request_id", request.request_id},
                                                   {"dependency", std::string(what)},
                                                   {"error", error.message}});
      HttpResponse res =
          ErrorResponse(MakeError(ErrorCode::kUnavailable,
                                  std::string(what) + " is unavailable; try again shortly"),
                        request.request_id);
      SetRetryAfter(res, error.retry_after.value_or(busy_retry_after));
      return res;
    }
    case ErrorCode::kResourceExhausted: {
      HttpResponse res = ErrorResponse(error, request.request_id);
      SetRetryAfter(res, error.retry_after.value_or(std::chrono::seconds(60)));
      return res;
    }
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kAborted:
      return ErrorResponse(error, request.request_id);
    default:
      platform::LogError("dependency call failed",
                         {{"request_id", request.request_id},
                          {"dependency", std::string(what)},
                          {"code", std::string(platform::ErrorCodeName(error.code))},
                          {"error", error.message}});
      return ErrorResponse(MakeError(ErrorCode::kInternal, "internal error"), request.request_id);
  }
}

platform::HttpResponse NoStore(platform::HttpResponse response) {
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

platform::HttpResponse ErrorFor(platform::ErrorCode code, std::string message,
                                const platform::HttpRequest& request) {
  return platform::ErrorResponse(platform::MakeError(code, std::move(message)), request.request_id);
}

}  // namespace moodtape::gateway
