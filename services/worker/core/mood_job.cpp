#include "services/worker/core/mood_job.h"

#include <nlohmann/json.hpp>

#include "platform/base/json_fields.h"
#include "services/emotion/core/labels.h"

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
  auto object = platform::ParseJsonObject(body, "request body");
  if (!object.ok()) return object.error();
  JsonFieldReader r(*object);
  MoodRequest request = ReadMoodFields(r);
  if (auto done = r.Finish(); !done.ok()) return done.error();
  return request;
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
  auto fail = [](const platform::Error& e) {
    return platform::MakeError(e.code, "mood job: " + e.message);
  };
  if (owner.empty()) {
    return platform::MakeError(platform::ErrorCode::kInvalidArgument,
                               "mood job: the job has no owner (user id)");
  }
  auto object = platform::ParseJsonObject(payload_json, "the payload");
  if (!object.ok()) return fail(object.error());
  JsonFieldReader r(*object);
  MoodJob job;
  static_cast<MoodRequest&>(job) = ReadMoodFields(r);
  job.request_id = r.String("request_id", {.required = false, .allow_empty = true});
  if (auto done = r.Finish(); !done.ok()) return fail(done.error());
  job.job_id = job_id;
  job.user_id = owner;
  return job;
}

}  // namespace moodtape::worker
