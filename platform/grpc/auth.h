// Who may call what. Every service declares, per RPC, which calling services (the CN of their
// mTLS certificate) are allowed; anything not listed is denied. When a call carries an end
// user's `authorization: Bearer <jwt>`, the token must verify, or the call is refused.
//
// This runs as gRPC's AuthMetadataProcessor rather than an interceptor because it is the one
// hook that can fail a call (PERMISSION_DENIED / UNAUTHENTICATED) before any handler runs.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <grpcpp/security/auth_metadata_processor.h>

#include "platform/observability/metrics.h"
#include "platform/security/jwt.h"

namespace moodtape::platform {

// Keys are full method names ("/moodtape.store.v1.StoreService/GetUser") or a whole service
// ("/moodtape.store.v1.StoreService/*"); values are caller identities, "*" meaning any
// authenticated service. The health and reflection services are always open to any caller
// with a valid certificate.
class AccessPolicy {
 public:
  AccessPolicy() = default;
  AccessPolicy& Allow(std::string method_or_service, std::set<std::string> callers);
  bool Allows(std::string_view full_method, std::string_view caller) const;
  bool Knows(std::string_view full_method) const;

 private:
  std::map<std::string, std::set<std::string>, std::less<>> rules_;
};

class CallerAuthorizer final : public grpc::AuthMetadataProcessor {
 public:
  // `require_user_token`: a call without `authorization: Bearer <jwt>` is UNAUTHENTICATED
  // (health and reflection excepted).
  CallerAuthorizer(AccessPolicy policy, std::shared_ptr<const JwtVerifier> jwt,
                   MetricsRegistry* metrics, bool require_user_token = false);

  // Cheap checks: run inline on the transport thread.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  grpc::Status Deny(grpc::StatusCode code, std::string_view method, std::string_view reason,
                    std::string message);

  const AccessPolicy policy_;
  const std::shared_ptr<const JwtVerifier> jwt_;
  const bool require_user_token_;
  Family<Counter>* denied_ = nullptr;
};

}  // namespace moodtape::platform
