#include "services/gateway/gateway_http.h"

#include "platform/base/log.h"
#include "platform/service/service_main.h"

namespace moodtape::gateway {

using platform::ErrorCode;
using platform::ErrorResponse;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::MakeError;

GatewaySettings ReadGatewaySettings(platform::Config& config) {
  GatewaySettings s;
  s.http.address = config.String("gateway", "http_address", "127.0.0.1:8080");
  platform::RequireHostPort("gateway", "http_address", s.http.address);
  s.static_dir = config.String("gateway", "static_dir", s.static_dir);
  s.http.max_body_bytes =
      static_cast<size_t>(config.Int("gateway", "max_body_bytes", 1 << 20, 1024, 64LL << 20));
  s.http.max_header_bytes =
      static_cast<size_t>(config.Int("gateway", "max_header_bytes", 16 << 10, 1024, 1 << 20));
  s.http.io_threads = static_cast<int>(config.Int("gateway", "io_threads", 1, 1, 64));
  s.http.worker_threads = static_cast<int>(config.Int("gateway", "worker_threads", 4, 1, 256));
  s.http.idle_timeout = config.Millis("gateway", "idle_timeout_ms", 60000, 1000);
  s.http.max_connections = static_cast<size_t>(config.Int(
      "gateway", "max_connections", static_cast<int64_t>(s.http.max_connections), 1, 1000000));
  s.http.websocket_send_queue = static_cast<size_t>(
      config.Int("gateway", "websocket_send_queue",
                 static_cast<int64_t>(s.http.websocket_send_queue), 1, 1000000));
  return s;
}

GatewayHttp::GatewayHttp(GatewaySettings settings, platform::MetricsRegistry& metrics)
    : settings_(std::move(settings)),
      site_(settings_.static_dir),
      server_(settings_.http, metrics) {
  server_.Handle("GET", "/api/v1/health", [this](const HttpRequest& r) { return Health(r); });
  server_.HandlePrefix(std::string(platform::HttpServer::kAnyMethod), "/api/",
                       [this](const HttpRequest& r) { return UnknownApi(r); });
  server_.HandlePrefix("GET", "/", [this](const HttpRequest& r) { return Static(r); });
}

void GatewayHttp::Start() {
  server_.Start();
  platform::LogInfo("gateway serving static files", {{"static_dir", site_.root()}});
}

void GatewayHttp::Stop(std::chrono::steady_clock::time_point deadline) { server_.Stop(deadline); }

HttpResponse GatewayHttp::Health(const HttpRequest&) const {
  return platform::JsonResponse(
      200, {{"status", "ok"}, {"service", "gateway"}, {"version", std::string(kGatewayVersion)}});
}

HttpResponse GatewayHttp::UnknownApi(const HttpRequest& request) const {
  return ErrorResponse(MakeError(ErrorCode::kNotFound, "unknown API endpoint"), request.request_id);
}

HttpResponse GatewayHttp::Static(const HttpRequest& request) const {
  StaticReply reply = site_.Serve(request.path, request.Header("if-none-match"));
  if (reply.status == 404) {
    return ErrorResponse(MakeError(ErrorCode::kNotFound, "not found"), request.request_id);
  }
  if (reply.status >= 500) {
    platform::LogError("static file unreadable",
                       {{"request_id", request.request_id}, {"path", request.path}});
    return ErrorResponse(MakeError(ErrorCode::kInternal, "internal error"), request.request_id);
  }
  HttpResponse res;
  res.status = reply.status;
  res.content_type = std::move(reply.content_type);
  res.headers = std::move(reply.headers);
  res.body = std::move(reply.body);
  return res;
}

}  // namespace moodtape::gateway
