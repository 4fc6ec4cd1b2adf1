// How a service learns which end-user tokens to trust: the auth service publishes its public
// signing keys as a JWKS file ([jwt] jwks_file); every other service loads it at start-up and
// again on SIGHUP (key rotation), and verifies tokens locally.
#pragma once

#include <memory>
#include <string>

#include "platform/base/config.h"
#include "platform/security/jwt.h"

namespace moodtape::platform {

struct UserTokenSettings {
  std::string issuer = "moodtape";
  std::string jwks_file = "var/auth/jwks.json";
};

UserTokenSettings ReadUserTokenSettings(Config& config);

// A verifier over the keys in the JWKS file. A missing file gives an empty key set (every token
// is refused as "unknown token key") so a service can start before auth has published keys;
// a malformed file is an error.
Result<std::shared_ptr<JwtVerifier>> LoadUserTokenVerifier(const UserTokenSettings& settings);

// Re-reads the JWKS file into `verifier` (SIGHUP). Keeps the old keys if the file is malformed.
Status ReloadUserTokenKeys(JwtVerifier& verifier, const UserTokenSettings& settings);

}  // namespace moodtape::platform
