// The job queue on Redis Streams (see "Job queue" in docs/architecture.md for the guarantees).
//
// One stream per job type with one consumer group of workers; the job itself (state, payload,
// result, attempt history, event sequence) lives in a hash per job id, which is also the result
// backend. Every multi-key change is one Lua script, so a job is never half-enqueued, never in
// the delayed set and the stream at once, and never acknowledged without its outcome stored.
//
// JobQueue is the producer, reader and operator side (gateway, admin tools); JobWorker
// (platform/jobs/worker.h) consumes. Both are thread-safe. Every call that reaches Redis returns
// kUnavailable while Redis is down and works again once it is back, without a restart.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/clock.h"
#include "platform/base/error.h"
#include "platform/jobs/job.h"

namespace moodtape::platform {

class Counter;
class Gauge;
class Histogram;
class MetricsRegistry;
class RedisClient;
class RedisReply;
class JobWorker;
// A Lua script of the queue (defined in job_queue.cpp).
struct JobScript;

struct JobQueueOptions {
  // Every key and channel starts with this (see the Redis keys table).
  std::string key_prefix = "moodtape:";
  // The consumer group every worker of every type joins.
  std::string group = "workers";
  // A delivered entry whose worker has not heartbeated for this long is claimed by another
  // worker. Workers heartbeat every third of it, so it bounds how long a killed worker's job
  // waits, not how long a job may run.
  std::chrono::milliseconds visibility_timeout{30000};
  // Attempts per job, the first included (1 = never retry).
  int max_attempts = 5;
  // Retry n (n = attempts so far, >= 1) waits uniform(0, min(backoff_max, backoff_base*2^(n-1)))
  // ("full jitter").
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_max{60000};
  // How long a succeeded job's hash (its result) is kept, and a dead letter's after a purge.
  std::chrono::milliseconds result_ttl{std::chrono::hours(24)};
  // How long an idempotency key maps to its first job.
  std::chrono::milliseconds idempotency_ttl{std::chrono::hours(24)};
  // Enqueue fails with kResourceExhausted when a type already has this many unfinished jobs
  // (in its stream, running, or waiting for a retry). <= 0: no limit.
  int64_t max_depth = 10000;
  // Seeds the retry jitter; 0 = from std::random_device.
  uint64_t seed = 0;
};

class Config;

// [queue] from the shared config (the gateway enqueues and the worker consumes with the same
// options): visibility_timeout_ms, max_attempts, backoff_base_ms, backoff_max_ms,
// result_ttl_ms, idempotency_ttl_ms, max_depth. Throws ConfigError naming a bad key.
JobQueueOptions ReadJobQueueOptions(Config& config);

class JobQueue {
 public:
  // `redis`, `clock` and `metrics` (may be null) must outlive the queue. Throws
  // std::invalid_argument for nonsensical options (start-up configuration).
  JobQueue(RedisClient& redis, JobQueueOptions options,
           const Clock& clock = SystemClock::Instance(), MetricsRegistry* metrics = nullptr);
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Type names: 1-64 of [a-z0-9_.-]. The payload must be JSON. kResourceExhausted when the type
  // is at max_depth (the gateway answers 503 + Retry-After).
  Result<EnqueueResult> Enqueue(std::string_view type, std::string_view payload_json,
                                const EnqueueOptions& options = {});
  // kNotFound when there is no such job (or its hash expired).
  Result<JobRecord> GetJob(std::string_view job_id);

  // Increments the job's seq, records stage + data as its latest event and PUBLISHes
  // {job_id, seq, stage, state, data} on the owner's channel, atomically. Returns the seq.
  // A subscriber that subscribes first and then reads the hash drops events with seq <= the
  // hash's seq. Stage: 1-64 of [a-z0-9_.-]; data must be JSON.
  Result<int64_t> PublishEvent(std::string_view job_id, std::string_view stage,
                               std::string_view data_json);

  // Dead letters of one type, oldest first, `limit` (1..1000) per page; pass next_cursor back.
  Result<DeadLetterPage> ListDeadLetters(std::string_view type, size_t limit,
                                         std::string_view cursor = "");
  // The dead letter of a job (kNotFound if it has none).
  Result<DeadLetter> GetDeadLetter(std::string_view job_id);
  // Re-enqueues a dead-lettered job under the same id as a fresh attempt series (attempts 0,
  // state queued, history kept) and removes its dead letter. kNotFound without a dead letter,
  // kResourceExhausted when the type is at max_depth.
  Status ReplayDeadLetter(std::string_view job_id);
  // Removes every dead letter of a type; their job hashes then expire after result_ttl.
  Result<int64_t> PurgeDeadLetters(std::string_view type);

