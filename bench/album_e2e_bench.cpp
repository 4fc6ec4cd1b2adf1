// Album jobs end to end through the launcher's whole stack (a temporary directory, free loopback
// ports, as tests/launcher/launcher_test.cpp starts it), driven by the `moodtape` command a person
// would run: `moodtape album --genre G --songs 3 --theme T --cover C --seed N --out DIR`.
//
// - Stage times: the command's output is read as it is written (every stage line is flushed) and
//   each line is stamped when it first appears, against the moment the command was started:
//   "song 1 written", each "song N rendered", "cover drawn", "saved album", then the exit (every
//   file written to DIR). So a time includes the CLI's start, the POST, the WebSocket subscription
//   and the files' download: what the person waits for. Polled every 10 ms.
// - Albums one at a time: 3 genres in turn (the first also warms the services' channels; it is
//   reported, marked "first").
// - Throughput: 4 albums submitted at once by 4 commands, with 2 album slots in the worker
//   ([worker] album_concurrency = 2: two album jobs render at once, as two worker processes
//   would on this 2-core machine); jobs per minute from the first start to the last exit.
// - Env: album rate limit lifted (one user makes every album); everything else is the defaults.
// - Bounds: every command is stopped after 300 s (counted as failed), 7 albums in all.
//
// Prints a table, writes <build>/bench/album_e2e.json (--benchmark_out=FILE). The emotion service
// trains its first model in the temporary directory on start (10-20 s): not measured.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/hermetic_env.h"
#include "tests/support/test_support.h"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using moodtape::testing::ChildProcess;
using moodtape::testing::FreePort;
using moodtape::testing::TempDir;

constexpr int kSongs = 3;
constexpr int kThroughputAlbums = 4;
constexpr int kAlbumSlots = 2;
constexpr auto kCommandTimeout = 300s;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

// One `moodtape album` run, its stage lines stamped as they appear in its output.
struct AlbumRun {
  std::string genre;
  int seed = 0;
  std::unique_ptr<ChildProcess> command;
  Clock::time_point started;
  std::map<std::string, double> stage_s;  // stage -> seconds after the start
  double exit_s = -1;
  bool ok = false;
  std::string output;

  // Stamps the stages whose lines have appeared since the last look; true once the command ended.
  bool Poll() {
    const std::string log = command->ReadLog();
    const double now = Seconds(Clock::now() - started);
    auto stamp = [&](const std::string& stage, const std::string& marker) {
      if (!stage_s.contains(stage) && log.find(marker) != std::string::npos) stage_s[stage] = now;
    };
    stamp("first song written", "song 1 written");
    for (int i = 1; i <= kSongs; ++i) {
      stamp("song " + std::to_string(i) + " rendered", "song " + std::to_string(i) + " rendered");
    }
    stamp("cover", "cover drawn");
    stamp("saved", "saved album");
    if (command->Running() && now < Seconds(kCommandTimeout)) return false;
    int status = command->Wait(1s);
    if (status == -1) status = command->Stop();
    exit_s = Seconds(Clock::now() - started);
    ok = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    output = command->ReadLog();
    return true;
  }
};

class Bench {
 public:
  Bench(std::map<std::string, std::string> env, std::string bin_dir, const TempDir& dir)
      : env_(std::move(env)), bin_dir_(std::move(bin_dir)), dir_(dir) {}

  bool SignUp(std::string* why) {
    const std::string script = "printf '%s\\n' 'correct horse battery staple, benchmarked' | '" +
                               bin_dir_ +
                               "/moodtape' signup --username bench --email bench@example.org "
                               "--password-stdin";
    ChildProcess signup({"/bin/sh", "-c", script}, env_, dir_.File("signup.log"));
    const int status = signup.Wait(30s);
    if (status == -1) signup.Stop();
    if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    *why = "moodtape signup failed: " + signup.ReadLog();
    return false;
  }

  std::unique_ptr<AlbumRun> Start(const std::string& genre, int seed) {
    auto run = std::make_unique<AlbumRun>();
    run->genre = genre;
    run->seed = seed;
    const std::string name = "album-" + std::to_string(++runs_);
    run->started = Clock::now();
    run->command = std::make_unique<ChildProcess>(
        std::vector<std::string>{bin_dir_ + "/moodtape", "album", "--genre", genre, "--songs",
                                 std::to_string(kSongs), "--theme",
                                 "a night drive through the city after the rain", "--cover",
                                 "neon city at midnight, purple rain", "--seed",
                                 std::to_string(seed), "--out", dir_.File(name)},
        env_, dir_.File(name + ".log"));
    return run;
  }

  // Polls every run until all have ended.
  static void WaitAll(const std::vector<AlbumRun*>& runs) {
    std::vector<bool> ended(runs.size(), false);
    while (std::find(ended.begin(), ended.end(), false) != ended.end()) {
      for (size_t i = 0; i < runs.size(); ++i) {
        if (!ended[i]) ended[i] = runs[i]->Poll();
      }
      std::this_thread::sleep_for(10ms);
    }
  }

 private:
  std::map<std::string, std::string> env_;
  std::string bin_dir_;
  const TempDir& dir_;
  int runs_ = 0;
};

json RunJson(const AlbumRun& r) {
  return {{"genre", r.genre},      {"seed", r.seed},     {"ok", r.ok},
          {"stages_s", r.stage_s}, {"exit_s", r.exit_s}, {"songs", kSongs}};
}

