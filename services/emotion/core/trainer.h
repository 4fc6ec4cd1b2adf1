// Trains a complete model directory from data/: classifier (text_emotion train, optionally
// GoEmotions), bias correction and start-point blend (tuned on dev), V/A regressor (EmoBank
// train), dev scores, model card.
#pragma once

#include <memory>

#include "services/emotion/core/trained_model.h"

#include <string>

#include "platform/base/clock.h"
#include "platform/base/error.h"
#include "services/emotion/core/classifier.h"
#include "services/emotion/core/evaluation.h"
#include "services/emotion/core/model_card.h"
#include "services/emotion/core/va_regressor.h"

namespace moodtape::emotion {

// Reference point from the issue: fastText defaults (10 epochs, word bigrams) on a held-out
// split drawn like dev.
inline constexpr double kReferenceAccuracy = 0.335;
inline constexpr double kReferenceMacroF1 = 0.164;

struct TrainOptions {
  std::string data_dir = "data";
  std::string models_dir = "models";
  ClassifierParams classifier;
  RegressorParams regressor;
  // Extra training examples from GoEmotions (data/goemotions), mapped to the 13 labels
  // (dataset.h GoEmotionsCounterpart); only for the labels listed here ("anger", ...).
  std::vector<std::string> goemotions_labels;
  bool tune_bias = true;
  // Bias tuning objective: w * accuracy + (1 - w) * macro-F1 on dev.
  double bias_accuracy_weight = 0.5;
  bool write_model = true;  // false: train and score only (experiments)
  const platform::Clock* clock = &platform::SystemClock::Instance();
};

struct TrainReport {
  std::string model_dir;  // empty when write_model is false
  ModelCard card;
  ClassificationReport dev_uncorrected;  // fastText probabilities as they are
  ClassificationReport dev;              // with the bias correction (what the model serves)
  // Bias tuned on one half of dev and scored on the other, both ways: an estimate of the
  // corrected scores that does not reuse the examples the bias was tuned on.
  ClassificationReport dev_crossfit;
  double pearson_valence = 0.0;  // EmoBank dev
  double pearson_arousal = 0.0;
  double seconds = 0.0;
};

platform::Result<TrainReport> TrainModel(const TrainOptions& options);

// The newest valid model under models_dir; when there is none yet, trains one from data_dir
// first (a fresh machine: `make run`, the benchmarks). Other load errors are returned as they are.
platform::Result<std::unique_ptr<TrainedEmotionModel>> LoadNewestOrTrain(
    const std::string& models_dir, const std::string& data_dir);

}  // namespace moodtape::emotion
