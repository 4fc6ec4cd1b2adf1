#include "services/worker/core/mood_pipeline.h"

#include <cmath>

#include "platform/base/encoding.h"
#include "platform/base/text.h"

namespace moodtape::worker {
namespace {

using platform::ErrorCode;
using platform::MakeError;

std::string NormaliseForCache(std::string_view text) {
  std::string lower = platform::ToLowerAscii(platform::TrimSpaces(text));
  std::string out;
  out.reserve(lower.size());
  bool space = false;
  for (char c : lower) {
    const bool is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (is_space) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

}  // namespace

Json MoodOptionsToJson(const MoodOptions& o) {
  return {{"include_genres", o.include_genres},
          {"exclude_genres", o.exclude_genres},
          {"max_tracks_per_artist", o.max_tracks_per_artist},
          {"allow_explicit", o.allow_explicit},
          {"seed", o.seed}};
}

double QuantiseStart(double v) {
  const double q = std::round(v / kStartQuantum) * kStartQuantum;
  return std::clamp(q, -1.0, 1.0);
}

std::string PredictionCacheKey(const std::string& model_version, std::string_view text) {
  return "emotion:" + model_version + ":" + platform::Sha256Hex(NormaliseForCache(text));
}

std::string PlaylistCacheKey(std::int64_t catalog_version, double start_valence,
                             double start_arousal, const std::string& target_emotion, int length,
                             const MoodOptions& options) {
  return "playlist:" + std::to_string(catalog_version) + ":" + Fixed(start_valence) + "," +
         Fixed(start_arousal) + ":" + target_emotion + ":" + std::to_string(length) + ":" +
         platform::Sha256Hex(MoodOptionsToJson(options).dump()).substr(0, 16);
}

platform::Result<Json> MoodPipeline::Run(const MoodJob& job, const PublishFn& publish) {
  // 1. Emotion, cached by model version + normalised text.
  auto version = emotion_.ModelVersion();
  if (!version.ok()) return version.error();
  bool emotion_hit = false;
  auto emotion_text = predictions_.GetOrCompute(
      PredictionCacheKey(*version, job.text),
      [&]() -> platform::Result<std::string> {
        auto predicted = emotion_.Predict(job.text);
        if (!predicted.ok()) return predicted.error();
        return predicted->dump();
      },
      &emotion_hit);
  if (!emotion_text.ok()) return emotion_text.error();
  Json emotion = Json::parse(*emotion_text, nullptr, false);
  if (!emotion.is_object() || !emotion.contains("start")) {
    return MakeError(ErrorCode::kInternal, "the prediction cache holds a malformed entry");
  }
  emotion["cached"] = emotion_hit;
  publish("emotion", emotion);

  // 2. Playlist, cached by catalogue version + quantised start + target + length + options.
  const double sv = QuantiseStart(emotion["start"].value("valence", 0.0));
  const double sa = QuantiseStart(emotion["start"].value("arousal", 0.0));
  auto catalog = playlist_.CatalogVersion();
  if (!catalog.ok()) return catalog.error();
  bool playlist_hit = false;
  auto playlist_text = playlists_.GetOrCompute(
      PlaylistCacheKey(*catalog, sv, sa, job.desired_emotion, job.length, job.options),
      [&]() -> platform::Result<std::string> {
        auto plan = playlist_.Plan(sv, sa, job.desired_emotion, job.length, job.options);
        if (!plan.ok()) return plan.error();
        return plan->dump();
      },
      &playlist_hit);
  if (!playlist_text.ok()) return playlist_text.error();
  Json playlist = Json::parse(*playlist_text, nullptr, false);
  if (!playlist.is_object() || !playlist.contains("tracks")) {
    return MakeError(ErrorCode::kInternal, "the playlist cache holds a malformed entry");
  }
  playlist["cached"] = playlist_hit;
  publish("playlist", playlist);

  // 3. History: the store returns the row saved earlier if this job id was saved before.
  auto history_id = history_.Save(job, emotion, playlist);
  if (!history_id.ok()) return history_id.error();
  publish("saved", {{"history_id", *history_id}});

  return Json{{"job_id", job.job_id},
              {"emotion", std::move(emotion)},
              {"playlist", std::move(playlist)},
              {"history_id", *history_id}};
}

}  // namespace moodtape::worker
