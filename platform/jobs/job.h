// What a job is, independent of where it is queued: its states, record, attempt history, dead
// letter and event message. Plain data (no Redis), so request parsers and JSON shapes in service
// cores can use them without linking the queue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::platform {

enum class JobState { kQueued, kRunning, kRetrying, kSucceeded, kFailed, kDead };

// "queued", "running", "retrying", "succeeded", "failed", "dead".
std::string_view JobStateName(JobState state);
std::optional<JobState> ParseJobState(std::string_view name);
// True for succeeded, failed and dead: nothing will happen to the job any more.
bool IsTerminal(JobState state);

// Whether an attempt that failed with `code` is tried again (if attempts remain). Bad input and
// refusals (invalid_argument, not_found, failed_precondition, permission_denied,
// unauthenticated, already_exists, unimplemented) would fail the same way every time.
bool IsRetryable(ErrorCode code);

// One finished attempt, as kept in the job's history and its dead letter.
struct JobAttempt {
  int attempt = 0;  // 1-based within its series
  int series = 0;   // 0 for the original run, n after the n-th replay from the dead letters
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  std::string code;  // ErrorCodeName(...) or "worker_lost"
  std::string error;
  std::string worker;  // the consumer that ran it
};

struct JobRecord {
  std::string id;
  std::string type;
  std::string owner;  // user id; events go to <prefix>events:<owner>
  JobState state = JobState::kQueued;
  int attempts = 0;     // attempts started in the current series
  int replays = 0;      // times replayed from the dead letters
  std::string payload;  // JSON
  std::string result;   // JSON, when succeeded
  std::string error;    // the last error, while retrying or when failed/dead
  std::string error_code;
  std::string stage;  // stage of the latest event
  std::string event;  // data (JSON) of the latest event
  int64_t seq = 0;    // sequence number of the latest event
  int64_t enqueued_ms = 0;
  int64_t started_ms = 0;           // start of the latest attempt
  int64_t finished_ms = 0;          // when it became succeeded/failed/dead
  int64_t next_attempt_ms = 0;      // while retrying: when the retry becomes due
  std::vector<JobAttempt> history;  // failed attempts, oldest first
};

struct EnqueueOptions {
  // Same owner + same key within idempotency_ttl -> the first job's id, nothing enqueued.
  std::string idempotency_key;
  std::string owner;
};

struct EnqueueResult {
  std::string job_id;
  bool duplicate = false;
};

struct DeadLetter {
  std::string entry_id;  // the dead-letter stream entry
  std::string job_id;
  std::string type;
  std::string owner;
  std::string payload;
  std::string error;
  std::string error_code;
  JobState state = JobState::kDead;  // kFailed (non-retryable) or kDead (attempts exhausted)
  int attempts = 0;
  std::vector<JobAttempt> history;
  int64_t enqueued_ms = 0;
  int64_t failed_ms = 0;
};

struct DeadLetterPage {
  std::vector<DeadLetter> letters;  // oldest first
  std::string next_cursor;          // "" when there are no more
};

// One message on <prefix>events:<owner>.
struct JobEvent {
  std::string job_id;
  int64_t seq = 0;
  std::string stage;
  std::string state;
  std::string data;  // JSON
};
// Parses an event message; kInvalidArgument when it is not one.
Result<JobEvent> ParseJobEvent(std::string_view message);

}  // namespace moodtape::platform
