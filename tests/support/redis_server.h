// A real redis-server for integration tests: its own free loopback port and temporary directory,
// no persistence, ended by its PID. Stop() and Start() again keep the port, so a test can
// restart Redis under a client and watch it recover.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "tests/support/test_support.h"

namespace moodtape::testing {

class RedisServerProcess {
 public:
  // Starts the server at once (throws std::runtime_error if it does not answer PING in time).
  // A non-empty `password` is passed as --requirepass.
  explicit RedisServerProcess(std::string password = "");
  ~RedisServerProcess();
  RedisServerProcess(const RedisServerProcess&) = delete;
  RedisServerProcess& operator=(const RedisServerProcess&) = delete;

  // (Re)starts on port() and waits until it answers PING. No-op if it is running.
  void Start();
  // SIGTERM, then SIGKILL after a grace period; returns when the process has exited.
  void Stop();
  bool Running();

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  // The server's stdout/stderr so far (for failure messages).
  std::string Log() const;

  // How long Start() waits for PING before giving up.
  static constexpr std::chrono::milliseconds kStartTimeout{10000};

 private:
  bool AnswersPing() const;
  bool TryStart();

  TempDir dir_;
  int port_ = 0;
  std::string password_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace moodtape::testing
