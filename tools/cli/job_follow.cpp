#include "tools/cli/job_follow.h"

#include "tools/cli/command_util.h"

namespace moodtape::cli {
namespace {

using nlohmann::json;
using platform::ErrorCode;
using platform::MakeError;

// A socket that keeps closing right after it opens is not worth reopening forever.
constexpr int kMaxReconnects = 5;

platform::Result<std::unique_ptr<JobSocket>> Subscribe(GatewayClient& client,
                                                       const std::string& ws_path,
                                                       const std::string& job_id) {
  auto socket = client.OpenSocket(ws_path);
  if (!socket.ok()) return socket.error();
  platform::Status sent = (*socket)->Send(json{{"type", "subscribe"}, {"job_id", job_id}}.dump());
  if (!sent.ok()) return sent.error();
  return socket;
}

void Print(std::ostream* live, const JobWatch::Step& step) {
  if (live == nullptr) return;
  for (const auto& line : step.lines) *live << "  " << line << "\n";
  live->flush();
}

}  // namespace

std::string JobSocketPath(const json& accepted) {
  std::string path = StringField(accepted, "ws_url");
  return path.empty() || path[0] != '/' ? "/api/v1/ws" : path;
}

platform::Result<JobWatch::Step> FollowJob(GatewayClient& client, const std::string& job_id,
                                           const std::string& ws_path, const FollowOptions& options,
                                           std::ostream* live) {
  auto socket = Subscribe(client, ws_path, job_id);
  if (!socket.ok()) return socket.error();
  JobWatch watch(job_id);
  int reconnects = 0;  // in a row, without a message in between
  while (true) {
    auto message = (*socket)->Read(options.quiet);
    if (message.ok()) {
      reconnects = 0;
      JobWatch::Step step = watch.OnMessage(*message);
      Print(live, step);
      if (step.done) return step;
      continue;
    }
    auto gave_up = [&](const std::string& why) {
      return MakeError(ErrorCode::kUnavailable,
                       why + " while following job " + job_id + " (see " + options.see_also + ")");
    };
    // The job's record says whether it ended while the socket was quiet or broken.
    auto job = client.AuthedCall("GET", "/api/v1/jobs/" + EscapeUrlPart(job_id));
    if (job.ok() && IsFinalState(StringField(*job, "state"))) {
      json snapshot = {{"type", "snapshot"},
                       {"job_id", job_id},
                       {"state", StringField(*job, "state")},
                       {"stage", StringField(*job, "stage")}};
      for (const char* key : {"result", "error"}) {
        if (job->contains(key)) snapshot[key] = (*job)[key];
      }
      JobWatch::Step step = watch.OnMessage(snapshot.dump());
      Print(live, step);
      if (step.done) return step;
    }
    if (!options.wait_while_running) return gave_up(message.error().message);
    if (!job.ok()) return gave_up(job.error().message);
    // A quiet socket is only a long render or a long queue; a broken one is worth a few retries.
    if (message.error().code != ErrorCode::kDeadlineExceeded && ++reconnects > kMaxReconnects) {
      return gave_up(message.error().message);
    }
    socket = Subscribe(client, ws_path, job_id);
    if (!socket.ok()) return gave_up(socket.error().message);
  }
}

platform::Result<json> JobResult(GatewayClient& client, const std::string& job_id,
                                 const JobWatch::Step& step) {
  if (!step.fetch_result) return step.result;
  auto job = client.AuthedCall("GET", "/api/v1/jobs/" + EscapeUrlPart(job_id));
  if (!job.ok()) return job.error();
  auto it = job->find("result");
  if (it == job->end() || !it->is_object()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "job " + job_id + " succeeded but the gateway has no result for it");
  }
  return *it;
}

}  // namespace moodtape::cli
