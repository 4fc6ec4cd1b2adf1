// moodtape-auth as a running service (serve.cpp) and its operator commands (commands.cpp).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "platform/service/service_main.h"

namespace moodtape::auth {

// Reads [auth], [jwt], [redis] and the store's address, opens the signing keys, starts the gRPC
// server and POST /admin/rotate-key; SIGHUP reloads the keys. Throws on a start-up failure.
platform::ServiceHooks Start(platform::ServiceContext& ctx);

// `moodtape-auth rotate-key`: adds a signing key and republishes the JWKS; a running auth picks
// it up on SIGHUP (or use POST /admin/rotate-key). Exit code 0, 1 on failure, 2 for config.
int RunRotateKeyCommand(std::ostream& out, std::ostream& err);

// `moodtape-auth make-admin LOGIN`: gives an account the admin role (the only way to get it),
// through the store as the auth identity. Exit code 0, 1 on failure, 2 for usage or config.
int RunMakeAdminCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace moodtape::auth
