// The mood pipeline one job runs: text -> emotion (through the prediction cache) -> playlist from
// the predicted start point to the desired emotion (through the playlist cache) -> the history
// row (idempotent per job id), publishing an event after each stage. The peers are ports, so unit
// tests drive the pipeline without a network; grpc_ports.h implements them over gRPC. The job
// itself (fields, limits, parser) is defined in mood_job.h.
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

#include "platform/base/error.h"
#include "services/worker/core/job_events.h"
#include "services/worker/core/mood_job.h"

namespace moodtape::worker {

// The options as the playlist cache key hashes them.
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
