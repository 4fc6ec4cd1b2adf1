// JobQueue and JobWorker against a real redis-server started by the test.
#include "platform/jobs/queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/jobs/worker.h"
#include "platform/observability/metrics.h"
#include "platform/redis/client.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace moodtape::platform {
namespace {

using moodtape::testing::RedisServerProcess;
using moodtape::testing::WaitUntil;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// Every wait is bounded, and generously: a slow machine makes tests slower, never red.
constexpr milliseconds kWait{20000};

RedisSettings SettingsFor(const RedisServerProcess& server) {
  RedisSettings s;
  s.port = server.port();
  s.pool_size = 16;
  s.command_timeout = milliseconds(2000);
  s.reconnect_backoff_min = milliseconds(20);
  s.reconnect_backoff_max = milliseconds(200);
  return s;
}

JobQueueOptions TestOptions() {
  JobQueueOptions o;
  o.visibility_timeout = milliseconds(300);
  o.max_attempts = 3;
  o.backoff_base = milliseconds(20);
  o.backoff_max = milliseconds(100);
  o.result_ttl = milliseconds(60000);
  o.idempotency_ttl = milliseconds(60000);
  o.max_depth = 100;
  o.seed = 42;
  return o;
}

JobWorkerOptions WorkerOptions(const std::string& consumer = "") {
  JobWorkerOptions o;
  o.concurrency = 2;
  o.consumer = consumer;
  o.read_block = milliseconds(100);
  o.promote_interval = milliseconds(20);
  o.gauge_interval = milliseconds(100);
  o.error_backoff_min = milliseconds(20);
  o.error_backoff_max = milliseconds(200);
  return o;
}

EnqueueOptions Opts(std::string idempotency_key, std::string owner) {
  EnqueueOptions o;
  o.idempotency_key = std::move(idempotency_key);
  o.owner = std::move(owner);
  return o;
}

JobHandler Echo(std::atomic<int>* runs = nullptr) {
  return [runs](const JobRecord& job, JobContext&) -> Result<std::string> {
    if (runs != nullptr) ++*runs;
    return nlohmann::json{{"echo", nlohmann::json::parse(job.payload)}}.dump();
  };
}

class JobQueueTest : public ::testing::Test {
 protected:
  JobQueueTest() : redis_(SettingsFor(server_)), queue_(redis_, TestOptions(), clock_, &metrics_) {}

  // Waits until the job reaches `state`; returns its last record.
  JobRecord WaitForState(const std::string& id, JobState state, JobQueue* queue = nullptr) {
    JobQueue& q = queue != nullptr ? *queue : queue_;
    JobRecord last;
    bool reached = WaitUntil(
        [&] {
          auto job = q.GetJob(id);
          if (!job.ok()) return false;
          last = *job;
          return job->state == state;
        },
        kWait);
    EXPECT_TRUE(reached) << "job " << id << " stayed " << JobStateName(last.state) << " (wanted "
                         << JobStateName(state) << "), error: " << last.error;
    return last;
  }

  std::string MustEnqueue(const std::string& type, const std::string& payload,
                          EnqueueOptions options = {}) {
    auto r = queue_.Enqueue(type, payload, options);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->job_id : "";
  }

  int64_t Integer(const std::vector<std::string>& command) {
    auto r = redis_.Command(command);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->integer() : -1;
  }

  double CounterValue(const std::string& name, std::initializer_list<std::string_view> labels) {
    return metrics_.AddCounter(name, "", LabelNames(name)).WithLabels(labels).Value();
  }

  static std::vector<std::string> LabelNames(const std::string& name) {
    if (name == "moodtape_jobs_failed_total") return {"type", "code"};
    if (name == "moodtape_jobs_dead_lettered_total") return {"type", "reason"};
    return {"type"};
  }

