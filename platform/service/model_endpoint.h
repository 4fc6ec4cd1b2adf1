// An OpenAI-compatible model a service may ask instead of its builtin one (the producer's lyrics,
// the designer's pictures): where it is, which model, how long to wait, and the key.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "platform/base/config.h"

namespace moodtape::platform {

struct ModelEndpoint {
  std::string base_url;  // [<service>] openai_base_url, e.g. "http://127.0.0.1:8081/v1"
  std::string model;     // [<service>] openai_model
  std::chrono::milliseconds timeout{30000};  // [<service>] openai_timeout_ms
  std::string api_key;  // MOODTAPE_OPENAI_API_KEY (environment only); "" sends none
};

// Reads `[section] backend_key` ("builtin" or "openai") into *backend, and the endpoint's
// openai_base_url, openai_model and openai_timeout_ms (default `default_timeout`). "openai"
// without a base URL and a model is a ConfigError naming both keys. The key is read from the
// environment only, so it cannot end up in a repository or a config dump.
ModelEndpoint ReadModelEndpoint(Config& config, std::string_view section,
                                std::string_view backend_key, std::string* backend,
                                std::chrono::milliseconds default_timeout);

}  // namespace moodtape::platform
