#include "platform/grpc/status.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

#include <algorithm>

namespace moodtape::platform {

grpc::Status ToGrpcStatus(const Error& error) {
  using grpc::StatusCode;
  StatusCode code = StatusCode::INTERNAL;
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      code = StatusCode::INVALID_ARGUMENT;
      break;
    case ErrorCode::kNotFound:
      code = StatusCode::NOT_FOUND;
      break;
    case ErrorCode::kAlreadyExists:
      code = StatusCode::ALREADY_EXISTS;
      break;
    case ErrorCode::kUnauthenticated:
      code = StatusCode::UNAUTHENTICATED;
      break;
    case ErrorCode::kPermissionDenied:
      code = StatusCode::PERMISSION_DENIED;
      break;
    case ErrorCode::kFailedPrecondition:
      code = StatusCode::FAILED_PRECONDITION;
      break;
    case ErrorCode::kResourceExhausted:
      code = StatusCode::RESOURCE_EXHAUSTED;
      break;
    case ErrorCode::kUnavailable:
      code = StatusCode::UNAVAILABLE;
      break;
    case ErrorCode::kDeadlineExceeded:
      code = StatusCode::DEADLINE_EXCEEDED;
      break;
    case ErrorCode::kAborted:
      code = StatusCode::ABORTED;
      break;
    case ErrorCode::kCancelled:
      code = StatusCode::CANCELLED;
      break;
    case ErrorCode::kUnimplemented:
      code = StatusCode::UNIMPLEMENTED;
      break;
    case ErrorCode::kOutOfRange:
      code = StatusCode::OUT_OF_RANGE;
      break;
    case ErrorCode::kDataLoss:
      code = StatusCode::DATA_LOSS;
      break;
    case ErrorCode::kInternal:
      code = StatusCode::INTERNAL;
      break;
  }
  // Internal details stay in the server's log; the caller gets a generic message.
  if (code == StatusCode::INTERNAL) return grpc::Status(code, "internal error");
  if (!error.retry_after) return grpc::Status(code, error.message);
  // The rich error model: the same code and message plus a RetryInfo detail, which every gRPC
  // client library can read from grpc-status-details-bin.
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(error.message);
  google::rpc::RetryInfo retry;
  const int64_t ms = std::max<int64_t>(0, error.retry_after->count());
  retry.mutable_retry_delay()->set_seconds(ms / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>((ms % 1000) * 1000000));
  details.add_details()->PackFrom(retry);
  return grpc::Status(code, error.message, details.SerializeAsString());
}

Error FromGrpcStatus(const grpc::Status& status) {
  using grpc::StatusCode;
  ErrorCode code = ErrorCode::kInternal;
  switch (status.error_code()) {
    case StatusCode::INVALID_ARGUMENT:
      code = ErrorCode::kInvalidArgument;
      break;
    case StatusCode::NOT_FOUND:
      code = ErrorCode::kNotFound;
      break;
    case StatusCode::ALREADY_EXISTS:
      code = ErrorCode::kAlreadyExists;
      break;
    case StatusCode::UNAUTHENTICATED:
      code = ErrorCode::kUnauthenticated;
      break;
    case StatusCode::PERMISSION_DENIED:
      code = ErrorCode::kPermissionDenied;
      break;
    case StatusCode::FAILED_PRECONDITION:
      code = ErrorCode::kFailedPrecondition;
      break;
    case StatusCode::RESOURCE_EXHAUSTED:
      code = ErrorCode::kResourceExhausted;
      break;
    case StatusCode::UNAVAILABLE:
      code = ErrorCode::kUnavailable;
      break;
    case StatusCode::DEADLINE_EXCEEDED:
      code = ErrorCode::kDeadlineExceeded;
      break;
    case StatusCode::ABORTED:
      code = ErrorCode::kAborted;
      break;
    case StatusCode::CANCELLED:
      code = ErrorCode::kCancelled;
      break;
    case StatusCode::UNIMPLEMENTED:
      code = ErrorCode::kUnimplemented;
      break;
    case StatusCode::OUT_OF_RANGE:
      code = ErrorCode::kOutOfRange;
      break;
    case StatusCode::DATA_LOSS:
      code = ErrorCode::kDataLoss;
      break;
    default:
      code = ErrorCode::kInternal;
      break;
  }
  Error error{code, status.error_message(), std::nullopt};
  if (!status.error_details().empty()) {
    google::rpc::Status details;
    if (details.ParseFromString(status.error_details())) {
      for (const auto& any : details.details()) {
        google::rpc::RetryInfo retry;
        if (any.UnpackTo(&retry)) {
          error.retry_after = std::chrono::milliseconds(retry.retry_delay().seconds() * 1000 +
                                                        retry.retry_delay().nanos() / 1000000);
        }
      }
    }
  }
  return error;
}

std::string_view GrpcCodeLabel(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "Canceled";
    case grpc::StatusCode::UNKNOWN:
      return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case grpc::StatusCode::ABORTED:
      return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "Unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "Internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "Unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

bool IsServerFault(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::DATA_LOSS || code == grpc::StatusCode::UNIMPLEMENTED;
}

}  // namespace moodtape::platform
