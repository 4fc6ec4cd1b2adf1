// The platform's one Redis client (hiredis underneath; no hiredis type appears here).
//
// RedisClient is a fixed pool of blocking connections shared by every thread of a service.
// Connections are opened lazily and re-opened lazily after a failure, so a service starts and
// keeps serving (with kUnavailable from Redis-backed paths) while Redis is down; Ping() is the
// readiness probe. RedisSubscriber owns one extra connection on its own thread for PSUBSCRIBE.
//
// Error mapping (one place, so callers can rely on it):
//   - transport failure, timeout, pool exhausted, Redis down or in reconnect backoff,
//     AUTH/SELECT rejected, and the transient replies LOADING/BUSY/MASTERDOWN/TRYAGAIN
//       -> kUnavailable (retry later; the gateway maps it to 503).
//   - any other Redis error reply (WRONGTYPE, syntax, NOSCRIPT, BUSYGROUP...) from Command()
//       -> kInternal whose message is "redis: <the Redis error text>". The adapters never show a
//       kInternal message to a user, so the Redis text is safe to keep there for the log, and
//       callers that expect a specific reply (XGROUP CREATE -> BUSYGROUP) can test its prefix.
//   - Pipeline() returns per-command error replies as RedisReply values of kind kError, because
//     one failing command must not hide the results of the others it was sent with.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::platform {

class Config;
class Counter;
class Gauge;
class Histogram;
class MetricsRegistry;

struct RedisSettings {
  std::string host = "127.0.0.1";
  int port = 6390;
  std::string password;  // empty = no AUTH; never logged
  int db = 0;
  int pool_size = 8;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{2000};
  std::chrono::milliseconds reconnect_backoff_min{50};
  std::chrono::milliseconds reconnect_backoff_max{2000};
};

// Reads [redis] host, port, password, db, pool_size, connect_timeout_ms, command_timeout_ms,
// reconnect_backoff_min_ms, reconnect_backoff_max_ms. Throws ConfigError on a bad value.
RedisSettings ReadRedisSettings(Config& config);

// One Redis reply as an owned value (RESP2 kinds).
class RedisReply {
 public:
  enum class Kind { kNil, kInteger, kString, kStatus, kError, kArray };

  RedisReply() = default;  // nil
  static RedisReply Nil() { return RedisReply(); }
  static RedisReply Integer(int64_t value);
  static RedisReply String(std::string value);  // a bulk string (binary-safe)
  static RedisReply Status(std::string value);  // "+OK"-style simple string
  static RedisReply ErrorReply(std::string message);
  static RedisReply Array(std::vector<RedisReply> elements);

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool is_integer() const { return kind_ == Kind::kInteger; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_status() const { return kind_ == Kind::kStatus; }
  bool is_error() const { return kind_ == Kind::kError; }
  bool is_array() const { return kind_ == Kind::kArray; }

  // 0 unless kInteger.
  int64_t integer() const { return integer_; }
  // The bytes of a bulk string, status or error reply; empty for other kinds.
  const std::string& str() const { return str_; }
  // The elements of an array reply; empty for other kinds.
  const std::vector<RedisReply>& elements() const { return elements_; }

 private:
  Kind kind_ = Kind::kNil;
  int64_t integer_ = 0;
  std::string str_;
  std::vector<RedisReply> elements_;
};

class RedisClient {
 public:
  // `metrics` may be null; when given it must outlive the client.
  explicit RedisClient(RedisSettings settings, MetricsRegistry* metrics = nullptr);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // One command, e.g. {"SET", key, value}. Arguments are binary-safe.
  Result<RedisReply> Command(const std::vector<std::string>& args);
  // Several commands in one round trip on one connection; replies in order (see error mapping).
  Result<std::vector<RedisReply>> Pipeline(const std::vector<std::vector<std::string>>& commands);
  // PING; ok when Redis answers PONG. For readiness probes.
  Status Ping();

  const RedisSettings& settings() const { return settings_; }

 private:
  struct Connection;
  class ConnectionLease;

  // A connection, opened if needed; `command_count` is for the unavailable counter on failure.
  Result<ConnectionLease> Acquire(size_t command_count);
  void Release(Connection* connection);
  // Opens `connection` (connect, AUTH, SELECT); called without mu_ held.
  Status Connect(Connection* connection);
  void RecordConnectResult(bool ok, bool was_reconnect);
  Result<std::vector<RedisReply>> RoundTrip(Connection* connection,
                                            const std::vector<std::vector<std::string>>& commands);
  // Adds to one of the *_total_ counters (null without a metrics registry).
  static void Count(Counter* counter, size_t amount);

  const RedisSettings settings_;

  std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> idle_;
  // Shared by every connection: after a failed connect nobody tries again before this instant,
  // so a down Redis costs callers one fast kUnavailable instead of a connect timeout each.
  std::chrono::steady_clock::time_point next_connect_attempt_{};
  std::chrono::milliseconds backoff_;
  std::mt19937 jitter_rng_;

  Counter* ok_total_ = nullptr;
  Counter* error_total_ = nullptr;
  Counter* unavailable_total_ = nullptr;
  Histogram* duration_ = nullptr;
  Counter* reconnects_total_ = nullptr;
  Gauge* pool_in_use_ = nullptr;
};

// One dedicated connection on its own thread that PSUBSCRIBEs to `patterns` and hands every
// message to `on_message` (called on that thread; keep it short). It reconnects with backoff and
// resubscribes after Redis restarts; messages published while it is disconnected are lost, as is
// the nature of Redis pub/sub, so callers re-read state when `on_connection(true)` fires again.
class RedisSubscriber {
 public:
  using MessageHandler = std::function<void(std::string channel, std::string payload)>;
  using ConnectionHandler = std::function<void(bool connected)>;

  RedisSubscriber(RedisSettings settings, std::vector<std::string> patterns,
                  MessageHandler on_message, ConnectionHandler on_connection = {});
  ~RedisSubscriber();  // Stop()
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // Starts the thread (once).
  void Start();
  // Ends the thread within about kStopPollInterval (plus a connect in progress). Idempotent.
  void Stop();
  // True while subscribed to every pattern.
  bool connected() const { return connected_.load(); }

  // How often the idle thread wakes to notice Stop().
  static constexpr std::chrono::milliseconds kStopPollInterval{100};

 private:
  void Run();
  // One connection's life: connect, subscribe, read until error or stop. True if it subscribed.
  bool RunConnection();
  void SetConnected(bool connected);

  const RedisSettings settings_;
  const std::vector<std::string> patterns_;
  const MessageHandler on_message_;
  const ConnectionHandler on_connection_;

  std::atomic<bool> connected_{false};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable stop_cv_;
  std::thread thread_;
};

}  // namespace moodtape::platform
