#include "platform/service/settings.h"

#include <cstdlib>
#include <map>

extern char** environ;

namespace moodtape::platform {
namespace {

const std::map<std::string_view, std::pair<int, int>>& PortTable() {
  // service -> {gRPC port, admin port}; gateway has no gRPC server of its own.
  static const std::map<std::string_view, std::pair<int, int>> kPorts = {
      {"gateway", {0, 9100}},      {"auth", {50051, 9101}},     {"store", {50052, 9102}},
      {"emotion", {50053, 9103}},  {"playlist", {50054, 9104}}, {"producer", {50055, 9105}},
      {"designer", {50056, 9106}}, {"launcher", {0, 9107}},     {"worker", {0, 9108}},
  };
  return kPorts;
}

}  // namespace

int DefaultGrpcPort(std::string_view service) {
  auto it = PortTable().find(service);
  return it == PortTable().end() ? 0 : it->second.first;
}

int DefaultAdminPort(std::string_view service) {
  auto it = PortTable().find(service);
  return it == PortTable().end() ? 0 : it->second.second;
}

std::string PeerAddress(Config& config, std::string_view peer) {
  int port = DefaultGrpcPort(peer);
  return config.PeerString(peer, "grpc_address", "127.0.0.1:" + std::to_string(port));
}

TlsSettings ReadTlsSettings(Config& config, std::string_view name) {
  TlsSettings tls;
  tls.enabled = config.Bool("tls", "enabled", true);
  const std::string cert_dir = config.String("tls", "cert_dir", "var/certs");
  tls.ca_file = config.String("tls", "ca_file", cert_dir + "/ca.crt");
  tls.cert_file = cert_dir + "/" + std::string(name) + ".crt";
  tls.key_file = cert_dir + "/" + std::string(name) + ".key";
  return tls;
}

ServiceSettings ReadServiceSettings(Config& config, std::string_view service) {
  ServiceSettings s;
  s.name = std::string(service);
  if (DefaultGrpcPort(service) != 0) {
    s.grpc_address = config.String(service, "grpc_address",
                                   "127.0.0.1:" + std::to_string(DefaultGrpcPort(service)));
  }
  s.admin_address = config.String(service, "admin_address",
                                  "127.0.0.1:" + std::to_string(DefaultAdminPort(service)));

  std::string level = config.Choice("log", "level", "info", {"debug", "info", "warn", "error"});
  ParseLogLevel(level, &s.log_level);

  s.tls = ReadTlsSettings(config, s.name);

  s.grpc.max_message_bytes = static_cast<int>(
      config.Int("grpc", "max_message_bytes", s.grpc.max_message_bytes, 1024, 256 << 20));
  s.grpc.keepalive_time = config.Millis("grpc", "keepalive_time_ms", 30000, 1000);
  s.grpc.keepalive_timeout = config.Millis("grpc", "keepalive_timeout_ms", 10000, 100);
  s.grpc.drain_timeout = config.Millis("grpc", "drain_timeout_ms", 10000, 0);
  s.grpc.default_deadline = config.Millis("grpc", "default_deadline_ms", 5000, 1);

  s.sentry_dsn = config.String("errors", "sentry_dsn", "");
  return s;
}

Config LoadProcessConfig() {
  const char* path = std::getenv("MOODTAPE_CONFIG");
  bool explicit_path = path != nullptr && *path != '\0';
  // Without an explicit file the defaults are complete, so a missing default file is fine.
  return Config::Load(explicit_path ? path : "config/moodtape.toml", environ, explicit_path);
}

}  // namespace moodtape::platform
