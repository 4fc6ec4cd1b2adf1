// Who is calling: the access token of a REST or WebSocket request, exactly as /api/v1/me takes
// it ("Authorization: Bearer <token>" wins over the mt_access cookie; a cookie on a
// state-changing request also needs the CSRF header), verified locally against the JWKS.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "platform/base/error.h"
#include "platform/http/server.h"
#include "platform/security/jwt.h"
#include "platform/security/user_tokens.h"

namespace moodtape::gateway {

class RequestAuthenticator {
 public:
  RequestAuthenticator(platform::UserTokenSettings settings,
                       std::shared_ptr<platform::JwtVerifier> verifier);

  // The caller's claims; kUnauthenticated without a valid token, kPermissionDenied when a cookie
  // credential on a state-changing request (`state_changing`) lacks X-Requested-With.
  platform::Result<platform::JwtClaims> Authenticate(const platform::HttpRequest& request,
                                                     bool state_changing) const;

  // Verifies a token; an unknown key id re-reads the JWKS file once (at most once a second),
  // since auth may have just started or rotated its key.
  platform::Result<platform::JwtClaims> Verify(const std::string& token) const;

  // Re-reads the JWKS file now (SIGHUP).
  void Reload() const;

 private:
  const platform::UserTokenSettings settings_;
  std::shared_ptr<platform::JwtVerifier> verifier_;
  mutable std::mutex reload_mu_;
  mutable std::chrono::steady_clock::time_point last_reload_{};
};

}  // namespace moodtape::gateway
