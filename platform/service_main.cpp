#include "platform/service_main.h"

#include <cstdio>
#include <exception>
#include <memory>
#include <optional>

#include "platform/log.h"
#include "platform/shutdown.h"

namespace moodtape::platform {

void RequireHostPort(std::string_view section, std::string_view key, const std::string& value) {
  if (!ParseHostPort(value)) {
    throw ConfigError("config: " + std::string(section) + "." + std::string(key) +
                      " must be host:port (e.g. 127.0.0.1:8080), got '" + value + "'");
  }
}

int RunService(std::string_view service_name, int argc, char** argv,
               std::function<ServiceHooks(ServiceContext&)> start) {
  (void)argc;
  (void)argv;
  // Before any thread exists, so every thread inherits the blocked set and sigwait gets them.
  BlockShutdownSignals();
  const std::string name(service_name);

  // Declared out here so they outlive the try block; destroyed in reverse order on any exit.
  std::optional<Config> config;
  ServiceSettings settings;
  MetricsRegistry metrics;
  std::unique_ptr<AdminServer> admin;
  std::unique_ptr<ErrorReporter> reporter;
  ServiceHooks hooks;
  try {
    config.emplace(LoadProcessConfig());
    settings = ReadServiceSettings(*config, name);
    RequireHostPort(name, "admin_address", settings.admin_address);
    InitLogging(name, settings.log_level);
    try {
      reporter = std::make_unique<ErrorReporter>(settings.sentry_dsn, name, &metrics);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("config: ") + e.what());
    }
    admin = std::make_unique<AdminServer>(settings.admin_address, metrics);
    admin->Start();
    ServiceContext ctx{*config, settings, metrics, *admin, *reporter};
    hooks = start(ctx);
    config->Finish();
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "moodtape-%s: %s\n", name.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    LogError("start-up failed", {{"error", e.what()}});
    std::fprintf(stderr, "moodtape-%s: start-up failed: %s\n", name.c_str(), e.what());
    return 1;
  }

  admin->SetReady(true);
  LogFields started = {{"admin", admin->Address()}, {"config", config->Source()}};
  for (const auto& [what, address] : hooks.addresses) started[what] = address;
  LogInfo("started", started);

  int sig = WaitForShutdown([&] {
    if (!hooks.reload) return;
    try {
      hooks.reload();
      LogInfo("reloaded");
    } catch (const std::exception& e) {
      LogError("reload failed", {{"error", e.what()}});
    }
  });

  // Not ready first, so probes steer traffic away while in-flight work drains.
  admin->SetReady(false);
  LogInfo("stopping", {{"signal", sig}, {"drain_timeout_ms", settings.grpc.drain_timeout.count()}});
  auto deadline = std::chrono::steady_clock::now() + settings.grpc.drain_timeout;
  int code = 0;
  try {
    if (hooks.stop) hooks.stop(deadline);
  } catch (const std::exception& e) {
    LogError("stop failed", {{"error", e.what()}});
    code = 1;
  }
  admin->Stop(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  LogInfo("stopped");
  return code;
}

}  // namespace moodtape::platform
