// The launcher as `make run` uses it: real redis-server, every service binary that is built, all
// on free ports under a temporary directory; then Ctrl-C (SIGINT) must leave nothing behind.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "moodtape/playlist/v1/playlist_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/redis/client.h"
#include "tests/support/hermetic_env.h"
#include "tests/support/test_support.h"
#include "tools/launcher/launcher.h"

namespace moodtape::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::map<std::string, std::string> HermeticEnv(const TempDir& dir, int redis_port, int http_port,
                                               const std::string& bin_dir) {
  return HermeticStackEnv(dir, redis_port, http_port, bin_dir);
}

// "started redis (pid 123)" lines: every process the launcher says it started.
std::vector<pid_t> StartedPids(const std::string& output) {
  std::vector<pid_t> pids;
  std::regex started(R"(started \w+ \(pid (\d+)\))");
  for (auto it = std::sregex_iterator(output.begin(), output.end(), started);
       it != std::sregex_iterator(); ++it) {
    pids.push_back(static_cast<pid_t>(std::stol((*it)[1])));
  }
  return pids;
}

bool HasLine(const std::string& output, const std::string& pattern) {
  return std::regex_search(output, std::regex(pattern, std::regex::multiline));
}

bool Gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

std::string LauncherBinary() { return BinaryDir() + "/bin/moodtape-launcher"; }

