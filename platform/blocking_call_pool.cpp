#include "platform/blocking_call_pool.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>

#include "platform/grpc_status.h"
#include "platform/log.h"

namespace moodtape::platform {

struct BlockingCallPool::Impl {
  Impl(int threads) : pool(static_cast<size_t>(threads)) {}
  boost::asio::thread_pool pool;
  Gauge* in_flight = nullptr;
};

BlockingCallPool::BlockingCallPool(std::string name, int threads, MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(threads < 1 ? 1 : threads)) {
  if (metrics != nullptr) {
    impl_->in_flight =
        &metrics
             ->AddGauge("moodtape_blocking_calls_in_flight",
                        "gRPC calls queued or running on a blocking-call pool.", {"pool"})
             .WithLabels({name});
  }
}

BlockingCallPool::~BlockingCallPool() { impl_->pool.join(); }

grpc::ServerUnaryReactor* BlockingCallPool::Run(grpc::CallbackServerContext* ctx,
                                                std::function<Status()> body) {
  auto* reactor = ctx->DefaultReactor();
  if (impl_->in_flight) impl_->in_flight->Inc();
  boost::asio::post(impl_->pool, [this, reactor, body = std::move(body)] {
    grpc::Status status;
    try {
      status = ToGrpcStatus(body());
    } catch (const std::exception& e) {
      // A handler bug must not take the process down; the caller gets a generic INTERNAL.
      LogError("handler threw", {{"error", e.what()}});
      status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
    }
    if (impl_->in_flight) impl_->in_flight->Dec();
    reactor->Finish(status);
  });
  return reactor;
}

}  // namespace moodtape::platform
