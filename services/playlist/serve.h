// `moodtape-playlist serve` (the default) and `moodtape-playlist import FILE`.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

#include "platform/base/config.h"
#include "platform/service/service_main.h"
#include "services/playlist/catalog_sync.h"

namespace moodtape::playlist {

struct ServeSettings {
  std::chrono::milliseconds store_timeout{5000};   // [playlist] store_timeout_ms
  std::chrono::milliseconds bulk_timeout{120000};  // [playlist] bulk_timeout_ms
  std::chrono::milliseconds startup_wait{60000};   // [playlist] startup_wait_ms
  // [playlist] catalog_poll_interval_ms, default_catalog
  CatalogSyncOptions sync{.default_catalog = "data/spotify_songs/spotify_songs.csv"};
};

// Reads [playlist]; throws platform::ConfigError naming a bad key.
ServeSettings ReadServeSettings(platform::Config& config);

// Loads the catalogue from the store (importing the default file when the store has none), then
// serves PlaylistService and CatalogService; SIGHUP checks the store's version at once.
platform::ServiceHooks Start(platform::ServiceContext& ctx);

// The gRPC service under RunService (`moodtape-playlist serve`).
int RunServeCommand(int argc, char** argv);

// Reads FILE (CSV or JSON Lines), reports malformed rows by line, and streams the rest to the
// running service's CatalogService/ImportTracks as the `cli` identity; prints the summary.
int RunImportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string UsageText();

}  // namespace moodtape::playlist