  RedisServerProcess server_;
  SystemClock clock_;
  MetricsRegistry metrics_;
  RedisClient redis_;
  JobQueue queue_;
};

TEST_F(JobQueueTest, EnqueuedJobRunsAndStoresItsResultWithTtl) {
  std::atomic<int> runs{0};
  JobWorker worker(queue_, WorkerOptions(), {{"echo", Echo(&runs)}});
  worker.Start();

  std::string id = MustEnqueue("echo", R"({"text":"tired"})", Opts("", "user-1"));
  JobRecord job = WaitForState(id, JobState::kSucceeded);
  EXPECT_EQ(job.id, id);
  EXPECT_EQ(job.type, "echo");
  EXPECT_EQ(job.owner, "user-1");
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(nlohmann::json::parse(job.result),
            nlohmann::json::parse(R"({"echo":{"text":"tired"}})"));
  EXPECT_TRUE(job.error.empty());
  EXPECT_GT(job.enqueued_ms, 0);
  EXPECT_GE(job.started_ms, job.enqueued_ms);
  EXPECT_GE(job.finished_ms, job.started_ms);
  EXPECT_TRUE(job.history.empty());
  EXPECT_EQ(runs.load(), 1);

  int64_t ttl = Integer({"PTTL", queue_.JobKey(id)});
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 60000);
  // Acknowledged and deleted: nothing pending, nothing left in the stream.
  EXPECT_EQ(queue_.Depth("echo").value(), 0);
  auto pending = redis_.Command({"XPENDING", queue_.StreamKey("echo"), "workers"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements()[0].integer(), 0);

  EXPECT_EQ(CounterValue("moodtape_jobs_enqueued_total", {"echo"}), 1);
  EXPECT_EQ(CounterValue("moodtape_jobs_started_total", {"echo"}), 1);
  EXPECT_EQ(CounterValue("moodtape_jobs_succeeded_total", {"echo"}), 1);
  std::string text = metrics_.Render();
  EXPECT_NE(
      text.find("moodtape_jobs_duration_seconds_count{type=\"echo\",outcome=\"succeeded\"} 1"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("moodtape_jobs_queue_wait_seconds_count{type=\"echo\"} 1"),
            std::string::npos);
  EXPECT_TRUE(worker.Stop(milliseconds(5000)));
}

TEST_F(JobQueueTest, RejectsBadInput) {
  EXPECT_EQ(queue_.Enqueue("Echo!", "{}").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_.Enqueue("", "{}").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_.Enqueue("echo", "not json").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_.GetJob("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(queue_.PublishEvent("nope", "stage", "{}").error().code, ErrorCode::kNotFound);
  std::string id = MustEnqueue("echo", "{}");
  EXPECT_EQ(queue_.PublishEvent(id, "Bad Stage", "{}").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_.PublishEvent(id, "stage", "{").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_.ListDeadLetters("echo", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_.ListDeadLetters("echo", 10, "x").error().code, ErrorCode::kInvalidArgument);
  EXPECT_THROW(JobWorker(queue_, WorkerOptions(), {}), std::invalid_argument);
}

TEST_F(JobQueueTest, IdempotencyKeyReturnsTheFirstJobPerOwner) {
  auto first = queue_.Enqueue("echo", R"({"n":1})", Opts("k1", "alice"));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->duplicate);
  auto again = queue_.Enqueue("echo", R"({"n":2})", Opts("k1", "alice"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->job_id, first->job_id);
  EXPECT_EQ(queue_.Depth("echo").value(), 1);
  EXPECT_EQ(queue_.GetJob(first->job_id)->payload, R"({"n":1})");

  // The key is scoped per owner; no key never deduplicates.
  auto bob = queue_.Enqueue("echo", "{}", Opts("k1", "bob"));
  ASSERT_TRUE(bob.ok());
  EXPECT_FALSE(bob->duplicate);
  EXPECT_NE(bob->job_id, first->job_id);
  EXPECT_NE(MustEnqueue("echo", "{}"), MustEnqueue("echo", "{}"));
  EXPECT_EQ(queue_.Depth("echo").value(), 4);
  EXPECT_GT(Integer({"PTTL", queue_.IdempotencyKey("alice", "k1")}), 0);
}

TEST_F(JobQueueTest, DepthLimitRefusesWithResourceExhausted) {
  JobQueueOptions options = TestOptions();
  options.max_depth = 3;
  JobQueue small(redis_, options, clock_, &metrics_);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(small.Enqueue("echo", "{}").ok());
  auto full = small.Enqueue("echo", "{}");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(small.Depth("echo").value(), 3);
  EXPECT_EQ(CounterValue("moodtape_jobs_rejected_total", {"echo"}), 1);
  // Other types have their own limit.
  EXPECT_TRUE(small.Enqueue("other", "{}").ok());
}

TEST_F(JobQueueTest, RetriesWithBackoffThenSucceeds) {
  std::atomic<int> runs{0};
  JobWorker worker(queue_, WorkerOptions(),
                   {{"flaky", [&](const JobRecord& job, JobContext& ctx) -> Result<std::string> {
                       ++runs;
                       EXPECT_EQ(ctx.attempt(), job.attempts);
                       if (job.attempts < 3) {
                         return MakeError(ErrorCode::kUnavailable, "emotion service down");
                       }
                       return std::string(R"({"ok":true})");
                     }}});
  worker.Start();
  std::string id = MustEnqueue("flaky", "{}");
  JobRecord job = WaitForState(id, JobState::kSucceeded);
  EXPECT_EQ(runs.load(), 3);
  EXPECT_EQ(job.attempts, 3);
  EXPECT_EQ(job.result, R"({"ok":true})");
  ASSERT_EQ(job.history.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(job.history[i].attempt, i + 1);
    EXPECT_EQ(job.history[i].code, "unavailable");
    EXPECT_EQ(job.history[i].error, "emotion service down");
    EXPECT_EQ(job.history[i].worker, worker.consumer());
    EXPECT_GE(job.history[i].finished_ms, job.history[i].started_ms);
  }
  EXPECT_GE(job.history[1].started_ms, job.history[0].finished_ms);
  EXPECT_EQ(CounterValue("moodtape_jobs_retried_total", {"flaky"}), 2);
  EXPECT_EQ(CounterValue("moodtape_jobs_failed_total", {"flaky", "unavailable"}), 2);
  EXPECT_EQ(queue_.Depth("flaky").value(), 0);
  EXPECT_EQ(queue_.DeadLetterDepth("flaky").value(), 0);
}

// "Full jitter" (uniform over [0, ceiling], the ceiling doubling per attempt up to the cap) is
// what keeps many workers retrying a failed dependency from hitting it in lockstep. Bounds alone
// would pass for a constant 0 or a fixed delay, so the test also asks for the spread: with a seeded
// generator, 200 draws per attempt fill the whole range (some near 0, some near the ceiling, many
// distinct values) and their mean follows the ceiling (about half of it).
TEST_F(JobQueueTest, RetryDelayIsFullJitterUnderTheExponentialCeiling) {
  JobQueueOptions options = TestOptions();
  options.backoff_base = milliseconds(100);
  options.backoff_max = milliseconds(1000);
  options.seed = 42;
  JobQueue q(redis_, options, clock_);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    const int64_t ceiling = std::min<int64_t>(1000, 100LL << (attempt - 1));
    std::set<int64_t> distinct;
    int64_t low = ceiling, high = 0, sum = 0;
    constexpr int kDraws = 200;
    for (int i = 0; i < kDraws; ++i) {
      const int64_t d = q.RetryDelay(attempt).count();
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceiling);
      low = std::min(low, d);
      high = std::max(high, d);
      sum += d;
      distinct.insert(d);
    }
    EXPECT_LT(low, ceiling / 10) << "attempt " << attempt << ": never near 0";
    EXPECT_GT(high, ceiling * 9 / 10) << "attempt " << attempt << ": never near the ceiling";
    EXPECT_GT(distinct.size(), std::min<size_t>(50, static_cast<size_t>(ceiling) / 2));
    const double mean = static_cast<double>(sum) / kDraws;
    EXPECT_NEAR(mean, ceiling / 2.0, ceiling * 0.15) << "attempt " << attempt;
  }
}

TEST_F(JobQueueTest, NonRetryableErrorGoesToTheDeadLettersAtOnce) {
  std::atomic<int> runs{0};
  JobWorker worker(queue_, WorkerOptions(),
                   {{"strict", [&](const JobRecord&, JobContext&) -> Result<std::string> {
                       ++runs;
                       return MakeError(ErrorCode::kInvalidArgument, "text is empty");
                     }}});
  worker.Start();
  std::string id = MustEnqueue("strict", R"({"text":""})", Opts("", "u"));
  JobRecord job = WaitForState(id, JobState::kFailed);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.error, "text is empty");
  EXPECT_EQ(job.error_code, "invalid_argument");
  EXPECT_GT(job.finished_ms, 0);
  EXPECT_EQ(runs.load(), 1);
  // The job hash stays while its dead letter exists.
  EXPECT_EQ(Integer({"PTTL", queue_.JobKey(id)}), -1);

  EXPECT_EQ(queue_.DeadLetterDepth("strict").value(), 1);
  auto letter = queue_.GetDeadLetter(id);
  ASSERT_TRUE(letter.ok()) << letter.error().message;
  EXPECT_EQ(letter->job_id, id);
  EXPECT_EQ(letter->type, "strict");
  EXPECT_EQ(letter->owner, "u");
  EXPECT_EQ(letter->payload, R"({"text":""})");
  EXPECT_EQ(letter->error, "text is empty");
  EXPECT_EQ(letter->error_code, "invalid_argument");
  EXPECT_EQ(letter->state, JobState::kFailed);
  EXPECT_EQ(letter->attempts, 1);
  ASSERT_EQ(letter->history.size(), 1u);
  EXPECT_EQ(letter->history[0].code, "invalid_argument");
  EXPECT_GE(letter->failed_ms, letter->enqueued_ms);
  EXPECT_EQ(CounterValue("moodtape_jobs_dead_lettered_total", {"strict", "non_retryable"}), 1);
  EXPECT_EQ(queue_.Depth("strict").value(), 0);
}

TEST_F(JobQueueTest, ExhaustedAttemptsGoToTheDeadLettersWithHistory) {
  JobWorker worker(queue_, WorkerOptions(),
                   {{"doomed", [](const JobRecord& job, JobContext&) -> Result<std::string> {
                       return MakeError(ErrorCode::kInternal,
                                        "boom " + std::to_string(job.attempts));
                     }}});
  worker.Start();
  std::string id = MustEnqueue("doomed", R"({"a":[1,2]})");
  JobRecord job = WaitForState(id, JobState::kDead);
  EXPECT_EQ(job.attempts, 3);
  EXPECT_EQ(job.error, "boom 3");
  ASSERT_EQ(job.history.size(), 3u);
  auto letter = queue_.GetDeadLetter(id);
  ASSERT_TRUE(letter.ok());
  EXPECT_EQ(letter->state, JobState::kDead);
  EXPECT_EQ(letter->attempts, 3);
  EXPECT_EQ(letter->payload, R"({"a":[1,2]})");
  ASSERT_EQ(letter->history.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(letter->history[i].attempt, i + 1);
    EXPECT_EQ(letter->history[i].error, "boom " + std::to_string(i + 1));
    EXPECT_EQ(letter->history[i].code, "internal");
  }
  EXPECT_EQ(CounterValue("moodtape_jobs_dead_lettered_total", {"doomed", "exhausted"}), 1);
  EXPECT_EQ(CounterValue("moodtape_jobs_started_total", {"doomed"}), 3);
}

TEST_F(JobQueueTest, ReplayedDeadLetterRunsAsAFreshSeriesAndSucceeds) {
  std::atomic<bool> broken{true};
  JobWorker worker(queue_, WorkerOptions(),
                   {{"fixable", [&](const JobRecord& job, JobContext&) -> Result<std::string> {
                       if (broken) return MakeError(ErrorCode::kUnavailable, "down");
                       return std::string(R"({"replays":)" + std::to_string(job.replays) + "}");
                     }}});
  worker.Start();
  std::string id = MustEnqueue("fixable", "{}");
  WaitForState(id, JobState::kDead);
  EXPECT_EQ(queue_.ReplayDeadLetter("no-such-job").error().code, ErrorCode::kNotFound);

  broken = false;
  ASSERT_TRUE(queue_.ReplayDeadLetter(id).ok());
  JobRecord job = WaitForState(id, JobState::kSucceeded);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.replays, 1);
  EXPECT_EQ(job.result, R"({"replays":1})");
  ASSERT_EQ(job.history.size(), 3u);  // the first series is kept
  EXPECT_EQ(job.history[0].series, 0);
  EXPECT_EQ(queue_.DeadLetterDepth("fixable").value(), 0);
  EXPECT_EQ(queue_.GetDeadLetter(id).error().code, ErrorCode::kNotFound);
  // Replaying twice is refused: there is no dead letter any more.
  EXPECT_EQ(queue_.ReplayDeadLetter(id).error().code, ErrorCode::kNotFound);
}

TEST_F(JobQueueTest, ListsPagesAndPurgesDeadLetters) {
  JobWorker worker(queue_, WorkerOptions(),
                   {{"bad", [](const JobRecord&, JobContext&) -> Result<std::string> {
                       return MakeError(ErrorCode::kNotFound, "no such track");
                     }}});
  worker.Start();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(MustEnqueue("bad", "{\"i\":" + std::to_string(i) + "}"));
  for (const auto& id : ids) WaitForState(id, JobState::kFailed);
  ASSERT_TRUE(worker.Stop(milliseconds(5000)));

  auto page1 = queue_.ListDeadLetters("bad", 2);
  ASSERT_TRUE(page1.ok()) << page1.error().message;
  ASSERT_EQ(page1->letters.size(), 2u);
  ASSERT_FALSE(page1->next_cursor.empty());
  auto page2 = queue_.ListDeadLetters("bad", 2, page1->next_cursor);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->letters.size(), 1u);
  EXPECT_TRUE(page2->next_cursor.empty());
  std::vector<std::string> listed;
  for (const auto* page : {&*page1, &*page2}) {
    for (const auto& letter : page->letters) listed.push_back(letter.job_id);
  }
  std::vector<std::string> sorted_ids = ids, sorted_listed = listed;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  std::sort(sorted_listed.begin(), sorted_listed.end());
  EXPECT_EQ(sorted_listed, sorted_ids);

