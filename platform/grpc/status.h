// The one place where the platform Error maps to and from gRPC status codes.
#pragma once

#include <string_view>

#include <grpcpp/support/status.h>

#include "platform/base/error.h"

namespace moodtape::platform {

grpc::Status ToGrpcStatus(const Error& error);
inline grpc::Status ToGrpcStatus(const Status& status) {
  return status.ok() ? grpc::Status::OK : ToGrpcStatus(status.error());
}
Error FromGrpcStatus(const grpc::Status& status);

// The code names Prometheus' grpc_*_handled_total label uses ("OK", "InvalidArgument", ...), as
// in go-grpc-prometheus, so existing dashboards work unchanged.
std::string_view GrpcCodeLabel(grpc::StatusCode code);

// Codes that mean "the server broke", as opposed to the caller asking for something invalid:
// these are the ones worth an error report.
bool IsServerFault(grpc::StatusCode code);

}  // namespace moodtape::platform
