// The mood pipeline one job runs: text -> emotion (through the prediction cache) -> playlist from
// the predicted start point to the desired emotion (through the playlist cache) -> the history
// row (idempotent per job id), publishing an event after each stage. The peers are ports, so unit
// tests drive the pipeline without a network; worker_ports.h implements them over gRPC.
//
// Stage data is JSON because it is what the cache stores, the events carry and the job result
// holds, unchanged: {"emotion": <emotion data>, "playlist": <playlist data>, "history_id"}.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/error.h"

namespace moodtape::worker {

using Json = nlohmann::json;

struct MoodOptions {
  std::vector<std::string> include_genres;
  std::vector<std::string> exclude_genres;
  int max_tracks_per_artist = 0;
  bool allow_explicit = true;
  std::uint64_t seed = 0;
};

struct MoodJob {
  std::string job_id;
  std::string user_id;
  std::string text;
  std::string desired_emotion;  // one of the 13 lower-case names
  int length = 12;
  MoodOptions options;
  std::string request_id;
};

// Parses a `mood` job payload {"text","desired_emotion","length","options","request_id"};
// kInvalidArgument (never retried) names what is wrong.
platform::Result<MoodJob> ParseMoodJob(const std::string& job_id, const std::string& owner,
                                       std::string_view payload_json);
Json MoodOptionsToJson(const MoodOptions& options);

// The emotion service: the model being served, and a prediction as the "emotion" stage data
// {"emotion","probabilities":[{"emotion","probability"}],"valence","arousal","start":{..},
// "model_version"}.
class EmotionPort {
 public:
  virtual ~EmotionPort() = default;
  virtual platform::Result<std::string> ModelVersion() = 0;
  virtual platform::Result<Json> Predict(const std::string& text) = 0;
};

// The playlist service: the catalogue version, and a plan as the "playlist" stage data
// {"start","target","calm","catalog_version","tracks":[...]}.
class PlaylistPort {
 public:
  virtual ~PlaylistPort() = default;
  virtual platform::Result<std::int64_t> CatalogVersion() = 0;
  virtual platform::Result<Json> Plan(double start_valence, double start_arousal,
                                      const std::string& target_emotion, int length,
                                      const MoodOptions& options) = 0;
};

// The store: saves the result once per job id and returns the history row's id.
class HistoryPort {
 public:
  virtual ~HistoryPort() = default;
  virtual platform::Result<std::string> Save(const MoodJob& job, const Json& emotion,
                                             const Json& playlist) = 0;
};

// A read-through cache (platform::RedisCache in the service). `hit` says whether compute ran.
class CachePort {
 public:
  virtual ~CachePort() = default;
  virtual platform::Result<std::string> GetOrCompute(
      const std::string& key, const std::function<platform::Result<std::string>()>& compute,
      bool* hit) = 0;
};

// Where stage events go (JobContext::PublishEvent in the service).
using PublishFn = std::function<void(std::string_view stage, const Json& data)>;

// Start points are snapped to this grid before planning, so nearby moods share a cached playlist
// (at most 0.035 off in a plane 2 wide).
inline constexpr double kStartQuantum = 0.05;
double QuantiseStart(double v);

// "emotion:<model version>:<sha256 of the normalised text>"; normalised = trimmed, ASCII lower
// case, runs of whitespace as one space (what the model does not distinguish either).
std::string PredictionCacheKey(const std::string& model_version, std::string_view text);
// "playlist:<catalogue version>:<start>:<target>:<length>:<hash of the options>".
std::string PlaylistCacheKey(std::int64_t catalog_version, double start_valence,
                             double start_arousal, const std::string& target_emotion, int length,
                             const MoodOptions& options);

class MoodPipeline {
 public:
  MoodPipeline(EmotionPort& emotion, PlaylistPort& playlist, HistoryPort& history,
               CachePort& predictions, CachePort& playlists)
      : emotion_(emotion),
        playlist_(playlist),
        history_(history),
        predictions_(predictions),
        playlists_(playlists) {}

  // Runs every stage; the result JSON is what the job stores. A peer's error is returned as is
  // (the queue retries kUnavailable and similar, and fails bad input at once).
  platform::Result<Json> Run(const MoodJob& job, const PublishFn& publish);

 private:
  EmotionPort& emotion_;
  PlaylistPort& playlist_;
  HistoryPort& history_;
  CachePort& predictions_;
  CachePort& playlists_;
};

}  // namespace moodtape::worker