  auto purged = queue_.PurgeDeadLetters("bad");
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 3);
  EXPECT_EQ(queue_.DeadLetterDepth("bad").value(), 0);
  EXPECT_EQ(queue_.ListDeadLetters("bad", 10)->letters.size(), 0u);
  for (const auto& id : ids) {
    EXPECT_EQ(queue_.GetDeadLetter(id).error().code, ErrorCode::kNotFound);
    int64_t ttl = Integer({"PTTL", queue_.JobKey(id)});
    EXPECT_GT(ttl, 0);
    EXPECT_LE(ttl, 60000);
    EXPECT_EQ(queue_.GetJob(id)->state, JobState::kFailed);
  }
  EXPECT_EQ(queue_.PurgeDeadLetters("bad").value(), 0);
}

TEST_F(JobQueueTest, EntryOfAConsumerThatDiedIsClaimedAndCompletedOnce) {
  std::string id = MustEnqueue("echo", R"({"x":1})");
  // A consumer reads the entry and dies without acknowledging it.
  auto read = redis_.Command({"XREADGROUP", "GROUP", "workers", "ghost", "COUNT", "1", "STREAMS",
                              queue_.StreamKey("echo"), ">"});
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->elements().size(), 1u);

  std::atomic<int> runs{0};
  auto started = SteadyClock::now();
  JobWorker worker(queue_, WorkerOptions("live"), {{"echo", Echo(&runs)}});
  worker.Start();
  JobRecord job = WaitForState(id, JobState::kSucceeded);
  // Not before the visibility timeout: the ghost might still have been working.
  EXPECT_GE(SteadyClock::now() - started, milliseconds(250));
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(queue_.Depth("echo").value(), 0);
  // Give any duplicate delivery a chance to show up, then check there was none.
  std::this_thread::sleep_for(milliseconds(700));
  EXPECT_EQ(runs.load(), 1);
  auto pending = redis_.Command({"XPENDING", queue_.StreamKey("echo"), "workers"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements()[0].integer(), 0);
}

