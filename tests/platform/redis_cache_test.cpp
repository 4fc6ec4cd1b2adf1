// RedisCache against a real redis-server: hits and misses, a hot key computed once by many
// threads and by two caches standing for two processes, errors never cached, Redis down -> the
// value is computed without the cache.
#include "platform/redis/cache.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/redis_server.h"

namespace moodtape::platform {
namespace {

using namespace std::chrono_literals;

class RedisCacheTest : public ::testing::Test {
 protected:
  RedisCacheTest() : client_(Settings()) {}
  RedisSettings Settings() {
    RedisSettings s;
    s.port = redis_.port();
    s.pool_size = 16;
    s.command_timeout = 1000ms;
    s.connect_timeout = 300ms;
    return s;
  }
  RedisCacheOptions Options() {
    RedisCacheOptions o;
    o.name = "test";
    o.ttl = 60s;
    return o;
  }

  moodtape::testing::RedisServerProcess redis_;
  RedisClient client_;
  MetricsRegistry metrics_;
};

TEST_F(RedisCacheTest, MissThenHitWithTheTtlSet) {
  RedisCache cache(client_, Options(), &metrics_);
  int computed = 0;
  auto compute = [&]() -> Result<std::string> {
    ++computed;
    return std::string("value");
  };
  auto first = cache.GetOrCompute("k", compute);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->hit);
  auto second = cache.GetOrCompute("k", compute);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->hit);
  EXPECT_EQ(second->value, "value");
  EXPECT_EQ(computed, 1);
  auto ttl = client_.Command({"PTTL", cache.FullKey("k")});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer(), 50000);
  EXPECT_NE(
      metrics_.Render().find(R"(moodtape_cache_requests_total{cache="test",outcome="hit"} 1)"),
      std::string::npos)
      << metrics_.Render();
}

TEST_F(RedisCacheTest, ErrorsAreReturnedAndNeverStored) {
  RedisCache cache(client_, Options());
  auto failed = cache.GetOrCompute(
      "k", []() -> Result<std::string> { return MakeError(ErrorCode::kUnavailable, "down"); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  auto exists = client_.Command({"EXISTS", cache.FullKey("k")});
  ASSERT_TRUE(exists.ok());
  EXPECT_EQ(exists->integer(), 0);
}

TEST_F(RedisCacheTest, AHotKeyIsComputedOnceAcrossThreadsAndProcesses) {
  // Two caches on separate clients stand for two worker processes.
  RedisClient other_client(Settings());
  RedisCache a(client_, Options()), b(other_client, Options());
  std::atomic<int> computed{0};
  auto compute = [&]() -> Result<std::string> {
    ++computed;
    std::this_thread::sleep_for(200ms);  // long enough for every asker to arrive meanwhile
    return std::string("slow value");
  };
  std::vector<std::thread> askers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    askers.emplace_back([&, i] {
      auto v = (i % 2 == 0 ? a : b).GetOrCompute("hot", compute);
      if (v.ok() && v->value == "slow value") ++ok;
    });
  }
  for (auto& t : askers) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(computed.load(), 1);
}

TEST_F(RedisCacheTest, RedisDownMeansComputedWithoutTheCache) {
  RedisCache cache(client_, Options(), &metrics_);
  redis_.Stop();
  int computed = 0;
  auto v = cache.GetOrCompute("k", [&]() -> Result<std::string> {
    ++computed;
    return std::string("fresh");
  });
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value, "fresh");
  EXPECT_FALSE(v->hit);
  EXPECT_EQ(computed, 1);
  redis_.Start();
  // Back: the cache works again without a new client.
  bool stored = false;
  for (int i = 0; i < 50 && !stored; ++i) {
    auto again = cache.GetOrCompute("k2", [] { return Result<std::string>(std::string("x")); });
    stored = again.ok() && client_.Command({"EXISTS", cache.FullKey("k2")}).ok() &&
             client_.Command({"EXISTS", cache.FullKey("k2")})->integer() == 1;
    if (!stored) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(stored);
}

}  // namespace
}  // namespace moodtape::platform
