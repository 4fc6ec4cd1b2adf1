// Server and client interceptors every moodtape gRPC server and channel gets:
//   server: request context (request id, traceparent, caller, user) -> metrics -> access log and
//           error reporting
//   client: metrics -> log
// Authorisation is not an interceptor: C++ server interceptors cannot fail a call
// (grpc/grpc#24017), so it lives in CallerAuthorizer (grpc_auth.h), which gRPC runs first.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/server_interceptor.h>

#include "platform/observability/metrics.h"
#include "platform/security/jwt.h"
#include "platform/service/error_reporter.h"

namespace moodtape::platform {

// "/pkg.Service/Method" -> {"pkg.Service", "Method"}; unknown shapes give {"unknown", path}.
std::pair<std::string, std::string> SplitGrpcMethod(std::string_view full_method);

struct ServerInterceptorDeps {
  MetricsRegistry* metrics = nullptr;
  ErrorReporter* reporter = nullptr;       // may be null
  std::shared_ptr<const JwtVerifier> jwt;  // may be null: then no user is ever attached
};

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeServerInterceptors(const ServerInterceptorDeps& deps);

std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
MakeClientInterceptors(MetricsRegistry* metrics, std::string peer_service);

}  // namespace moodtape::platform
