// The gateway as a running service: everything main.cpp used to wire (HTTP server, account and
// mood routes, the job-event WebSocket with its Redis listener), built from a ServiceContext so
// tests start the very same wiring in-process (platform::InProcessService).
#pragma once

#include "platform/service/service_main.h"

namespace moodtape::gateway {

// Reads [gateway], [jwt], [redis], [queue] and the peers' addresses, starts serving and returns
// the hooks (addresses: "http"). Throws on a start-up failure (a malformed JWKS file, an address
// that cannot be bound).
platform::ServiceHooks Start(platform::ServiceContext& ctx);

}  // namespace moodtape::gateway
