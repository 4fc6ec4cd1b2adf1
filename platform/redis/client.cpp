#include "platform/redis/client.h"

#include <poll.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <utility>

#include "platform/base/config.h"
#include "platform/base/log.h"
#include "platform/observability/metrics.h"

namespace moodtape::platform {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

timeval ToTimeval(milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

std::string Endpoint(const RedisSettings& settings) {
  return settings.host + ":" + std::to_string(settings.port);
}

RedisReply Convert(const redisReply* reply) {
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      return RedisReply::Integer(reply->integer);
    case REDIS_REPLY_STRING:
      return RedisReply::String(std::string(reply->str, reply->len));
    case REDIS_REPLY_STATUS:
      return RedisReply::Status(std::string(reply->str, reply->len));
    case REDIS_REPLY_ERROR:
      return RedisReply::ErrorReply(std::string(reply->str, reply->len));
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i) elements.push_back(Convert(reply->element[i]));
      return RedisReply::Array(std::move(elements));
    }
    default:
      return RedisReply::Nil();
  }
}

// hiredis reports a read timeout as an I/O error whose text is strerror(EAGAIN); say what it is.
std::string TransportError(const redisContext* context, int saved_errno, milliseconds timeout) {
  if (context->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
    return "timed out after " + std::to_string(timeout.count()) + " ms";
  }
  if (context->err == REDIS_ERR_EOF) return "connection closed by Redis";
  return context->errstr;
}

// Writes every command, then reads one reply per command: one round trip however many there are.
// False on a transport failure (the context is then unusable), with *why set.
bool Exchange(redisContext* context, const std::vector<std::vector<std::string>>& commands,
              milliseconds timeout, std::vector<RedisReply>* replies, std::string* why) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& command : commands) {
    argv.clear();
    lengths.clear();
    for (const auto& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      *why = context->errstr;
      return false;
    }
  }
  replies->clear();
  replies->reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    errno = 0;
    if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) {
      *why = TransportError(context, errno, timeout);
      return false;
    }
    auto* reply = static_cast<redisReply*>(raw);
    replies->push_back(Convert(reply));
    freeReplyObject(reply);
  }
  return true;
}

// An idle connection never has anything to read, so readability means Redis closed it (restart,
// idle timeout) or sent garbage; either way it must be replaced before a command is lost on it.
bool PeerClosed(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) != 0;
}

// "Equal jitter": half the backoff fixed, half random, so restarted clients spread out but still
// wait at least half the backoff.
milliseconds Jittered(milliseconds backoff, std::mt19937& rng) {
  int64_t half = std::max<int64_t>(backoff.count() / 2, 1);
  std::uniform_int_distribution<int64_t> extra(0, half);
  return milliseconds(backoff.count() - half + extra(rng));
}

milliseconds NextBackoff(milliseconds backoff, const RedisSettings& settings) {
  return std::min(backoff * 2, settings.reconnect_backoff_max);
}