TEST_F(JobQueueTest, WorkerLostMidJobIsRedoneAndItsLateOutcomeDiscarded) {
  std::atomic<bool> release{false};
  std::atomic<int> stuck_runs{0};
  auto stuck = std::make_unique<JobWorker>(
      queue_, WorkerOptions("stuck"),
      std::map<std::string, JobHandler>{
          {"echo", [&](const JobRecord&, JobContext&) -> Result<std::string> {
             ++stuck_runs;
             WaitUntil([&] { return release.load(); }, kWait);
             return std::string(R"({"from":"stuck"})");
           }}});
  stuck->Start();
  std::string id = MustEnqueue("echo", "{}");
  ASSERT_TRUE(WaitUntil([&] { return stuck_runs.load() == 1; }, kWait));
  // A drain deadline of zero abandons the running handler: no more heartbeats, as if the
  // process had hung.
  std::thread stopper([&] { EXPECT_FALSE(stuck->Stop(milliseconds(0))); });
  // However the test ends, the stuck handler is released and the stopping thread joined.
  struct ReleaseOnExit {
    std::atomic<bool>& release;
    std::thread& stopper;
    ~ReleaseOnExit() {
      release = true;
      if (stopper.joinable()) stopper.join();
    }
  } release_on_exit{release, stopper};

  std::atomic<int> live_runs{0};
  JobWorker live(queue_, WorkerOptions("live"), {{"echo", Echo(&live_runs)}});
  live.Start();
  JobRecord job = WaitForState(id, JobState::kSucceeded);
  EXPECT_EQ(live_runs.load(), 1);
  EXPECT_EQ(job.attempts, 2);
  ASSERT_EQ(job.history.size(), 1u);
  EXPECT_EQ(job.history[0].code, "worker_lost");
  EXPECT_EQ(job.history[0].worker, "stuck");
  EXPECT_EQ(job.result, R"({"echo":{}})");

  release = true;
  stopper.join();
  // The stuck worker's late result did not overwrite the stored one.
  EXPECT_EQ(queue_.GetJob(id)->result, R"({"echo":{}})");
}

