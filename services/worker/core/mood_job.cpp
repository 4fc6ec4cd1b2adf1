#include "services/worker/core/mood_job.h"

#include <nlohmann/json.hpp>

#include "platform/base/json_fields.h"
#include "services/emotion/core/labels.h"
#include "services/worker/core/job_payload.h"

namespace moodtape::worker {
namespace {

using nlohmann::json;
using platform::JsonFieldReader;

std::vector<std::string_view> EmotionNames() {
  std::vector<std::string_view> names;
  for (auto e : emotion::AllEmotions()) names.push_back(emotion::EmotionName(e));
  return names;
}

// The one set of field rules for a mood request, wherever it comes from.
MoodRequest ReadMoodFields(JsonFieldReader& r) {
  MoodRequest m;
  m.text = r.String("text", {.trim = true, .max_chars = kMaxMoodTextChars});
  m.desired_emotion = r.OneOf("desired_emotion", EmotionNames(), /*required=*/true);
  m.length = static_cast<int>(r.Int(
      "length", {.min = kMinPlaylistLength, .max = kMaxPlaylistLength}, kDefaultPlaylistLength));
  if (auto options = r.Object("options")) {
    const platform::ListRule genres{.max_items = kMaxGenreFilters,
                                    .item = {.trim = true, .max_chars = kMaxGenreNameChars}};
    m.options.include_genres = options->StringList("include_genres", genres);
    m.options.exclude_genres = options->StringList("exclude_genres", genres);
    m.options.max_tracks_per_artist = static_cast<int>(
        options->Int("max_tracks_per_artist", {.min = 0, .max = kMaxTracksPerArtistCap}, 0));
    m.options.allow_explicit = options->Bool("allow_explicit", true);
    m.options.seed = options->Uint64("seed", 0);
    r.Take(*options);
  }
  return m;
}

}  // namespace

platform::Result<MoodRequest> ParseMoodRequest(std::string_view body) {
  return ParseRequestBody<MoodRequest>(body, ReadMoodFields);
}

std::string MoodJobPayload(const MoodRequest& request, std::string_view request_id) {
  const MoodOptions& o = request.options;
  return json{{"text", request.text},
              {"desired_emotion", request.desired_emotion},
              {"length", request.length},
              {"options",
               {{"include_genres", o.include_genres},
                {"exclude_genres", o.exclude_genres},
                {"max_tracks_per_artist", o.max_tracks_per_artist},
                {"allow_explicit", o.allow_explicit},
                {"seed", o.seed}}},
              {"request_id", std::string(request_id)}}
      .dump();
}

platform::Result<MoodJob> ParseMoodJob(const std::string& job_id, const std::string& owner,
                                       std::string_view payload_json) {
  return ParseQueuedJob<MoodJob>(
      "mood", job_id, owner, payload_json,
      [](JsonFieldReader& r, MoodJob& job) { static_cast<MoodRequest&>(job) = ReadMoodFields(r); });
}

}  // namespace moodtape::worker
