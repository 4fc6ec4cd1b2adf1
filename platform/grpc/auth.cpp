#include "platform/grpc/auth.h"

#include "platform/base/log.h"
#include "platform/observability/trace.h"

namespace moodtape::platform {
namespace {

constexpr std::string_view kAlwaysOpen[] = {"/grpc.health.v1.Health/",
                                            "/grpc.reflection.v1alpha.ServerReflection/"};

std::string ServiceWildcard(std::string_view method) {
  size_t slash = method.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "";
  return std::string(method.substr(0, slash)) + "/*";
}

std::string Lookup(const grpc::AuthMetadataProcessor::InputMetadata& md, std::string_view key) {
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

}  // namespace

AccessPolicy& AccessPolicy::Allow(std::string method_or_service, std::set<std::string> callers) {
  rules_[std::move(method_or_service)].insert(callers.begin(), callers.end());
  return *this;
}

bool AccessPolicy::Knows(std::string_view method) const {
  return rules_.count(method) > 0 || rules_.count(ServiceWildcard(method)) > 0;
}

bool AccessPolicy::Allows(std::string_view method, std::string_view caller) const {
  for (auto open : kAlwaysOpen) {
    if (method.substr(0, open.size()) == open) return true;
  }
  for (const std::string& key : {std::string(method), ServiceWildcard(method)}) {
    auto it = rules_.find(key);
    if (it == rules_.end()) continue;
    if (it->second.count("*") || it->second.count(std::string(caller))) return true;
  }
  return false;
}

CallerAuthorizer::CallerAuthorizer(AccessPolicy policy, std::shared_ptr<const JwtVerifier> jwt,
                                   MetricsRegistry* metrics, bool require_user_token)
    : policy_(std::move(policy)), jwt_(std::move(jwt)), require_user_token_(require_user_token) {
  if (metrics) {
    denied_ = &metrics->AddCounter("moodtape_grpc_auth_denied_total",
                                   "Calls refused before reaching a handler, by method and reason.",
                                   {"grpc_method", "reason"});
  }
}

grpc::Status CallerAuthorizer::Deny(grpc::StatusCode code, std::string_view method,
                                    std::string_view reason, std::string message) {
  // Unknown paths collapse to one label value so a scanner cannot blow up the series count.
  std::string label = policy_.Knows(method) ? std::string(method) : "unknown";
  if (denied_) denied_->WithLabels({label, std::string(reason)}).Inc();
  LogWarn("grpc call refused",
          {{"rpc", std::string(method)}, {"reason", std::string(reason)}, {"error", message}});
  return grpc::Status(code, message);
}

grpc::Status CallerAuthorizer::Process(const InputMetadata& md, grpc::AuthContext* context,
                                       OutputMetadata*, OutputMetadata*) {
  std::string method = Lookup(md, ":path");
  std::string caller;
  if (context != nullptr) {
    auto cn = context->FindPropertyValues("x509_common_name");
    if (!cn.empty()) caller.assign(cn.front().data(), cn.front().size());
  }
  if (method.empty()) {
    return Deny(grpc::StatusCode::PERMISSION_DENIED, "", "no_method", "call has no method path");
  }
  if (!policy_.Allows(method, caller)) {
    return Deny(grpc::StatusCode::PERMISSION_DENIED, method, "caller",
                "service '" + caller + "' may not call " + method);
  }
  std::string authorization = Lookup(md, "authorization");
  bool open = false;
  for (auto prefix : kAlwaysOpen) open = open || method.rfind(prefix, 0) == 0;
  if (authorization.empty() && require_user_token_ && !open) {
    return Deny(grpc::StatusCode::UNAUTHENTICATED, method, "token",
                "this listener needs 'authorization: Bearer <access token>' (log in to get one)");
  }
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.compare(0, kBearer.size(), kBearer) != 0) {
      return Deny(grpc::StatusCode::UNAUTHENTICATED, method, "token",
                  "authorization must be 'Bearer <token>'");
    }
    if (!jwt_) {
      return Deny(grpc::StatusCode::UNAUTHENTICATED, method, "token",
                  "this service does not accept user tokens");
    }
    auto claims = jwt_->Verify(std::string_view(authorization).substr(kBearer.size()));
    if (!claims.ok()) {
      return Deny(grpc::StatusCode::UNAUTHENTICATED, method, "token", claims.error().message);
    }
  }
  return grpc::Status::OK;
}

}  // namespace moodtape::platform
