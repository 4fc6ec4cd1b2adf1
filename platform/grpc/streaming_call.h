// Server-streaming calls whose messages come from blocking work (writing songs, rendering audio):
// the work runs on a BlockingCallPool thread and hands each message to a StreamSink; the reactor
// writes them to the client one at a time. Flow control: at most `max_queued` messages wait, so a
// slow client slows the work instead of growing memory. Cancellation (the client went away, the
// deadline passed) sets the sink's cancel flag, which long work polls, and makes Send return
// false; the call then finishes CANCELLED without more work.
//
//   return RunStreaming<RenderSongResponse>(pool_, ctx, [=](StreamSink<RenderSongResponse>& out) {
//     ... if (!out.Send(message)) return MakeError(ErrorCode::kCancelled, "cancelled");
//     return Status::Ok();   // an error before anything was sent is the call's status
//   });
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "platform/base/error.h"
#include "platform/grpc/blocking_call_pool.h"
#include "platform/grpc/status.h"

namespace moodtape::platform {

template <typename Response>
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues `message` for the client, waiting while `max_queued` already wait. False once the
  // call is cancelled: stop working and return.
  virtual bool Send(Response message) = 0;
  // Set when the call is cancelled; pass it to long work that can stop early.
  virtual const std::atomic<bool>& cancelled() const = 0;
};

namespace internal {

template <typename Response>
class PooledWriteReactor final : public grpc::ServerWriteReactor<Response>,
                                 public StreamSink<Response> {
 public:
  explicit PooledWriteReactor(size_t max_queued) : max_queued_(max_queued < 1 ? 1 : max_queued) {}

  // --- the work's side (a pool thread) ---
  bool Send(Response message) override {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return cancelled_.load() || queue_.size() < max_queued_; });
    if (cancelled_.load()) return false;
    queue_.push_back(std::move(message));
    if (writing_) return true;
    writing_ = true;
    current_ = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    this->StartWrite(&current_);
    return true;
  }
  const std::atomic<bool>& cancelled() const override { return cancelled_; }

  void WorkDone(grpc::Status status) {
    std::unique_lock lock(mu_);
    work_done_ = true;
    status_ = cancelled_.load() && status.ok()
                  ? grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")
                  : std::move(status);
    if (writing_ || finished_) return;
    finished_ = true;
    lock.unlock();
    this->Finish(status_);
  }

  // --- gRPC's side ---
  void OnWriteDone(bool ok) override {
    std::unique_lock lock(mu_);
    if (!ok) {
      // The client is gone: drop what waits and let the work notice.
      cancelled_ = true;
      queue_.clear();
      space_.notify_all();
    }
    if (ok && !queue_.empty()) {
      current_ = std::move(queue_.front());
      queue_.pop_front();
      space_.notify_all();
      lock.unlock();
      this->StartWrite(&current_);
      return;
    }
    writing_ = false;
    if (!work_done_ || finished_) return;
    finished_ = true;
    lock.unlock();
    this->Finish(status_);
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    space_.notify_all();
  }

  void OnDone() override { delete this; }

 private:
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable space_;
  std::deque<Response> queue_;
  Response current_;
  bool writing_ = false;
  bool work_done_ = false;
  bool finished_ = false;
  std::atomic<bool> cancelled_{false};
  grpc::Status status_;
};

}  // namespace internal

// Starts `work` on `pool` and returns the call's reactor. A full pool answers RESOURCE_EXHAUSTED
// at once; a throwing `work` is a generic INTERNAL.
template <typename Response>
grpc::ServerWriteReactor<Response>* RunStreaming(BlockingCallPool& pool,
                                                 grpc::CallbackServerContext* ctx,
                                                 std::function<Status(StreamSink<Response>&)> work,
                                                 size_t max_queued = 4) {
  (void)ctx;
  auto* reactor = new internal::PooledWriteReactor<Response>(max_queued);
  const bool posted = pool.TryPost([reactor, work = std::move(work)] {
    grpc::Status status;
    try {
      status = ToGrpcStatus(work(*reactor));
    } catch (const std::exception&) {
      status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
    }
    reactor->WorkDone(std::move(status));
  });
  if (!posted) reactor->WorkDone(BlockingCallPool::BusyStatus());
  return reactor;
}

}  // namespace moodtape::platform
