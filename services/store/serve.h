// moodtape-store as a running service: opens the database (running migrations) and serves
// StoreService, AssetService and AlbumService. Built from a ServiceContext so tests can start the
// same wiring in-process.
#pragma once

#include "platform/service/service_main.h"

namespace moodtape::store {

// Reads [store] (ReadStoreSettings), opens the storage and starts the gRPC server. Throws on a
// start-up failure (an unreachable database, an edited migration).
platform::ServiceHooks Start(platform::ServiceContext& ctx);

}  // namespace moodtape::store
