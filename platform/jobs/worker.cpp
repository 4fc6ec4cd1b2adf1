#include "platform/jobs/worker.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "platform/base/encoding.h"
#include "platform/base/log.h"
#include "platform/redis/client.h"

namespace moodtape::platform {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

std::vector<std::string> TypesOf(const std::map<std::string, JobHandler>& handlers) {
  std::vector<std::string> types;
  for (const auto& [type, handler] : handlers) types.push_back(type);
  return types;
}

std::string DefaultConsumer() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    std::snprintf(host, sizeof(host), "worker");
  }
  return std::string(host) + "-" + std::to_string(getpid()) + "-" + HexEncode(SecureRandomBytes(4));
}

milliseconds Jittered(milliseconds backoff, std::mt19937& rng) {
  int64_t half = std::max<int64_t>(backoff.count() / 2, 1);
  std::uniform_int_distribution<int64_t> extra(0, half);
  return milliseconds(backoff.count() - half + extra(rng));
}

bool IsNoGroup(const Error& error) { return error.message.find("NOGROUP") != std::string::npos; }

}  // namespace

JobWorker::JobWorker(JobQueue& queue, JobWorkerOptions options,
                     std::map<std::string, JobHandler> handlers)
    : queue_(queue),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      types_(TypesOf(handlers_)),
      consumer_(options_.consumer.empty() ? DefaultConsumer() : options_.consumer) {
  if (handlers_.empty()) throw std::invalid_argument("JobWorker: no handlers");
  for (const auto& [type, handler] : handlers_) {
    if (!handler) throw std::invalid_argument("JobWorker: empty handler for " + type);
    if (type.empty() || type.size() > 64 ||
        type.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos) {
      throw std::invalid_argument("JobWorker: bad job type name: " + type);
    }
  }
  if (options_.concurrency < 1) throw std::invalid_argument("JobWorker: concurrency must be >= 1");
  const milliseconds visibility = queue_.options().visibility_timeout;
  heartbeat_interval_ = options_.heartbeat_interval.count() > 0
                            ? options_.heartbeat_interval
                            : std::max(milliseconds(1), visibility / 3);
  claim_interval_ = options_.claim_interval.count() > 0 ? options_.claim_interval
                                                        : std::max(milliseconds(1), visibility / 2);
  // A blocked XREADGROUP must come back before the client's socket timeout calls it dead.
  const milliseconds command_timeout = queue_.redis_.settings().command_timeout;
  read_block_ = std::clamp(options_.read_block, milliseconds(1),
                           std::max(milliseconds(1), command_timeout / 2));
}

JobWorker::~JobWorker() { Stop(milliseconds(0)); }

void JobWorker::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  reader_ = std::thread([this] { ReadLoop(); });
  maintenance_ = std::thread([this] { MaintenanceLoop(); });
  for (int i = 0; i < options_.concurrency; ++i) slots_.emplace_back([this] { SlotLoop(); });
  LogInfo("job worker started",
          {{"consumer", consumer_}, {"types", types_}, {"concurrency", options_.concurrency}});
}

bool JobWorker::Stop(milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  std::unique_lock lock(mu_);
  if (stop_done_) return drained_;
  stopping_ = true;
  if (!started_) {
    stop_done_ = true;
    return drained_;
  }
  // Entries not started stay pending in Redis; another worker claims them after the visibility
  // timeout (this one stops heartbeating them now).
  for (const auto& d : ready_) in_flight_.erase(Key(d));
  reserved_ -= static_cast<int>(ready_.size());
  ready_.clear();
  for (auto& [key, f] : in_flight_) {
    if (f.context) f.context->stopping_ = true;
  }
  lock.unlock();
  work_cv_.notify_all();
  space_cv_.notify_all();
  if (reader_.joinable()) reader_.join();

  lock.lock();
  bool drained = idle_cv_.wait_until(lock, deadline, [this] { return running_ == 0; });
  if (!drained) {
    abandoned_ = true;
    LogWarn("job worker drain deadline passed; unfinished jobs are left for other workers",
            {{"consumer", consumer_}, {"running", running_}});
  }
  lock.unlock();
  idle_cv_.notify_all();
  for (auto& t : slots_) t.join();

  lock.lock();
  maint_shutdown_ = true;
  lock.unlock();
  maint_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  lock.lock();
  stop_done_ = true;
  drained_ = drained;
  LogInfo("job worker stopped", {{"consumer", consumer_}, {"drained", drained}});
  return drained;
}

