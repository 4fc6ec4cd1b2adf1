// One protocol-neutral error type for the request path. Cores return Result<T>; adapters map the
// code once: ToGrpcStatus() for gRPC (grpc_status.h), HttpStatusFor() for HTTP. A user never sees
// an internal message: kInternal errors carry a generic text and the detail goes to the log.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace moodtape::platform {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kUnauthenticated,
  kPermissionDenied,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kDeadlineExceeded,
  kAborted,
  kCancelled,
  kUnimplemented,
  kOutOfRange,  // a position past the end (a byte range past a file's end)
  kDataLoss,    // bytes that do not match their checksum
  kInternal,
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // safe to show the user
  // When retrying makes sense (a lock-out, a full queue): how long to wait. Travels over gRPC as
  // a google.rpc.RetryInfo detail and over HTTP as Retry-After.
  std::optional<std::chrono::milliseconds> retry_after;
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message), std::nullopt};
}

inline Error WithRetryAfter(Error error, std::chrono::milliseconds wait) {
  error.retry_after = wait;
  return error;
}

// snake_case name used in JSON error bodies ("invalid_argument").
std::string_view ErrorCodeName(ErrorCode code);
// HTTP status for a code (400, 404, 409, 401, 403, 412/400, 429, 503, 504, 409, 499, 501, 500).
int HttpStatusFor(ErrorCode code);

// A value or an Error. Small on purpose: std::expected is C++23 and GCC 12 lacks it.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace moodtape::platform
