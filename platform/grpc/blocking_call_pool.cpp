#include "platform/grpc/blocking_call_pool.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <exception>

#include "platform/base/log.h"
#include "platform/grpc/status.h"

namespace moodtape::platform {

struct BlockingCallPool::Impl {
  Impl(int threads, int max_queued)
      : pool(static_cast<size_t>(threads)), capacity(threads + max_queued) {}
  boost::asio::thread_pool pool;
  const int capacity;  // running + queued
  std::atomic<int> admitted{0};
  Gauge* in_flight = nullptr;
  Counter* refused_full = nullptr;
  Counter* refused_expired = nullptr;
};

BlockingCallPool::BlockingCallPool(std::string name, int threads, MetricsRegistry* metrics,
                                   int max_queued)
    : impl_(std::make_unique<Impl>(std::max(threads, 1),
                                   max_queued > 0 ? max_queued : 4 * std::max(threads, 1))) {
  if (metrics != nullptr) {
    impl_->in_flight =
        &metrics
             ->AddGauge("moodtape_blocking_calls_in_flight",
                        "gRPC calls queued or running on a blocking-call pool.", {"pool"})
             .WithLabels({name});
    auto& refused = metrics->AddCounter(
        "moodtape_blocking_calls_refused_total",
        "Calls a blocking-call pool finished without running: queue full, or the caller had "
        "given up (deadline passed or cancelled) before a thread was free.",
        {"pool", "reason"});
    impl_->refused_full = &refused.WithLabels({name, "queue_full"});
    impl_->refused_expired = &refused.WithLabels({name, "expired"});
  }
}

BlockingCallPool::~BlockingCallPool() { impl_->pool.join(); }

grpc::Status BlockingCallPool::BusyStatus() {
  return ToGrpcStatus(WithRetryAfter(
      MakeError(ErrorCode::kResourceExhausted, "the service is busy; try again shortly"),
      std::chrono::seconds(1)));
}

bool BlockingCallPool::TryPost(std::function<void()> work) {
  if (impl_->admitted.fetch_add(1) >= impl_->capacity) {
    impl_->admitted.fetch_sub(1);
    if (impl_->refused_full) impl_->refused_full->Inc();
    return false;
  }
  if (impl_->in_flight) impl_->in_flight->Inc();
  boost::asio::post(impl_->pool, [this, work = std::move(work)] {
    try {
      work();
    } catch (const std::exception& e) {
      LogError("pooled work threw", {{"error", e.what()}});
    }
    if (impl_->in_flight) impl_->in_flight->Dec();
    impl_->admitted.fetch_sub(1);
  });
  return true;
}

grpc::ServerUnaryReactor* BlockingCallPool::Run(grpc::CallbackServerContext* ctx,
                                                std::function<Status()> body) {
  auto* reactor = ctx->DefaultReactor();
  const bool posted = TryPost([this, ctx, reactor, body = std::move(body)] {
    grpc::Status status;
    if (ctx->IsCancelled() || ctx->deadline() <= std::chrono::system_clock::now()) {
      // The caller has its answer already (a deadline error); doing the work now would only
      // create effects nobody will hear about.
      if (impl_->refused_expired) impl_->refused_expired->Inc();
      status = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                            "the call waited past its deadline for a free thread");
    } else {
      try {
        status = ToGrpcStatus(body());
      } catch (const std::exception& e) {
        // A handler bug must not take the process down; the caller gets a generic INTERNAL.
        LogError("handler threw", {{"error", e.what()}});
        status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
      }
    }
    reactor->Finish(status);
  });
  if (!posted) reactor->Finish(BusyStatus());
  return reactor;
}

}  // namespace moodtape::platform