TEST_F(JobQueueTest, EventsArePublishedInOrderWithIncreasingSeq) {
  std::mutex mu;
  std::vector<std::pair<std::string, JobEvent>> events;
  RedisSubscriber subscriber(SettingsFor(server_), {queue_.EventChannelPattern()},
                             [&](std::string channel, std::string payload) {
                               auto event = ParseJobEvent(payload);
                               ASSERT_TRUE(event.ok()) << payload;
                               std::lock_guard lock(mu);
                               events.emplace_back(channel, *event);
                             });
  subscriber.Start();
  ASSERT_TRUE(WaitUntil([&] { return subscriber.connected(); }, kWait));

  JobWorker worker(queue_, WorkerOptions(),
                   {{"mood", [](const JobRecord&, JobContext& ctx) -> Result<std::string> {
                       auto seq = ctx.PublishEvent("emotion", R"({"label":"sadness","p":0.7})");
                       if (!seq.ok()) return seq.error();
                       if (!ctx.PublishEvent("playlist", R"({"tracks":[]})").ok()) {
                         return MakeError(ErrorCode::kUnavailable, "publish failed");
                       }
                       return std::string(R"({"done":true})");
                     }}});
  worker.Start();
  std::string id = MustEnqueue("mood", "{}", Opts("", "user-42"));
  JobRecord job = WaitForState(id, JobState::kSucceeded);
  ASSERT_TRUE(WaitUntil(
      [&] {
        std::lock_guard lock(mu);
        return events.size() >= 5;
      },
      kWait));
  std::lock_guard lock(mu);
  ASSERT_EQ(events.size(), 5u);
  const std::vector<std::string> stages = {"queued", "running", "emotion", "playlist", "succeeded"};
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].first, queue_.EventChannel("user-42"));
    EXPECT_EQ(events[i].second.job_id, id);
    EXPECT_EQ(events[i].second.seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(events[i].second.stage, stages[i]);
  }
  EXPECT_EQ(events[2].second.state, "running");
  EXPECT_EQ(nlohmann::json::parse(events[2].second.data)["label"], "sadness");
  EXPECT_EQ(events[4].second.state, "succeeded");
  EXPECT_EQ(nlohmann::json::parse(events[4].second.data)["result"]["done"], true);
  // The hash's seq is the last event's, so a late subscriber knows what it has seen.
  EXPECT_EQ(job.seq, 5);
  EXPECT_EQ(job.stage, "succeeded");
  subscriber.Stop();
}

