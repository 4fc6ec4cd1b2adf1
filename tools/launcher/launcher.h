// The one-command runner behind `make run`: a private redis-server and every built service, started
// in order, each awaited on its admin /readyz, their output interleaved on the terminal with a
// "name | " prefix and kept in var/log/<name>.log, all stopped in reverse order on Ctrl-C.
//
// It supervises only processes it forked itself and signals them by PID, never by name.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "platform/base/config.h"
#include "platform/redis/client.h"

namespace moodtape::launcher {

struct ServiceEndpoint {
  std::string name;           // "gateway", "store", ...
  std::string admin_address;  // host:port of its admin HTTP server (/readyz, /metrics)
};

struct LauncherSettings {
  std::string var_dir = "var";
  std::string bin_dir = "build/bin";
  std::string redis_server = "redis-server";
  std::chrono::milliseconds start_timeout{60000};
  std::chrono::milliseconds stop_timeout{10000};
  std::vector<ServiceEndpoint> services;  // in start order
  platform::RedisSettings redis;
  bool tls_enabled = true;
  std::string cert_dir = "var/certs";
  std::string gateway_http_address = "127.0.0.1:8080";
};

std::vector<std::string> DefaultServiceOrder();

// Reads [launcher] and [redis] from `own` (the caller may then Finish() it: the launcher owns
// those sections) and every service's admin address, [tls] and [gateway] http_address from
// `shared`, whose other keys belong to the services, which validate them when they start.
// Throws platform::ConfigError.
LauncherSettings ReadLauncherSettings(platform::Config& own, platform::Config& shared);

// The redis.conf the launcher writes for its private Redis (dir must be absolute).
std::string RenderRedisConf(const platform::RedisSettings& redis, const std::string& dir);

// True for 127.0.0.1, localhost and ::1: only then does the launcher start a Redis of its own.
bool IsLoopbackHost(std::string_view host);

// The address to dial for a listen address: a wildcard host (0.0.0.0, ::, empty) becomes
// 127.0.0.1, so "0.0.0.0:9100" is probed at "127.0.0.1:9100".
std::string DialAddress(std::string_view listen_address);

// "exited with status 3", "was killed by signal 9 (Killed)".
std::string DescribeExit(int wait_status);

// Splits a byte stream into whole lines (without '\n' or a trailing '\r'). A line longer than
// `max_line` bytes is cut there so a child that never prints a newline cannot grow it forever.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = 64 * 1024) : max_line_(max_line) {}
  void Feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line);
  // Emits what is left after the stream ended without a final newline.
  void Finish(const std::function<void(std::string_view)>& on_line);

 private:
  size_t max_line_;
  std::string partial_;
};

// How a stop is asked for: the signal thread calls Request() once per SIGINT/SIGTERM; waits made
// through it wake at once. A second request means "hurry": stop waiting for graceful exits.
class StopRequest {
 public:
  void Request();
  int count() const { return count_.load(); }
  bool requested() const { return count() > 0; }
  // Sleeps up to `d`, returning early when a (further) request arrives.
  void WaitFor(std::chrono::milliseconds d);

 private:
  std::atomic<int> count_{0};
  std::mutex mu_;
  std::condition_variable cv_;
};

// Serialises whole lines from every child onto stdout ("store    | ...") and appends the raw line
// to var/log/<name>.log.
class Console {
 public:
  Console(std::string log_dir, size_t name_width);
  ~Console();
  void Line(std::string_view name, std::string_view line);
  // The launcher's own messages.
  void Say(std::string_view line) { Line("launcher", line); }

 private:
  int LogFd(std::string_view name);  // called with mu_ held

  std::string log_dir_;
  size_t name_width_;
  std::mutex mu_;
  std::vector<std::pair<std::string, int>> log_fds_;
};

// The processes the launcher started, in start order.
class Supervisor {
 public:
  struct Child {
    std::string name;
    pid_t pid = -1;
    bool reaped = false;
    int wait_status = 0;
    std::thread reader;  // pumps the child's stdout+stderr pipe into the console
    std::atomic<bool> reader_done{false};
    std::mutex tail_mu;
    std::deque<std::string> tail;  // the last lines, for failure reports
  };

  Supervisor(Console& console, std::string run_dir);
  ~Supervisor();  // stops whatever is still running (SIGKILL after a short grace)

  // Forks and execs argv (argv[0] is a path, or a name looked up in PATH) with stdout and stderr
  // piped to the console under `name`, writes <run_dir>/<name>.pid. Throws std::runtime_error.
  Child& Start(const std::string& name, const std::vector<std::string>& argv);

  // Reaps without blocking; returns a child that exited since the last call, or nullptr.
  Child* ReapExited();

  // Runs argv to completion under `name`; returns its wait status, or -1 after `timeout`.
  int Run(const std::string& name, const std::vector<std::string>& argv,
          std::chrono::milliseconds timeout);

  // Stops every running child in reverse start order: SIGTERM, up to `grace` (cut short once
  // `stop` is requested `hurry_at` times), then SIGKILL.
  void StopAll(std::chrono::milliseconds grace, StopRequest* stop, int hurry_at);

  std::vector<std::string> Tail(Child& child);
  const std::vector<std::unique_ptr<Child>>& children() const { return children_; }

 private:
  void Pump(Child* child, int fd);
  void Finished(Child* child, int wait_status);

  Console& console_;
  std::string run_dir_;
  std::vector<std::unique_ptr<Child>> children_;
};

// Runs everything until a stop request (exit 0) or a failure (exit 1).
int RunLauncher(const LauncherSettings& settings, StopRequest& stop);

}  // namespace moodtape::launcher
