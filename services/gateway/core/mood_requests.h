// Pure decisions behind the gateway's job routes and its WebSocket: the Idempotency-Key header,
// paging parameters, the JSON shapes of a job, a history item, a dead letter and the WebSocket
// frames. No network code;
// unit tested in tests/services/gateway/mood_requests_test.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"
#include "platform/jobs/job.h"

namespace moodtape::gateway {

// Request bodies for jobs are parsed by the job definitions the worker owns
// (services/worker/core/mood_job.h), so both sides refuse exactly the same things.
inline constexpr size_t kMaxIdempotencyKeyBytes = 128;

// The Idempotency-Key header: "" -> "" (none); 1..128 printable ASCII (0x21..0x7e and space
// inside) -> the key; anything else kInvalidArgument naming the header.
platform::Result<std::string> ParseIdempotencyKey(std::string_view header);

// A "limit" query parameter: absent -> `fallback`; otherwise a decimal integer in min..max, else
// kInvalidArgument naming the parameter.
platform::Result<int> ParseLimit(const std::optional<std::string>& value, int fallback, int min,
                                 int max);

// Job ids as the queue makes them are short tokens; anything else cannot name a job, so it is
// answered like an unknown id without asking Redis.
bool LooksLikeJobId(std::string_view id);

// Seconds for Retry-After from a remaining time in ms: at least 1, rounded up.
int64_t RetryAfterSeconds(int64_t remaining_ms);

// GET /api/v1/jobs/{id}: {"job_id","state","stage","attempts","enqueued_at_ms",
// "finished_at_ms","error"?,"result"?} (result parsed; a result that is not JSON is left out).
nlohmann::json JobJson(const platform::JobRecord& job);
// One dead letter for the admin routes (payload parsed, history as objects).
nlohmann::json DeadLetterJson(const platform::DeadLetter& letter);

// ----- WebSocket frames ----------------------------------------------------------------------

enum class ClientFrameType { kSubscribe, kUnsubscribe };

struct ClientFrame {
  ClientFrameType type = ClientFrameType::kSubscribe;
  std::string job_id;
};

// {"type":"subscribe"|"unsubscribe","job_id":"..."}; kInvalidArgument with a message naming the
// problem for anything else (not JSON, not an object, unknown type or field, missing job_id).
platform::Result<ClientFrame> ParseClientFrame(std::string_view text);

// {"type":"snapshot","job_id","seq","state","stage","result"?,"error"?}.
std::string SnapshotFrame(const platform::JobRecord& job);
// {"type":"event","job_id","seq","stage","state","data"} (data parsed; {} if it is not JSON).
std::string EventFrame(const platform::JobEvent& event);
// {"type":"error","job_id"?,"code","message"}; job_id is left out when empty.
std::string ErrorFrame(std::string_view job_id, std::string_view code, std::string_view message);

}  // namespace moodtape::gateway
