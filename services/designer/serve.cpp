#include "services/designer/serve.h"

#include <chrono>
#include <cstdlib>
#include <memory>

#include "platform/base/log.h"
#include "platform/grpc/service_glue.h"
#include "platform/service/model_endpoint.h"

namespace moodtape::designer {
namespace {

// Members are destroyed bottom-up: the server first, then the pool its calls run on, then the
// designer they use.
struct RunningDesigner {
  std::unique_ptr<CoverDesigner> designer;
  std::unique_ptr<platform::BlockingCallPool> pool;
  std::unique_ptr<DesignerServiceImpl> service;
  std::unique_ptr<platform::GrpcServer> server;
};

}  // namespace

DesignerSettings ReadDesignerSettings(platform::Config& config) {
  DesignerSettings s;
  s.service.threads =
      static_cast<int>(config.Int("designer", "render_threads", s.service.threads, 1, 64));
  s.service.queue =
      static_cast<int>(config.Int("designer", "render_queue", s.service.queue, 1, 10000));
  s.openai = platform::ReadModelEndpoint(config, "designer", "image_backend", &s.image_backend,
                                         std::chrono::milliseconds(60000));
  return s;
}

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  const DesignerSettings settings = ReadDesignerSettings(ctx.config);
  auto running = std::make_shared<RunningDesigner>();
  std::shared_ptr<const PictureSource> pictures;
  if (settings.image_backend == "openai") {
    pictures = std::make_shared<OpenAiPictureSource>(settings.openai);
    platform::LogInfo("cover pictures from an image model",
                      {{"base_url", settings.openai.base_url},
                       {"model", settings.openai.model},
                       {"key", settings.openai.api_key.empty() ? "none" : "from the environment"}});
  }
  running->designer = std::make_unique<CoverDesigner>(pictures);
  // Fontconfig scans the fonts on first use; do it now rather than in the first call.
  const auto start = std::chrono::steady_clock::now();
  auto probe = MakeCoverSpec("", "pop", "Ready", "Designer", 0);
  if (probe.ok()) running->designer->Preview(*probe);
  platform::LogInfo("fonts loaded", {{"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count()}});
  running->pool = std::make_unique<platform::BlockingCallPool>(
      "designer", settings.service.threads, &ctx.metrics, settings.service.queue);
  running->service =
      std::make_unique<DesignerServiceImpl>(*running->designer, *running->pool, ctx.metrics);
  running->server =
      platform::StartGrpcServer(ctx, DesignerAccessPolicy(), {running->service.get()});

  platform::ServiceHooks hooks;
  hooks.addresses = {{"grpc", running->server->BoundAddress()}};
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    platform::DrainGrpcServer(*running->server, deadline);
  };
  return hooks;
}

}  // namespace moodtape::designer
