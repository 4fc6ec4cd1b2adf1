// The model being served. Reload swaps it atomically: a call holds the shared_ptr it started
// with, so a reload never fails or drops a call in flight, and the old model is freed when the
// last such call ends.
#pragma once

#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "services/emotion/core/emotion_model.h"

namespace moodtape::emotion {

struct ServedModel {
  std::shared_ptr<const EmotionModel> model;
  nlohmann::json card = nlohmann::json::object();  // the model card, for GetModelInfo
};

class ModelHolder {
 public:
  explicit ModelHolder(ServedModel initial)
      : current_(std::make_shared<ServedModel>(std::move(initial))) {}

  std::shared_ptr<const ServedModel> Current() const {
    std::lock_guard lock(mu_);
    return current_;
  }

  void Replace(ServedModel next) {
    auto fresh = std::make_shared<const ServedModel>(std::move(next));
    std::lock_guard lock(mu_);
    current_ = std::move(fresh);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ServedModel> current_;
};

}  // namespace moodtape::emotion
