// The optional image-model backend for cover pictures: any OpenAI-compatible images endpoint
// (POST <base>/images/generations), asked for a picture without lettering; the designer sets the
// title and artist on it under the same contrast rule. On any error the builtin painter draws.
// The key comes only from the environment (MOODTAPE_OPENAI_API_KEY) and is never logged.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "platform/service/model_endpoint.h"
#include "services/designer/core/cover_designer.h"

namespace moodtape::designer {

using OpenAiImageSettings = platform::ModelEndpoint;

class OpenAiPictureSource final : public PictureSource {
 public:
  explicit OpenAiPictureSource(OpenAiImageSettings settings) : settings_(std::move(settings)) {}

  // POST {model, prompt, size, response_format: "b64_json", n: 1}; the first image's PNG bytes.
  // kDeadlineExceeded on timeout, kUnavailable for an unreachable server or a non-200 answer,
  // kInternal for an answer without a base64 image.
  platform::Result<std::string> Draw(const PicturePrompt& prompt) const override;
  std::string backend() const override { return "openai"; }
  std::string model() const override { return settings_.model; }

 private:
  OpenAiImageSettings settings_;
};

}  // namespace moodtape::designer
