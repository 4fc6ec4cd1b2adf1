// RedisClient and RedisSubscriber against a real redis-server started by the test.
#include "platform/redis/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "platform/base/config.h"
#include "platform/base/log.h"
#include "platform/observability/metrics.h"
#include "tests/support/log_capture.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace moodtape::platform {
namespace {

using moodtape::testing::RedisServerProcess;
using moodtape::testing::WaitUntil;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using namespace std::string_literals;

RedisSettings SettingsFor(const RedisServerProcess& server) {
  RedisSettings s;
  s.port = server.port();
  s.password = server.password();
  s.pool_size = 4;
  s.reconnect_backoff_min = milliseconds(20);
  s.reconnect_backoff_max = milliseconds(200);
  return s;
}

milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

using moodtape::testing::LogCapture;

class RedisClientTest : public ::testing::Test {
 protected:
  RedisServerProcess server_;
};

TEST_F(RedisClientTest, SetGetDel) {
  RedisClient client(SettingsFor(server_));
  auto set = client.Command({"SET", "greeting", "hello"});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->is_status());
  EXPECT_EQ(set->str(), "OK");

  auto get = client.Command({"GET", "greeting"});
  ASSERT_TRUE(get.ok());
  EXPECT_TRUE(get->is_string());
  EXPECT_EQ(get->str(), "hello");

  auto del = client.Command({"DEL", "greeting"});
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->integer(), 1);

  auto missing = client.Command({"GET", "greeting"});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());
}

TEST_F(RedisClientTest, KeysAndValuesAreBinarySafe) {
  RedisClient client(SettingsFor(server_));
  const std::string key = "bin\0key"s;
  const std::string value = "a\0b\r\n\0c\xff"s;
  ASSERT_TRUE(client.Command({"SET", key, value}).ok());

  auto get = client.Command({"GET", key});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->str(), value);
  auto len = client.Command({"STRLEN", key});
  ASSERT_TRUE(len.ok());
  EXPECT_EQ(len->integer(), 8);
  // The key with a NUL is not the key cut at the NUL.
  auto prefix = client.Command({"EXISTS", "bin"});
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(prefix->integer(), 0);
}

TEST_F(RedisClientTest, IntegersArraysAndNil) {
  RedisClient client(SettingsFor(server_));
  auto incr = client.Command({"INCRBY", "counter", "41"});
  ASSERT_TRUE(incr.ok());
  EXPECT_TRUE(incr->is_integer());
  EXPECT_EQ(incr->integer(), 41);

  ASSERT_TRUE(client.Command({"RPUSH", "list", "a", "b", "c"}).ok());
  auto range = client.Command({"LRANGE", "list", "0", "-1"});
  ASSERT_TRUE(range.ok());
  ASSERT_TRUE(range->is_array());
  ASSERT_EQ(range->elements().size(), 3u);
  EXPECT_EQ(range->elements()[0].str(), "a");
  EXPECT_EQ(range->elements()[2].str(), "c");

  auto mget = client.Command({"MGET", "counter", "no-such-key"});
  ASSERT_TRUE(mget.ok());
  ASSERT_EQ(mget->elements().size(), 2u);
  EXPECT_EQ(mget->elements()[0].str(), "41");
  EXPECT_TRUE(mget->elements()[1].is_nil());

  auto empty = client.Command({"HGETALL", "no-such-hash"});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->is_array());
  EXPECT_TRUE(empty->elements().empty());
}

