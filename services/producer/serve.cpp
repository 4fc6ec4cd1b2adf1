#include "services/producer/serve.h"

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "platform/base/log.h"
#include "platform/grpc/service_glue.h"
#include "platform/security/user_tokens.h"
#include "platform/service/model_endpoint.h"
#include "platform/service/service_main.h"

namespace moodtape::producer {
namespace {

// Members are destroyed bottom-up: the server first, then the pool its calls run on, then the
// engine they use.
struct RunningProducer {
  std::unique_ptr<SongEngine> engine;
  std::unique_ptr<platform::ChannelFactory> channels;
  std::unique_ptr<SuperstarMaker> maker;
  std::unique_ptr<platform::BlockingCallPool> pool;
  std::unique_ptr<ProducerServiceImpl> producer;
  std::unique_ptr<SongGeneratorImpl> generator;
  std::unique_ptr<grpc::Service> legacy;
  std::unique_ptr<platform::GrpcServer> server;
  std::unique_ptr<platform::GrpcServer> legacy_server;
};

}  // namespace

ProducerSettings ReadProducerSettings(platform::Config& config) {
  ProducerSettings s;
  s.engine = ReadEngineOptions(config);
  s.service.threads =
      static_cast<int>(config.Int("producer", "render_threads", s.service.threads, 1, 64));
  s.service.queue =
      static_cast<int>(config.Int("producer", "render_queue", s.service.queue, 1, 10000));
  s.openai = platform::ReadModelEndpoint(config, "producer", "lyrics_backend", &s.lyrics_backend,
                                         std::chrono::milliseconds(30000));
  s.legacy.address = config.String("producer", "legacy_address", s.legacy.address);
  if (!s.legacy.address.empty())
    platform::RequireHostPort("producer", "legacy_address", s.legacy.address);
  s.designer_timeout = config.Millis("producer", "designer_timeout_ms", 10000, 100, 120000);
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
  // MakeMeSuperstar's covers: producer -> designer over mTLS with the producer's certificate.
  running->channels = platform::MakeChannelFactory(ctx);
  running->maker = std::make_unique<SuperstarMaker>(
      *running->engine,
      designer::v1::DesignerService::NewStub(
          running->channels->Create(platform::PeerAddress(ctx.config, "designer"), "designer")),
      settings.designer_timeout, ctx.metrics);
  running->generator = std::make_unique<SongGeneratorImpl>(*running->maker, *running->pool);
  running->server = platform::StartGrpcServer(ctx, ProducerAccessPolicy(),
                                              {running->producer.get(), running->generator.get()});

  platform::ServiceHooks hooks;
  hooks.addresses = {{"grpc", running->server->BoundAddress()}};
  if (!settings.legacy.address.empty()) {
    // The source project's clients: server-side TLS with the dev CA and no client certificate;
    // beyond loopback every call needs a moodtape access token instead.
    platform::ExtraListener legacy;
    legacy.name = "producer-legacy";
    legacy.address = settings.legacy.address;
    legacy.policy = LegacyAccessPolicy();
    legacy.require_client_certificate = false;
    if (!IsLoopbackAddress(settings.legacy.address)) {
      auto verifier = platform::LoadUserTokenVerifier(platform::ReadUserTokenSettings(ctx.config));
      if (!verifier.ok()) throw std::runtime_error("[jwt] jwks_file: " + verifier.error().message);
      legacy.require_user_token = true;
      legacy.user_tokens = *verifier;
    }
    running->legacy = MakeLegacySongGenerator(*running->maker, *running->pool);
    running->legacy_server =
        platform::StartGrpcListener(ctx, std::move(legacy), {running->legacy.get()});
    hooks.addresses["legacy"] = running->legacy_server->BoundAddress();
  }
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    if (running->legacy_server) platform::DrainGrpcServer(*running->legacy_server, deadline);
    platform::DrainGrpcServer(*running->server, deadline);
  };
  return hooks;
}

}  // namespace moodtape::producer