TEST_F(JobQueueTest, RedisRestartGivesUnavailableThenRecovers) {
  std::atomic<int> runs{0};
  JobWorker worker(queue_, WorkerOptions(), {{"echo", Echo(&runs)}});
  worker.Start();
  std::string before = MustEnqueue("echo", "{}");
  WaitForState(before, JobState::kSucceeded);

  server_.Stop();
  EXPECT_EQ(queue_.Enqueue("echo", "{}").error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(queue_.GetJob(before).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(queue_.Depth("echo").error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(queue_.DeadLetterDepth("echo").error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(queue_.ListDeadLetters("echo", 10).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(queue_.PurgeDeadLetters("echo").error().code, ErrorCode::kUnavailable);
  // Let the worker's loops hit the outage too.
  std::this_thread::sleep_for(milliseconds(300));

  server_.Start();  // same port, empty (no persistence in tests)
  std::string after;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto r = queue_.Enqueue("echo", R"({"after":true})");
        if (r.ok()) after = r->job_id;
        return r.ok();
      },
      kWait));
  JobRecord job = WaitForState(after, JobState::kSucceeded);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(runs.load(), 2);
  EXPECT_TRUE(worker.Stop(milliseconds(5000)));
}

TEST_F(JobQueueTest, StopDrainsRunningHandlersAndLeavesTheRestQueued) {
  std::atomic<int> started{0};
  std::atomic<bool> saw_stopping{false};
  JobWorker worker(queue_, WorkerOptions(),
                   {{"slow", [&](const JobRecord&, JobContext& ctx) -> Result<std::string> {
                       ++started;
                       // Runs until told the worker is draining, then finishes properly.
                       WaitUntil([&] { return ctx.stopping(); }, kWait);
                       saw_stopping = ctx.stopping();
                       std::this_thread::sleep_for(milliseconds(100));
                       return std::string("{}");
                     }}});
  worker.Start();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(MustEnqueue("slow", "{}"));
  ASSERT_TRUE(WaitUntil([&] { return worker.running() == 2; }, kWait));

  EXPECT_TRUE(worker.Stop(milliseconds(10000)));
  EXPECT_TRUE(saw_stopping.load());
  EXPECT_EQ(started.load(), 2);
  int succeeded = 0;
  std::string waiting;
  for (const auto& id : ids) {
    auto job = queue_.GetJob(id);
    ASSERT_TRUE(job.ok());
    if (job->state == JobState::kSucceeded) {
      ++succeeded;
    } else {
      EXPECT_EQ(job->state, JobState::kQueued);
      waiting = id;
    }
  }
  EXPECT_EQ(succeeded, 2);
  EXPECT_EQ(queue_.Depth("slow").value(), 1);
  EXPECT_TRUE(worker.Stop(milliseconds(0)));  // idempotent

  // Another worker picks up what was left.
  JobWorker next(queue_, WorkerOptions(), {{"slow", Echo()}});
  next.Start();
  WaitForState(waiting, JobState::kSucceeded);
}

}  // namespace
}  // namespace moodtape::platform
