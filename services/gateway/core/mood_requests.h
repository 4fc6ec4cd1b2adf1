// Pure decisions behind the gateway's mood-job routes and its WebSocket: parsing and validating
// POST /api/v1/moods, the job payload the worker reads, the Idempotency-Key header, paging
// parameters, the JSON shapes of a job, a dead letter and the WebSocket frames. No network code;
// unit tested in tests/services/gateway/mood_requests_test.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/error.h"
#include "platform/job_queue.h"

namespace moodtape::gateway {

// The job type the worker consumes.
inline constexpr std::string_view kMoodJobType = "mood";

// The 13 emotions, lower case, in the order of moodtape.common.v1.Emotion (value = index + 1).
inline constexpr std::array<std::string_view, 13> kEmotionNames = {
    "anger", "boredom", "empty",  "enthusiasm", "fun",      "happiness", "hate",
    "love",  "neutral", "relief", "sadness",    "surprise", "worry"};
// The name of a moodtape.common.v1.Emotion value; "" for unspecified/unknown values.
std::string_view EmotionNameForValue(int value);

inline constexpr size_t kMaxMoodTextChars = 2000;  // code points, after trimming
inline constexpr int kMinPlaylistLength = 3;
inline constexpr int kMaxPlaylistLength = 50;
inline constexpr int kDefaultPlaylistLength = 12;
inline constexpr size_t kMaxIdempotencyKeyBytes = 128;

struct MoodOptions {
  std::vector<std::string> include_genres;
  std::vector<std::string> exclude_genres;
  int64_t max_tracks_per_artist = 0;  // 0 = no cap
  bool allow_explicit = true;
  uint64_t seed = 0;  // 0 = the worker picks
};

struct MoodRequest {
  std::string text;  // trimmed
  std::string desired_emotion;
  int length = kDefaultPlaylistLength;
  MoodOptions options;
};

// The body of POST /api/v1/moods. kInvalidArgument naming the field for: a body that is not
// UTF-8 JSON object, an unknown field (top level or in "options"), a wrong type, a text that is
// empty after trimming or longer than 2000 characters, an unknown emotion, a length outside
// 3..50, a negative max_tracks_per_artist, a seed that is not an unsigned 64-bit integer.
platform::Result<MoodRequest> ParseMoodRequest(std::string_view body);

// The job payload: {"text", "desired_emotion", "length", "options": {all five keys},
// "request_id"}.
std::string MoodJobPayload(const MoodRequest& request, std::string_view request_id);

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
