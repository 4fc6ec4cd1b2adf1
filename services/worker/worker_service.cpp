#include "services/worker/worker_service.h"

#include "platform/base/log.h"
#include "services/worker/grpc_ports.h"

namespace moodtape::worker {

platform::JobHandler MoodJobHandler(MoodPipeline& pipeline) {
  return [&pipeline](const platform::JobRecord& record,
                     platform::JobContext& ctx) -> platform::Result<std::string> {
    auto job = ParseMoodJob(record.id, record.owner, record.payload);
    if (!job.ok()) return job.error();
    SetCurrentRequestId(job->request_id);
    auto result = pipeline.Run(*job, [&](std::string_view stage, const Json& data) {
      // An event that cannot be published is not worth failing the job: the result is stored
      // in the job hash, which a subscriber reads first.
      auto published = ctx.PublishEvent(stage, data.dump());
      if (!published.ok()) {
        platform::LogWarn("job event not published", {{"job_id", record.id},
                                                      {"stage", std::string(stage)},
                                                      {"error", published.error().message}});
      }
    });
    SetCurrentRequestId("");
    if (!result.ok()) return result.error();
    return result->dump();
  };
}

platform::JobHandler AlbumJobHandler(AlbumPipeline& pipeline) {
  return [&pipeline](const platform::JobRecord& record,
                     platform::JobContext& ctx) -> platform::Result<std::string> {
    auto job = ParseAlbumJob(record.id, record.owner, record.payload);
    if (!job.ok()) return job.error();
    SetCurrentRequestId(job->request_id);
    auto result = pipeline.Run(
        *job,
        [&](std::string_view stage, const Json& data) {
          auto published = ctx.PublishEvent(stage, data.dump());
          if (!published.ok()) {
            platform::LogWarn("job event not published", {{"job_id", record.id},
                                                          {"stage", std::string(stage)},
                                                          {"error", published.error().message}});
          }
        },
        [&] { return ctx.stopping() || ctx.lost(); });
    SetCurrentRequestId("");
    if (!result.ok()) return result.error();
    return result->dump();
  };
}

}  // namespace moodtape::worker
