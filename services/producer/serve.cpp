#include "services/producer/serve.h"

#include <cstdlib>
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
  s.lyrics_backend =
      config.Choice("producer", "lyrics_backend", s.lyrics_backend, {"builtin", "openai"});
  s.openai.base_url = config.String("producer", "openai_base_url", s.openai.base_url);
  s.openai.model = config.String("producer", "openai_model", s.openai.model);
  s.openai.timeout = config.Millis("producer", "openai_timeout_ms", 30000, 100, 600000);
  if (s.lyrics_backend == "openai" && (s.openai.base_url.empty() || s.openai.model.empty())) {
    throw platform::ConfigError(
        "config: producer.lyrics_backend = \"openai\" needs producer.openai_base_url and "
        "producer.openai_model");
  }
  // The key never comes from a file, so it cannot end up in a repository or a config dump.
  if (const char* key = std::getenv("MOODTAPE_OPENAI_API_KEY")) s.openai.api_key = key;
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
  if (settings.lyrics_backend == "openai") {
    running->engine->SetLyricsModel(std::make_shared<OpenAiLyricsModel>(settings.openai));
    platform::LogInfo("lyrics from a text model",
                      {{"base_url", settings.openai.base_url},
                       {"model", settings.openai.model},
                       {"key", settings.openai.api_key.empty() ? "none" : "from the environment"}});
  }
  running->pool = std::make_unique<platform::BlockingCallPool>(
      "producer", settings.service.threads, &ctx.metrics, settings.service.queue);
  running->producer =
      std::make_unique<ProducerServiceImpl>(*running->engine, *running->pool, ctx.metrics);
  running->generator =
      std::make_unique<SongGeneratorImpl>(*running->engine, *running->pool, ctx.metrics);
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
