#include "platform/jobs/job.h"

#include <nlohmann/json.hpp>

namespace moodtape::platform {

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kRetrying:
      return "retrying";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kDead:
      return "dead";
  }
  return "queued";
}

std::optional<JobState> ParseJobState(std::string_view name) {
  for (JobState s : {JobState::kQueued, JobState::kRunning, JobState::kRetrying,
                     JobState::kSucceeded, JobState::kFailed, JobState::kDead}) {
    if (JobStateName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsTerminal(JobState state) {
  return state == JobState::kSucceeded || state == JobState::kFailed || state == JobState::kDead;
}

bool IsRetryable(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kUnimplemented:
    case ErrorCode::kOutOfRange:
      return false;
    default:
      return true;
  }
}

Result<JobEvent> ParseJobEvent(std::string_view message) {
  auto json = nlohmann::json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("job_id") || !json["job_id"].is_string() ||
      !json.contains("seq") || !json["seq"].is_number_integer()) {
    return MakeError(ErrorCode::kInvalidArgument, "not a job event");
  }
  JobEvent e;
  e.job_id = json["job_id"].get<std::string>();
  e.seq = json["seq"].get<int64_t>();
  e.stage = json.value("stage", "");
  e.state = json.value("state", "");
  e.data = json.contains("data") ? json["data"].dump() : "null";
  return e;
}

}  // namespace moodtape::platform
