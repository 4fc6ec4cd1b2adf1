// CatalogTrack <-> moodtape.common.v1.Track, shared by the store client, the gRPC adapters and the
// import command.
#pragma once

#include "moodtape/common/v1/track.pb.h"
#include "services/playlist/core/catalog.h"

namespace moodtape::playlist {

// Fills every field, including the derived mood-plane point and both explicit fields.
void ToProto(const CatalogTrack& track, common::v1::Track* out);
// Reads every field the catalogue keeps (the point is derived again, never read).
CatalogTrack FromProto(const common::v1::Track& track);

}  // namespace moodtape::playlist
