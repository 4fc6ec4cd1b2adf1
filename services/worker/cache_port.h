// The mood pipeline's caches (CachePort) over platform::RedisCache: read-through with
// single-flight, bypassed while Redis is down.
#pragma once

#include "platform/redis/cache.h"
#include "services/worker/core/mood_pipeline.h"

namespace moodtape::worker {

class RedisCachePort final : public CachePort {
 public:
  // `redis` and `metrics` (may be null) must outlive the port.
  RedisCachePort(platform::RedisClient& redis, platform::RedisCacheOptions options,
                 platform::MetricsRegistry* metrics)
      : cache_(redis, std::move(options), metrics) {}

  platform::Result<std::string> GetOrCompute(
      const std::string& key, const std::function<platform::Result<std::string>()>& compute,
      bool* hit) override;

 private:
  platform::RedisCache cache_;
};

}  // namespace moodtape::worker
