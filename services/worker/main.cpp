// moodtape-worker: consumes `mood` jobs from the Redis Streams queue and runs the mood pipeline
// (emotion -> playlist -> history). Start more processes to scale out; SIGTERM drains.
#include <memory>

#include "platform/grpc_service.h"
#include "platform/job_queue.h"
#include "platform/redis_cache.h"
#include "platform/redis_client.h"
#include "platform/service_main.h"
#include "services/worker/grpc_ports.h"
#include "services/worker/worker_service.h"

namespace {

using namespace moodtape;

// The pipeline's caches as platform::RedisCache.
class RedisCachePort final : public worker::CachePort {
 public:
  RedisCachePort(platform::RedisClient& redis, platform::RedisCacheOptions options,
                 platform::MetricsRegistry* metrics)
      : cache_(redis, std::move(options), metrics) {}
  platform::Result<std::string> GetOrCompute(
      const std::string& key, const std::function<platform::Result<std::string>()>& compute,
      bool* hit) override {
    auto value = cache_.GetOrCompute(key, compute);
    if (!value.ok()) return value.error();
    *hit = value->hit;
    return std::move(value->value);
  }

 private:
  platform::RedisCache cache_;
};

struct RunningWorker {
  std::unique_ptr<platform::RedisClient> redis;
  std::unique_ptr<platform::JobQueue> queue;
  std::unique_ptr<platform::ChannelFactory> channels;
  std::unique_ptr<worker::GrpcEmotionPort> emotion;
  std::unique_ptr<worker::GrpcPlaylistPort> playlist;
  std::unique_ptr<worker::GrpcHistoryPort> history;
  std::unique_ptr<RedisCachePort> predictions;
  std::unique_ptr<RedisCachePort> playlists;
  std::unique_ptr<worker::MoodPipeline> pipeline;
  std::unique_ptr<platform::JobWorker> jobs;
};

}  // namespace

int main(int argc, char** argv) {
  return platform::RunService("worker", argc, argv, [](platform::ServiceContext& ctx) {
    auto running = std::make_shared<RunningWorker>();
    const int concurrency = static_cast<int>(ctx.config.Int("worker", "concurrency", 4, 1, 256));
    worker::PortOptions ports;
    ports.call_timeout = ctx.config.Millis("worker", "call_timeout_ms", 5000, 100);
    ports.version_ttl = ctx.config.Millis("worker", "version_ttl_ms", 5000, 0);
    platform::RedisCacheOptions predictions{.name = "emotion"};
    predictions.ttl =
        ctx.config.Millis("cache", "prediction_ttl_ms", 86400000, 1000, 30LL * 86400000);
    platform::RedisCacheOptions playlists{.name = "playlist"};
    playlists.ttl = ctx.config.Millis("cache", "playlist_ttl_ms", 3600000, 1000, 30LL * 86400000);

    platform::RedisSettings redis = platform::ReadRedisSettings(ctx.config);
    // Each handler slot, the reader, the maintenance thread and the caches hold connections.
    redis.pool_size = std::max(redis.pool_size, concurrency + 4);
    running->redis = std::make_unique<platform::RedisClient>(redis, &ctx.metrics);
    running->queue = std::make_unique<platform::JobQueue>(
        *running->redis, platform::ReadJobQueueOptions(ctx.config),
        platform::SystemClock::Instance(), &ctx.metrics);

    running->channels = platform::MakeChannelFactory(ctx);
    auto channel = [&](const char* peer) {
      return running->channels->Create(platform::PeerAddress(ctx.config, peer), peer);
    };
    running->emotion = std::make_unique<worker::GrpcEmotionPort>(channel("emotion"), ports);
    running->playlist = std::make_unique<worker::GrpcPlaylistPort>(channel("playlist"), ports);
    running->history = std::make_unique<worker::GrpcHistoryPort>(channel("store"), ports);
    running->predictions =
        std::make_unique<RedisCachePort>(*running->redis, predictions, &ctx.metrics);
    running->playlists = std::make_unique<RedisCachePort>(*running->redis, playlists, &ctx.metrics);
    running->pipeline = std::make_unique<worker::MoodPipeline>(
        *running->emotion, *running->playlist, *running->history, *running->predictions,
        *running->playlists);

    platform::JobWorkerOptions options;
    options.concurrency = concurrency;
    running->jobs = std::make_unique<platform::JobWorker>(
        *running->queue, options,
        std::map<std::string, platform::JobHandler>{
            {worker::kMoodJobType, worker::MoodJobHandler(*running->pipeline)}});
    running->jobs->Start();

    platform::ServiceHooks hooks;
    hooks.addresses = {{"consumer", running->jobs->consumer()}};
    hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      running->jobs->Stop(std::max(left, std::chrono::milliseconds(0)));
    };
    return hooks;
  });
}
