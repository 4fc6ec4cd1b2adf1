// The start-up and shutdown sequence every moodtape binary shares, so main.cpp only wires:
// signals, config, logging, metrics, the admin endpoint, readiness, drain on SIGTERM.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "platform/base/config.h"
#include "platform/http/admin_server.h"
#include "platform/observability/metrics.h"
#include "platform/service/error_reporter.h"
#include "platform/service/settings.h"

namespace moodtape::platform {

// What a service's start function gets to build itself with.
struct ServiceContext {
  Config& config;
  const ServiceSettings& settings;
  MetricsRegistry& metrics;
  AdminServer& admin;
  ErrorReporter& reporter;  // [errors] sentry_dsn; disabled when empty
};

// What a started service hands back.
struct ServiceHooks {
  // Drain and stop everything the service started, finishing by `deadline`.
  std::function<void(std::chrono::steady_clock::time_point deadline)> stop;
  // Called on SIGHUP (optional).
  std::function<void()> reload;
  // Bound addresses for the "started" log line, e.g. {"http", "127.0.0.1:8080"}.
  std::map<std::string, std::string> addresses;
};

// What every service exposes to RunService: its Start (services/<name>/serve.h).
using ServiceStart = std::function<ServiceHooks(ServiceContext&)>;

// A service started from a Config exactly as RunService starts it (shared settings, metrics, the
// admin endpoint, the error reporter, start(ctx), Config::Finish, ready), but without signals,
// logging set-up or waiting: tests build a service through its real Start instead of repeating
// its wiring. Throws what start-up throws (ConfigError for a bad key).
class InProcessService {
 public:
  InProcessService(std::string name, Config config, const ServiceStart& start);
  // Stop(now + the drain timeout) if still running.
  ~InProcessService();
  InProcessService(const InProcessService&) = delete;
  InProcessService& operator=(const InProcessService&) = delete;

  // Not ready, then hooks.stop(deadline), then the admin endpoint. Idempotent. False when the
  // service's stop threw (logged).
  bool Stop(std::chrono::steady_clock::time_point deadline);

  const ServiceHooks& hooks() const { return hooks_; }
  // hooks().addresses[what] ("http", "grpc"), "" when the service reported none.
  std::string Address(const std::string& what) const;
  std::string AdminAddress() const;
  MetricsRegistry& metrics() { return metrics_; }
  const ServiceSettings& settings() const { return settings_; }
  const Config& config() const { return config_; }

 private:
  std::string name_;
  Config config_;
  ServiceSettings settings_;
  MetricsRegistry metrics_;
  std::unique_ptr<AdminServer> admin_;
  std::unique_ptr<ErrorReporter> reporter_;
  ServiceHooks hooks_;
  bool stopped_ = false;
};

// Runs a service: BlockShutdownSignals, LoadProcessConfig, ReadServiceSettings, InitLogging,
// then an InProcessService (metrics + AdminServer, start(ctx), Config::Finish, ready), waits for
// SIGTERM/SIGINT (SIGHUP calls hooks.reload), then not ready, stop(now + grpc.drain_timeout).
// Returns the process exit code: 0 after a clean stop, 2 for a configuration error (one line on
// stderr naming the key), 1 for any other start-up failure.
int RunService(std::string_view service_name, int argc, char** argv, const ServiceStart& start);

// Throws ConfigError naming section.key unless `value` is "host:port" (helper for addresses
// read from config).
void RequireHostPort(std::string_view section, std::string_view key, const std::string& value);

}  // namespace moodtape::platform
