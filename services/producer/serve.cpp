#include "services/producer/serve.h"

#include <memory>
#include <stdexcept>

#include "platform/base/log.h"
#include "platform/grpc/service_glue.h"

namespace moodtape::producer {
namespace {

// Members are destroyed bottom-up: the server first, then the pool its calls run on, then the
// engine they use.
struct RunningProducer {
  std::unique_ptr<SongEngine> engine;
  std::unique_ptr<platform::BlockingCallPool> pool;
  std::unique_ptr<ProducerServiceImpl> producer;
  std::unique_ptr<SongGeneratorImpl> generator;
  std::unique_ptr<platform::GrpcServer> server;
};

}  // namespace

ProducerSettings ReadProducerSettings(platform::Config& config) {
  ProducerSettings s;
  s.engine = ReadEngineOptions(config);
  s.service.threads =
      static_cast<int>(config.Int("producer", "render_threads", s.service.threads, 1, 64));
  s.service.queue =
      static_cast<int>(config.Int("producer", "render_queue", s.service.queue, 1, 10000));
  return s;
}

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  const ProducerSettings settings = ReadProducerSettings(ctx.config);
  auto running = std::make_shared<RunningProducer>();
  const auto start = std::chrono::steady_clock::now();
  auto engine = SongEngine::Load(settings.engine);
  if (!engine.ok())
    throw std::runtime_error("cannot load the song engine: " + engine.error().message);
  running->engine = std::move(engine).value();
  platform::LogInfo("song engine loaded",
                    {{"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count()},
                     {"words", running->engine->dictionary().size()}});
  running->pool = std::make_unique<platform::BlockingCallPool>(
      "producer", settings.service.threads, &ctx.metrics, settings.service.queue);
  running->producer =
      std::make_unique<ProducerServiceImpl>(*running->engine, *running->pool, ctx.metrics);
  running->generator = std::make_unique<SongGeneratorImpl>(*running->engine, *running->pool);
  running->server = platform::StartGrpcServer(ctx, ProducerAccessPolicy(),
                                              {running->producer.get(), running->generator.get()});

  platform::ServiceHooks hooks;
  hooks.addresses = {{"grpc", running->server->BoundAddress()}};
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    platform::DrainGrpcServer(*running->server, deadline);
  };
  return hooks;
}

}  // namespace moodtape::producer
