#include "services/worker/serve.h"

#include <algorithm>
#include <memory>

#include "platform/grpc/service_glue.h"
#include "platform/jobs/queue.h"
#include "platform/jobs/worker.h"
#include "platform/redis/client.h"
#include "services/worker/album_ports.h"
#include "services/worker/cache_port.h"
#include "services/worker/worker_service.h"

namespace moodtape::worker {
namespace {

// Members are destroyed bottom-up: the consumer first, then what its handlers use.
struct RunningWorker {
  std::unique_ptr<platform::RedisClient> redis;
  std::unique_ptr<platform::JobQueue> queue;
  std::unique_ptr<platform::ChannelFactory> channels;
  std::unique_ptr<GrpcEmotionPort> emotion;
  std::unique_ptr<GrpcPlaylistPort> playlist;
  std::unique_ptr<GrpcHistoryPort> history;
  std::unique_ptr<RedisCachePort> predictions;
  std::unique_ptr<RedisCachePort> playlists;
  std::unique_ptr<MoodPipeline> pipeline;
  std::unique_ptr<GrpcSongsPort> songs;
  std::unique_ptr<GrpcCoverPort> covers;
  std::unique_ptr<GrpcAlbumStorePort> album_store;
  std::unique_ptr<RedisProgressPort> progress;
  std::unique_ptr<AlbumPipeline> albums;
  std::unique_ptr<platform::JobWorker> jobs;
  std::unique_ptr<platform::JobWorker> album_jobs;
};

}  // namespace

WorkerSettings ReadWorkerSettings(platform::Config& config) {
  WorkerSettings s;
  s.concurrency = static_cast<int>(config.Int("worker", "concurrency", s.concurrency, 1, 256));
  s.album_concurrency =
      static_cast<int>(config.Int("worker", "album_concurrency", s.album_concurrency, 0, 64));
  s.render_timeout = config.Millis("worker", "render_timeout_ms", 300000, 1000, 3600000);
  s.ports.call_timeout = config.Millis("worker", "call_timeout_ms", 5000, 100);
  s.ports.version_ttl = config.Millis("worker", "version_ttl_ms", 5000, 0);
  s.predictions.ttl = config.Millis("cache", "prediction_ttl_ms", 86400000, 1000, 30LL * 86400000);
  s.playlists.ttl = config.Millis("cache", "playlist_ttl_ms", 3600000, 1000, 30LL * 86400000);
  return s;
}

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  auto running = std::make_shared<RunningWorker>();
  const WorkerSettings settings = ReadWorkerSettings(ctx.config);
  platform::RedisSettings redis = platform::ReadRedisSettings(ctx.config);
  // Each handler slot, the reader, the maintenance thread and the caches hold connections.
  redis.pool_size =
      std::max(redis.pool_size, settings.concurrency + settings.album_concurrency + 6);
  running->redis = std::make_unique<platform::RedisClient>(redis, &ctx.metrics);
  running->queue = std::make_unique<platform::JobQueue>(
      *running->redis, platform::ReadJobQueueOptions(ctx.config), platform::SystemClock::Instance(),
      &ctx.metrics);

  running->channels = platform::MakeChannelFactory(ctx);
  auto channel = [&](const char* peer) {
    return running->channels->Create(platform::PeerAddress(ctx.config, peer), peer);
  };
  running->emotion = std::make_unique<GrpcEmotionPort>(channel("emotion"), settings.ports);
  running->playlist = std::make_unique<GrpcPlaylistPort>(channel("playlist"), settings.ports);
  running->history = std::make_unique<GrpcHistoryPort>(channel("store"), settings.ports);
  running->predictions =
      std::make_unique<RedisCachePort>(*running->redis, settings.predictions, &ctx.metrics);
  running->playlists =
      std::make_unique<RedisCachePort>(*running->redis, settings.playlists, &ctx.metrics);
  running->pipeline =
      std::make_unique<MoodPipeline>(*running->emotion, *running->playlist, *running->history,
                                     *running->predictions, *running->playlists);

  platform::JobWorkerOptions options;
  options.concurrency = settings.concurrency;
  running->jobs = std::make_unique<platform::JobWorker>(
      *running->queue, options,
      std::map<std::string, platform::JobHandler>{
          {std::string(kMoodJobType), MoodJobHandler(*running->pipeline)}});
  running->jobs->Start();

  if (settings.album_concurrency > 0) {
    AlbumPortOptions album_ports{settings.ports.call_timeout, settings.render_timeout};
    running->songs = std::make_unique<GrpcSongsPort>(channel("producer"), album_ports);
    running->covers = std::make_unique<GrpcCoverPort>(channel("designer"), album_ports);
    running->album_store = std::make_unique<GrpcAlbumStorePort>(channel("store"), album_ports);
    running->progress =
        std::make_unique<RedisProgressPort>(*running->redis, running->queue->options().key_prefix);
    running->albums = std::make_unique<AlbumPipeline>(*running->songs, *running->covers,
                                                      *running->album_store, *running->progress);
    platform::JobWorkerOptions album_options;
    album_options.concurrency = settings.album_concurrency;
    running->album_jobs = std::make_unique<platform::JobWorker>(
        *running->queue, album_options,
        std::map<std::string, platform::JobHandler>{
            {std::string(kAlbumJobType), AlbumJobHandler(*running->albums)}});
    running->album_jobs->Start();
  }

  platform::ServiceHooks hooks;
  hooks.addresses = {{"consumer", running->jobs->consumer()}};
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (running->album_jobs)
      running->album_jobs->Stop(std::max(left, std::chrono::milliseconds(0)));
    running->jobs->Stop(std::max(left, std::chrono::milliseconds(0)));
  };
  return hooks;
}

}  // namespace moodtape::worker
