// Where gRPC handlers that block run. Callback-API handlers execute on gRPC's own small thread
// pool; a handler that waits there (a database, Redis, a nested gRPC call, password hashing)
// holds one of those threads, and enough of them stall every call on the server — a nested call
// can even wait for a thread it is itself holding. Such handlers hand their body to this bounded
// pool instead and finish the call from there.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "platform/base/error.h"
#include "platform/observability/metrics.h"

namespace moodtape::platform {

// The pool is bounded twice, so a flood (of Argon2 sign-ups, say) cannot pile up work: at most
// `max_queued` calls wait beyond the running ones (more are refused at once with
// RESOURCE_EXHAUSTED and a one-second RetryInfo), and a call whose caller gave up (cancelled, or
// past its deadline) while it waited is finished without running its body, so no account is
// created for a request the gateway already answered with an error.
class BlockingCallPool {
 public:
  // `name` labels the metrics (moodtape_blocking_calls_in_flight{pool},
  // moodtape_blocking_calls_refused_total{pool,reason}). max_queued 0 = 4 x threads.
  BlockingCallPool(std::string name, int threads, MetricsRegistry* metrics = nullptr,
                   int max_queued = 0);
  // Waits for queued and running work (the gRPC server has drained by then).
  ~BlockingCallPool();
  BlockingCallPool(const BlockingCallPool&) = delete;
  BlockingCallPool& operator=(const BlockingCallPool&) = delete;

  // Returns the call's reactor at once; `body` runs on the pool and its Status finishes the call
  // (mapped with ToGrpcStatus). The request and response stay valid until the call finishes.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* ctx, std::function<Status()> body);

  // Queues `work` if the pool has room (running + queued < threads + max_queued); false when it
  // is full (the caller answers RESOURCE_EXHAUSTED). For reactors other than unary ones
  // (streaming_call.h).
  bool TryPost(std::function<void()> work);
  // The refusal a full pool answers with (RESOURCE_EXHAUSTED, retry after one second).
  static grpc::Status BusyStatus();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moodtape::platform
