// The admin endpoint every moodtape process serves on ServiceSettings::admin_address:
// /metrics for Prometheus, /healthz (alive) and /readyz (ready for traffic) for probes, plus
// extra routes a service adds (a model reload, say). Built on the one HttpServer.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "platform/http/server.h"
#include "platform/observability/metrics.h"

namespace moodtape::platform {

class AdminServer {
 public:
  // Serves `metrics` (which must outlive the server) on `address` ("host:port", port 0 allowed).
  AdminServer(std::string address, MetricsRegistry& metrics);
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Throws std::runtime_error when the address cannot be bound.
  void Start();
  void Stop(std::chrono::steady_clock::time_point deadline);

  // /readyz answers 200 only while ready; a process starts not ready and turns not ready again
  // when it begins to drain, so load balancers stop sending before the listeners close.
  void SetReady(bool ready) { ready_.store(ready); }
  bool Ready() const { return ready_.load(); }

  // Extra admin routes (before or after Start).
  void AddRoute(std::string method, std::string path, HttpHandler handler);

  int Port() const { return server_.Port(); }
  std::string Address() const { return server_.Address(); }

 private:
  MetricsRegistry& metrics_;
  HttpServer server_;
  std::atomic<bool> ready_{false};
};

}  // namespace moodtape::platform
