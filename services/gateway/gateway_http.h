// The gateway's HTTP front door: REST routes under /api/ and the web app's static files.
// Handlers here are glue; the decisions live in core/ (static files) and, later, in the
// services it calls.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "platform/base/config.h"
#include "platform/http/server.h"
#include "platform/observability/metrics.h"
#include "services/gateway/core/static_files.h"

namespace moodtape::gateway {

inline constexpr std::string_view kGatewayVersion = "0.1.0";

struct GatewaySettings {
  platform::HttpServerOptions http;  // [gateway] http_address, limits, threads, idle timeout
  std::string static_dir = "web/static";
};

// Reads [gateway]; throws ConfigError naming the key for a bad value.
GatewaySettings ReadGatewaySettings(platform::Config& config);

class GatewayHttp {
 public:
  GatewayHttp(GatewaySettings settings, platform::MetricsRegistry& metrics);

  void Start();
  void Stop(std::chrono::steady_clock::time_point deadline);
  std::string Address() const { return server_.Address(); }
  int Port() const { return server_.Port(); }
  // For adding route groups (account_routes.h) before Start().
  platform::HttpServer& server() { return server_; }

 private:
  platform::HttpResponse Health(const platform::HttpRequest& request) const;
  platform::HttpResponse UnknownApi(const platform::HttpRequest& request) const;
  platform::HttpResponse Static(const platform::HttpRequest& request) const;

  GatewaySettings settings_;
  StaticSite site_;
  platform::HttpServer server_;
};

}  // namespace moodtape::gateway
