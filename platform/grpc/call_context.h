// What the platform knows about the gRPC call being served, filled in by the server interceptors
// before the handler runs, and how an outgoing call inherits it (deadline, request id, trace).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include "platform/observability/trace.h"
#include "platform/security/jwt.h"

namespace moodtape::platform {

struct CallContext {
  std::string method;  // "/moodtape.emotion.v2.EmotionService/Predict"
  std::string request_id;
  TraceContext trace;             // this hop's span
  std::string caller;             // calling service (CN of its mTLS certificate); "" without TLS
  std::string peer;               // transport address of the caller
  std::optional<JwtClaims> user;  // the verified end-user token, when the call carried one
  std::string bearer_token;       // that token, to pass on; never logged
};

// The context of the call `server_context` belongs to. Outside an intercepted call (unit tests
// calling a handler directly) it returns a fresh context with new ids.
std::shared_ptr<const CallContext> CallContextOf(const grpc::ServerContextBase* server_context);

// A ClientContext for an outgoing call: a deadline (always), the request id and a child span of
// `parent` (or a new trace), and, when `forward_user` is set, the end user's bearer token.
std::unique_ptr<grpc::ClientContext> NewClientContext(std::chrono::milliseconds timeout,
                                                      const CallContext* parent = nullptr,
                                                      bool forward_user = false);

// Used by the request-context interceptor; not for handlers.
void RegisterCallContext(const grpc::ServerContextBase* key,
                         std::shared_ptr<const CallContext> ctx);
void UnregisterCallContext(const grpc::ServerContextBase* key);

}  // namespace moodtape::platform
