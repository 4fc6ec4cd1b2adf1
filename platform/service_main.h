// The start-up and shutdown sequence every moodtape binary shares, so main.cpp only wires:
// signals, config, logging, metrics, the admin endpoint, readiness, drain on SIGTERM.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "platform/admin_server.h"
#include "platform/config.h"
#include "platform/error_reporter.h"
#include "platform/metrics.h"
#include "platform/service_settings.h"

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

// Runs a service: BlockShutdownSignals, LoadProcessConfig, ReadServiceSettings, InitLogging,
// metrics + AdminServer, start(ctx), Config::Finish (unknown keys fail start-up), ready, wait for
// SIGTERM/SIGINT, not ready, stop(now + grpc.drain_timeout). Returns the process exit code:
// 0 after a clean stop, 2 for a configuration error (one line on stderr naming the key), 1 for
// any other start-up failure.
int RunService(std::string_view service_name, int argc, char** argv,
               std::function<ServiceHooks(ServiceContext&)> start);

// Throws ConfigError naming section.key unless `value` is "host:port" (helper for addresses
// read from config).
void RequireHostPort(std::string_view section, std::string_view key, const std::string& value);

}  // namespace moodtape::platform
