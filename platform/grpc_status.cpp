#include "platform/grpc_status.h"

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
    case ErrorCode::kInternal:
      code = StatusCode::INTERNAL;
      break;
  }
  // Internal details stay in the server's log; the caller gets a generic message.
  if (code == StatusCode::INTERNAL) return grpc::Status(code, "internal error");
  return grpc::Status(code, error.message);
}

Error FromGrpcStatus(const grpc::Status& status) {
  using grpc::StatusCode;
  ErrorCode code = ErrorCode::kInternal;
  switch (status.error_code()) {
    case StatusCode::INVALID_ARGUMENT:
    case StatusCode::OUT_OF_RANGE:
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
    default:
      code = ErrorCode::kInternal;
      break;
  }
  return Error{code, status.error_message()};
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
