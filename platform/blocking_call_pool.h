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

#include "platform/error.h"
#include "platform/metrics.h"

namespace moodtape::platform {

class BlockingCallPool {
 public:
  // `name` labels the metrics (moodtape_blocking_calls_in_flight{pool}).
  BlockingCallPool(std::string name, int threads, MetricsRegistry* metrics = nullptr);
  // Waits for queued and running work (the gRPC server has drained by then).
  ~BlockingCallPool();
  BlockingCallPool(const BlockingCallPool&) = delete;
  BlockingCallPool& operator=(const BlockingCallPool&) = delete;

  // Returns the call's reactor at once; `body` runs on the pool and its Status finishes the call
  // (mapped with ToGrpcStatus). The request and response stay valid until the call finishes.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* ctx, std::function<Status()> body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moodtape::platform
