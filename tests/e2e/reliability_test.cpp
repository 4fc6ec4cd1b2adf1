// The mood pipeline's failure modes with every real part: real redis-server, the real service
// binaries over mutual TLS, the gateway's HTTP API. A worker killed with SIGKILL mid-jobs, the
// emotion service down (retries, dead letter, replay) and Redis stopped and restarted.
#include <signal.h>

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/e2e/stack.h"

namespace moodtape::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class ReliabilityTest : public ::testing::Test {
 protected:
  // One models directory for the suite: the first stack trains the emotion model, the rest load it.
  static void SetUpTestSuite() { models_ = new TempDir(); }
  static void TearDownTestSuite() { delete models_; }

  static std::string Submit(Stack& stack, const std::string& token, const std::string& text,
                            int* status = nullptr) {
    auto reply =
        stack.Call("POST", "/api/v1/moods",
                   {{"text", text}, {"desired_emotion", "enthusiasm"}, {"length", 6}}, token);
    if (status != nullptr) *status = reply.status;
    if (reply.status != 202) return "";
    return json::parse(reply.body, nullptr, false).value("job_id", "");
  }

  static json Job(Stack& stack, const std::string& token, const std::string& id) {
    auto reply = stack.Call("GET", "/api/v1/jobs/" + id, nullptr, token);
    if (reply.status != 200) return json::object();
    auto j = json::parse(reply.body, nullptr, false);
    return j.is_object() ? j : json::object();
  }

  static bool WaitForState(Stack& stack, const std::string& token, const std::string& id,
                           const std::string& state, std::chrono::seconds timeout) {
    return WaitUntil([&] { return Job(stack, token, id).value("state", "") == state; }, timeout);
  }

  static TempDir* models_;
};
TempDir* ReliabilityTest::models_ = nullptr;

TEST_F(ReliabilityTest, AWorkerKilledMidJobsLosesNothingAndSavesEachJobOnce) {
  Stack stack(models_->path(), {{"MOODTAPE_QUEUE_VISIBILITY_TIMEOUT_MS", "1500"}});
  std::string why;
  // Everything but the worker: the jobs queue up first, so the worker is surely busy when killed.
  for (const char* service : {"store", "auth", "emotion", "playlist", "gateway"}) {
    ASSERT_TRUE(stack.Start(service, &why)) << why;
  }
  const std::string token = stack.SignUp("ada");
  ASSERT_FALSE(token.empty());

  constexpr int kJobs = 150;
  std::vector<std::string> ids;
  for (int i = 0; i < kJobs; ++i) {
    // Distinct texts: every job runs the whole pipeline (no cache hits).
    const std::string id = Submit(stack, token, "day " + std::to_string(i) + " felt long and grey");
    ASSERT_FALSE(id.empty()) << "submit " << i;
    ids.push_back(id);
  }
  // Freeze the store so the worker's jobs hang in their last stage, start the worker, and kill it
  // while it holds them: its in-flight jobs are then certain, not a matter of timing.
  stack.Signal("store", SIGSTOP);
  ASSERT_TRUE(stack.Start("worker", &why)) << why;
  const bool running =
      WaitUntil([&] { return Job(stack, token, ids[0]).value("state", "") == "running"; }, 60s);
  stack.Kill("worker");
  stack.Signal("store", SIGCONT);
  ASSERT_TRUE(running) << Job(stack, token, ids[0]).dump();
  int unfinished = 0;
  for (const auto& id : ids) unfinished += Job(stack, token, id).value("state", "") != "succeeded";
  std::cout << "worker killed with " << unfinished << " of " << kJobs << " jobs unfinished\n";
  ASSERT_EQ(unfinished, kJobs);

  // A new worker finishes everything, including what the dead one had taken.
  ASSERT_TRUE(stack.Start("worker", &why, "b")) << why;
  int redone = 0;
  for (const auto& id : ids) {
    ASSERT_TRUE(WaitForState(stack, token, id, "succeeded", 120s))
        << id << ": " << Job(stack, token, id).dump() << "\n"
        << stack.Log("worker", "b");
    redone += Job(stack, token, id).value("attempts", 0) > 1;
  }
  // The new worker took over what the killed one had been handed (started or not yet).
  std::string metrics;
  ASSERT_EQ(HttpRequest("GET", stack.AdminPort("worker", "b"), "/metrics", "", &metrics), 200);
  const std::string claimed_line = "moodtape_jobs_claimed_total{type=\"mood\"} ";
  const auto at = metrics.find(claimed_line);
  ASSERT_NE(at, std::string::npos) << "no delivery was claimed from the killed worker";
  const double claimed = std::stod(metrics.substr(at + claimed_line.size()));
  std::cout << claimed << " deliveries claimed from the killed worker, " << redone
            << " of them after an attempt had started\n";
  EXPECT_GT(claimed, 0);
  EXPECT_GE(Job(stack, token, ids[0]).value("attempts", 0), 2) << "the job the killed worker ran";

  // Each job is in the history exactly once.
  std::multiset<std::string> saved;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto reply = stack.Call(
        "GET", "/api/v1/history?limit=100" + (cursor.empty() ? std::string() : "&cursor=" + cursor),
        nullptr, token);
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto j = json::parse(reply.body);
    for (const auto& item : j["items"]) saved.insert(item["job_id"].get<std::string>());
    cursor = j.value("next_cursor", "");
    if (cursor.empty()) break;
  }
  EXPECT_EQ(saved.size(), static_cast<std::size_t>(kJobs));
  for (const auto& id : ids) EXPECT_EQ(saved.count(id), 1u) << id;
}

