#include "tools/launcher/launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "platform/base/log.h"
#include "platform/http/client.h"
#include "platform/service/settings.h"

namespace moodtape::launcher {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kTailLines = 30;

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a closed terminal must not stop the launcher from cleaning up
    data.remove_prefix(static_cast<size_t>(n));
  }
}

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// dev_certs.sh from the working directory (the repo root under `make run`), else from the source
// tree this launcher was built from, so a launcher started elsewhere still finds it.
std::string DevCertsScript() {
  if (fs::exists("scripts/dev_certs.sh")) return "scripts/dev_certs.sh";
  return std::string(MOODTAPE_LAUNCHER_SOURCE_DIR) + "/scripts/dev_certs.sh";
}

}  // namespace

std::vector<std::string> DefaultServiceOrder() {
  return {"store", "auth", "emotion", "playlist", "producer", "designer", "worker", "gateway"};
}

LauncherSettings ReadLauncherSettings(platform::Config& own, platform::Config& shared) {
  LauncherSettings s;
  s.var_dir = own.String("launcher", "var_dir", s.var_dir);
  s.bin_dir = own.String("launcher", "bin_dir", s.bin_dir);
  s.redis_server = own.String("launcher", "redis_server", s.redis_server);
  s.start_timeout = own.Millis("launcher", "start_timeout_ms", 60000, 100, 3600 * 1000);
  s.stop_timeout = own.Millis("launcher", "stop_timeout_ms", 10000, 0, 600 * 1000);
  std::vector<std::string> names = own.StringList("launcher", "services", DefaultServiceOrder());
  s.redis = platform::ReadRedisSettings(own);
  if (s.var_dir.empty()) throw platform::ConfigError("config: launcher.var_dir must not be empty");

  std::set<std::string> seen;
  for (const auto& name : names) {
    bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    });
    bool known = plain && name != "launcher" && platform::KnownConfigSections().count(name) &&
                 (platform::DefaultAdminPort(name) != 0 || shared.Has(name, "admin_address"));
    if (!known) {
      throw platform::ConfigError("config: launcher.services names '" + name +
                                  "', which is not a moodtape service");
    }
    if (!seen.insert(name).second) {
      throw platform::ConfigError("config: launcher.services lists '" + name + "' twice");
    }
    s.services.push_back({name, platform::ReadServiceSettings(shared, name).admin_address});
  }
  s.tls_enabled = shared.Bool("tls", "enabled", true);
  s.cert_dir = shared.String("tls", "cert_dir", "var/certs");
  s.gateway_http_address = shared.String("gateway", "http_address", s.gateway_http_address);
  return s;
}

std::string RenderRedisConf(const platform::RedisSettings& redis, const std::string& dir) {
  std::string conf =
      "# Written by moodtape-launcher at every start from [redis] in the config; edit that "
      "instead.\n"
      "bind 127.0.0.1\n"
      "protected-mode yes\n"
      "port " +
      std::to_string(redis.port) +
      "\n"
      "daemonize no\n"
      "logfile \"\"\n"
      "dir \"" +
      dir +
      "\"\n"
      "appendonly yes\n";
  if (!redis.password.empty()) conf += "requirepass \"" + redis.password + "\"\n";
  return conf;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]";
}

std::string DialAddress(std::string_view listen_address) {
  size_t colon = listen_address.rfind(':');
  if (colon == std::string_view::npos) return std::string(listen_address);
  std::string_view host = listen_address.substr(0, colon);
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") {
    return "127.0.0.1" + std::string(listen_address.substr(colon));
  }
  return std::string(listen_address);
}

std::string DescribeExit(int wait_status) {
  if (WIFEXITED(wait_status))
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    const char* name = strsignal(sig);
    return "was killed by signal " + std::to_string(sig) +
           (name ? " (" + std::string(name) + ")" : "");
  }
  return "stopped (wait status " + std::to_string(wait_status) + ")";
}

// ---------------------------------------------------------------------------------------------

void LineSplitter::Feed(std::string_view bytes,
                        const std::function<void(std::string_view)>& on_line) {
  partial_.append(bytes);
  size_t start = 0;
  while (true) {
    size_t nl = partial_.find('\n', start);
    size_t length = (nl == std::string::npos ? partial_.size() : nl) - start;
    if (length > max_line_ || (nl == std::string::npos && length == max_line_)) {
      on_line(std::string_view(partial_).substr(start, max_line_));
      start += max_line_;
      continue;
    }
    if (nl == std::string::npos) break;
    std::string_view line = std::string_view(partial_).substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line);
    start = nl + 1;
  }
  partial_.erase(0, start);
}

