// A real PostgreSQL 15 for integration tests: initdb into a temporary directory, `postgres` on a
// free loopback port with its socket in that directory, readiness polled with a deadline, one
// fresh database per test, stopped by its PID. As root (initdb refuses to run as root) the
// directory is handed to the `postgres` user and both programs run as it through setpriv, which
// execs in place so the PID we hold is the postmaster's own.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "tests/support/test_support.h"

namespace moodtape::testing {

class PostgresServerProcess {
 public:
  // Starts the server; throws std::runtime_error (with initdb's or the server's output) when it
  // cannot, so a test fails loudly instead of skipping.
  PostgresServerProcess();
  ~PostgresServerProcess();
  PostgresServerProcess(const PostgresServerProcess&) = delete;
  PostgresServerProcess& operator=(const PostgresServerProcess&) = delete;

  // Creates an empty database and returns its libpq URL
  // (postgresql://postgres@127.0.0.1:port/name).
  std::string CreateDatabase();
  // Fast shutdown (SIGINT), then SIGKILL after a grace period; returns when the process is gone.
  void Stop();

  int port() const { return port_; }
  std::string Log() const;

  // PostgreSQL 15's server programs (Debian's layout).
  static std::string BinDir();
  static constexpr std::chrono::milliseconds kStartTimeout{30000};

 private:
  std::vector<std::string> AsPostgresUser(std::vector<std::string> argv) const;
  bool AcceptsConnections() const;

  TempDir dir_;
  int port_ = 0;
  bool as_root_ = false;
  int databases_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// One server per test binary, started on first use and stopped when the tests end.
PostgresServerProcess& SharedPostgres();

}  // namespace moodtape::testing
