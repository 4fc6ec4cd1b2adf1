// The album commands of `moodtape`: genres, album (make one, follow it, download its files),
// albums, album show and album delete. Glue between an Invocation, the gateway client, the
// renderers and album_files.h, like commands.cpp is for the rest.
#pragma once

#include <ostream>

#include "tools/cli/args.h"
#include "tools/cli/commands.h"
#include "tools/cli/gateway_client.h"

namespace moodtape::cli {

// Runs kGenres, kAlbum, kAlbums, kAlbumShow or kAlbumDelete; the exit status.
int RunAlbumCommand(const Invocation& inv, GatewayClient& client, std::ostream& out,
                    std::ostream& err, const CommandSettings& settings);

}  // namespace moodtape::cli
