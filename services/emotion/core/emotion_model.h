// What the service (and its tests, through fakes) needs from an emotion model.
#pragma once

#include <string>
#include <string_view>

#include "platform/base/error.h"
#include "services/emotion/core/labels.h"

namespace moodtape::emotion {

struct Prediction {
  Probabilities probabilities{};      // 13, sum to 1, indexed by EmotionIndex()
  Emotion label = Emotion::kNeutral;  // the most likely emotion
  // The start point of a mood walk (labels.h StartPoint), both in [-1, 1].
  double valence = 0.0;
  double arousal = 0.0;
  MoodPoint emotion_point;  // probability-weighted mean of the table points
  MoodPoint text_point;     // the valence/arousal regressor, rescaled to the table's spread
  std::string model_version;

  MoodPoint point() const { return {valence, arousal}; }
};

class EmotionModel {
 public:
  virtual ~EmotionModel() = default;
  // kInvalidArgument for text ValidateText() refuses; never throws.
  virtual platform::Result<Prediction> Predict(std::string_view text) const = 0;
  virtual std::string Version() const = 0;
};

// One line of `moodtape-emotion predict` output, keys in this order:
// {"label": "worry", "probabilities": {"anger": 0.01, ...13}, "valence": -0.41,
//  "arousal": 0.22, "model_version": "..."}. Probabilities have 4 decimals, V/A 3.
std::string PredictionJsonLine(const Prediction& p);
// {"error": "..."} for a line that could not be predicted.
std::string ErrorJsonLine(std::string_view message);

}  // namespace moodtape::emotion
