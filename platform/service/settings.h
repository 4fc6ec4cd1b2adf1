// Settings every moodtape process reads the same way from the shared config file. A service's
// own section ([gateway], [auth], ...) holds its addresses; [tls], [grpc], [log], [errors] and
// [redis] are shared by all.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "platform/base/config.h"
#include "platform/base/log.h"

namespace moodtape::platform {

struct TlsSettings {
  bool enabled = true;
  std::string ca_file;    // the dev CA (or your CA) that signs every service certificate
  std::string cert_file;  // this process's certificate (CN = service name)
  std::string key_file;
};

struct GrpcSettings {
  int max_message_bytes = 8 * 1024 * 1024;
  std::chrono::milliseconds keepalive_time{30000};
  std::chrono::milliseconds keepalive_timeout{10000};
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds default_deadline{5000};
};

struct ServiceSettings {
  std::string name;           // "gateway", "auth", ...: also the CN of its certificate
  std::string grpc_address;   // where this service's gRPC server listens ("" for none)
  std::string admin_address;  // host:port of the admin HTTP endpoint (/metrics, /healthz)
  LogLevel log_level = LogLevel::kInfo;
  TlsSettings tls;
  GrpcSettings grpc;
  std::string sentry_dsn;  // empty: error reporting off
};

// Default ports (DESIGN/README): gRPC auth 50051 .. designer 50056; admin 9100 (gateway) ..
// 9107, worker 9108.
int DefaultGrpcPort(std::string_view service);
int DefaultAdminPort(std::string_view service);

// [tls] for the identity `name`: <cert_dir>/<name>.crt and .key, the CA. Tools that call services
// (the `cli` identity) use it; services get it inside ReadServiceSettings.
TlsSettings ReadTlsSettings(Config& config, std::string_view name);

// Reads [<service>] grpc_address/admin_address plus the shared sections.
ServiceSettings ReadServiceSettings(Config& config, std::string_view service);

// The gRPC address other services use to reach `peer` ([<peer>] grpc_address).
std::string PeerAddress(Config& config, std::string_view peer);

// Loads $MOODTAPE_CONFIG (default config/moodtape.toml) with the process environment.
Config LoadProcessConfig();

}  // namespace moodtape::platform
