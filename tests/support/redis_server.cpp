#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace moodtape::testing {
namespace {

// RESP array encoding, so a password with spaces survives (inline commands split on them).
std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& arg : args) out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  return out;
}

}  // namespace

RedisServerProcess::RedisServerProcess(std::string password)
    : port_(FreePort()), password_(std::move(password)) {
  // FreePort() only says the port was free a moment ago; if another process takes it before
  // redis-server binds, the server exits at once and a fresh port is tried.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (TryStart()) return;
    port_ = FreePort();
  }
  throw std::runtime_error("redis-server did not start; its log:\n" + Log());
}

RedisServerProcess::~RedisServerProcess() { Stop(); }

void RedisServerProcess::Start() {
  if (Running()) return;
  if (!TryStart()) {
    throw std::runtime_error("redis-server did not restart on port " + std::to_string(port_) +
                             "; its log:\n" + Log());
  }
}

bool RedisServerProcess::TryStart() {
  // clang-format off
  std::vector<std::string> argv = {
      "redis-server",
      "--port", std::to_string(port_),
      "--bind", "127.0.0.1",
      "--dir", dir_.path(),
      "--save", "",
      "--appendonly", "no",
      "--daemonize", "no",
      // DEBUG SLEEP lets tests hold the server busy (timeouts).
      "--enable-debug-command", "local",
  };
  // clang-format on
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  process_ = std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{},
                                            dir_.File("redis.log"));
  bool up = WaitUntil([this] { return !process_->Running() || AnswersPing(); }, kStartTimeout);
  if (up && process_->Running()) return true;
  process_->Stop(std::chrono::milliseconds(1000));
  return false;
}

void RedisServerProcess::Stop() {
  if (process_) process_->Stop(std::chrono::milliseconds(5000));
}

bool RedisServerProcess::Running() { return process_ && process_->Running(); }

std::string RedisServerProcess::Log() const { return ReadFile(dir_.File("redis.log")); }

bool RedisServerProcess::AnswersPing() const {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval tv{0, 200 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  bool pong = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    std::string request;
    if (!password_.empty()) request += EncodeCommand({"AUTH", password_});
    request += EncodeCommand({"PING"});
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      std::string reply;
      char buf[256];
      // Bounded by the receive timeout: each recv returns data, EOF or fails after 200 ms.
      while (reply.find("PONG") == std::string::npos && reply.size() < 1024) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        reply.append(buf, static_cast<size_t>(n));
      }
      pong = reply.find("+PONG") != std::string::npos;
    }
  }
  close(fd);
  return pong;
}

}  // namespace moodtape::testing
