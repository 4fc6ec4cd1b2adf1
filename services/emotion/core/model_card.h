// model_card.json: what a model directory holds, how it was made and how well it scored on dev.
// The card is also the model's runtime settings (bias correction, start-point blend), so a
// model directory is self-contained: models/emotion-<version>/{model_card.json, classifier.bin,
// va_regressor.bin}.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"
#include "services/emotion/core/classifier.h"
#include "services/emotion/core/labels.h"
#include "services/emotion/core/va_regressor.h"

namespace moodtape::emotion {

inline constexpr int kModelCardFormat = 1;
inline constexpr std::string_view kModelCardFile = "model_card.json";
inline constexpr std::string_view kModelDirPrefix = "emotion-";

struct ModelCard {
  std::string version;     // e.g. "20251122T063512Z"; the directory is emotion-<version>
  std::string created_at;  // ISO-8601 UTC
  std::map<std::string, std::string> data_sha256;  // data file (relative to data/) -> sha256 hex
  ClassifierParams classifier;
  RegressorParams regressor;
  nlohmann::json training = nlohmann::json::object();  // data used, example counts, seconds
  LogBias log_bias{};              // per-class log-prior correction, tuned on dev
  double emotion_weight = 0.5;     // start = w * emotion point + (1 - w) * text point
  MoodPoint text_scale{1.0, 1.0};  // regressor output multiplier, per axis, before blending
  nlohmann::json dev_scores = nlohmann::json::object();
  std::string classifier_file = "classifier.bin";
  std::string regressor_file = "va_regressor.bin";
};

nlohmann::json ModelCardToJson(const ModelCard& card);
// Checks every field the loader relies on; the error names the field and what was expected.
platform::Result<ModelCard> ModelCardFromJson(const nlohmann::json& j);
platform::Result<ModelCard> ReadModelCard(const std::string& path);
platform::Status WriteModelCard(const ModelCard& card, const std::string& path);

// "20251122T063512Z": sorts like time, safe in a directory name.
std::string ModelVersionFor(std::chrono::system_clock::time_point t);
std::string IsoTime(std::chrono::system_clock::time_point t);

struct ModelDirChoice {
  std::string path;
  ModelCard card;
  std::vector<std::string> skipped;  // newer directories that were not valid, with the reason
};

// The newest valid models_root/emotion-<version>/ (by version, which sorts like time): its
// card parses and its weight files exist. Invalid newer directories are skipped and listed.
// kNotFound when there is none, with the reasons.
platform::Result<ModelDirChoice> FindNewestModelDir(const std::string& models_root);

}  // namespace moodtape::emotion
