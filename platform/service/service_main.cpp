#include "platform/service/service_main.h"

#include <cstdio>
#include <exception>
#include <memory>
#include <optional>

#include "platform/base/log.h"
#include "platform/service/shutdown.h"

namespace moodtape::platform {

void RequireHostPort(std::string_view section, std::string_view key, const std::string& value) {
  if (!ParseHostPort(value)) {
    throw ConfigError("config: " + std::string(section) + "." + std::string(key) +
                      " must be host:port (e.g. 127.0.0.1:8080), got '" + value + "'");
  }
}

InProcessService::InProcessService(std::string name, Config config, const ServiceStart& start)
    : name_(std::move(name)), config_(std::move(config)) {
  settings_ = ReadServiceSettings(config_, name_);
  RequireHostPort(name_, "admin_address", settings_.admin_address);
  try {
    reporter_ = std::make_unique<ErrorReporter>(settings_.sentry_dsn, name_, &metrics_);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("config: ") + e.what());
  }
  admin_ = std::make_unique<AdminServer>(settings_.admin_address, metrics_);
  admin_->Start();
  ServiceContext ctx{config_, settings_, metrics_, *admin_, *reporter_};
  hooks_ = start(ctx);
  config_.Finish();
  admin_->SetReady(true);
}

InProcessService::~InProcessService() {
  Stop(std::chrono::steady_clock::now() + settings_.grpc.drain_timeout);
}

bool InProcessService::Stop(std::chrono::steady_clock::time_point deadline) {
  if (stopped_) return true;
  stopped_ = true;
  // Not ready first, so probes steer traffic away while in-flight work drains.
  admin_->SetReady(false);
  bool clean = true;
  try {
    if (hooks_.stop) hooks_.stop(deadline);
  } catch (const std::exception& e) {
    LogError("stop failed", {{"error", e.what()}});
    clean = false;
  }
  admin_->Stop(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  return clean;
}

std::string InProcessService::Address(const std::string& what) const {
  auto it = hooks_.addresses.find(what);
  return it == hooks_.addresses.end() ? "" : it->second;
}

std::string InProcessService::AdminAddress() const { return admin_->Address(); }

int RunService(std::string_view service_name, int argc, char** argv, const ServiceStart& start) {
  (void)argc;
  (void)argv;
  // Before any thread exists, so every thread inherits the blocked set and sigwait gets them.
  BlockShutdownSignals();
  const std::string name(service_name);

  std::optional<InProcessService> service;
  try {
    Config config = LoadProcessConfig();
    InitLogging(name, ReadServiceSettings(config, name).log_level);
    service.emplace(name, std::move(config), start);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "moodtape-%s: %s\n", name.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    LogError("start-up failed", {{"error", e.what()}});
    std::fprintf(stderr, "moodtape-%s: start-up failed: %s\n", name.c_str(), e.what());
    return 1;
  }

  LogFields started = {{"admin", service->AdminAddress()}, {"config", service->config().Source()}};
  for (const auto& [what, address] : service->hooks().addresses) started[what] = address;
  LogInfo("started", started);

  int sig = WaitForShutdown([&] {
    if (!service->hooks().reload) return;
    try {
      service->hooks().reload();
      LogInfo("reloaded");
    } catch (const std::exception& e) {
      LogError("reload failed", {{"error", e.what()}});
    }
  });

  const auto drain = service->settings().grpc.drain_timeout;
  LogInfo("stopping", {{"signal", sig}, {"drain_timeout_ms", drain.count()}});
  const bool clean = service->Stop(std::chrono::steady_clock::now() + drain);
  LogInfo("stopped");
  return clean ? 0 : 1;
}

}  // namespace moodtape::platform
