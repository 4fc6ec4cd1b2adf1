// The consuming side of the job queue (platform/jobs/queue.h): N handler slots for a set of job
// types, in one consumer of the types' consumer group.
//
// Threads: one reader (XAUTOCLAIM of entries other workers abandoned, then XREADGROUP ... BLOCK,
// only while a slot is free, so entries never wait in this process while another worker idles),
// one maintenance thread (heartbeats for entries in hand, delayed retries back to their streams,
// depth gauges) and `concurrency` slot threads that run handlers. It therefore needs
// concurrency + 2 connections of the RedisClient pool (plus any the handlers use).
//
// Outcome of a handler:
//   ok                                  -> result stored, state succeeded, entry acknowledged
//   retryable error, attempts left      -> state retrying, the job waits in the delayed set
//   non-retryable error (IsRetryable)   -> state failed + dead letter, at once
//   retryable error on the last attempt -> state dead + dead letter
// Storing the outcome and acknowledging are one script, so an entry is only ever acknowledged
// with its outcome stored. A handler's own effects must be idempotent per job id: a worker that
// dies after the effects but before that script makes the job run again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "platform/base/error.h"
#include "platform/jobs/queue.h"

namespace moodtape::platform {

// What a running handler can see and do besides its job.
class JobContext {
 public:
  JobContext(JobQueue& queue, std::string job_id, int attempt)
      : queue_(queue), job_id_(std::move(job_id)), attempt_(attempt) {}
  JobContext(const JobContext&) = delete;
  JobContext& operator=(const JobContext&) = delete;

  const std::string& job_id() const { return job_id_; }
  // 1-based attempt number within the current series.
  int attempt() const { return attempt_; }
  // A progress event on the owner's channel (JobQueue::PublishEvent). Returns its seq.
  Result<int64_t> PublishEvent(std::string_view stage, std::string_view data_json) {
    return queue_.PublishEvent(job_id_, stage, data_json);
  }
  // The worker is draining: a long handler should finish or give up (return kUnavailable, say)
  // soon; after the drain deadline its outcome is discarded and the job is redone elsewhere.
  bool stopping() const { return stopping_.load(); }
  // Another worker has claimed this job (this one stalled past the visibility timeout); the
  // outcome of this run will be discarded.
  bool lost() const { return lost_.load(); }

 private:
  friend class JobWorker;
  JobQueue& queue_;
  const std::string job_id_;
  const int attempt_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> lost_{false};
};

// A handler gets the job (payload, attempt count, history) and returns the result as JSON.
using JobHandler = std::function<Result<std::string>(const JobRecord& job, JobContext& context)>;

struct JobWorkerOptions {
  // Handlers run at once, at most.
  int concurrency = 4;
  // The consumer name in the group; "" = "<hostname>-<pid>-<random>", unique per process.
  std::string consumer;
  // How long one XREADGROUP waits for new entries; also bounds how long Stop() waits for the
  // reader. Capped at half the Redis command timeout, so a quiet queue is not a timeout.
  std::chrono::milliseconds read_block{1000};
  // How often delayed retries are moved back to their streams.
  std::chrono::milliseconds promote_interval{250};
  // 0 = a third of the visibility timeout.
  std::chrono::milliseconds heartbeat_interval{0};
  // How often entries idle past the visibility timeout are claimed; 0 = half of it.
  std::chrono::milliseconds claim_interval{0};
  // How often the depth gauges of the worker's types are refreshed.
  std::chrono::milliseconds gauge_interval{5000};
  // After a Redis failure the reader waits this long (doubling, with jitter) before trying again.
  std::chrono::milliseconds error_backoff_min{50};
  std::chrono::milliseconds error_backoff_max{2000};
};

class JobWorker {
 public:
  // `queue` must outlive the worker. Throws std::invalid_argument for no handlers, a bad type
  // name or a concurrency below 1.
  JobWorker(JobQueue& queue, JobWorkerOptions options, std::map<std::string, JobHandler> handlers);
  ~JobWorker();  // Stop(0)
  JobWorker(const JobWorker&) = delete;
  JobWorker& operator=(const JobWorker&) = delete;

  // Starts the threads (once). Works while Redis is down: the reader retries with backoff.
  void Start();
  // Drains: stops reading and claiming, lets running handlers finish until `timeout`, leaves
  // entries not started (and handlers still running at the deadline) pending for other workers
  // to claim after the visibility timeout. Returns true when every handler finished in time.
  // It still joins the slot threads, so a handler that never returns delays it: handlers should
  // watch JobContext::stopping(). Idempotent.
  bool Stop(std::chrono::milliseconds timeout);

  const std::string& consumer() const { return consumer_; }
  // Handlers running now.
  int running() const;

 private:
  struct InFlight {
    JobQueue::Delivery delivery;
    std::shared_ptr<JobContext> context;  // null until its handler starts
  };

  void ReadLoop();
  void MaintenanceLoop();
  void SlotLoop();
  void Process(const JobQueue::Delivery& delivery);
  // Hands deliveries to the slots; `reserved` of them were counted in reserved_ already.
  void Accept(std::vector<JobQueue::Delivery> deliveries, int reserved);
  void Heartbeat();
  void Promote();
  // XAUTOCLAIM of up to `want` entries idle past the visibility timeout (reader thread only).
  std::vector<JobQueue::Delivery> ClaimAbandoned(int want);
  void RefreshGauges();
  // Stores an outcome, retrying transient Redis failures while the entry is still ours.
  void Finish(const JobQueue::Delivery& delivery, const JobRecord& record,
              JobQueue::FinishMode mode, const std::string& text, const std::string& code,
              const std::string& history_entry, int64_t due_ms, bool check_owner,
              const JobContext* context);
  // Sleeps up to `d`, waking early when stopping; false if stopping.
  bool SleepUnlessStopping(std::chrono::milliseconds d);
  void NoteRedis(bool ok, const Error* error, const char* what);
  static std::string Key(const JobQueue::Delivery& d) { return d.type + '\n' + d.entry_id; }

  JobQueue& queue_;
  const JobWorkerOptions options_;
  const std::map<std::string, JobHandler> handlers_;
  const std::vector<std::string> types_;
  const std::string consumer_;
  std::chrono::milliseconds heartbeat_interval_;
  std::chrono::milliseconds claim_interval_;
  std::chrono::milliseconds read_block_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // slots: ready_ has work, or stopping
  std::condition_variable space_cv_;  // reader: a slot freed, or stopping
  std::condition_variable idle_cv_;   // Stop(): running_ changed
  std::condition_variable maint_cv_;  // maintenance: shutdown
  std::deque<JobQueue::Delivery> ready_;
  std::map<std::string, InFlight> in_flight_;         // by Key(): waiting in ready_ or running
  std::map<std::string, std::string> claim_cursors_;  // reader thread only
  int reserved_ = 0;  // deliveries held (ready_ + running) or being fetched
  int running_ = 0;
  bool started_ = false;
  bool stopping_ = false;   // no more reading or claiming
  bool abandoned_ = false;  // drain deadline passed: outcomes are discarded
  bool maint_shutdown_ = false;
  bool stop_done_ = false;
  bool drained_ = true;
  std::atomic<bool> redis_ok_{true};  // for logging transitions only

  std::thread reader_;
  std::thread maintenance_;
  std::vector<std::thread> slots_;
};

}  // namespace moodtape::platform
