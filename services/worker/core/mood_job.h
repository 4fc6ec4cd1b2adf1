// The `mood` job: what a user asks for, its limits, and the one parser both sides use. The
// gateway parses the body of POST /api/v1/moods with ParseMoodRequest and enqueues
// MoodJobPayload; the worker parses that payload with ParseMoodJob. Both run the same field
// rules (ReadMoodFields), so a request the gateway accepts is a job the worker accepts, and a
// limit cannot differ between the two (tests/services/worker/mood_job_test.cpp checks it limit by
// limit). The worker owns the definition because it runs the job, as a gRPC server owns its
// proto.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::worker {

inline constexpr std::string_view kMoodJobType = "mood";

// Limits, each refused at the gateway with 400 naming the field.
inline constexpr size_t kMaxMoodTextChars = 2000;  // code points, after trimming
inline constexpr int kMinPlaylistLength = 3;
inline constexpr int kMaxPlaylistLength = 50;
inline constexpr int kDefaultPlaylistLength = 12;
inline constexpr size_t kMaxGenreFilters = 32;    // per list
inline constexpr size_t kMaxGenreNameChars = 64;  // code points, after trimming
inline constexpr int kMaxTracksPerArtistCap = 50;

struct MoodOptions {
  std::vector<std::string> include_genres;
  std::vector<std::string> exclude_genres;
  int max_tracks_per_artist = 0;  // 0 = no cap
  bool allow_explicit = true;
  std::uint64_t seed = 0;  // 0 = the planner picks
};

// What a user asks for.
struct MoodRequest {
  std::string text;             // trimmed
  std::string desired_emotion;  // one of the 13 lower-case names
  int length = kDefaultPlaylistLength;
  MoodOptions options;
};

// A request as a queued job.
struct MoodJob : MoodRequest {
  std::string job_id;
  std::string user_id;     // the job's owner
  std::string request_id;  // the submitting HTTP request's id, for logs
};

// The body of POST /api/v1/moods: {"text", "desired_emotion", "length"?, "options"?: {
// "include_genres", "exclude_genres", "max_tracks_per_artist", "allow_explicit", "seed"}}.
// kInvalidArgument naming the field for anything outside the limits above, a wrong type, an
// unknown field, invalid UTF-8 or a body that is not a JSON object.
platform::Result<MoodRequest> ParseMoodRequest(std::string_view body);

// The job payload: the request with every option spelled out, plus "request_id".
std::string MoodJobPayload(const MoodRequest& request, std::string_view request_id);

// A queued payload back (the same rules; "request_id" is allowed). kInvalidArgument, which the
// queue never retries, names what is wrong.
platform::Result<MoodJob> ParseMoodJob(const std::string& job_id, const std::string& owner,
                                       std::string_view payload_json);

}  // namespace moodtape::worker