int JobWorker::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

void JobWorker::NoteRedis(bool ok, const Error* error, const char* what) {
  bool was_ok = redis_ok_.exchange(ok);
  if (ok && !was_ok) {
    LogInfo("job worker reaches redis again", {{"consumer", consumer_}});
  } else if (!ok && was_ok) {
    LogWarn("job worker redis call failed; retrying with backoff",
            {{"consumer", consumer_},
             {"call", what},
             {"error", error != nullptr ? error->message : ""}});
  }
}

bool JobWorker::SleepUnlessStopping(milliseconds d) {
  std::unique_lock lock(mu_);
  return !space_cv_.wait_for(lock, d, [this] { return stopping_; });
}

// ---------------------------------------------------------------------------------------------
// Reader

void JobWorker::ReadLoop() {
  std::mt19937 rng(std::random_device{}());
  milliseconds backoff = options_.error_backoff_min;
  bool groups_ready = false;
  auto next_claim = SteadyClock::now();
  while (true) {
    int want = 0;
    {
      std::unique_lock lock(mu_);
      space_cv_.wait(lock, [this] { return stopping_ || reserved_ < options_.concurrency; });
      if (stopping_) return;
      want = options_.concurrency - reserved_;
      reserved_ += want;
    }
    // Entries other workers abandoned come first: they have waited longest. Claiming here, in
    // the thread that holds the free slots, keeps the two sources from overfilling them.
    if (groups_ready && SteadyClock::now() >= next_claim) {
      next_claim = SteadyClock::now() + claim_interval_;
      auto claimed = ClaimAbandoned(want);
      if (!claimed.empty()) {
        Accept(std::move(claimed), want);
        continue;
      }
    }
    Result<std::vector<JobQueue::Delivery>> read = std::vector<JobQueue::Delivery>{};
    if (!groups_ready) {
      for (const auto& type : types_) {
        Status s = queue_.EnsureGroup(type);
        if (!s.ok()) {
          read = s.error();
          break;
        }
      }
    }
    if (read.ok()) {
      groups_ready = true;
      read = queue_.ReadNew(types_, consumer_, want, read_block_);
    }
    if (!read.ok()) {
      {
        std::lock_guard lock(mu_);
        reserved_ -= want;
      }
      // A Redis that restarted empty has lost the groups too.
      if (IsNoGroup(read.error())) groups_ready = false;
      NoteRedis(false, &read.error(), "XREADGROUP");
      if (!SleepUnlessStopping(Jittered(backoff, rng))) return;
      backoff = std::min(backoff * 2, options_.error_backoff_max);
      continue;
    }
    NoteRedis(true, nullptr, "XREADGROUP");
    backoff = options_.error_backoff_min;
    Accept(std::move(read).value(), want);
  }
}

void JobWorker::Accept(std::vector<JobQueue::Delivery> deliveries, int reserved) {
  int accepted = 0;
  {
    std::lock_guard lock(mu_);
    for (auto& d : deliveries) {
      // Left pending in Redis when stopping; XAUTOCLAIM may also hand back entries we hold.
      if (stopping_ || in_flight_.count(Key(d)) != 0) continue;
      in_flight_[Key(d)] = InFlight{d, nullptr};
      ready_.push_back(std::move(d));
      ++accepted;
    }
    // XREADGROUP's COUNT is per stream, so with several types this may exceed `reserved`.
    reserved_ += accepted - reserved;
  }
  if (accepted > 0) work_cv_.notify_all();
  if (accepted < reserved) space_cv_.notify_all();
}

// ---------------------------------------------------------------------------------------------
// Slots

void JobWorker::SlotLoop() {
  while (true) {
    JobQueue::Delivery d;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
      if (stopping_) return;
      d = std::move(ready_.front());
      ready_.pop_front();
      ++running_;
    }
    Process(d);
    {
      std::lock_guard lock(mu_);
      in_flight_.erase(Key(d));
      --running_;
      --reserved_;
    }
    space_cv_.notify_all();
    idle_cv_.notify_all();
  }
}

