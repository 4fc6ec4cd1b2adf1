// The EmotionModel the project trains: fastText classifier + EmoBank regressor + model card.
#pragma once

#include <memory>
#include <string>

#include "platform/base/error.h"
#include "services/emotion/core/classifier.h"
#include "services/emotion/core/emotion_model.h"
#include "services/emotion/core/model_card.h"
#include "services/emotion/core/va_regressor.h"

namespace moodtape::emotion {

class TrainedEmotionModel final : public EmotionModel {
 public:
  TrainedEmotionModel(ModelCard card, FastTextClassifier classifier, VaRegressor regressor);

  // Loads models/emotion-<version>/ (card, classifier, regressor); every problem is a clear
  // error naming the file.
  static platform::Result<std::unique_ptr<TrainedEmotionModel>> Load(const std::string& dir);
  // The newest valid directory under models_root (FindNewestModelDir).
  static platform::Result<std::unique_ptr<TrainedEmotionModel>> LoadNewest(
      const std::string& models_root);

  platform::Result<Prediction> Predict(std::string_view text) const override;
  std::string Version() const override { return card_.version; }

  // For evaluation and training: text already normalised, no validation.
  Prediction PredictNormalized(const std::string& normalized) const;
  const ModelCard& card() const { return card_; }

 private:
  ModelCard card_;
  FastTextClassifier classifier_;
  VaRegressor regressor_;
};

}  // namespace moodtape::emotion
