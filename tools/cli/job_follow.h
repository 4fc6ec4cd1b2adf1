// Following one job to its end, shared by `mood` and `album`: subscribe on the job WebSocket,
// print each stage as it arrives, and when the socket goes quiet or breaks, ask the gateway for
// the job's state instead of guessing (an event may be lost; an album may render for minutes).
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "platform/base/error.h"
#include "tools/cli/gateway_client.h"
#include "tools/cli/render.h"

namespace moodtape::cli {

struct FollowOptions {
  // How long the socket may stay silent before the CLI asks for the job's state.
  std::chrono::milliseconds quiet = std::chrono::minutes(5);
  // After a silence or a broken socket, subscribe again while the gateway still runs the job;
  // false: give up at once (mood jobs take seconds, so silence means trouble).
  bool wait_while_running = false;
  // Where the user finds the job after the CLI gave up ("moodtape history").
  std::string see_also;
};

// The WebSocket path a 202 names ("ws_url"); /api/v1/ws when it names none or a full URL.
std::string JobSocketPath(const nlohmann::json& accepted);

// Follows `job_id` from its WebSocket at `ws_path` until it ends; each stage's line goes to
// `live` ("  <line>", flushed) unless it is null. The final step (succeeded or not); an error
// when the job could not be followed to its end.
platform::Result<JobWatch::Step> FollowJob(GatewayClient& client, const std::string& job_id,
                                           const std::string& ws_path, const FollowOptions& options,
                                           std::ostream* live);

// The result of a job that succeeded: the step's, else the job's record (GET /api/v1/jobs/{id}).
platform::Result<nlohmann::json> JobResult(GatewayClient& client, const std::string& job_id,
                                           const JobWatch::Step& step);

}  // namespace moodtape::cli
