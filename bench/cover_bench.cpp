// Album covers on one core: 200 random covers (the population tests/services/designer checks,
// from tests/services/designer/random_cover_specs.h), every genre in turn, drawn by the builtin
// designer one after another in this thread.
//
// - Cover time: CoverDesigner::Design, wall and this thread's CPU: the plan, the 1024 px picture,
//   the lettering under the contrast rule, the 1024 PNG and the 256 thumbnail. The aim is
//   under 200 ms for 1024 x 1024 on one core.
// - Preview time: the 128 px preview StreamCover sends first.
// - Contrast: the share of covers whose title AND artist measure at least 4.5:1 against the
//   pixels behind them (the designer's own measurement after drawing), and the lowest ratio seen.
//
// Prints a table per genre, writes <build>/bench/cover_bench.json (--benchmark_out=FILE).
// --covers=N draws N instead of 200 (at most 2000).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_stats.h"
#include "services/designer/core/cover_designer.h"
#include "services/designer/core/cover_random.h"
#include "tests/services/designer/random_cover_specs.h"

namespace {

using moodtape::bench::Mean;
using moodtape::bench::Percentile;

using moodtape::designer::AllCoverGenres;
using moodtape::designer::CoverDesigner;
using moodtape::designer::CoverGenre;
using moodtape::designer::CoverGenreId;
using moodtape::designer::CoverRandom;
using nlohmann::json;

constexpr double kMinContrast = 4.5;
constexpr double kAimMs = 200;

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Sample {
  std::vector<double> wall_ms, cpu_ms, preview_ms, png_kib;
  int covers = 0, passing = 0, failed = 0;
  double lowest_contrast = 1e9;

  void Add(const Sample& o) {
    wall_ms.insert(wall_ms.end(), o.wall_ms.begin(), o.wall_ms.end());
    cpu_ms.insert(cpu_ms.end(), o.cpu_ms.begin(), o.cpu_ms.end());
    preview_ms.insert(preview_ms.end(), o.preview_ms.begin(), o.preview_ms.end());
    png_kib.insert(png_kib.end(), o.png_kib.begin(), o.png_kib.end());
    covers += o.covers;
    passing += o.passing;
    failed += o.failed;
    lowest_contrast = std::min(lowest_contrast, o.lowest_contrast);
  }

  json ToJson() const {
    return {{"covers", covers},
            {"failed", failed},
            {"cover_wall_ms_mean", Mean(wall_ms)},
            {"cover_wall_ms_p50", Percentile(wall_ms, 0.5)},
            {"cover_wall_ms_p95", Percentile(wall_ms, 0.95)},
            {"cover_wall_ms_max", Percentile(wall_ms, 1.0)},
            {"cover_cpu_ms_mean", Mean(cpu_ms)},
            {"preview_ms_mean", Mean(preview_ms)},
            {"png_kib_mean", Mean(png_kib)},
            {"contrast_pass_share", covers ? static_cast<double>(passing) / covers : 0},
            {"contrast_lowest", lowest_contrast}};
  }
};

void PrintRow(const std::string& name, const Sample& s) {
  std::printf("%-12s %6d %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %7.0f %7.1f%% %6.2f\n", name.c_str(),
              s.covers, Mean(s.wall_ms), Percentile(s.wall_ms, 0.5), Percentile(s.wall_ms, 0.95),
              Percentile(s.wall_ms, 1.0), Mean(s.cpu_ms), Mean(s.preview_ms), Mean(s.png_kib),
              s.covers ? 100.0 * s.passing / s.covers : 0.0, s.lowest_contrast);
}

}  // namespace

int main(int argc, char** argv) {
  std::string out = std::string(MOODTAPE_BINARY_DIR) + "/bench/cover_bench.json";
  int count = 200;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--benchmark_out=")) {
      out = std::string(a.substr(16));
    } else if (a.starts_with("--covers=")) {
      count = std::clamp(std::atoi(std::string(a.substr(9)).c_str()), 1, 2000);
    } else if (!a.starts_with("--benchmark_")) {
      std::fprintf(stderr, "cover_bench: unknown argument %s\n", argv[i]);
    }
  }

  const CoverDesigner designer;
  CoverRandom random(20240601);
  std::map<std::string, Sample> by_genre;
  // One cover first, unmeasured: fontconfig's cache and Pango's font maps load on the first use.
  {
    auto spec = moodtape::designer::MakeCoverSpec("warm-up", "pop", "Warm Up", "Bench", 1);
    if (spec.ok()) (void)designer.Design(*spec);
  }
  for (int i = 0; i < count; ++i) {
    const CoverGenre genre = AllCoverGenres()[static_cast<size_t>(i) % AllCoverGenres().size()];
    const std::string description = moodtape::designer::RandomDescription(random);
    const std::string title = moodtape::designer::RandomName(random, 100);
    const std::string artist = moodtape::designer::RandomName(random, 60);
    const uint64_t seed = random.Next();
    Sample& s = by_genre[std::string(CoverGenreId(genre))];
    ++s.covers;
    auto spec =
        moodtape::designer::MakeCoverSpec(description, CoverGenreId(genre), title, artist, seed);
    if (!spec.ok()) {
      ++s.failed;
      std::fprintf(stderr, "spec refused: %s\n", spec.error().message.c_str());
      continue;
    }
    const double cpu0 = ThreadCpuMs();
    const auto t0 = std::chrono::steady_clock::now();
    auto cover = designer.Design(*spec);
    const auto t1 = std::chrono::steady_clock::now();
    const double cpu1 = ThreadCpuMs();
    const std::string preview = designer.Preview(*spec);
    const auto t2 = std::chrono::steady_clock::now();
    if (!cover.ok() || preview.empty()) {
      ++s.failed;
      continue;
    }
    s.wall_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    s.cpu_ms.push_back(cpu1 - cpu0);
    s.preview_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    s.png_kib.push_back(cover->png.size() / 1024.0);
    const double worst = std::min(cover->title_contrast, cover->artist_contrast);
    s.passing += worst >= kMinContrast ? 1 : 0;
    s.lowest_contrast = std::min(s.lowest_contrast, worst);
  }

  std::printf("Covers: %d random specs, 1024 px + 256 thumbnail, builtin designer, one thread\n",
              count);
  std::printf("%-12s %6s %8s %8s %8s %8s %8s %8s %7s %8s %6s\n", "genre", "covers", "mean ms",
              "p50 ms", "p95 ms", "max ms", "cpu ms", "prev ms", "PNG KiB", "contrast", "lowest");
  Sample all;
  json genres = json::object();
  for (const auto& [name, s] : by_genre) {
    PrintRow(name, s);
    genres[name] = s.ToJson();
    all.Add(s);
  }
  PrintRow("all", all);
  std::printf(
      "aim: < %.0f ms per 1024 px cover on one core -> p95 %.1f ms (%s); contrast >= %.1f:1 "
      "on %d of %d covers\n",
      kAimMs, Percentile(all.wall_ms, 0.95),
      Percentile(all.wall_ms, 0.95) < kAimMs ? "met" : "MISSED", kMinContrast, all.passing,
      all.covers);

  json report = {{"benchmark", "cover_bench"},
                 {"covers", count},
                 {"aim_ms", kAimMs},
                 {"all", all.ToJson()},
                 {"genres", genres}};
  std::ofstream(out) << report.dump(2) << "\n";
  std::printf("wrote %s\n", out.c_str());
  return all.failed == 0 ? 0 : 1;
}
