// Playlist quality on the default catalogue (data/spotify_songs): 1,000 random start/target
// pairs (fixed seed), moodtape's PlaylistPlanner and the source project's angle walk side by
// side. Prints a table and writes <build>/bench/playlist_quality.json.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_stats.h"
#include "services/playlist/core/catalog.h"
#include "services/playlist/core/planner.h"

namespace {

using moodtape::bench::Mean;
using moodtape::bench::Percentile;

using namespace moodtape::playlist;

struct Quality {
  std::vector<double> first_to_start, last_to_target, largest_step, largest_tempo_jump;
  std::size_t steps = 0, steps_not_away = 0, artist_repeats = 0, failures = 0, plans = 0;
  double micros = 0;

  nlohmann::json Json() const {
    return {{"plans", plans},
            {"failures", failures},
            {"first_to_start",
             {{"mean", Mean(first_to_start)}, {"p95", Percentile(first_to_start, 0.95)}}},
            {"last_to_target",
             {{"mean", Mean(last_to_target)}, {"p95", Percentile(last_to_target, 0.95)}}},
            {"largest_step",
             {{"mean", Mean(largest_step)},
              {"p95", Percentile(largest_step, 0.95)},
              {"max", Percentile(largest_step, 1.0)}}},
            {"share_steps_not_away",
             steps ? static_cast<double>(steps_not_away) / static_cast<double>(steps) : 0},
            {"largest_tempo_jump",
             {{"mean", Mean(largest_tempo_jump)},
              {"p95", Percentile(largest_tempo_jump, 0.95)},
              {"max", Percentile(largest_tempo_jump, 1.0)}}},
            {"artist_repeats", artist_repeats},
            {"mean_plan_us", plans ? micros / static_cast<double>(plans) : 0}};
  }
};

void Measure(const TrackIndex& index, const MoodWalkPlanner& planner, const PlanRequest& r,
             Quality* q) {
  ++q->plans;
  const auto t0 = std::chrono::steady_clock::now();
  auto plan = planner.Plan(r);
  q->micros +=
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  if (!plan) {
    ++q->failures;
    return;
  }
  const auto& t = plan->tracks;
  q->first_to_start.push_back(Distance(t.front().point, r.start));
  q->last_to_target.push_back(Distance(t.back().point, r.target));
  double step = 0, tempo = 0;
  std::unordered_set<std::string> artists;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const CatalogTrack& track = index.tracks()[t[i].track];
    if (!artists.insert(track.artist).second) ++q->artist_repeats;
    if (i == 0) continue;
    const CatalogTrack& prev = index.tracks()[t[i - 1].track];
    step = std::max(step, Distance(t[i - 1].point, t[i].point));
    tempo = std::max(tempo, TempoJump(prev.tempo, track.tempo));
    ++q->steps;
    if (Distance(t[i].point, r.target) <= Distance(t[i - 1].point, r.target) + 1e-9)
      ++q->steps_not_away;
  }
  q->largest_step.push_back(step);
  q->largest_tempo_jump.push_back(tempo);
}

void PrintRow(const char* name, const Quality& q) {
  const auto j = q.Json();
  std::printf("%-22s %6zu %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.1f%% %8.1f%% %8.1f%% %7zu %9.1f\n",
              name, q.failures, j["first_to_start"]["mean"].get<double>(),
              j["first_to_start"]["p95"].get<double>(), j["last_to_target"]["mean"].get<double>(),
              j["last_to_target"]["p95"].get<double>(), j["largest_step"]["mean"].get<double>(),
              j["largest_step"]["max"].get<double>(), 100 * j["share_steps_not_away"].get<double>(),
              100 * j["largest_tempo_jump"]["mean"].get<double>(),
              100 * j["largest_tempo_jump"]["max"].get<double>(), q.artist_repeats,
              j["mean_plan_us"].get<double>());
}

}  // namespace

int main() {
  const std::string csv =
      std::string(MOODTAPE_SOURCE_DIR) + "/data/spotify_songs/spotify_songs.csv";
  std::ifstream in(csv);
  auto imported = ReadCatalogCsv(in, "spotify_songs");
  if (!imported) {
    std::fprintf(stderr, "bench: %s: %s\n", csv.c_str(), imported.error().message.c_str());
    return 1;
  }
  const ImportReport report = imported->report;
  const TrackIndex index(std::move(imported->tracks));
  const PlaylistPlanner planner(index);
  const AngleWalkPlanner walk(index);

  constexpr int kPairs = 1000;
  constexpr std::uint64_t kSeed = 20260521;
  nlohmann::json out = {{"benchmark", "playlist_quality"},
                        {"catalogue",
                         {{"file", "data/spotify_songs/spotify_songs.csv"},
                          {"rows", report.rows},
                          {"tracks", index.size()},
                          {"rejected", report.rejected}}},
                        {"pairs", kPairs},
                        {"seed", kSeed}};
  std::printf(
      "playlist quality: %d random start/target pairs (seed %llu), catalogue %zu tracks\n"
      "distances in mood-plane units (the plane is [-1,1]^2); tempo jumps fold half/double "
      "time\n\n",
      kPairs, static_cast<unsigned long long>(kSeed), index.size());
  std::printf("%-22s %6s %8s %8s %8s %8s %8s %8s %9s %9s %9s %7s %9s\n", "planner", "fail", "first",
              "first", "last", "last", "maxstep", "maxstep", "not-away", "tempo", "tempo", "artist",
              "plan");
  std::printf("%-22s %6s %8s %8s %8s %8s %8s %8s %9s %9s %9s %7s %9s\n", "", "", "mean", "p95",
              "mean", "p95", "mean", "max", "steps", "jump mean", "jump max", "repeats", "us");
  for (int length : {12, 50}) {
    std::mt19937_64 rng(kSeed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    Quality qp, qw;
    for (int i = 0; i < kPairs; ++i) {
      PlanRequest r;
      r.start = {u(rng), u(rng)};
      r.target = {u(rng), u(rng)};
      r.length = length;
      Measure(index, planner, r, &qp);
      Measure(index, walk, r, &qw);
    }
    const std::string p = "planner, " + std::to_string(length) + " tracks";
    const std::string w = "angle walk, " + std::to_string(length) + " tracks";
    PrintRow(p.c_str(), qp);
    PrintRow(w.c_str(), qw);
    out["length_" + std::to_string(length)] = {{"planner", qp.Json()}, {"angle_walk", qw.Json()}};
  }
  const std::string out_dir = std::string(MOODTAPE_BINARY_DIR) + "/bench";
  std::filesystem::create_directories(out_dir);
  std::ofstream(out_dir + "/playlist_quality.json") << out.dump(2) << "\n";
  std::printf("\nwrote %s/playlist_quality.json\n", out_dir.c_str());
  return 0;
}
