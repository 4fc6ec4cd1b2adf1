#include "services/emotion/serve.h"

#include <memory>
#include <mutex>

#include "platform/base/log.h"
#include "platform/grpc/service_glue.h"
#include "platform/http/server.h"
#include "platform/service/service_main.h"
#include "services/emotion/core/model_card.h"
#include "services/emotion/core/trained_model.h"
#include "services/emotion/core/trainer.h"
#include "services/emotion/emotion_service.h"

namespace moodtape::emotion {
namespace {

ServedModel Serve(std::unique_ptr<TrainedEmotionModel> model) {
  ServedModel served;
  served.card = ModelCardToJson(model->card());
  served.model = std::shared_ptr<const EmotionModel>(std::move(model));
  return served;
}

}  // namespace

ServeSettings ReadServeSettings(platform::Config& config) {
  ServeSettings s;
  s.models_dir = config.String("emotion", "models_dir", s.models_dir);
  s.data_dir = config.String("emotion", "data_dir", s.data_dir);
  s.train_if_missing = config.Bool("emotion", "train_if_missing", s.train_if_missing);
  s.max_batch = static_cast<int>(config.Int("emotion", "max_batch", s.max_batch, 1, 100000));
  return s;
}

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  const ServeSettings s = ReadServeSettings(ctx.config);

  // Shared by the gRPC services, the reload hook and the admin route; lives until exit.
  auto first = s.train_if_missing ? LoadNewestOrTrain(s.models_dir, s.data_dir)
                                  : TrainedEmotionModel::LoadNewest(s.models_dir);
  if (!first.ok())
    throw std::runtime_error("cannot load the emotion model: " + first.error().message);
  auto holder = std::make_shared<ModelHolder>(Serve(std::move(first).value()));
  auto& version_gauge = ctx.metrics.AddGauge(
      "moodtape_emotion_model_info", "The emotion model being served (value 1).", {"version"});
  version_gauge.WithLabels({holder->Current()->model->Version()}).Set(1);
  platform::LogInfo("emotion model loaded", {{"version", holder->Current()->model->Version()}});

  auto v1 = std::make_shared<EmotionServiceV1>(*holder);
  auto v2 = std::make_shared<EmotionServiceV2>(*holder, s.max_batch);
  std::shared_ptr<platform::GrpcServer> server =
      platform::StartGrpcServer(ctx, EmotionAccessPolicy(), {v1.get(), v2.get()});

  // Reload = load the newest model directory and swap; calls in flight finish on the old one.
  auto reload_mu = std::make_shared<std::mutex>();
  auto reload = [holder, s, reload_mu, &version_gauge]() -> platform::Result<std::string> {
    std::lock_guard lock(*reload_mu);
    auto next = TrainedEmotionModel::LoadNewest(s.models_dir);
    if (!next.ok()) return next.error();
    std::string old_version = holder->Current()->model->Version();
    std::string new_version = (*next)->Version();
    holder->Replace(Serve(std::move(next).value()));
    version_gauge.WithLabels({old_version}).Set(0);
    version_gauge.WithLabels({new_version}).Set(1);
    platform::LogInfo("emotion model reloaded", {{"from", old_version}, {"to", new_version}});
    return new_version;
  };
  ctx.admin.AddRoute("POST", "/admin/reload-model", [reload](const platform::HttpRequest& req) {
    auto version = reload();
    if (!version.ok()) return platform::ErrorResponse(version.error(), req.request_id);
    return platform::JsonResponse(200, {{"model_version", *version}});
  });

  platform::ServiceHooks hooks;
  hooks.addresses["grpc"] = server->BoundAddress();
  hooks.reload = [reload] {
    auto version = reload();
    if (!version.ok()) throw std::runtime_error(version.error().message);
  };
  hooks.stop = [server, holder, v1, v2](std::chrono::steady_clock::time_point deadline) {
    platform::DrainGrpcServer(*server, deadline);
  };
  return hooks;
}

int RunServeCommand(int argc, char** argv) {
  return platform::RunService("emotion", argc, argv, Start);
}

}  // namespace moodtape::emotion
