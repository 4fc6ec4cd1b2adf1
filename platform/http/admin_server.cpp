#include "platform/http/admin_server.h"

namespace moodtape::platform {
namespace {

HttpServerOptions AdminOptions(std::string address) {
  HttpServerOptions options;
  options.address = std::move(address);
  options.io_threads = 1;
  options.worker_threads = 1;
  options.max_body_bytes = 64 << 10;
  options.max_connections = 64;
  // Scrapes and probes arrive every few seconds; at info they would drown the service's own lines.
  options.access_log_level = LogLevel::kDebug;
  return options;
}

}  // namespace

AdminServer::AdminServer(std::string address, MetricsRegistry& metrics)
    : metrics_(metrics), server_(AdminOptions(std::move(address)), metrics) {
  server_.Handle("GET", "/metrics", [this](const HttpRequest&) {
    return TextResponse(200, metrics_.Render(), std::string(kPrometheusContentType));
  });
  server_.Handle("GET", "/healthz", [](const HttpRequest&) {
    return JsonResponse(200, {{"status", "ok"}});
  });
  server_.Handle("GET", "/readyz", [this](const HttpRequest&) {
    bool ready = ready_.load();
    return JsonResponse(ready ? 200 : 503, {{"status", ready ? "ready" : "not_ready"}});
  });
}

void AdminServer::Start() { server_.Start(); }

void AdminServer::Stop(std::chrono::steady_clock::time_point deadline) { server_.Stop(deadline); }

void AdminServer::AddRoute(std::string method, std::string path, HttpHandler handler) {
  server_.Handle(std::move(method), std::move(path), std::move(handler));
}

}  // namespace moodtape::platform
