#include "services/worker/core/mood_pipeline.h"

#include <cmath>

#include "platform/encoding.h"
#include "platform/text.h"
#include "services/emotion/core/labels.h"

namespace moodtape::worker {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr std::size_t kMaxTextBytes = 8000;
constexpr std::size_t kMaxGenres = 32;

platform::Error Bad(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "mood job: " + std::move(message));
}

platform::Result<std::vector<std::string>> Genres(const Json& options, const char* name) {
  std::vector<std::string> out;
  const auto it = options.find(name);
  if (it == options.end() || it->is_null()) return out;
  if (!it->is_array() || it->size() > kMaxGenres) {
    return Bad(std::string("options.") + name + " must be a list of at most 32 genre names");
  }
  for (const auto& g : *it) {
    if (!g.is_string() || g.get<std::string>().empty()) {
      return Bad(std::string("options.") + name + " must hold non-empty strings");
    }
    out.push_back(g.get<std::string>());
  }
  return out;
}

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

platform::Result<MoodJob> ParseMoodJob(const std::string& job_id, const std::string& owner,
                                       std::string_view payload_json) {
  const Json j = Json::parse(payload_json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Bad("the payload is not a JSON object");
  MoodJob job;
  job.job_id = job_id;
  job.user_id = owner;
  if (owner.empty()) return Bad("the job has no owner (user id)");
  const auto text = j.find("text");
  if (text == j.end() || !text->is_string()) return Bad("text must be a string");
  job.text = text->get<std::string>();
  if (platform::TrimSpaces(job.text).empty()) return Bad("text is empty");
  if (job.text.size() > kMaxTextBytes) return Bad("text is longer than 8000 bytes");
  const auto want = j.find("desired_emotion");
  if (want == j.end() || !want->is_string() ||
      !emotion::ParseEmotion(want->get<std::string>()).has_value()) {
    return Bad("desired_emotion must be one of the 13 emotion names");
  }
  job.desired_emotion = want->get<std::string>();
  if (const auto length = j.find("length"); length != j.end() && !length->is_null()) {
    if (!length->is_number_integer() || length->get<int>() < 3 || length->get<int>() > 50) {
      return Bad("length must be an integer from 3 to 50");
    }
    job.length = length->get<int>();
  }
  if (const auto options = j.find("options"); options != j.end() && !options->is_null()) {
    if (!options->is_object()) return Bad("options must be an object");
    auto include = Genres(*options, "include_genres");
    if (!include.ok()) return include.error();
    auto exclude = Genres(*options, "exclude_genres");
    if (!exclude.ok()) return exclude.error();
    job.options.include_genres = std::move(include).value();
    job.options.exclude_genres = std::move(exclude).value();
    if (const auto cap = options->find("max_tracks_per_artist");
        cap != options->end() && !cap->is_null()) {
      if (!cap->is_number_integer() || cap->get<int>() < 0 || cap->get<int>() > 50) {
        return Bad("options.max_tracks_per_artist must be an integer from 0 to 50");
      }
      job.options.max_tracks_per_artist = cap->get<int>();
    }
    if (const auto expl = options->find("allow_explicit");
        expl != options->end() && !expl->is_null()) {
      if (!expl->is_boolean()) return Bad("options.allow_explicit must be true or false");
      job.options.allow_explicit = expl->get<bool>();
    }
    if (const auto seed = options->find("seed"); seed != options->end() && !seed->is_null()) {
      if (!seed->is_number_unsigned() &&
          !(seed->is_number_integer() && seed->get<std::int64_t>() >= 0)) {
        return Bad("options.seed must be a non-negative integer");
      }
      job.options.seed = seed->get<std::uint64_t>();
    }
  }
  if (const auto rid = j.find("request_id"); rid != j.end() && rid->is_string()) {
    job.request_id = rid->get<std::string>();
  }
  return job;
}

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
