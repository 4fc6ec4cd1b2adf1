// moodtape-designer as a running service: the cover designer (builtin painter, optionally an
// image model) behind DesignerService.
#pragma once

#include <string>

#include "platform/base/config.h"
#include "platform/service/service_main.h"
#include "services/designer/designer_service.h"
#include "services/designer/openai_images.h"

namespace moodtape::designer {

struct DesignerSettings {
  DesignerServiceOptions service;         // [designer] render_threads, render_queue
  std::string image_backend = "builtin";  // [designer] image_backend: builtin | openai
  // [designer] openai_base_url, openai_model, openai_timeout_ms; the key from the environment
  // (MOODTAPE_OPENAI_API_KEY) only.
  OpenAiImageSettings openai;
};

// Reads [designer]; throws platform::ConfigError naming a bad key.
DesignerSettings ReadDesignerSettings(platform::Config& config);

// Builds the designer (and draws one preview so fonts are loaded before /readyz turns 200) and
// serves.
platform::ServiceHooks Start(platform::ServiceContext& ctx);

}  // namespace moodtape::designer
