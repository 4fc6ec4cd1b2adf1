#include "platform/service/model_endpoint.h"

#include <cstdlib>

namespace moodtape::platform {

ModelEndpoint ReadModelEndpoint(Config& config, std::string_view section,
                                std::string_view backend_key, std::string* backend,
                                std::chrono::milliseconds default_timeout) {
  *backend = config.Choice(section, backend_key, *backend, {"builtin", "openai"});
  ModelEndpoint e;
  e.base_url = config.String(section, "openai_base_url", e.base_url);
  e.model = config.String(section, "openai_model", e.model);
  e.timeout = config.Millis(section, "openai_timeout_ms", default_timeout.count(), 100, 600000);
  if (*backend == "openai" && (e.base_url.empty() || e.model.empty())) {
    const std::string s(section);
    throw ConfigError("config: " + s + "." + std::string(backend_key) + " = \"openai\" needs " + s +
                      ".openai_base_url and " + s + ".openai_model");
  }
  if (const char* key = std::getenv("MOODTAPE_OPENAI_API_KEY")) e.api_key = key;
  return e;
}

}  // namespace moodtape::platform
