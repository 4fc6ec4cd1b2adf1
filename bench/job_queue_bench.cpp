// The job queue alone (a no-op job), side by side with a bare Celery round trip on the same Redis
// (../shared/anchors/celery: Celery with Redis as broker and result backend, the source project's
// set-up). moodtape: a JobWorker with 4 handler slots; clients enqueue and wait for the job's
// "succeeded" event on the owner's channel (one PSUBSCRIBE, as the gateway does). Round-trip
// latency and throughput at 1, 16 and 64 concurrent clients. Celery: `seq` (one task at a time)
// and `par` (all in flight). Prints a table, writes <build>/bench/job_queue.json. Every loop is
// bounded in count and time; Google Benchmark flags from `make bench` are ignored.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/bench_stats.h"
#include "platform/base/log.h"
#include "platform/jobs/queue.h"
#include "platform/jobs/worker.h"
#include "platform/redis/client.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace {

using moodtape::bench::Percentile;

using namespace moodtape;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kScenarioBudget = 30s;
constexpr int kWorkerSlots = 4;

struct Row {
  std::string name;
  int clients = 0;
  int n = 0;
  int failed = 0;
  double seconds = 0;
  double p50_us = 0, p99_us = 0;
  double rate() const { return seconds > 0 ? n / seconds : 0; }
};

// Completion signals from the event channel, keyed by job id.
class Completions {
 public:
  void Done(const std::string& job_id) {
    {
      std::lock_guard lock(mu_);
      done_.insert(job_id);
    }
    cv_.notify_all();
  }
  bool Wait(const std::string& job_id, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    const bool ok = cv_.wait_for(lock, timeout, [&] { return done_.count(job_id) > 0; });
    done_.erase(job_id);
    return ok;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> done_;
};

Row RunClients(platform::JobQueue& queue, Completions& completions, int clients, int jobs) {
  Row row;
  row.name = "moodtape queue";
  row.clients = clients;
  std::mutex mu;
  std::vector<double> latencies;
  std::atomic<int> next{0}, failed{0};
  const auto deadline = Clock::now() + kScenarioBudget;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      std::vector<double> mine;
      while (next.fetch_add(1) < jobs && Clock::now() < deadline) {
        const auto t0 = Clock::now();
        auto job = queue.Enqueue("noop", "{}", {.idempotency_key = "", .owner = "bench"});
        if (!job.ok() || !completions.Wait(job->job_id, 10s)) {
          ++failed;
          continue;
        }
        mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  row.n = static_cast<int>(latencies.size());
  row.failed = failed.load();
  row.p50_us = Percentile(latencies, 0.5);
  row.p99_us = Percentile(latencies, 0.99);
  return row;
}

// Runs the Celery anchor on the same Redis; one JSON object per mode, or an empty list with a
// reason when Celery is not installed or the anchor is missing.
nlohmann::json RunCelery(int port, int tasks, std::string* why_not) {
  const std::string script = moodtape::testing::SourceDir() + "/../shared/anchors/celery/run.sh";
  if (!std::filesystem::exists(script)) {
    *why_not = "anchor script not found at " + script;
    return nlohmann::json::array();
  }
  if (moodtape::testing::RunCommand({"/usr/bin/python3", "-c", "import celery, redis, psutil"}) !=
      0) {
    *why_not = "python3-celery/python3-redis/python3-psutil not installed (scripts/setup.sh)";
    return nlohmann::json::array();
  }
  std::string output;
  const int status = moodtape::testing::RunCommand(
      {"bash", script, std::to_string(port), std::to_string(tasks), "prefork"}, &output, 400s);
  nlohmann::json modes = nlohmann::json::array();
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("mode")) modes.push_back(j);
  }
  if (modes.empty())
    *why_not = "the Celery run printed no result (exit " + std::to_string(status) + ")";
  return modes;
}

}  // namespace

