// A read-through cache in Redis for values that are expensive to compute and safe to share
// (emotion predictions, playlists). A hot key is computed once: concurrent askers in this process
// wait on the one computation (single-flight), and askers in other processes wait on a short
// Redis lock (SET NX PX) and read the value the winner stores. When Redis is down the cache steps
// aside and the value is computed directly: a cache must never be why a request fails.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "platform/base/error.h"
#include "platform/observability/metrics.h"
#include "platform/redis/client.h"

namespace moodtape::platform {

struct RedisCacheOptions {
  std::string name;  // the metrics label, e.g. "emotion"
  std::string key_prefix = "moodtape:cache:";
  std::chrono::milliseconds ttl{3600000};  // how long a value is kept
  // The cross-process compute lock: held at most this long (a crashed holder frees it), and how
  // long another process waits for the holder's value before computing itself.
  std::chrono::milliseconds lock_ttl{10000};
  std::chrono::milliseconds wait{3000};
  std::chrono::milliseconds poll{10};
};

class RedisCache {
 public:
  struct Value {
    std::string value;
    bool hit = false;  // false: computed by this call
  };
  using Compute = std::function<Result<std::string>()>;

  RedisCache(RedisClient& redis, RedisCacheOptions options, MetricsRegistry* metrics = nullptr);

  // The cached value of `key` (appended to key_prefix), or compute() stored with the TTL. An
  // error from compute() is returned and nothing is stored.
  Result<Value> GetOrCompute(const std::string& key, const Compute& compute);

  std::string FullKey(const std::string& key) const { return options_.key_prefix + key; }

 private:
  struct Flight {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Result<Value> result = MakeError(ErrorCode::kInternal, "not computed");
  };
  Result<Value> Lookup(const std::string& full_key, const Compute& compute);
  void Count(const char* outcome);

  RedisClient& redis_;
  const RedisCacheOptions options_;
  Family<Counter>* requests_ = nullptr;
  std::mutex flights_mu_;
  std::map<std::string, std::shared_ptr<Flight>> flights_;
};

}  // namespace moodtape::platform