// Replies that mean "Redis cannot serve this right now" rather than "this command is wrong".
bool IsTransientError(const std::string& message) {
  for (const char* prefix : {"LOADING", "BUSY ", "MASTERDOWN", "TRYAGAIN"}) {
    if (message.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

// Connects and authenticates. `select_db` is false for the subscriber: pub/sub ignores databases.
Result<ContextPtr> OpenConnection(const RedisSettings& settings, bool select_db) {
  ContextPtr context(redisConnectWithTimeout(settings.host.c_str(), settings.port,
                                             ToTimeval(settings.connect_timeout)));
  if (!context) return MakeError(ErrorCode::kUnavailable, "redis: out of memory connecting");
  if (context->err) {
    return MakeError(ErrorCode::kUnavailable,
                     "redis connect to " + Endpoint(settings) + " failed: " + context->errstr);
  }
  // The socket timeouts bound every read and write, which is what makes a hung Redis a quick
  // kUnavailable instead of a stuck thread.
  redisSetTimeout(context.get(), ToTimeval(settings.command_timeout));
  redisEnableKeepAlive(context.get());

  std::vector<std::vector<std::string>> handshake;
  std::vector<std::string> names;
  if (!settings.password.empty()) {
    handshake.push_back({"AUTH", settings.password});
    names.emplace_back("AUTH");
  }
  if (select_db && settings.db != 0) {
    handshake.push_back({"SELECT", std::to_string(settings.db)});
    names.emplace_back("SELECT " + std::to_string(settings.db));
  }
  if (handshake.empty()) return context;
  std::vector<RedisReply> replies;
  std::string why;
  if (!Exchange(context.get(), handshake, settings.command_timeout, &replies, &why)) {
    return MakeError(ErrorCode::kUnavailable,
                     "redis handshake with " + Endpoint(settings) + " failed: " + why);
  }
  for (size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].is_error()) {
      // Only the command name and Redis' own text: the password must never reach a log line.
      std::string hint = names[i] == "AUTH" ? " (check [redis] password)" : "";
      return MakeError(ErrorCode::kUnavailable, "redis " + names[i] + " rejected by " +
                                                    Endpoint(settings) + hint + ": " +
                                                    replies[i].str());
    }
  }
  return context;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Settings

RedisSettings ReadRedisSettings(Config& config) {
  RedisSettings s;
  s.host = config.String("redis", "host", s.host);
  if (s.host.empty()) throw ConfigError("[redis] host must not be empty");
  s.port = static_cast<int>(config.Int("redis", "port", s.port, 1, 65535));
  s.password = config.String("redis", "password", "");
  // Redis ships with `databases 16`.
  s.db = static_cast<int>(config.Int("redis", "db", s.db, 0, 15));
  s.pool_size = static_cast<int>(config.Int("redis", "pool_size", s.pool_size, 1, 256));
  s.connect_timeout = config.Millis("redis", "connect_timeout_ms", 500, 10, 60000);
  s.command_timeout = config.Millis("redis", "command_timeout_ms", 2000, 10, 600000);
  s.reconnect_backoff_min = config.Millis("redis", "reconnect_backoff_min_ms", 50, 1, 60000);
  s.reconnect_backoff_max = config.Millis("redis", "reconnect_backoff_max_ms", 2000,
                                          s.reconnect_backoff_min.count(), 600000);
  return s;
}

// ---------------------------------------------------------------------------------------------
// RedisReply

RedisReply RedisReply::Integer(int64_t value) {
  RedisReply r;
  r.kind_ = Kind::kInteger;
  r.integer_ = value;
  return r;
}

RedisReply RedisReply::String(std::string value) {
  RedisReply r;
  r.kind_ = Kind::kString;
  r.str_ = std::move(value);
  return r;
}

RedisReply RedisReply::Status(std::string value) {
  RedisReply r;
  r.kind_ = Kind::kStatus;
  r.str_ = std::move(value);
  return r;
}

RedisReply RedisReply::ErrorReply(std::string message) {
  RedisReply r;
  r.kind_ = Kind::kError;
  r.str_ = std::move(message);
  return r;
}

RedisReply RedisReply::Array(std::vector<RedisReply> elements) {
  RedisReply r;
  r.kind_ = Kind::kArray;
  r.elements_ = std::move(elements);
  return r;
}

// ---------------------------------------------------------------------------------------------
// RedisClient

struct RedisClient::Connection {
  ContextPtr context;  // null = dead or never opened
  bool ever_connected = false;
};

// Exclusive use of one pooled connection; returns it to the pool when destroyed.
class RedisClient::ConnectionLease {
 public:
  ConnectionLease(RedisClient* client, Connection* connection)
      : client_(client), connection_(connection) {}
  ConnectionLease(ConnectionLease&& other) noexcept
      : client_(other.client_), connection_(std::exchange(other.connection_, nullptr)) {}
  ConnectionLease& operator=(ConnectionLease&&) = delete;
  ~ConnectionLease() {
    if (connection_ != nullptr) client_->Release(connection_);
  }
  Connection* get() const { return connection_; }

 private:
  RedisClient* client_;
  Connection* connection_;
};

RedisClient::RedisClient(RedisSettings settings, MetricsRegistry* metrics)
    : settings_(std::move(settings)),
      backoff_(settings_.reconnect_backoff_min),
      jitter_rng_(std::random_device{}()) {
  if (settings_.pool_size < 1) throw std::invalid_argument("RedisClient: pool_size must be >= 1");
  for (int i = 0; i < settings_.pool_size; ++i) {
    connections_.push_back(std::make_unique<Connection>());
    idle_.push_back(connections_.back().get());
  }
  if (metrics != nullptr) {
    auto& commands = metrics->AddCounter(
        "redis_commands_total",
        "Redis commands by outcome: ok, error (an error reply), unavailable (not answered).",
        {"result"});
    ok_total_ = &commands.WithLabels({"ok"});
    error_total_ = &commands.WithLabels({"error"});
    unavailable_total_ = &commands.WithLabels({"unavailable"});
    duration_ = &metrics
                     ->AddHistogram("redis_command_duration_seconds",
                                    "Redis round-trip time of one Command or Pipeline.")
                     .WithLabels(std::vector<std::string>{});
    reconnects_total_ = &metrics
                             ->AddCounter("redis_reconnects_total",
                                          "Redis connections re-opened after they failed.")
                             .WithLabels(std::vector<std::string>{});
    pool_in_use_ = &metrics->AddGauge("redis_pool_in_use", "Redis pool connections lent out now.")
                        .WithLabels(std::vector<std::string>{});
  }
  LogInfo("redis client configured", {{"redis", Endpoint(settings_)},
                                      {"db", settings_.db},
                                      {"pool_size", settings_.pool_size},
                                      {"auth", !settings_.password.empty()}});
}

RedisClient::~RedisClient() = default;

void RedisClient::Count(Counter* counter, size_t amount) {
  if (counter != nullptr && amount > 0) counter->Inc(static_cast<double>(amount));
}

Result<RedisClient::ConnectionLease> RedisClient::Acquire(size_t command_count) {
  std::unique_lock lock(mu_);
  if (!released_.wait_for(lock, settings_.command_timeout, [this] { return !idle_.empty(); })) {
    Count(unavailable_total_, command_count);
    return MakeError(ErrorCode::kUnavailable,
                     "redis pool exhausted: no free connection within " +
                         std::to_string(settings_.command_timeout.count()) + " ms");
  }
  // A live connection first, so one dead slot does not make a caller pay for a reconnect.
  auto live = std::find_if(idle_.begin(), idle_.end(),
                           [](const Connection* c) { return c->context != nullptr; });
  if (live == idle_.end()) live = idle_.end() - 1;
  Connection* connection = *live;
  idle_.erase(live);
  if (pool_in_use_ != nullptr) pool_in_use_->Inc();
  lock.unlock();

  ConnectionLease lease(this, connection);
  if (connection->context && PeerClosed(connection->context->fd)) connection->context.reset();
  if (!connection->context) {
    {
      std::lock_guard gate(mu_);
      if (Clock::now() < next_connect_attempt_) {
        Count(unavailable_total_, command_count);
        return MakeError(ErrorCode::kUnavailable,
                         "redis " + Endpoint(settings_) + " unavailable (reconnect backoff)");
      }
    }
    Status connected = Connect(connection);
    if (!connected.ok()) {
      Count(unavailable_total_, command_count);
      return connected.error();
    }
  }
  return lease;
}

void RedisClient::Release(Connection* connection) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(connection);
    if (pool_in_use_ != nullptr) pool_in_use_->Dec();
  }
  released_.notify_one();
}