int main() {
  platform::SetLogSink([](std::string_view) {});  // the table is the output
  moodtape::testing::RedisServerProcess redis;
  platform::RedisSettings settings;
  settings.port = redis.port();
  settings.pool_size = 96;
  platform::RedisClient client(settings);
  platform::JobQueueOptions options;
  options.max_depth = 0;
  platform::JobQueue queue(client, options);
  platform::JobWorkerOptions worker_options;
  worker_options.concurrency = kWorkerSlots;
  platform::JobWorker worker(
      queue, worker_options,
      {{"noop",
        [](const platform::JobRecord&, platform::JobContext&) -> platform::Result<std::string> {
          return std::string("{}");
        }}});
  worker.Start();

  Completions completions;
  platform::RedisSubscriber events(settings, {queue.EventChannelPattern()},
                                   [&](std::string, std::string payload) {
                                     auto e = platform::ParseJobEvent(payload);
                                     if (e.ok() && e->stage == "succeeded")
                                       completions.Done(e->job_id);
                                   });
  events.Start();
  for (int i = 0; i < 100 && !events.connected(); ++i) std::this_thread::sleep_for(20ms);

  RunClients(queue, completions, 4, 200);  // warm-up
  std::vector<Row> rows;
  for (auto [clients, jobs] : {std::pair{1, 2000}, {16, 5000}, {64, 5000}}) {
    rows.push_back(RunClients(queue, completions, clients, jobs));
  }
  events.Stop();
  worker.Stop(5s);

  std::string why_not;
  const nlohmann::json celery = RunCelery(redis.port(), 2000, &why_not);

  std::printf("\n%-22s %8s %7s %7s %10s %10s %10s\n", "queue round trip", "clients", "jobs",
              "failed", "jobs/s", "p50 us", "p99 us");
  for (const Row& r : rows) {
    std::printf("%-22s %8d %7d %7d %10.0f %10.0f %10.0f\n", r.name.c_str(), r.clients, r.n,
                r.failed, r.rate(), r.p50_us, r.p99_us);
  }
  double celery_seq = 0, celery_par = 0, celery_p50 = 0;
  for (const auto& m : celery) {
    const std::string mode = m.value("mode", "");
    std::printf("%-22s %8s %7d %7s %10.0f %10.0f %10.0f\n", ("celery " + mode).c_str(),
                mode == "seq" ? "1" : "all", m.value("n", 0), "-", m.value("rate", 0.0),
                m.value("p50_us", 0.0), m.value("p99_us", 0.0));
    if (mode == "seq") celery_seq = m.value("rate", 0.0), celery_p50 = m.value("p50_us", 0.0);
    if (mode == "par") celery_par = m.value("rate", 0.0);
  }
  nlohmann::json out = {{"rows", nlohmann::json::array()}, {"celery", celery}};
  for (const Row& r : rows) {
    out["rows"].push_back({{"clients", r.clients},
                           {"jobs", r.n},
                           {"failed", r.failed},
                           {"rate", r.rate()},
                           {"p50_us", r.p50_us},
                           {"p99_us", r.p99_us}});
  }
  if (celery.empty()) {
    std::printf("celery baseline skipped: %s\n", why_not.c_str());
    out["celery_skipped"] = why_not;
  } else {
    const double one = rows[0].rate(),
                 best = std::max({rows[0].rate(), rows[1].rate(), rows[2].rate()});
    std::printf(
        "\nratio, one at a time (1 client vs celery seq): %.1fx throughput, p50 %.1fx lower\n",
        celery_seq > 0 ? one / celery_seq : 0,
        rows[0].p50_us > 0 ? celery_p50 / rows[0].p50_us : 0);
    std::printf("ratio, throughput (best of 1/16/64 clients vs celery par): %.1fx\n",
                celery_par > 0 ? best / celery_par : 0);
    out["ratio_seq"] = celery_seq > 0 ? one / celery_seq : 0;
    out["ratio_throughput"] = celery_par > 0 ? best / celery_par : 0;
  }
  const std::string dir = std::string(MOODTAPE_BINARY_DIR) + "/bench";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/job_queue.json") << out.dump(2) << "\n";
  std::printf("wrote %s/job_queue.json\n", dir.c_str());
  return 0;
}