std::string Cell(const AlbumRun& r, const std::string& stage) {
  auto it = r.stage_s.find(stage);
  if (it == r.stage_s.end()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", it->second);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  const std::string bin_dir = std::string(MOODTAPE_BINARY_DIR) + "/bin";
  std::string out = std::string(MOODTAPE_BINARY_DIR) + "/bench/album_e2e.json";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--benchmark_out=")) out = std::string(a.substr(16));
  }
  std::filesystem::create_directories(std::filesystem::path(out).parent_path());
  auto give_up = [&](const std::string& why) {
    std::printf("album_e2e_bench: %s\n", why.c_str());
    std::ofstream(out) << json{{"error", why}}.dump(2) << "\n";
    return 1;
  };
  for (const char* needed :
       {"moodtape-launcher", "moodtape", "moodtape-gateway", "moodtape-worker", "moodtape-store",
        "moodtape-auth", "moodtape-producer", "moodtape-designer"}) {
    if (access((bin_dir + "/" + needed).c_str(), X_OK) != 0) {
      return give_up(std::string(needed) + " is not built in " + bin_dir);
    }
  }

  TempDir dir;
  const int http_port = FreePort();
  auto env = moodtape::testing::HermeticStackEnv(dir, FreePort(), http_port, bin_dir);
  env["MOODTAPE_GATEWAY_ALBUM_RATE_LIMIT"] = "1000";
  env["MOODTAPE_WORKER_ALBUM_CONCURRENCY"] = std::to_string(kAlbumSlots);
  // The CLI's own: its saved session under the temporary directory, the stack's gateway.
  env["XDG_CONFIG_HOME"] = dir.File("cli-config");
  env["MOODTAPE_GATEWAY_URL"] = "http://127.0.0.1:" + std::to_string(http_port);

  std::printf("starting moodtape (launcher, %s) ...\n", bin_dir.c_str());
  std::fflush(stdout);
  ChildProcess launcher({bin_dir + "/moodtape-launcher"}, env, dir.File("launcher.out"),
                        moodtape::testing::SourceDir());
  std::string why;
  if (!moodtape::testing::WaitUntilUp(launcher, 180s, &why)) return give_up(why);

  Bench bench(env, bin_dir, dir);
  std::vector<std::unique_ptr<AlbumRun>> single, parallel;
  double parallel_s = 0;
  if (bench.SignUp(&why)) {
    int seed = 100;
    for (const char* genre : {"synthwave", "heavy-metal", "disco-polo"}) {
      single.push_back(bench.Start(genre, ++seed));
      Bench::WaitAll({single.back().get()});
      std::printf("  %s: %s in %.1f s\n", genre, single.back()->ok ? "done" : "FAILED",
                  single.back()->exit_s);
      std::fflush(stdout);
    }
    const auto t0 = Clock::now();
    std::vector<AlbumRun*> all;
    for (int i = 0; i < kThroughputAlbums; ++i) {
      const char* genres[] = {"pop", "punk", "blues", "gangsta-rap"};
      parallel.push_back(bench.Start(genres[i % 4], ++seed));
      all.push_back(parallel.back().get());
    }
    Bench::WaitAll(all);
    parallel_s = Seconds(Clock::now() - t0);
  }
  launcher.Signal(SIGINT);
  if (launcher.Wait(60s) == -1) std::printf("the launcher did not stop within 60 s\n");
  if (!why.empty()) return give_up(why);

  std::printf("\nAlbums of %d songs, one at a time (seconds after `moodtape album` started)\n",
              kSongs);
  std::printf("%-12s %8s %10s %10s %10s %7s %7s %7s\n", "genre", "written", "rendered 1",
              "rendered 2", "rendered 3", "cover", "saved", "done");
  json report = {{"benchmark", "album_e2e"}, {"songs", kSongs}, {"single", json::array()}};
  int failures = 0;
  for (size_t i = 0; i < single.size(); ++i) {
    const AlbumRun& r = *single[i];
    std::printf("%-12s %8s %10s %10s %10s %7s %7s %7.1f%s\n",
                (r.genre + (i == 0 ? "*" : "")).c_str(), Cell(r, "first song written").c_str(),
                Cell(r, "song 1 rendered").c_str(), Cell(r, "song 2 rendered").c_str(),
                Cell(r, "song 3 rendered").c_str(), Cell(r, "cover").c_str(),
                Cell(r, "saved").c_str(), r.exit_s, r.ok ? "" : "  FAILED");
    report["single"].push_back(RunJson(r));
    failures += r.ok ? 0 : 1;
  }
  std::printf("(* the first album after start-up: the services' channels open on it)\n");

  int done = 0;
  report["parallel"] = json::array();
  for (const auto& r : parallel) {
    done += r->ok ? 1 : 0;
    failures += r->ok ? 0 : 1;
    report["parallel"].push_back(RunJson(*r));
  }
  const double per_minute = parallel_s > 0 ? done * 60.0 / parallel_s : 0;
  std::printf(
      "\n%d albums of %d songs at once, %d album slots: %d done in %.1f s = %.2f albums/min\n",
      kThroughputAlbums, kSongs, kAlbumSlots, done, parallel_s, per_minute);
  report["throughput"] = {{"albums", kThroughputAlbums},
                          {"album_slots", kAlbumSlots},
                          {"done", done},
                          {"seconds", parallel_s},
                          {"albums_per_minute", per_minute}};
  for (const auto& r : single) {
    if (!r->ok) std::printf("failed %s:\n%s\n", r->genre.c_str(), Tail(r->output, 1500).c_str());
  }
  for (const auto& r : parallel) {
    if (!r->ok) std::printf("failed %s:\n%s\n", r->genre.c_str(), Tail(r->output, 1500).c_str());
  }
  std::ofstream(out) << report.dump(2) << "\n";
  std::printf("wrote %s\n", out.c_str());
  return failures == 0 ? 0 : 1;
}