void LineSplitter::Finish(const std::function<void(std::string_view)>& on_line) {
  if (partial_.empty()) return;
  std::string_view line = partial_;
  if (line.back() == '\r') line.remove_suffix(1);
  on_line(line);
  partial_.clear();
}

void StopRequest::Request() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    count_.fetch_add(1);
  }
  cv_.notify_all();
}

void StopRequest::WaitFor(milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  int seen = count_.load();
  cv_.wait_for(lock, d, [&] { return count_.load() != seen; });
}

// ---------------------------------------------------------------------------------------------

Console::Console(std::string log_dir, size_t name_width)
    : log_dir_(std::move(log_dir)), name_width_(name_width) {}

Console::~Console() {
  for (auto& [name, fd] : log_fds_) {
    if (fd >= 0) ::close(fd);
  }
}

int Console::LogFd(std::string_view name) {
  for (auto& [n, fd] : log_fds_) {
    if (n == name) return fd;
  }
  std::string path = log_dir_ + "/" + std::string(name) + ".log";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  log_fds_.emplace_back(std::string(name), fd);
  return fd;
}

void Console::Line(std::string_view name, std::string_view line) {
  std::string out(name);
  if (out.size() < name_width_) out.append(name_width_ - out.size(), ' ');
  out += " | ";
  out += line;
  out += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  WriteAll(STDOUT_FILENO, out);
  int fd = LogFd(name);
  if (fd >= 0) WriteAll(fd, out.substr(out.size() - line.size() - 1));
}

// ---------------------------------------------------------------------------------------------

Supervisor::Supervisor(Console& console, std::string run_dir)
    : console_(console), run_dir_(std::move(run_dir)) {}

Supervisor::~Supervisor() {
  StopAll(milliseconds(2000), nullptr, 1);
  for (auto& child : children_) {
    if (!child->reader.joinable()) continue;
    if (child->reader_done.load()) {
      child->reader.join();
    } else {
      // A grandchild kept the pipe open: leave its reader (and the Child it uses) rather than hang.
      child->reader.detach();
      (void)child.release();
    }
  }
}

Supervisor::Child& Supervisor::Start(const std::string& name,
                                     const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  }
  std::vector<std::string> args_copy = argv;
  std::vector<char*> args;
  for (auto& a : args_copy) args.push_back(a.data());
  args.push_back(nullptr);
  std::string exec_failed = "cannot execute " + argv[0] + "\n";
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec. Its own process group keeps a terminal's Ctrl-C
    // away from the children, so the launcher alone decides the stop order; PDEATHSIG stops the
    // child if the launcher itself is killed without a chance to clean up.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::execvp(args[0], args.data());
    WriteAll(STDERR_FILENO, exec_failed);
    ::_exit(127);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  }

  auto child = std::make_unique<Child>();
  child->name = name;
  child->pid = pid;
  Child* raw = child.get();
  children_.push_back(std::move(child));
  std::ofstream(run_dir_ + "/" + name + ".pid") << pid << "\n";
  raw->reader = std::thread(&Supervisor::Pump, this, raw, fds[0]);
  return *raw;
}

void Supervisor::Pump(Child* child, int fd) {
  LineSplitter splitter;
  auto on_line = [&](std::string_view line) {
    console_.Line(child->name, line);
    std::lock_guard<std::mutex> lock(child->tail_mu);
    child->tail.emplace_back(line);
    if (child->tail.size() > kTailLines) child->tail.pop_front();
  };
  char buf[8192];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    splitter.Feed(std::string_view(buf, static_cast<size_t>(n)), on_line);
  }
  splitter.Finish(on_line);
  ::close(fd);
  child->reader_done.store(true);
}

