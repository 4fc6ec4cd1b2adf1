// moodtape-worker as a running service: the job queue consumer with the mood pipeline over its
// gRPC and Redis ports. Built from a ServiceContext so tests start the same wiring in-process.
#pragma once

#include <chrono>

#include "platform/base/config.h"
#include "platform/redis/cache.h"
#include "platform/service/service_main.h"
#include "services/worker/grpc_ports.h"

namespace moodtape::worker {

struct WorkerSettings {
  int concurrency = 4;  // [worker] concurrency: mood jobs run at once by this process
  // [worker] album_concurrency: album jobs at once, in their own slots so minutes of rendering
  // never hold up mood jobs; 0 = this worker takes no album jobs.
  int album_concurrency = 1;
  std::chrono::milliseconds render_timeout{300000};  // [worker] render_timeout_ms
  PortOptions ports;                                 // [worker] call_timeout_ms, version_ttl_ms
  platform::RedisCacheOptions predictions{.name = "emotion"};  // [cache] prediction_ttl_ms
  platform::RedisCacheOptions playlists{.name = "playlist"};   // [cache] playlist_ttl_ms
};

// Reads [worker] and [cache]; throws platform::ConfigError naming a bad key.
WorkerSettings ReadWorkerSettings(platform::Config& config);

// Starts consuming (`mood` jobs); SIGTERM drains (ServiceHooks::stop).
platform::ServiceHooks Start(platform::ServiceContext& ctx);

}  // namespace moodtape::worker