Status RedisClient::Connect(Connection* connection) {
  auto opened = OpenConnection(settings_, /*select_db=*/true);
  bool was_reconnect = connection->ever_connected;
  if (!opened.ok()) {
    RecordConnectResult(false, was_reconnect);
    LogWarn("redis connect failed",
            {{"redis", Endpoint(settings_)}, {"error", opened.error().message}});
    return opened.error();
  }
  connection->context = std::move(opened).value();
  connection->ever_connected = true;
  RecordConnectResult(true, was_reconnect);
  if (was_reconnect) LogInfo("redis reconnected", {{"redis", Endpoint(settings_)}});
  return Status::Ok();
}

void RedisClient::RecordConnectResult(bool ok, bool was_reconnect) {
  std::lock_guard lock(mu_);
  if (ok) {
    backoff_ = settings_.reconnect_backoff_min;
    next_connect_attempt_ = Clock::time_point{};
    if (was_reconnect && reconnects_total_ != nullptr) reconnects_total_->Inc();
    return;
  }
  next_connect_attempt_ = Clock::now() + Jittered(backoff_, jitter_rng_);
  backoff_ = NextBackoff(backoff_, settings_);
}

Result<std::vector<RedisReply>> RedisClient::RoundTrip(
    Connection* connection, const std::vector<std::vector<std::string>>& commands) {
  auto start = Clock::now();
  std::vector<RedisReply> replies;
  std::string why;
  bool ok =
      Exchange(connection->context.get(), commands, settings_.command_timeout, &replies, &why);
  if (duration_ != nullptr) {
    duration_->Observe(std::chrono::duration<double>(Clock::now() - start).count());
  }
  if (!ok) {
    // A half-read reply stream cannot be resynchronised; the next user reconnects.
    connection->context.reset();
    Count(unavailable_total_, commands.size());
    LogWarn(
        "redis command failed",
        {{"redis", Endpoint(settings_)}, {"command", commands.front().front()}, {"error", why}});
    return MakeError(ErrorCode::kUnavailable, "redis " + Endpoint(settings_) + ": " + why);
  }
  size_t errors = static_cast<size_t>(std::count_if(
      replies.begin(), replies.end(), [](const RedisReply& r) { return r.is_error(); }));
  Count(error_total_, errors);
  Count(ok_total_, replies.size() - errors);
  return replies;
}