void Supervisor::Finished(Child* child, int wait_status) {
  child->reaped = true;
  child->wait_status = wait_status;
  std::error_code ec;
  fs::remove(run_dir_ + "/" + child->name + ".pid", ec);
  // The pipe closes when the child exits; waiting for the reader makes its last lines print
  // before anything the launcher says about it. Bounded, because a grandchild may hold the pipe.
  auto deadline = Clock::now() + milliseconds(2000);
  while (!child->reader_done.load() && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  if (child->reader_done.load() && child->reader.joinable()) child->reader.join();
}

Supervisor::Child* Supervisor::ReapExited() {
  for (auto& child : children_) {
    if (child->reaped) continue;
    int status = 0;
    if (::waitpid(child->pid, &status, WNOHANG) == child->pid) {
      Finished(child.get(), status);
      return child.get();
    }
  }
  return nullptr;
}

int Supervisor::Run(const std::string& name, const std::vector<std::string>& argv,
                    milliseconds timeout) {
  Child& child = Start(name, argv);
  auto deadline = Clock::now() + timeout;
  int status = 0;
  while (::waitpid(child.pid, &status, WNOHANG) != child.pid) {
    if (Clock::now() >= deadline) {
      ::kill(child.pid, SIGKILL);
      ::waitpid(child.pid, &status, 0);
      Finished(&child, status);
      return -1;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  Finished(&child, status);
  return status;
}

void Supervisor::StopAll(milliseconds grace, StopRequest* stop, int hurry_at) {
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    Child& child = **it;
    if (child.reaped) continue;
    console_.Say("stopping " + child.name + " (pid " + std::to_string(child.pid) + ")");
    ::kill(child.pid, SIGTERM);
    auto start = Clock::now();
    int status = 0;
    while (true) {
      pid_t r = ::waitpid(child.pid, &status, WNOHANG);
      if (r == child.pid) {
        Finished(&child, status);
        break;
      }
      if (r < 0) {  // not our child any more (cannot happen unless someone else reaped it)
        child.reaped = true;
        break;
      }
      bool hurry = stop != nullptr && stop->count() >= hurry_at;
      if (Clock::now() - start >= grace || hurry) {
        ::kill(child.pid, SIGKILL);
        ::waitpid(child.pid, &status, 0);
        Finished(&child, status);
        console_.Say(child.name + (hurry ? " killed (asked twice)"
                                         : " did not stop within " + std::to_string(grace.count()) +
                                               " ms: killed"));
        break;
      }
      if (stop != nullptr) {
        stop->WaitFor(milliseconds(50));
      } else {
        std::this_thread::sleep_for(milliseconds(50));
      }
    }
  }
}

std::vector<std::string> Supervisor::Tail(Child& child) {
  std::lock_guard<std::mutex> lock(child.tail_mu);
  return {child.tail.begin(), child.tail.end()};
}

// ---------------------------------------------------------------------------------------------

int RunLauncher(const LauncherSettings& settings, StopRequest& stop) {
  const std::string var = settings.var_dir;
  const std::string log_dir = var + "/log";
  const std::string run_dir = var + "/run";
  const std::string redis_dir = var + "/redis";
  std::error_code ec;
  for (const auto& dir : {log_dir, run_dir, redis_dir}) {
    fs::create_directories(dir, ec);
    if (ec) {
      std::string msg = "launcher | cannot create " + dir + ": " + ec.message() + "\n";
      WriteAll(STDERR_FILENO, msg);
      return 1;
    }
  }

  size_t width = std::string_view("launcher").size();
  for (const auto& svc : settings.services) width = std::max(width, svc.name.size());
  Console console(log_dir, width);
  // Platform pieces (the Redis client, HTTP client) log through the same console.
  platform::SetLogSink([&console](std::string_view line) { console.Say(line); });
  struct ResetSink {
    ~ResetSink() { platform::SetLogSink({}); }
  } reset_sink;
  Supervisor supervisor(console, run_dir);

  auto show_tail = [&](Supervisor::Child& child) {
    std::vector<std::string> tail = supervisor.Tail(child);
    if (tail.empty()) {
      console.Say(child.name + " printed nothing");
      return;
    }
    console.Say("last lines of " + log_dir + "/" + child.name + ".log:");
    for (const auto& line : tail) console.Say("  > " + line);
  };
  auto fail = [&](const std::string& why, Supervisor::Child* who) {
    console.Say(why);
    if (who != nullptr) show_tail(*who);
    console.Say("stopping everything");
    supervisor.StopAll(settings.stop_timeout, &stop, stop.count() + 1);
    console.Say("exit status 1");
    return 1;
  };
  auto died = [&](Supervisor::Child& child, const char* when) {
    return fail(child.name + " (pid " + std::to_string(child.pid) + ") " +
                    DescribeExit(child.wait_status) + when,
                &child);
  };
  auto stop_on_request = [&] {
    console.Say("stop requested: stopping in reverse order");
    supervisor.StopAll(settings.stop_timeout, &stop, 2);
    console.Say("all stopped");
    return 0;
  };

  try {
    console.Say("data in " + fs::absolute(var).string() + ", binaries from " + settings.bin_dir);

    if (settings.tls_enabled) {
      int status = supervisor.Run("certs", {"bash", DevCertsScript(), settings.cert_dir},
                                  milliseconds(60000));
      if (status != 0) {
        return fail("creating TLS certificates in " + settings.cert_dir + " failed" +
                        (status < 0 ? " (timed out)" : " (" + DescribeExit(status) + ")"),
                    nullptr);
      }
      console.Say("TLS certificates in " + settings.cert_dir);
    } else {
      console.Say("TLS is off ([tls] enabled = false)");
    }

    // Redis first: every service may need it at start-up.
    const std::string redis_endpoint =
        settings.redis.host + ":" + std::to_string(settings.redis.port);
    auto start = Clock::now();
    if (IsLoopbackHost(settings.redis.host)) {
      std::string dir = fs::absolute(redis_dir).string();
      std::string conf_path = dir + "/redis.conf";
      std::ofstream(conf_path) << RenderRedisConf(settings.redis, dir);
      Supervisor::Child& redis = supervisor.Start("redis", {settings.redis_server, conf_path});
      console.Say("started redis (pid " + std::to_string(redis.pid) + ") on " + redis_endpoint);
    } else {
      console.Say("using the Redis at " + redis_endpoint + " ([redis] host is not loopback)");
    }
    platform::RedisSettings probe_settings = settings.redis;
    probe_settings.pool_size = 1;
    probe_settings.connect_timeout = milliseconds(500);
    probe_settings.command_timeout = milliseconds(1000);
    probe_settings.reconnect_backoff_min = milliseconds(20);
    probe_settings.reconnect_backoff_max = milliseconds(200);
    {
      platform::RedisClient probe(probe_settings);
      auto deadline = start + settings.start_timeout;
      while (true) {
        if (stop.requested()) return stop_on_request();
        if (Supervisor::Child* c = supervisor.ReapExited()) return died(*c, " while starting");
        platform::Status ping = probe.Ping();
        if (ping.ok()) break;
        if (Clock::now() >= deadline) {
          return fail("redis at " + redis_endpoint + " did not answer PING within " +
                          std::to_string(settings.start_timeout.count()) +
                          " ms: " + ping.error().message,
                      supervisor.children().empty() ? nullptr : supervisor.children().back().get());
        }
        stop.WaitFor(milliseconds(50));
      }
    }
    console.Say("redis is ready (" + std::to_string(MillisSince(start)) + " ms)");

    std::vector<const ServiceEndpoint*> running;
    std::string not_built;
    bool gateway_running = false;
    for (const auto& svc : settings.services) {
      std::string binary = settings.bin_dir + "/moodtape-" + svc.name;
      if (::access(binary.c_str(), X_OK) != 0) {
        not_built += (not_built.empty() ? "" : ", ") + svc.name;
        continue;
      }
      start = Clock::now();
      Supervisor::Child& child = supervisor.Start(svc.name, {binary});
      std::string url = "http://" + DialAddress(svc.admin_address) + "/readyz";
      console.Say("started " + svc.name + " (pid " + std::to_string(child.pid) + "), waiting for " +
                  url);
      auto deadline = start + settings.start_timeout;
      std::string last_problem = "no answer yet";
      while (true) {
        if (stop.requested()) return stop_on_request();
        if (Supervisor::Child* c = supervisor.ReapExited()) {
          return died(*c, c == &child ? " while starting" : " unexpectedly");
        }
        auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        platform::HttpClientRequest probe;
        probe.url = url;
        probe.timeout = std::clamp(remaining, milliseconds(50), milliseconds(1000));
        auto response = platform::HttpFetch(probe);
        if (response.ok() && response->status == 200) break;
        last_problem =
            response.ok() ? "HTTP " + std::to_string(response->status) : response.error().message;
        if (Clock::now() >= deadline) {
          return fail(svc.name + " did not become ready within " +
                          std::to_string(settings.start_timeout.count()) + " ms (GET " + url +
                          ": " + last_problem + ")",
                      &child);
        }
        stop.WaitFor(milliseconds(100));
      }
      console.Say(svc.name + " is ready (" + std::to_string(MillisSince(start)) + " ms)");
      running.push_back(&svc);
      if (svc.name == "gateway") gateway_running = true;
    }

    if (!not_built.empty()) {
      console.Say("not built, so not started: " + not_built + " (no moodtape-<name> in " +
                  settings.bin_dir + ")");
    }
    std::string web = "http://" + DialAddress(settings.gateway_http_address);
    if (gateway_running) {
      console.Say("moodtape is up: open " + web);
    } else {
      console.Say("moodtape is up without its gateway (not built): the web app will be at " + web);
    }
    console.Say("redis     " + redis_endpoint + " (data in " + redis_dir + ")");
    for (const auto* svc : running) {
      std::string name = svc->name;
      name.resize(std::max<size_t>(name.size(), 9), ' ');
      console.Say(name + " admin http://" + DialAddress(svc->admin_address) +
                  " (/healthz /readyz /metrics)");
    }
    console.Say("logs in " + log_dir + "/; press Ctrl-C to stop");

    while (!stop.requested()) {
      if (Supervisor::Child* c = supervisor.ReapExited()) return died(*c, " unexpectedly");
      stop.WaitFor(milliseconds(200));
    }
    return stop_on_request();
  } catch (const std::exception& e) {
    return fail(std::string("launcher error: ") + e.what(), nullptr);
  }
}

}  // namespace moodtape::launcher
