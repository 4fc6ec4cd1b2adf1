// Valence/arousal from text: ridge regression over hashed word unigrams and bigrams, trained on
// EmoBank. Ridge is solved exactly (conjugate gradient on the normal equations), so there is no
// randomness at all and the same data gives the same weights.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"
#include "services/emotion/core/dataset.h"
#include "services/emotion/core/labels.h"

namespace moodtape::emotion {

struct RegressorParams {
  int hash_bits = 20;  // 2^20 feature buckets; only the buckets seen in training are stored
  double l2 = 1.0;     // ridge penalty
  bool bigrams = true;
  int char_ngrams = 5;  // also hash character n-grams of 3..char_ngrams (0 = off)
  int max_iterations = 300;

  nlohmann::json ToJson() const;
  static platform::Result<RegressorParams> FromJson(const nlohmann::json& j);
};

class VaRegressor {
 public:
  // `examples` carry normalised text; targets are already in [-1, 1].
  static VaRegressor Train(const std::vector<ScoredText>& normalized,
                           const RegressorParams& params);
  static platform::Result<VaRegressor> Load(const std::string& path);
  platform::Status Save(const std::string& path) const;

  // Estimate for normalised text, each axis clamped to [-1, 1].
  MoodPoint Predict(const std::string& normalized) const;
  const RegressorParams& params() const { return params_; }

 private:
  struct Weights {
    float valence = 0.0f;
    float arousal = 0.0f;
  };
  // Sparse feature vector (bucket, value), L2-normalised.
  std::vector<std::pair<uint32_t, double>> Features(const std::string& normalized) const;

  RegressorParams params_;
  double mean_valence_ = 0.0;
  double mean_arousal_ = 0.0;
  std::unordered_map<uint32_t, Weights> weights_;
};

}  // namespace moodtape::emotion