void JobWorker::Process(const JobQueue::Delivery& delivery) {
  auto started = queue_.StartAttempt(delivery, consumer_);
  if (!started.ok()) {
    // Left pending: after the visibility timeout this or another worker claims it again.
    NoteRedis(false, &started.error(), "start");
    return;
  }
  const JobRecord& record = started->record;
  if (started->kind == JobQueue::StartKind::kSkip) return;
  if (started->kind == JobQueue::StartKind::kExhausted) {
    // Its last attempt never finished (the worker died): dead-letter it rather than run it
    // again, so a job that crashes workers cannot crash them forever.
    LogWarn("job attempts exhausted by lost workers",
            {{"job_id", record.id}, {"type", delivery.type}, {"attempts", record.attempts}});
    Finish(delivery, record, JobQueue::FinishMode::kDead,
           record.error.empty() ? "attempts exhausted" : record.error,
           record.error_code.empty() ? "worker_lost" : record.error_code, "", 0,
           /*check_owner=*/false, nullptr);
    return;
  }

  auto context = std::make_shared<JobContext>(queue_, record.id, record.attempts);
  {
    std::lock_guard lock(mu_);
    auto it = in_flight_.find(Key(delivery));
    if (it != in_flight_.end()) it->second.context = context;
    if (stopping_) context->stopping_ = true;
  }
  const JobHandler& handler = handlers_.at(delivery.type);
  const auto t0 = SteadyClock::now();
  Result<std::string> result = MakeError(ErrorCode::kInternal, "handler did not run");
  try {
    result = handler(record, *context);
  } catch (const std::exception& e) {
    result = MakeError(ErrorCode::kInternal, std::string("handler threw: ") + e.what());
  } catch (...) {
    result = MakeError(ErrorCode::kInternal, "handler threw a non-exception");
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  {
    std::lock_guard lock(mu_);
    if (abandoned_) {
      LogWarn("job finished after the drain deadline; outcome discarded, it will run again",
              {{"job_id", record.id}, {"type", delivery.type}});
      return;
    }
  }
  if (context->lost()) {
    LogWarn("job was claimed by another worker while running here; outcome discarded",
            {{"job_id", record.id}, {"type", delivery.type}});
    return;
  }

  Error failure;
  bool failed = !result.ok();
  bool retryable = false;
  if (failed) {
    failure = result.error();
    retryable = IsRetryable(failure.code);
  } else if (!nlohmann::json::accept(*result)) {
    // A programming error, not bad luck: it would fail the same way again.
    failed = true;
    failure = MakeError(ErrorCode::kInternal, "handler returned a result that is not JSON");
  }
  if (!failed) {
    queue_.RecordAttempt(delivery.type, "succeeded", "", seconds);
    Finish(delivery, record, JobQueue::FinishMode::kSucceeded, *result, "", "", 0, true,
           context.get());
    return;
  }
  const std::string code(ErrorCodeName(failure.code));
  queue_.RecordAttempt(delivery.type, "failed", code, seconds);
  const int64_t now = queue_.NowMs();
  nlohmann::json entry = {{"attempt", record.attempts},
                          {"series", record.replays},
                          {"started_ms", record.started_ms},
                          {"finished_ms", now},
                          {"code", code},
                          {"error", failure.message},
                          {"worker", consumer_}};
  const std::string history = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  JobQueue::FinishMode mode;
  int64_t due = 0;
  if (!retryable) {
    mode = JobQueue::FinishMode::kFailed;
  } else if (record.attempts < queue_.options().max_attempts) {
    mode = JobQueue::FinishMode::kRetry;
    due = now + queue_.RetryDelay(record.attempts).count();
  } else {
    mode = JobQueue::FinishMode::kDead;
  }
  if (mode != JobQueue::FinishMode::kRetry) {
    LogWarn("job failed", {{"job_id", record.id},
                           {"type", delivery.type},
                           {"attempt", record.attempts},
                           {"code", code},
                           {"error", failure.message},
                           {"dead_letter", true}});
  }
  Finish(delivery, record, mode, failure.message, code, history, due, true, context.get());
}

void JobWorker::Finish(const JobQueue::Delivery& delivery, const JobRecord& record,
                       JobQueue::FinishMode mode, const std::string& text, const std::string& code,
                       const std::string& history_entry, int64_t due_ms, bool check_owner,
                       const JobContext* context) {
  // The entry is still heartbeated while this retries, so a short Redis outage costs a delay,
  // not a second run. Past the visibility timeout another worker may own it: give up.
  const auto give_up = SteadyClock::now() + queue_.options().visibility_timeout;
  std::mt19937 rng(std::random_device{}());
  milliseconds backoff = options_.error_backoff_min;
  while (true) {
    auto stored = queue_.FinishAttempt(delivery, record, consumer_, mode, text, code, history_entry,
                                       due_ms, check_owner);
    if (stored.ok()) {
      NoteRedis(true, nullptr, "finish");
      if (!*stored) {
        LogInfo("job outcome not stored: the attempt was already finished or taken over",
                {{"job_id", record.id}, {"type", delivery.type}});
      }
      return;
    }
    NoteRedis(false, &stored.error(), "finish");
    bool lost = context != nullptr && context->lost();
    if (stored.error().code != ErrorCode::kUnavailable || lost ||
        SteadyClock::now() + backoff > give_up) {
      LogError("job outcome could not be stored; the job will run again",
               {{"job_id", record.id}, {"type", delivery.type}, {"error", stored.error().message}});
      return;
    }
    std::unique_lock lock(mu_);
    if (idle_cv_.wait_for(lock, Jittered(backoff, rng), [this] { return abandoned_; })) return;
    backoff = std::min(backoff * 2, options_.error_backoff_max);
  }
}

// ---------------------------------------------------------------------------------------------
// Maintenance

void JobWorker::MaintenanceLoop() {
  auto now = SteadyClock::now();
  auto next_heartbeat = now + heartbeat_interval_;
  auto next_promote = now;
  auto next_gauges = now;
  while (true) {
    now = SteadyClock::now();
    if (now >= next_heartbeat) {
      Heartbeat();
      next_heartbeat = SteadyClock::now() + heartbeat_interval_;
    }
    if (now >= next_promote) {
      Promote();
      next_promote = SteadyClock::now() + options_.promote_interval;
    }
    if (now >= next_gauges) {
      RefreshGauges();
      next_gauges = SteadyClock::now() + options_.gauge_interval;
    }
    auto wake = std::min({next_heartbeat, next_promote, next_gauges});
    std::unique_lock lock(mu_);
    if (maint_cv_.wait_until(lock, wake, [this] { return maint_shutdown_; })) return;
  }
}

void JobWorker::Heartbeat() {
  std::map<std::string, std::vector<std::string>> by_type;
  {
    std::lock_guard lock(mu_);
    if (abandoned_) return;
    for (const auto& [key, f] : in_flight_) {
      by_type[f.delivery.type].push_back(f.delivery.entry_id);
    }
  }
  for (const auto& [type, ids] : by_type) {
    auto lost = queue_.Heartbeat(type, consumer_, ids);
    if (!lost.ok()) {
      NoteRedis(false, &lost.error(), "heartbeat");
      continue;
    }
    if (lost->empty()) continue;
    std::lock_guard lock(mu_);
    for (const auto& entry_id : *lost) {
      auto it = in_flight_.find(type + '\n' + entry_id);
      if (it == in_flight_.end()) continue;
      if (it->second.context) {
        it->second.context->lost_ = true;
        continue;
      }
      // Not started yet: another worker has it now, so do not start it here.
      auto queued = std::find_if(ready_.begin(), ready_.end(), [&](const JobQueue::Delivery& d) {
        return d.type == type && d.entry_id == entry_id;
      });
      if (queued != ready_.end()) {
        ready_.erase(queued);
        in_flight_.erase(it);
        --reserved_;
      }
    }
  }
}

void JobWorker::Promote() {
  for (const auto& type : types_) {
    auto moved = queue_.PromoteDue(type, 100);
    if (!moved.ok()) {
      NoteRedis(false, &moved.error(), "promote");
      return;
    }
  }
}

std::vector<JobQueue::Delivery> JobWorker::ClaimAbandoned(int want) {
  std::vector<JobQueue::Delivery> claimed;
  for (const auto& type : types_) {
    int left = want - static_cast<int>(claimed.size());
    if (left <= 0) break;
    std::string& cursor = claim_cursors_[type];  // only this (the reader) thread uses it
    auto got = queue_.Claim(type, consumer_, left, &cursor);
    if (!got.ok()) {
      NoteRedis(false, &got.error(), "XAUTOCLAIM");
      break;
    }
    for (auto& d : *got) {
      bool ours;
      {
        std::lock_guard lock(mu_);
        ours = in_flight_.count(Key(d)) != 0;
      }
      if (!ours) {
        LogInfo("job entry claimed from an idle consumer",
                {{"type", d.type}, {"entry", d.entry_id}, {"job_id", d.job_id}});
      }
      claimed.push_back(std::move(d));
    }
  }
  return claimed;
}

void JobWorker::RefreshGauges() {
  for (const auto& type : types_) {
    if (!queue_.Depth(type).ok()) return;
    if (!queue_.DeadLetterDepth(type).ok()) return;
  }
}

}  // namespace moodtape::platform
