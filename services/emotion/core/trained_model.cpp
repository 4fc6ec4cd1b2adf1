#include "services/emotion/core/trained_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "services/emotion/core/text.h"

namespace moodtape::emotion {

using platform::Result;

TrainedEmotionModel::TrainedEmotionModel(ModelCard card, FastTextClassifier classifier,
                                         VaRegressor regressor)
    : card_(std::move(card)),
      classifier_(std::move(classifier)),
      regressor_(std::move(regressor)) {}

Result<std::unique_ptr<TrainedEmotionModel>> TrainedEmotionModel::Load(const std::string& dir) {
  auto card = ReadModelCard(dir + "/" + std::string(kModelCardFile));
  if (!card) return card.error();
  auto classifier =
      FastTextClassifier::Load(dir + "/" + card->classifier_file, card->classifier.ensemble);
  if (!classifier) return classifier.error();
  auto regressor = VaRegressor::Load(dir + "/" + card->regressor_file);
  if (!regressor) return regressor.error();
  return std::make_unique<TrainedEmotionModel>(std::move(*card), std::move(*classifier),
                                               std::move(*regressor));
}

Result<std::unique_ptr<TrainedEmotionModel>> TrainedEmotionModel::LoadNewest(
    const std::string& models_root) {
  auto choice = FindNewestModelDir(models_root);
  if (!choice) return choice.error();
  return Load(choice->path);
}

Prediction TrainedEmotionModel::PredictNormalized(const std::string& normalized) const {
  Prediction p;
  p.probabilities = ApplyLogBias(classifier_.Predict(normalized), card_.log_bias);
  p.label = MostLikely(p.probabilities);
  p.emotion_point = WeightedEmotionPoint(p.probabilities);
  const MoodPoint raw = regressor_.Predict(normalized);
  p.text_point = {std::clamp(raw.valence * card_.text_scale.valence, -1.0, 1.0),
                  std::clamp(raw.arousal * card_.text_scale.arousal, -1.0, 1.0)};
  const MoodPoint start = StartPoint(p.emotion_point, p.text_point, card_.emotion_weight);
  p.valence = start.valence;
  p.arousal = start.arousal;
  p.model_version = card_.version;
  return p;
}

Result<Prediction> TrainedEmotionModel::Predict(std::string_view text) const {
  if (auto status = ValidateText(text); !status) return status.error();
  return PredictNormalized(NormalizeText(text));
}

namespace {

std::string Number(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  double r = std::round(v * scale) / scale;
  if (r == 0.0) r = 0.0;  // no "-0"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, r);
  std::string s(buf);
  // Trim trailing zeros ("0.2500" -> "0.25", "1.000" -> "1").
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::string PredictionJsonLine(const Prediction& p) {
  std::string out = "{\"label\": " + JsonString(EmotionName(p.label)) + ", \"probabilities\": {";
  for (int c = 0; c < kNumEmotions; ++c) {
    if (c > 0) out += ", ";
    out += JsonString(EmotionName(EmotionAt(c))) + ": " +
           Number(p.probabilities[static_cast<size_t>(c)], 4);
  }
  out += "}, \"valence\": " + Number(p.valence, 3) + ", \"arousal\": " + Number(p.arousal, 3) +
         ", \"model_version\": " + JsonString(p.model_version) + "}";
  return out;
}

std::string ErrorJsonLine(std::string_view message) {
  return "{\"error\": " + JsonString(message) + "}";
}

}  // namespace moodtape::emotion