TEST_F(RedisClientTest, PipelineIsOneRoundTripWithPerCommandReplies) {
  MetricsRegistry metrics;
  RedisClient client(SettingsFor(server_), &metrics);
  auto& round_trips = metrics.AddHistogram("redis_command_duration_seconds", "")
                          .WithLabels(std::vector<std::string>{});
  ASSERT_TRUE(client.Ping().ok());
  uint64_t before = round_trips.Count();

  auto replies = client.Pipeline({{"SET", "p:str", "x"},
                                  {"INCR", "p:n"},
                                  {"INCR", "p:n"},
                                  {"LPUSH", "p:str", "y"},  // WRONGTYPE, in the middle
                                  {"GET", "p:str"}});
  ASSERT_TRUE(replies.ok()) << replies.error().message;
  ASSERT_EQ(replies->size(), 5u);
  EXPECT_EQ((*replies)[0].str(), "OK");
  EXPECT_EQ((*replies)[1].integer(), 1);
  EXPECT_EQ((*replies)[2].integer(), 2);
  EXPECT_TRUE((*replies)[3].is_error());
  EXPECT_NE((*replies)[3].str().find("WRONGTYPE"), std::string::npos);
  EXPECT_EQ((*replies)[4].str(), "x");
  EXPECT_EQ(round_trips.Count(), before + 1);

  auto none = client.Pipeline({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(RedisClientTest, ErrorReplyIsAnErrorAndTheConnectionStaysUsable) {
  MetricsRegistry metrics;
  RedisSettings settings = SettingsFor(server_);
  settings.pool_size = 1;  // the next command must run on the same connection
  RedisClient client(settings, &metrics);
  ASSERT_TRUE(client.Command({"SET", "plain", "v"}).ok());

  auto wrong = client.Command({"LPUSH", "plain", "x"});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInternal);
  EXPECT_NE(wrong.error().message.find("WRONGTYPE"), std::string::npos);

  auto unknown = client.Command({"NOSUCHCOMMAND"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInternal);

  auto empty = client.Command({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);

  auto get = client.Command({"GET", "plain"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->str(), "v");
  auto& errors = metrics.AddCounter("redis_commands_total", "", {"result"}).WithLabels({"error"});
  EXPECT_EQ(errors.Value(), 2.0);
  EXPECT_EQ(metrics.AddCounter("redis_reconnects_total", "")
                .WithLabels(std::vector<std::string>{})
                .Value(),
            0.0);
}

TEST_F(RedisClientTest, ConcurrentUseFromManyThreadsSharesTheSmallPool) {
  MetricsRegistry metrics;
  RedisSettings settings = SettingsFor(server_);
  settings.pool_size = 4;
  RedisClient client(settings, &metrics);
  constexpr int kThreads = 8;
  constexpr int kCommandsPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&client, &failures, t] {
      std::string key = "thread:" + std::to_string(t);
      for (int i = 0; i < kCommandsPerThread; ++i) {
        // Alternate a shared counter and a per-thread value so replies cannot be mixed up.
        if (i % 2 == 0) {
          if (!client.Command({"INCR", "shared"}).ok()) ++failures;
        } else {
          std::string value = key + ":" + std::to_string(i);
          auto set = client.Command({"SET", key, value});
          auto get = client.Command({"GET", key});
          if (!set.ok() || !get.ok() || get->str() != value) ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto shared = client.Command({"GET", "shared"});
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared->str(), std::to_string(kThreads * kCommandsPerThread / 2));
  EXPECT_EQ(
      metrics.AddGauge("redis_pool_in_use", "").WithLabels(std::vector<std::string>{}).Value(),
      0.0);
}

TEST_F(RedisClientTest, CommandTimeoutFailsQuicklyAndThePoolRecovers) {
  RedisSettings settings = SettingsFor(server_);
  settings.command_timeout = milliseconds(200);
  RedisClient client(settings);
  ASSERT_TRUE(client.Ping().ok());

  auto start = Clock::now();
  auto slow = client.Command({"DEBUG", "SLEEP", "1"});
  milliseconds took = Since(start);
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(slow.error().message.find("timed out"), std::string::npos) << slow.error().message;
  EXPECT_LT(took, milliseconds(1000));

  // Redis itself stays busy until the sleep ends; the client must come back on its own.
  EXPECT_TRUE(WaitUntil([&] { return client.Ping().ok(); }, milliseconds(5000)));
  for (int i = 0; i < 20; ++i) {
    auto reply = client.Command({"INCR", "after-timeout"});
    ASSERT_TRUE(reply.ok()) << reply.error().message;
  }
}

TEST_F(RedisClientTest, StoppedRedisFailsFastWithUnavailable) {
  MetricsRegistry metrics;
  RedisClient client(SettingsFor(server_), &metrics);
  ASSERT_TRUE(client.Ping().ok());
  server_.Stop();

  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    auto reply = client.Command({"GET", "anything"});
    milliseconds took = Since(start);
    ASSERT_FALSE(reply.ok());
    EXPECT_EQ(reply.error().code, ErrorCode::kUnavailable) << reply.error().message;
    EXPECT_LT(took, milliseconds(2000));
  }
  auto pipeline = client.Pipeline({{"GET", "a"}, {"GET", "b"}});
  ASSERT_FALSE(pipeline.ok());
  EXPECT_EQ(pipeline.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(client.Ping().ok());
  auto& commands = metrics.AddCounter("redis_commands_total", "", {"result"});
  EXPECT_EQ(commands.WithLabels({"ok"}).Value(), 1.0);
  EXPECT_EQ(commands.WithLabels({"unavailable"}).Value(), 23.0);  // 20 + a pipeline of 2 + PING
}

TEST_F(RedisClientTest, RecoversByItselfAfterRedisRestartsOnTheSamePort) {
  MetricsRegistry metrics;
  RedisClient client(SettingsFor(server_), &metrics);
  ASSERT_TRUE(client.Command({"SET", "before", "1"}).ok());

  server_.Stop();
  auto down = client.Command({"GET", "before"});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);

  server_.Start();
  ASSERT_TRUE(WaitUntil([&] { return client.Ping().ok(); }, milliseconds(10000)));
  ASSERT_TRUE(client.Command({"SET", "after", "2"}).ok());
  auto get = client.Command({"GET", "after"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->str(), "2");
  EXPECT_GE(metrics.AddCounter("redis_reconnects_total", "")
                .WithLabels(std::vector<std::string>{})
                .Value(),
            1.0);
}

TEST(RedisClientAuthTest, WrongPasswordIsAClearErrorAndNeverLogged) {
  RedisServerProcess server("s3cret-redis-pass");
  LogCapture logs;
  RedisSettings settings = SettingsFor(server);
  settings.password = "wrong-redis-pass";
  RedisClient client(settings);
  auto reply = client.Command({"PING"});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(reply.error().message.find("AUTH rejected"), std::string::npos)
      << reply.error().message;
  EXPECT_NE(reply.error().message.find("WRONGPASS"), std::string::npos) << reply.error().message;

  // The right password works, and SELECT puts this client in its own database.
  RedisSettings good = SettingsFor(server);
  good.db = 3;
  RedisClient db3(good);
  ASSERT_TRUE(db3.Command({"SET", "where", "db3"}).ok());
  good.db = 0;
  RedisClient db0(good);
  auto in_db0 = db0.Command({"GET", "where"});
  ASSERT_TRUE(in_db0.ok()) << in_db0.error().message;
  EXPECT_TRUE(in_db0->is_nil());

  std::string logged = logs.Text();
  EXPECT_NE(logged.find("AUTH rejected"), std::string::npos);
  EXPECT_EQ(logged.find("wrong-redis-pass"), std::string::npos);
  EXPECT_EQ(logged.find("s3cret-redis-pass"), std::string::npos);
  EXPECT_EQ(reply.error().message.find("wrong-redis-pass"), std::string::npos);
}

// Collects what a subscriber delivers, for assertions from the test thread.
struct Inbox {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> messages;
  std::atomic<int> subscribed_count{0};

  bool Has(const std::string& payload) {
    std::lock_guard lock(mu);
    for (const auto& m : messages) {
      if (m.second == payload) return true;
    }
    return false;
  }
};

TEST_F(RedisClientTest, SubscriberReceivesPatternMessagesAgainAfterRestart) {
  Inbox inbox;
  RedisSubscriber subscriber(
      SettingsFor(server_), {"events:*", "other:*"},
      [&inbox](std::string channel, std::string payload) {
        std::lock_guard lock(inbox.mu);
        inbox.messages.emplace_back(std::move(channel), std::move(payload));
      },
      [&inbox](bool connected) {
        if (connected) ++inbox.subscribed_count;
      });
  subscriber.Start();
  ASSERT_TRUE(WaitUntil([&] { return subscriber.connected(); }, milliseconds(5000)));

  RedisClient publisher(SettingsFor(server_));
  const std::string payload = "{\"stage\":\"emotion\"}\0tail"s;
  auto receivers = publisher.Command({"PUBLISH", "events:user-1", payload});
  ASSERT_TRUE(receivers.ok());
  EXPECT_EQ(receivers->integer(), 1);
  ASSERT_TRUE(publisher.Command({"PUBLISH", "unrelated:user-1", "ignored"}).ok());
  ASSERT_TRUE(WaitUntil([&] { return inbox.Has(payload); }, milliseconds(5000)));
  {
    std::lock_guard lock(inbox.mu);
    ASSERT_EQ(inbox.messages.size(), 1u);
    EXPECT_EQ(inbox.messages[0].first, "events:user-1");
  }

  server_.Stop();
  ASSERT_TRUE(WaitUntil([&] { return !subscriber.connected(); }, milliseconds(5000)));
  server_.Start();
  ASSERT_TRUE(WaitUntil([&] { return subscriber.connected(); }, milliseconds(10000)));
  EXPECT_EQ(inbox.subscribed_count.load(), 2);

  ASSERT_TRUE(WaitUntil([&] { return publisher.Ping().ok(); }, milliseconds(5000)));
  ASSERT_TRUE(publisher.Command({"PUBLISH", "other:user-2", "after-restart"}).ok());
  ASSERT_TRUE(WaitUntil([&] { return inbox.Has("after-restart"); }, milliseconds(5000)));

  auto start = Clock::now();
  subscriber.Stop();
  EXPECT_LT(Since(start), milliseconds(1000));
  EXPECT_FALSE(subscriber.connected());
}

TEST(RedisSubscriberTest, StopsPromptlyWhileRedisIsDown) {
  RedisSettings settings;
  settings.port = moodtape::testing::FreePort();  // nothing listens there
  RedisSubscriber subscriber(settings, {"x:*"}, [](std::string, std::string) {});
  subscriber.Start();
  EXPECT_FALSE(subscriber.connected());
  auto start = Clock::now();
  subscriber.Stop();
  EXPECT_LT(Since(start), milliseconds(1500));
}

TEST(RedisSettingsTest, ReadsAndValidatesTheRedisSection) {
  Config config = Config::FromString(R"(
[redis]
host = "redis.internal"
port = 6400
password = "pw"
db = 2
pool_size = 16
connect_timeout_ms = 250
command_timeout_ms = 1500
reconnect_backoff_min_ms = 10
reconnect_backoff_max_ms = 1000
)");
  RedisSettings s = ReadRedisSettings(config);
  EXPECT_EQ(s.host, "redis.internal");
  EXPECT_EQ(s.port, 6400);
  EXPECT_EQ(s.password, "pw");
  EXPECT_EQ(s.db, 2);
  EXPECT_EQ(s.pool_size, 16);
  EXPECT_EQ(s.connect_timeout, milliseconds(250));
  EXPECT_EQ(s.command_timeout, milliseconds(1500));
  EXPECT_EQ(s.reconnect_backoff_min, milliseconds(10));
  EXPECT_EQ(s.reconnect_backoff_max, milliseconds(1000));
  EXPECT_NO_THROW(config.Finish());

  Config defaults = Config::FromString("");
  RedisSettings d = ReadRedisSettings(defaults);
  EXPECT_EQ(d.host, "127.0.0.1");
  EXPECT_EQ(d.port, 6390);
  EXPECT_EQ(d.pool_size, 8);

  Config bad_pool = Config::FromString("[redis]\npool_size = 0\n");
  EXPECT_THROW(ReadRedisSettings(bad_pool), ConfigError);
  Config bad_backoff = Config::FromString(
      "[redis]\nreconnect_backoff_min_ms = 500\nreconnect_backoff_max_ms = 100\n");
  EXPECT_THROW(ReadRedisSettings(bad_backoff), ConfigError);
}

}  // namespace
}  // namespace moodtape::platform
