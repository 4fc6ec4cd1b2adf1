// `moodtape-playlist serve` (the default) and `moodtape-playlist import FILE`.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace moodtape::playlist {

// The gRPC service (RunService): loads the catalogue from the store, importing the default file
// when the store has none, and serves PlaylistService and CatalogService.
int RunServeCommand(int argc, char** argv);

// Reads FILE (CSV or JSON Lines), reports malformed rows by line, and streams the rest to the
// running service's CatalogService/ImportTracks as the `cli` identity; prints the summary.
int RunImportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string UsageText();

}  // namespace moodtape::playlist
