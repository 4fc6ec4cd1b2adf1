// `moodtape-emotion serve` (the default): the gRPC service over RunService. The other commands
// (train, eval, predict) are in commands.h.
#pragma once

#include <string>

#include "platform/base/config.h"
#include "platform/service/service_main.h"

namespace moodtape::emotion {

struct ServeSettings {
  std::string models_dir = "models";  // [emotion] models_dir
  std::string data_dir = "data";      // [emotion] data_dir
  bool train_if_missing = true;       // [emotion] train_if_missing
  int max_batch = 1000;               // [emotion] max_batch
};

// Reads [emotion]; throws platform::ConfigError naming a bad key.
ServeSettings ReadServeSettings(platform::Config& config);

// Loads (or on a fresh machine trains) the newest model, serves v1 and v2 and
// POST /admin/reload-model; SIGHUP reloads.
platform::ServiceHooks Start(platform::ServiceContext& ctx);

int RunServeCommand(int argc, char** argv);

}  // namespace moodtape::emotion
