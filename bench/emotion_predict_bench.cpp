// In-process emotion prediction on one thread: per-text latency (p50/p90/p99) over the
// text_emotion dev texts and throughput, for the newest model under models/ (or --model DIR).
// Prints a table and writes <build>/bench/emotion_predict.json; Google Benchmark then runs
// BM_EmotionPredict for its own report (make bench passes --benchmark_out).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_stats.h"
#include "services/emotion/core/dataset.h"
#include "services/emotion/core/trained_model.h"
#include "services/emotion/core/trainer.h"

namespace {

using moodtape::bench::Percentile;

using moodtape::emotion::TrainedEmotionModel;

std::unique_ptr<TrainedEmotionModel> g_model;
std::vector<std::string> g_texts;

std::unique_ptr<TrainedEmotionModel> LoadOrTrain(const std::string& where) {
  auto model =
      std::filesystem::exists(where + "/model_card.json")
          ? TrainedEmotionModel::Load(where)
          : moodtape::emotion::LoadNewestOrTrain(where, std::string(MOODTAPE_SOURCE_DIR) + "/data");
  if (!model) {
    std::fprintf(stderr, "bench: %s\n", model.error().message.c_str());
    std::exit(1);
  }
  return std::move(*model);
}

void BM_EmotionPredict(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    auto p = g_model->Predict(g_texts[i++ % g_texts.size()]);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EmotionPredict)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  std::string where = std::string(MOODTAPE_SOURCE_DIR) + "/models";
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) {
      where = argv[++i];
    } else if (a.rfind("--model=", 0) == 0) {
      where = a.substr(8);
    } else {
      rest.push_back(argv[i]);
    }
  }
  g_model = LoadOrTrain(where);
  if (auto dev = moodtape::emotion::ReadTextEmotionCsv(std::string(MOODTAPE_SOURCE_DIR) +
                                                       "/data/text_emotion/dev.csv")) {
    for (auto& ex : *dev) g_texts.push_back(std::move(ex.text));
  }
  if (g_texts.empty()) g_texts = {"i can't stop crying, everything is grey", "so happy today!!"};

  // Warm up, then time each call: two passes over the dev texts.
  for (size_t i = 0; i < std::min<size_t>(200, g_texts.size()); ++i)
    (void)g_model->Predict(g_texts[i]);
  std::vector<double> micros;
  const auto start = std::chrono::steady_clock::now();
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& t : g_texts) {
      const auto t0 = std::chrono::steady_clock::now();
      auto p = g_model->Predict(t);
      benchmark::DoNotOptimize(p);
      micros.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double p50 = Percentile(micros, 0.50), p90 = Percentile(micros, 0.90);
  const double p99 = Percentile(micros, 0.99), max = Percentile(micros, 1.0);
  const double throughput = static_cast<double>(micros.size()) / seconds;

  std::printf("emotion predict, in process, 1 thread, model %s (ensemble of %d)\n",
              g_model->Version().c_str(), g_model->card().classifier.ensemble);
  std::printf("%-10s %10s %10s %10s %10s %14s\n", "texts", "p50 us", "p90 us", "p99 us", "max us",
              "texts/s");
  std::printf("%-10zu %10.1f %10.1f %10.1f %10.1f %14.0f\n\n", micros.size(), p50, p90, p99, max,
              throughput);

  const std::string out_dir = std::string(MOODTAPE_BINARY_DIR) + "/bench";
  std::filesystem::create_directories(out_dir);
  const nlohmann::json j = {
      {"benchmark", "emotion_predict"},
      {"model_version", g_model->Version()},
      {"threads", 1},
      {"texts", micros.size()},
      {"latency_us", {{"p50", p50}, {"p90", p90}, {"p99", p99}, {"max", max}}},
      {"throughput_per_s", throughput}};
  std::ofstream(out_dir + "/emotion_predict.json") << j.dump(2) << "\n";
  std::printf("wrote %s/emotion_predict.json\n\n", out_dir.c_str());

  int bargc = static_cast<int>(rest.size());
  benchmark::Initialize(&bargc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