Result<RedisReply> RedisClient::Command(const std::vector<std::string>& args) {
  if (args.empty()) return MakeError(ErrorCode::kInvalidArgument, "redis: empty command");
  auto lease = Acquire(1);
  if (!lease.ok()) return lease.error();
  auto replies = RoundTrip(lease->get(), {args});
  if (!replies.ok()) return replies.error();
  RedisReply& reply = replies->front();
  if (reply.is_error()) {
    ErrorCode code = IsTransientError(reply.str()) ? ErrorCode::kUnavailable : ErrorCode::kInternal;
    return MakeError(code, "redis: " + reply.str());
  }
  return std::move(reply);
}

Result<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (commands.empty()) return std::vector<RedisReply>{};
  for (const auto& command : commands) {
    if (command.empty())
      return MakeError(ErrorCode::kInvalidArgument, "redis: empty command in pipeline");
  }
  auto lease = Acquire(commands.size());
  if (!lease.ok()) return lease.error();
  return RoundTrip(lease->get(), commands);
}

Status RedisClient::Ping() {
  auto reply = Command({"PING"});
  if (!reply.ok()) return reply.error();
  if (!reply->is_status() || reply->str() != "PONG") {
    return MakeError(ErrorCode::kUnavailable, "redis: unexpected PING reply");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// RedisSubscriber

RedisSubscriber::RedisSubscriber(RedisSettings settings, std::vector<std::string> patterns,
                                 MessageHandler on_message, ConnectionHandler on_connection)
    : settings_(std::move(settings)),
      patterns_(std::move(patterns)),
      on_message_(std::move(on_message)),
      on_connection_(std::move(on_connection)) {
  if (patterns_.empty()) throw std::invalid_argument("RedisSubscriber: no patterns");
  if (!on_message_) throw std::invalid_argument("RedisSubscriber: no message handler");
}

RedisSubscriber::~RedisSubscriber() { Stop(); }

void RedisSubscriber::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Run(); });
}