// The first start imports data/spotify_songs into the store and plans from it; then
// `moodtape-playlist import` adds to it through the running service.
void CheckPlaylistServesTheDefaultCatalogue(const TempDir& dir,
                                            const std::map<std::string, std::string>& env) {
  using namespace moodtape::playlist;
  platform::ChannelOptions options;
  options.tls = {true, dir.File("var/certs/ca.crt"), dir.File("var/certs/worker.crt"),
                 dir.File("var/certs/worker.key")};
  platform::MetricsRegistry metrics;
  auto channel = platform::ChannelFactory(options, metrics)
                     .Create(env.at("MOODTAPE_PLAYLIST_GRPC_ADDRESS"), "playlist");
  v1::GetCatalogResponse catalog;
  auto ctx = platform::NewClientContext(seconds(10));
  ASSERT_TRUE(v1::CatalogService::NewStub(channel)->GetCatalog(ctx.get(), {}, &catalog).ok());
  EXPECT_EQ(catalog.version(), 1);
  EXPECT_EQ(catalog.tracks(), 28351);  // data/spotify_songs after dedupe and dropped rows
  v1::PlanRequest req;
  req.mutable_start()->set_emotion(common::v1::EMOTION_SADNESS);
  req.mutable_target()->set_emotion(common::v1::EMOTION_ENTHUSIASM);
  v1::PlanResponse plan;
  ctx = platform::NewClientContext(seconds(10));
  const grpc::Status status = v1::PlaylistService::NewStub(channel)->Plan(ctx.get(), req, &plan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(plan.tracks_size(), 12);

  {
    std::ofstream jsonl(dir.File("extra.jsonl"));
    jsonl << R"({"id":"x1","title":"One","artist":"A","valence":0.2,"energy":0.3,"tempo":90})"
          << "\n{not json\n"
          << R"({"id":"x2","title":"Two","artist":"B","valence":0.7,"energy":0.8,"tempo":128})"
          << "\n";
  }
  std::map<std::string, std::string> cli_env = env;
  ChildProcess cli({BinaryDir() + "/bin/moodtape-playlist", "import", dir.File("extra.jsonl")},
                   cli_env, dir.File("import.out"), SourceDir());
  const int exit = cli.Wait(seconds(60));
  const std::string out = cli.ReadLog();
  EXPECT_TRUE(WIFEXITED(exit) && WEXITSTATUS(exit) == 0) << out;
  EXPECT_NE(out.find("line 2: not valid JSON"), std::string::npos) << out;
  EXPECT_NE(out.find("catalogue version 2 (28353 tracks)"), std::string::npos) << out;
}

TEST(LauncherTest, StartsEverythingBuiltAndStopsCleanlyOnSigint) {
  TempDir dir;
  int redis_port = FreePort();
  int http_port = FreePort();
  std::string bin_dir = BinaryDir() + "/bin";
  auto env = HermeticEnv(dir, redis_port, http_port, bin_dir);
  // `make test` builds every service first; a missing one is a broken build, not a reason to
  // check less.
  for (const auto& service : launcher::DefaultServiceOrder()) {
    ASSERT_EQ(access((bin_dir + "/moodtape-" + service).c_str(), X_OK), 0)
        << bin_dir << "/moodtape-" << service << " is not built";
  }

  ChildProcess launcher({LauncherBinary()}, env, dir.File("launcher.out"), SourceDir());
  const std::string url = "http://" + Loopback(http_port);
  bool up = WaitUntil(
      [&] {
        return !launcher.Running() ||
               launcher.ReadLog().find("moodtape is up") != std::string::npos;
      },
      seconds(250));
  std::string output = launcher.ReadLog();
  ASSERT_TRUE(up && launcher.Running()) << "launcher did not come up:\n" << output;
  EXPECT_NE(output.find(url), std::string::npos) << output;

  // Redis is the launcher's own, on the port it was given, with its files under var/redis.
  platform::RedisSettings redis;
  redis.port = redis_port;
  redis.pool_size = 1;
  platform::RedisClient client(redis);
  EXPECT_TRUE(client.Ping().ok());
  EXPECT_TRUE(std::filesystem::exists(dir.File("var/redis/redis.conf")));
  EXPECT_TRUE(std::filesystem::exists(dir.File("var/certs/ca.crt")));
  EXPECT_TRUE(std::filesystem::exists(dir.File("var/run/redis.pid")));
  EXPECT_NE(ReadFile(dir.File("var/log/redis.log")).find("Ready to accept connections"),
            std::string::npos);

  {
    int status = 0;
    EXPECT_TRUE(WaitUntil(
        [&] {
          status = HttpRequest("GET", http_port, "/api/v1/health");
          return status == 200;
        },
        seconds(10)))
        << "GET /api/v1/health answered " << status;
    EXPECT_TRUE(HasLine(output, "^gateway  \\| ")) << output;
  }
  CheckPlaylistServesTheDefaultCatalogue(dir, env);
  // Every built service started and said so (the producer loads its dictionary and SoundFont).
  for (const auto& service : launcher::DefaultServiceOrder()) {
    EXPECT_TRUE(HasLine(output, "^launcher \\| started " + service + " \\(pid")) << service;
  }
  // Every line is "<name padded to 8> | ...".
  EXPECT_TRUE(HasLine(output, "^redis    \\| ")) << output;
  EXPECT_TRUE(HasLine(output, "^launcher \\| redis is ready")) << output;

  std::vector<pid_t> pids = StartedPids(output);
  ASSERT_FALSE(pids.empty()) << output;
  for (pid_t pid : pids) EXPECT_FALSE(Gone(pid)) << "pid " << pid << " gone before the stop";

  launcher.Signal(SIGINT);
  // Each child gets up to stop_timeout; the real ones stop in well under a second.
  int status = launcher.Wait(seconds(30));
  output = launcher.ReadLog();
  ASSERT_NE(status, -1) << "launcher did not stop after SIGINT:\n" << output;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status << "\n"
                                                             << output;
  for (pid_t pid : pids) EXPECT_TRUE(Gone(pid)) << "pid " << pid << " outlived the launcher";
  EXPECT_TRUE(HasLine(output, "^launcher \\| all stopped")) << output;
  EXPECT_TRUE(std::filesystem::is_empty(dir.File("var/run"))) << "pid files left behind";
}

// Runs the built `moodtape` CLI against the stack's gateway, with its credentials under `dir`;
// `input` goes to its standard input. Returns the exit status and fills `out`.
int Cli(const TempDir& dir, int http_port, const std::string& args, const std::string& input,
        std::string* out) {
  static int runs = 0;
  const std::string log = dir.File("cli-" + std::to_string(++runs) + ".out");
  ChildProcess cli({"bash", "-c", "printf '%s\\n' \"$CLI_INPUT\" | \"$CLI\" " + args},
                   {{"CLI", BinaryDir() + "/bin/moodtape"},
                    {"CLI_INPUT", input},
                    {"XDG_CONFIG_HOME", dir.File("cli-config")},
                    {"MOODTAPE_GATEWAY_URL", "http://" + Loopback(http_port)}},
                   log, SourceDir());
  const int status = cli.Wait(seconds(120));
  *out = cli.ReadLog();
  return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The issue's "done when": make run, then moodtape signup, login, and a mood that shows its
// stages live and prints the playlist; history holds it once. Real redis, every real service.
TEST(LauncherTest, MoodJobEndToEndThroughTheCli) {
  const std::string bin_dir = BinaryDir() + "/bin";
  for (const char* needed : {"moodtape", "moodtape-worker", "moodtape-gateway", "moodtape-playlist",
                             "moodtape-emotion", "moodtape-auth", "moodtape-store"}) {
    ASSERT_EQ(access((bin_dir + "/" + needed).c_str(), X_OK), 0) << needed << " is not built";
  }
  TempDir dir;
  const int http_port = FreePort();
  auto env = HermeticEnv(dir, FreePort(), http_port, bin_dir);
  ChildProcess launcher({LauncherBinary()}, env, dir.File("launcher.out"), SourceDir());
  const bool up = WaitUntil(
      [&] {
        return !launcher.Running() ||
               launcher.ReadLog().find("moodtape is up") != std::string::npos;
      },
      seconds(250));
  ASSERT_TRUE(up && launcher.Running()) << "launcher did not come up:\n" << launcher.ReadLog();

  std::string out;
  ASSERT_EQ(Cli(dir, http_port, "signup --username ada --email ada@example.org --password-stdin",
                "correct horse battery staple", &out),
            0)
      << out;
  ASSERT_EQ(Cli(dir, http_port, "login --username ada --password-stdin",
                "correct horse battery staple", &out),
            0)
      << out;
  struct stat st {};
  ASSERT_EQ(stat(dir.File("cli-config/moodtape/credentials.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Text: the stages as they happen, then the playlist.
  ASSERT_EQ(Cli(dir, http_port, "mood 'exhausted after exams, nothing matters' --want enthusiasm",
                "", &out),
            0)
      << out << "\n"
      << launcher.ReadLog();
  const auto emotion_at = out.find("emotion");
  const auto playlist_at = out.find("playlist");
  EXPECT_NE(emotion_at, std::string::npos) << out;
  EXPECT_NE(playlist_at, std::string::npos) << out;
  EXPECT_LT(emotion_at, playlist_at) << out;

  // JSON: the same pipeline again (the caches now hit), 12 tracks with their reasons.
  ASSERT_EQ(Cli(dir, http_port,
                "mood 'exhausted after exams, nothing matters' --want enthusiasm --json", "", &out),
            0)
      << out;
  const auto result = nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
  ASSERT_TRUE(result.is_object()) << out;
  ASSERT_EQ(result["playlist"]["tracks"].size(), 12u) << out;
  EXPECT_TRUE(result["playlist"]["tracks"][0].contains("waypoint"));
  EXPECT_TRUE(result["emotion"]["cached"].get<bool>()) << out;
  EXPECT_TRUE(result["playlist"]["cached"].get<bool>()) << out;

  ASSERT_EQ(Cli(dir, http_port, "history --json", "", &out), 0) << out;
  const auto history = nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
  ASSERT_TRUE(history.is_object()) << out;
  EXPECT_EQ(history["items"].size(), 2u) << out;  // each job once

  launcher.Signal(SIGINT);
  EXPECT_NE(launcher.Wait(seconds(30)), -1);
}

TEST(LauncherTest, NamesAServiceThatDiesAtStartupAndExitsNonZero) {
  TempDir dir;
  std::string fake_bin = dir.File("bin");
  std::filesystem::create_directories(fake_bin);
  std::string store = fake_bin + "/moodtape-store";
  std::ofstream(store) << "#!/bin/sh\necho 'store: cannot open the database' >&2\nexit 3\n";
  chmod(store.c_str(), 0755);

  auto env = HermeticEnv(dir, FreePort(), FreePort(), fake_bin);
  ChildProcess launcher({LauncherBinary()}, env, dir.File("launcher.out"), SourceDir());
  int status = launcher.Wait(seconds(60));
  std::string output = launcher.ReadLog();
  ASSERT_NE(status, -1) << "launcher kept running:\n" << output;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << "wait status " << status;
  EXPECT_TRUE(HasLine(output, "^launcher \\| store \\(pid \\d+\\) exited with status 3")) << output;
  // Its own words are shown again as the reason, and logged to its file.
  EXPECT_TRUE(HasLine(output, "^launcher \\|   > store: cannot open the database")) << output;
  EXPECT_NE(ReadFile(dir.File("var/log/store.log")).find("cannot open the database"),
            std::string::npos);
  EXPECT_TRUE(HasLine(output, "^launcher \\| started store \\(pid \\d+\\)")) << output;
  for (pid_t pid : StartedPids(output)) EXPECT_TRUE(Gone(pid)) << "pid " << pid << " left running";
}

TEST(LauncherTest, NamesAServiceThatMissesItsStartDeadlineAndStopsIt) {
  TempDir dir;
  std::string fake_bin = dir.File("bin");
  std::filesystem::create_directories(fake_bin);
  std::string auth = fake_bin + "/moodtape-auth";
  std::ofstream(auth) << "#!/bin/sh\necho 'auth: warming up'\nexec sleep 300\n";
  chmod(auth.c_str(), 0755);

  auto env = HermeticEnv(dir, FreePort(), FreePort(), fake_bin);
  env["MOODTAPE_LAUNCHER_START_TIMEOUT_MS"] = "1500";
  ChildProcess launcher({LauncherBinary()}, env, dir.File("launcher.out"), SourceDir());
  int status = launcher.Wait(seconds(60));
  std::string output = launcher.ReadLog();
  ASSERT_NE(status, -1) << "launcher kept running:\n" << output;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << "wait status " << status;
  EXPECT_TRUE(HasLine(output, "^launcher \\| auth did not become ready within 1500 ms")) << output;
  EXPECT_TRUE(HasLine(output, "^launcher \\|   > auth: warming up")) << output;
  std::vector<pid_t> pids = StartedPids(output);
  EXPECT_EQ(pids.size(), 2u) << output;  // redis and auth
  for (pid_t pid : pids) EXPECT_TRUE(Gone(pid)) << "pid " << pid << " left running";
}

}  // namespace
}  // namespace moodtape::testing
