// Planner speed on a big catalogue: 1,000,000 synthetic tracks (fixed seed) go through the CSV
// reader and into the grid index; then 12- and 50-track plans from random start/target pairs.
// Prints load/index time, memory per track and plan latency p50/p99, and writes
// <build>/bench/playlist_speed.json. Arguments (e.g. make bench's --benchmark_out) are ignored.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <istream>
#include <random>
#include <streambuf>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_stats.h"
#include "services/playlist/core/catalog.h"
#include "services/playlist/core/planner.h"

namespace {

using moodtape::bench::Percentile;

using namespace moodtape::playlist;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kTracks = 1'000'000;
constexpr int kPlans = 2000;
constexpr std::uint64_t kSeed = 1'000'003;

// Reads a string in place (no second 100 MB copy as std::istringstream would make).
struct MemoryBuf : std::streambuf {
  explicit MemoryBuf(std::string& s) { setg(s.data(), s.data(), s.data() + s.size()); }
};

long RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(1 << 20, '\n');
  }
  return 0;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// A catalogue shaped roughly like the Spotify one: valence centred, energy skewed high,
// 100,000 artists, 12 genres, a fifth of the tracks explicit.
std::string SyntheticCsv() {
  std::mt19937_64 rng(kSeed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::string csv =
      "track_id,track_name,track_artist,track_album_name,playlist_genre,danceability,"
      "energy,key,mode,valence,tempo,duration_ms,explicit\n";
  csv.reserve(kTracks * 110);
  char row[256];
  for (std::size_t i = 0; i < kTracks; ++i) {
    const double valence = (u(rng) + u(rng)) / 2;
    const double energy = std::sqrt(u(rng));
    const int n = std::snprintf(
        row, sizeof row,
        "t%07zu,Song %zu,Artist %llu,Album %zu,genre%llu,%.3f,%.3f,%llu,%llu,%.3f,%.2f,%llu,%s\n",
        i, i, static_cast<unsigned long long>(rng() % 100000), i / 10,
        static_cast<unsigned long long>(rng() % 12), u(rng), energy,
        static_cast<unsigned long long>(rng() % 12), static_cast<unsigned long long>(rng() % 2),
        valence, 70 + 110 * u(rng), static_cast<unsigned long long>(150000 + rng() % 150000),
        u(rng) < 0.2 ? "true" : "false");
    csv.append(row, static_cast<std::size_t>(n));
  }
  return csv;
}

struct Latency {
  double p50 = 0, p99 = 0, max = 0;
  int failures = 0;
};

Latency TimePlans(const PlaylistPlanner& planner, int length) {
  std::mt19937_64 rng(kSeed + static_cast<std::uint64_t>(length));
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> micros;
  micros.reserve(kPlans);
  Latency l;
  for (int i = 0; i < kPlans + 100; ++i) {
    PlanRequest r;
    r.start = {u(rng), u(rng)};
    r.target = {u(rng), u(rng)};
    r.length = length;
    const auto t0 = Clock::now();
    auto plan = planner.Plan(r);
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (i < 100) continue;  // warm-up
    if (!plan) ++l.failures;
    micros.push_back(us);
  }
  l.p50 = Percentile(micros, 0.50);
  l.p99 = Percentile(micros, 0.99);
  l.max = Percentile(micros, 1.0);
  return l;
}

}  // namespace

int main() {
  std::string csv = SyntheticCsv();
  const long rss_before = RssKiB();
  auto t0 = Clock::now();
  MemoryBuf buf(csv);
  std::istream in(&buf);
  auto imported = ReadCatalogCsv(in, "synthetic");
  if (!imported) {
    std::fprintf(stderr, "bench: %s\n", imported.error().message.c_str());
    return 1;
  }
  const double parse_s = Seconds(t0);
  t0 = Clock::now();
  const TrackIndex index(std::move(imported->tracks));
  const double index_s = Seconds(t0);
  const long rss_after = RssKiB();
  const double rss_per_track =
      static_cast<double>(rss_after - rss_before) * 1024.0 / static_cast<double>(index.size());
  const double index_per_track =
      static_cast<double>(index.IndexBytes()) / static_cast<double>(index.size());
  csv = std::string();

  const PlaylistPlanner planner(index);
  const Latency l12 = TimePlans(planner, 12);
  const Latency l50 = TimePlans(planner, 50);

  std::printf("playlist speed: %zu synthetic tracks (seed %llu), 1 thread\n\n", index.size(),
              static_cast<unsigned long long>(kSeed));
  std::printf("%-40s %10.2f\n", "load: CSV read + dedupe, 1M rows (s)", parse_s);
  std::printf("%-40s %10.2f\n", "load: build the grid index (s)", index_s);
  std::printf("%-40s %10.0f\n", "memory per track, RSS growth (bytes)", rss_per_track);
  std::printf("%-40s %10.0f\n", "  of which grid index (bytes)", index_per_track);
  std::printf("\n%-12s %8s %10s %10s %10s %8s\n", "plan", "plans", "p50 us", "p99 us", "max us",
              "failed");
  std::printf("%-12s %8d %10.1f %10.1f %10.1f %8d\n", "12 tracks", kPlans, l12.p50, l12.p99,
              l12.max, l12.failures);
  std::printf("%-12s %8d %10.1f %10.1f %10.1f %8d\n", "50 tracks", kPlans, l50.p50, l50.p99,
              l50.max, l50.failures);

  auto lat = [](const Latency& l) {
    return nlohmann::json{
        {"p50_us", l.p50}, {"p99_us", l.p99}, {"max_us", l.max}, {"failures", l.failures}};
  };
  const nlohmann::json out = {{"benchmark", "playlist_speed"},
                              {"tracks", index.size()},
                              {"seed", kSeed},
                              {"plans_per_length", kPlans},
                              {"csv_parse_s", parse_s},
                              {"index_build_s", index_s},
                              {"rss_bytes_per_track", rss_per_track},
                              {"index_bytes_per_track", index_per_track},
                              {"plan_12", lat(l12)},
                              {"plan_50", lat(l50)}};
  const std::string out_dir = std::string(MOODTAPE_BINARY_DIR) + "/bench";
  std::filesystem::create_directories(out_dir);
  std::ofstream(out_dir + "/playlist_speed.json") << out.dump(2) << "\n";
  std::printf("\nwrote %s/playlist_speed.json\n", out_dir.c_str());
  return 0;
}