TEST_F(ReliabilityTest, EmotionDownRetriesThenDeadLettersAndAReplaySucceeds) {
  Stack stack(models_->path(), {{"MOODTAPE_QUEUE_MAX_ATTEMPTS", "3"},
                                {"MOODTAPE_QUEUE_BACKOFF_BASE_MS", "200"},
                                {"MOODTAPE_QUEUE_BACKOFF_MAX_MS", "600"},
                                {"MOODTAPE_WORKER_VERSION_TTL_MS", "0"},
                                {"MOODTAPE_WORKER_CALL_TIMEOUT_MS", "1000"}});
  std::string why;
  ASSERT_TRUE(stack.StartAll(&why)) << why;
  const std::string admin = stack.SignUpAdmin("root");
  ASSERT_FALSE(admin.empty());

  stack.Stop("emotion");
  const std::string id = Submit(stack, admin, "nothing works today and nobody calls");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitForState(stack, admin, id, "dead", 90s)) << Job(stack, admin, id).dump() << "\n"
                                                           << stack.Log("worker");
  const json job = Job(stack, admin, id);
  EXPECT_EQ(job.value("attempts", 0), 3) << job.dump();

  auto letters = stack.Call("GET", "/api/v1/admin/dead-letters?type=mood", nullptr, admin);
  ASSERT_EQ(letters.status, 200) << letters.body;
  const json list = json::parse(letters.body);
  ASSERT_EQ(list["items"].size(), 1u) << letters.body;
  EXPECT_EQ(list["items"][0]["job_id"], id);
  EXPECT_EQ(list["items"][0]["history"].size(), 3u) << letters.body;  // every attempt, with times
  EXPECT_FALSE(list["items"][0].value("error", "").empty());

  ASSERT_TRUE(stack.Start("emotion", &why)) << why;
  // Once a new job goes through, the worker has reconnected: now the replay must succeed.
  int probes = 0;
  ASSERT_TRUE(WaitUntil(
      [&] {
        const std::string probe =
            Submit(stack, admin, "is the music back " + std::to_string(++probes));
        return !probe.empty() && WaitForState(stack, admin, probe, "succeeded", 10s);
      },
      90s));
  auto replay =
      stack.Call("POST", "/api/v1/admin/dead-letters/" + id + "/replay", json::object(), admin);
  ASSERT_EQ(replay.status, 202) << replay.body;
  ASSERT_TRUE(WaitForState(stack, admin, id, "succeeded", 60s)) << Job(stack, admin, id).dump();
  auto after = stack.Call("GET", "/api/v1/admin/dead-letters?type=mood", nullptr, admin);
  for (const auto& item : json::parse(after.body)["items"]) {
    EXPECT_NE(item["job_id"], id) << "a replayed job leaves the dead letters";
  }

  // Other accounts see no dead letters until an operator makes them admins.
  std::string bob = stack.SignUp("bob");
  ASSERT_FALSE(bob.empty());
  EXPECT_EQ(stack.Call("GET", "/api/v1/admin/dead-letters?type=mood", nullptr, bob).status, 403);
  std::string out;
  ASSERT_EQ(stack.RunTool({"moodtape-auth", "make-admin", "bob"}, &out), 0) << out;
  EXPECT_NE(out.find("bob is now an admin"), std::string::npos) << out;
  bob = stack.Login("bob");
  ASSERT_FALSE(bob.empty());
  EXPECT_EQ(stack.Call("GET", "/api/v1/admin/dead-letters?type=mood", nullptr, bob).status, 200);
  EXPECT_EQ(stack.RunTool({"moodtape-auth", "make-admin", "nobody"}, &out), 1) << out;
}

TEST_F(ReliabilityTest, RedisDownIs503AndEverythingRecoversByItself) {
  Stack stack(models_->path());
  std::string why;
  ASSERT_TRUE(stack.StartAll(&why)) << why;
  const std::string token = stack.SignUp("bea");
  ASSERT_FALSE(token.empty());
  const std::string first = Submit(stack, token, "calm evening by the sea");
  ASSERT_TRUE(WaitForState(stack, token, first, "succeeded", 60s));

  stack.redis().Stop();
  int status = 0;
  auto reply = stack.Call("POST", "/api/v1/moods",
                          {{"text", "is anyone there"}, {"desired_emotion", "relief"}}, token);
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_FALSE(reply.Header("retry-after").empty());

  stack.redis().Start();
  // No process is restarted: the gateway answers again and the worker resumes.
  std::string id;
  ASSERT_TRUE(WaitUntil(
      [&] {
        id = Submit(stack, token, "is anyone there", &status);
        return !id.empty();
      },
      60s))
      << "last status " << status;
  EXPECT_TRUE(WaitForState(stack, token, id, "succeeded", 60s))
      << Job(stack, token, id).dump() << "\n"
      << stack.Log("worker");
}

}  // namespace
}  // namespace moodtape::testing
