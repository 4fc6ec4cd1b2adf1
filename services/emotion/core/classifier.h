// The 13-way emotion classifier: fastText (supervised) trained on normalised text, plus a
// per-class log-prior correction tuned on dev. Only this file and classifier.cpp see fastText.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"
#include "services/emotion/core/dataset.h"
#include "services/emotion/core/labels.h"

namespace fasttext {
class FastText;
}

namespace moodtape::emotion {

// Defaults are the settings chosen on text_emotion dev (services/emotion/README.md lists the
// experiments); fastText's own defaults are the reference point (epoch 10, bigrams, dim 100).
struct ClassifierParams {
  double lr = 0.1;
  int epoch = 5;
  int dim = 50;
  int word_ngrams = 1;
  int min_count = 1;
  int bucket =
      200000;    // hash buckets for word n-grams; 2M (fastText's default) is 400 MB at dim 50
  int minn = 0;  // character n-grams (0 = off)
  int maxn = 0;
  std::string loss = "softmax";  // "softmax" | "ova" | "hs"
  int seed = 42;
  // Oversampling of rare classes: class c is repeated to max_n^(1-a) * n_c^a examples
  // (a = 1: as is, a = 0: every class as large as the largest).
  double oversample_power = 0.7;
  // Number of models trained with seeds seed, seed+1, ...; their probabilities are averaged
  // (lower variance: one fastText run moves dev accuracy by about +-0.01 with the seed).
  int ensemble = 5;

  nlohmann::json ToJson() const;
  static platform::Result<ClassifierParams> FromJson(const nlohmann::json& j);
};

class FastTextClassifier {
 public:
  ~FastTextClassifier();
  FastTextClassifier(FastTextClassifier&&) noexcept;

  // Trains on examples whose text is already normalised. `scratch_dir` receives the fastText
  // input file (removed afterwards). Single-threaded with a fixed seed, so the same data and
  // parameters give the same model.
  static platform::Result<FastTextClassifier> Train(const std::vector<LabelledText>& normalized,
                                                    const ClassifierParams& params,
                                                    const std::string& scratch_dir);
  // Member 0 is `path`, member k > 0 is `path`.k (e.g. classifier.bin.1).
  static platform::Result<FastTextClassifier> Load(const std::string& path, int ensemble = 1);
  platform::Status Save(const std::string& path) const;

  // The model's own probabilities for normalised text (labels the model never saw get 0).
  // Text with no word the model knows (another script, unseen emoji) gets the training prior:
  // fastText would otherwise answer from the end-of-line token alone, with false confidence.
  Probabilities Predict(const std::string& normalized) const;

 private:
  struct Member {
    std::unique_ptr<fasttext::FastText> model;
    std::vector<int> label_to_emotion_index;  // fastText label id -> EmotionIndex (or -1)
    int32_t eos_id = -1;
    Probabilities prior{};  // label frequencies in the training file
  };
  explicit FastTextClassifier(std::vector<std::unique_ptr<fasttext::FastText>> models);
  static Probabilities PredictOne(const Member& m, const std::string& normalized);

  std::vector<Member> members_;
};

// Per-class additive corrections to log-probabilities: p'_c ∝ p_c * exp(bias_c). A prior
// shift like this is how class weighting is undone/redone after training; tuned on dev.
using LogBias = std::array<double, kNumEmotions>;

Probabilities ApplyLogBias(const Probabilities& p, const LogBias& bias);

// Coordinate ascent over the 13 biases (grid steps, a few sweeps) maximising
// accuracy_weight * accuracy + (1 - accuracy_weight) * macro-F1 on (probs, truth).
LogBias TuneLogBias(const std::vector<Probabilities>& probs, const std::vector<Emotion>& truth,
                    double accuracy_weight);

}  // namespace moodtape::emotion