  // Unfinished jobs of a type (stream entries, running ones included, plus delayed retries).
  // Also sets the moodtape_jobs_queue_depth gauge.
  Result<int64_t> Depth(std::string_view type);
  // Also sets the moodtape_jobs_dead_letter_depth gauge.
  Result<int64_t> DeadLetterDepth(std::string_view type);

  // Key and channel names (documented in the Redis keys table).
  std::string StreamKey(std::string_view type) const;
  std::string DelayedKey(std::string_view type) const;
  std::string DeadLetterKey(std::string_view type) const;
  std::string JobKey(std::string_view job_id) const;
  std::string IdempotencyKey(std::string_view owner, std::string_view key) const;
  std::string EventChannel(std::string_view owner) const;
  // For the gateway's single PSUBSCRIBE.
  std::string EventChannelPattern() const;

  // The delay before retry number `attempts` (>= 1), with jitter.
  std::chrono::milliseconds RetryDelay(int attempts);

  const JobQueueOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }

 private:
  friend class JobWorker;
  struct Metrics;

  // --- worker side (JobWorker) ---
  // One delivered stream entry.
  struct Delivery {
    std::string type;
    std::string entry_id;
    std::string job_id;  // "" when the entry was deleted
  };
  enum class StartKind { kRun, kSkip, kExhausted };
  struct StartOutcome {
    StartKind kind = StartKind::kSkip;
    JobRecord record;
  };
  enum class FinishMode { kSucceeded, kRetry, kFailed, kDead };

  // Creates the type's stream and group if missing (BUSYGROUP is fine).
  Status EnsureGroup(std::string_view type);
  // XREADGROUP ... > over every type; up to `count` per type, blocking up to `block`.
  Result<std::vector<Delivery>> ReadNew(const std::vector<std::string>& types,
                                        const std::string& consumer, int count,
                                        std::chrono::milliseconds block);
  // XAUTOCLAIM entries idle past the visibility timeout; `cursor` carries on between calls.
  Result<std::vector<Delivery>> Claim(std::string_view type, const std::string& consumer, int count,
                                      std::string* cursor);
  // Moves due retries of a type from the delayed set back to its stream. Returns how many.
  Result<int64_t> PromoteDue(std::string_view type, int limit);
  // Resets the idle time of entries this consumer still owns; returns the ones it lost.
  Result<std::vector<std::string>> Heartbeat(std::string_view type, const std::string& consumer,
                                             const std::vector<std::string>& entry_ids);
  // Marks the job running for this attempt (or says to skip/dead-letter it).
  Result<StartOutcome> StartAttempt(const Delivery& delivery, const std::string& consumer);
  // Stores the outcome and acknowledges the entry in one script. `check_owner`: do nothing
  // (and return false) if this consumer no longer owns the attempt.
  Result<bool> FinishAttempt(const Delivery& delivery, const JobRecord& record,
                             const std::string& consumer, FinishMode mode, const std::string& text,
                             const std::string& code, const std::string& history_entry,
                             int64_t due_ms, bool check_owner);

  // Runs a script by EVALSHA, falling back to EVAL after NOSCRIPT (e.g. a restarted Redis).
  Result<RedisReply> Run(const JobScript& script, const std::vector<std::string>& keys,
                         const std::vector<std::string>& args);
  Result<DeadLetter> ReadDeadLetter(std::string_view type, std::string_view entry_id);
  int64_t NowMs() const;
  // Counts one finished handler run (outcome "succeeded" or "failed"; code "" on success).
  void RecordAttempt(std::string_view type, std::string_view outcome, std::string_view code,
                     double seconds);
  void SetDepthGauge(std::string_view type, int64_t depth);
  void SetDeadDepthGauge(std::string_view type, int64_t depth);

  RedisClient& redis_;
  const JobQueueOptions options_;
  const Clock& clock_;
  MetricsRegistry* const metrics_registry_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;
};

}  // namespace moodtape::platform
