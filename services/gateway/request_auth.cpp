#include "services/gateway/request_auth.h"

#include "platform/base/log.h"
#include "services/gateway/core/account_requests.h"

namespace moodtape::gateway {

using platform::ErrorCode;
using platform::MakeError;

RequestAuthenticator::RequestAuthenticator(platform::UserTokenSettings settings,
                                           std::shared_ptr<platform::JwtVerifier> verifier)
    : settings_(std::move(settings)), verifier_(std::move(verifier)) {}

platform::Result<platform::JwtClaims> RequestAuthenticator::Authenticate(
    const platform::HttpRequest& request, bool state_changing) const {
  auto credential = AccessCredential(request.Header("authorization"), request.Header("cookie"));
  if (!credential.ok()) return credential.error();
  if (credential->source == CredentialSource::kNone) {
    return MakeError(
        ErrorCode::kUnauthenticated,
        "not logged in: send the mt_access cookie or \"Authorization: Bearer <access token>\"");
  }
  if (state_changing) {
    platform::Status csrf = CheckCsrf(credential->source, request.Header("x-requested-with"));
    if (!csrf.ok()) return csrf.error();
  }
  auto claims = Verify(credential->token);
  if (!claims.ok()) return MakeError(ErrorCode::kUnauthenticated, claims.error().message);
  return claims;
}

platform::Result<platform::JwtClaims> RequestAuthenticator::Verify(const std::string& token) const {
  auto claims = verifier_->Verify(token);
  if (claims.ok() || claims.error().message != "unknown token key") return claims;
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    auto now = std::chrono::steady_clock::now();
    if (now - last_reload_ < std::chrono::seconds(1)) return claims;
    last_reload_ = now;
    platform::Status st = platform::ReloadUserTokenKeys(*verifier_, settings_);
    if (!st.ok()) platform::LogWarn("JWKS reload failed", {{"error", st.error().message}});
  }
  return verifier_->Verify(token);
}

void RequestAuthenticator::Reload() const {
  std::lock_guard<std::mutex> lock(reload_mu_);
  last_reload_ = std::chrono::steady_clock::now();
  platform::Status st = platform::ReloadUserTokenKeys(*verifier_, settings_);
  if (!st.ok()) platform::LogWarn("JWKS reload failed", {{"error", st.error().message}});
}

}  // namespace moodtape::gateway
