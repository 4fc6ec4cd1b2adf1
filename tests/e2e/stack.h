// The real services as separate processes, started one by one (not through the launcher, so a
// test can kill, stop and restart any of them): a private redis-server, dev certificates, then
// store, auth, emotion, playlist, designer, producer, gateway and workers from the build's bin
// directory, every address on a free loopback port and every file under one temporary directory.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace moodtape::testing {

class Stack {
 public:
  // `models_dir`: where emotion keeps (and on first use trains) its model; share it between
  // stacks so only the first one trains. `extra_env` overrides config for every process.
  Stack(std::string models_dir, std::map<std::string, std::string> extra_env = {});
  ~Stack();

  // Starts (or restarts) one service and waits for its /readyz; "worker" may run several times
  // (`instance` names each). Returns false with the service's log in *why when it did not come up.
  bool Start(const std::string& service, std::string* why, const std::string& instance = "");
  // Starts every service in order.
  bool StartAll(std::string* why);
  // SIGKILL (no drain) or SIGTERM; returns when the process is gone.
  void Kill(const std::string& service, const std::string& instance = "");
  void Stop(const std::string& service, const std::string& instance = "");
  // Any other signal (SIGSTOP / SIGCONT to freeze a service and let it go on).
  void Signal(const std::string& service, int sig, const std::string& instance = "") {
    children_.at(service + instance)->Signal(sig);
  }

  RedisServerProcess& redis() { return *redis_; }
  // The admin (/metrics, /readyz) port of a started service instance.
  int AdminPort(const std::string& service, const std::string& instance = "") const {
    return started_admin_ports_.at(service + instance);
  }
  int http_port() const { return http_port_; }
  std::string Log(const std::string& service, const std::string& instance = "") const;
  // A path in the stack's directory (the store's SQLite database is File("store.db")).
  std::string File(const std::string& name) const { return dir_.File(name); }

  // HTTP to the gateway with `token` as bearer (none when empty).
  HttpReply Call(const std::string& method, const std::string& target,
                 const nlohmann::json& body = nullptr, const std::string& token = "",
                 const std::map<std::string, std::string>& headers = {});
  // Signs up / logs in (tokens in the body) and returns the access token ("" on failure).
  std::string SignUp(const std::string& username);
  // Signs up `username`, makes it an admin with `moodtape-auth make-admin` (the only way to get
  // the role) and logs in again so the token carries it; "" on failure.
  std::string SignUpAdmin(const std::string& username);
  std::string Login(const std::string& username);
  // Runs build/bin/<argv[0]> (or argv[0] itself when it is a path) with the stack's
  // configuration plus `env`; returns the exit code (-1 when it ran past `timeout` and was
  // stopped) and fills *out with its output.
  int RunTool(const std::vector<std::string>& argv, std::string* out,
              const std::map<std::string, std::string>& env = {},
              std::chrono::seconds timeout = std::chrono::seconds(60));
  // The producer's source-compatible SongGenerator listener (server TLS only).
  int legacy_port() const { return legacy_port_; }

 private:
  std::map<std::string, std::string> Env(const std::string& service,
                                         const std::string& instance) const;

  TempDir dir_;
  std::string models_dir_;
  std::map<std::string, std::string> extra_env_;
  std::unique_ptr<RedisServerProcess> redis_;
  int http_port_ = 0;
  int legacy_port_ = 0;
  std::map<std::string, int> grpc_ports_, admin_ports_;
  std::map<std::string, std::unique_ptr<ChildProcess>> children_;  // by service + instance
  std::map<std::string, int> started_admin_ports_;                 // by service + instance
};

}  // namespace moodtape::testing