void RedisSubscriber::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void RedisSubscriber::SetConnected(bool connected) {
  if (connected_.exchange(connected) == connected) return;
  if (on_connection_) on_connection_(connected);
}

void RedisSubscriber::Run() {
  std::mt19937 rng(std::random_device{}());
  milliseconds backoff = settings_.reconnect_backoff_min;
  while (!stop_) {
    bool subscribed = RunConnection();
    SetConnected(false);
    if (stop_) break;
    // A connection that worked and then dropped (a Redis restart) retries at the shortest
    // backoff; repeated failures to connect back off up to the maximum.
    backoff = subscribed ? settings_.reconnect_backoff_min : NextBackoff(backoff, settings_);
    std::unique_lock lock(mu_);
    stop_cv_.wait_for(lock, Jittered(backoff, rng), [this] { return stop_.load(); });
  }
}

bool RedisSubscriber::RunConnection() {
  auto opened = OpenConnection(settings_, /*select_db=*/false);
  if (!opened.ok()) {
    LogWarn("redis subscriber connect failed",
            {{"redis", Endpoint(settings_)}, {"error", opened.error().message}});
    return false;
  }
  redisContext* context = opened->get();

  std::vector<const char*> argv{"PSUBSCRIBE"};
  std::vector<size_t> lengths{10};
  for (const auto& pattern : patterns_) {
    argv.push_back(pattern.data());
    lengths.push_back(pattern.size());
  }
  int done = 0;
  if (redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()) !=
      REDIS_OK) {
    return false;
  }
  while (!done) {
    if (redisBufferWrite(context, &done) != REDIS_OK) {
      LogWarn("redis subscriber write failed",
              {{"redis", Endpoint(settings_)}, {"error", context->errstr}});
      return false;
    }
  }

  // Reading goes through poll() with a short timeout rather than a blocking socket read, so the
  // thread notices Stop() promptly and a quiet channel is not mistaken for a dead connection.
  size_t confirmed = 0;
  bool subscribed = false;
  while (!stop_) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(context, &raw) != REDIS_OK) {
      LogWarn("redis subscriber protocol error",
              {{"redis", Endpoint(settings_)}, {"error", context->errstr}});
      return subscribed;
    }
    if (raw != nullptr) {
      auto* reply = static_cast<redisReply*>(raw);
      RedisReply message = Convert(reply);
      freeReplyObject(reply);
      const auto& parts = message.elements();
      if (parts.empty()) continue;
      const std::string& kind = parts[0].str();
      if (kind == "pmessage" && parts.size() == 4) {
        try {
          on_message_(parts[2].str(), parts[3].str());
        } catch (const std::exception& e) {
          // A throwing handler must not end the only listener of this process.
          LogError("redis subscriber handler threw",
                   {{"channel", parts[2].str()}, {"error", e.what()}});
        }
      } else if (kind == "psubscribe" && ++confirmed == patterns_.size() && !subscribed) {
        subscribed = true;
        LogInfo("redis subscriber subscribed",
                {{"redis", Endpoint(settings_)}, {"patterns", patterns_}});
        SetConnected(true);
      }
      continue;
    }
    pollfd p{context->fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(kStopPollInterval.count()));
    if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
    if (ready < 0 || redisBufferRead(context) != REDIS_OK) {
      if (!stop_) {
        LogWarn("redis subscriber disconnected",
                {{"redis", Endpoint(settings_)},
                 {"error", context->err == REDIS_ERR_EOF ? "connection closed by Redis"
                                                         : std::string(context->errstr)}});
      }
      return subscribed;
    }
  }
  return subscribed;
}

}  // namespace moodtape::platform
