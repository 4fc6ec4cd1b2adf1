// Emotion over gRPC: loopback, mutual TLS and every interceptor on, as in production. Measures,
// side by side in one run on the same model and texts:
//   in-process Predict (the floor), unary Predict sequential (latency) and with 8 concurrent
//   callers (throughput), one bidirectional PredictStream (per-message latency), and
//   PredictBatch (texts/s).
// Prints a table and writes <build>/bench/emotion_grpc.json. Every loop is bounded in count and
// time. Google Benchmark flags passed by `make bench` are accepted and ignored.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "bench/bench_stats.h"
#include "platform/base/log.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "services/emotion/core/dataset.h"
#include "services/emotion/core/trainer.h"
#include "services/emotion/emotion_service.h"
#include "tests/support/test_support.h"

namespace {

using moodtape::bench::Percentile;

using namespace moodtape;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kSequentialCalls = 3000;
constexpr int kConcurrentCallers = 8;
constexpr int kCallsPerCaller = 500;
constexpr int kStreamMessages = 3000;
constexpr int kBatchTexts = 1000;
constexpr auto kTimeBudget = 60s;  // per scenario

struct Stats {
  std::string name;
  int n = 0;
  double seconds = 0;
  double p50_us = 0, p99_us = 0;
  double rate() const { return seconds > 0 ? n / seconds : 0; }
};

Stats Summarise(std::string name, const std::vector<double>& lat_us, double seconds) {
  return Stats{std::move(name), static_cast<int>(lat_us.size()), seconds, Percentile(lat_us, 0.5),
               Percentile(lat_us, 0.99)};
}

double Micros(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

}  // namespace

int main() {
  platform::InitLogging("emotion-bench", platform::LogLevel::kError);
  const std::string src = MOODTAPE_SOURCE_DIR;
  const std::string out_dir = std::string(MOODTAPE_BINARY_DIR) + "/bench";

  auto loaded = emotion::LoadNewestOrTrain(src + "/models", src + "/data");
  if (!loaded.ok()) {
    std::fprintf(stderr, "bench: %s\n", loaded.error().message.c_str());
    return 1;
  }
  emotion::ServedModel served;
  served.card = emotion::ModelCardToJson((*loaded)->card());
  served.model = std::shared_ptr<const emotion::EmotionModel>(std::move(loaded).value());
  auto dev = emotion::ReadTextEmotionCsv(src + "/data/text_emotion/dev.csv");
  if (!dev.ok() || dev->empty()) {
    std::fprintf(stderr, "bench: cannot read data/text_emotion/dev.csv\n");
    return 1;
  }
  std::vector<std::string> texts;
  for (const auto& row : *dev) texts.push_back(row.text);

  testing::TempDir certs;
  if (testing::RunCommand({src + "/scripts/dev_certs.sh", certs.path(), "emotion", "gateway"}) !=
      0) {
    std::fprintf(stderr, "bench: dev_certs.sh failed\n");
    return 1;
  }
  auto tls = [&](const std::string& n) {
    return platform::TlsSettings{true, certs.File("ca.crt"), certs.File(n + ".crt"),
                                 certs.File(n + ".key")};
  };

  emotion::ModelHolder holder(served);
  emotion::EmotionServiceV2 v2(holder, 100000);
  platform::MetricsRegistry metrics;
  platform::GrpcServerOptions so;
  so.service_name = "emotion";
  so.address = "127.0.0.1:0";
  so.tls = tls("emotion");
  so.access = emotion::EmotionAccessPolicy();
  platform::GrpcServer server(so, metrics, nullptr);
  server.AddService(&v2);
  server.Start();
  platform::ChannelOptions co;
  co.tls = tls("gateway");
  auto channel = platform::ChannelFactory(co, metrics)
                     .Create("127.0.0.1:" + std::to_string(server.port()), "emotion");
  auto stub = emotion::v2::EmotionService::NewStub(channel);

  std::vector<Stats> results;

  {  // in-process floor
    std::vector<double> lat;
    auto t0 = Clock::now();
    for (int i = 0; i < kSequentialCalls && Clock::now() - t0 < kTimeBudget; ++i) {
      auto a = Clock::now();
      auto p = served.model->Predict(texts[i % texts.size()]);
      lat.push_back(Micros(a, Clock::now()));
    }
    results.push_back(Summarise("in-process Predict", lat,
                                std::chrono::duration<double>(Clock::now() - t0).count()));
  }
  auto unary = [&](const std::string& text) {
    auto ctx = platform::NewClientContext(5s);
    emotion::v2::PredictRequest req;
    req.set_text(text);
    emotion::v2::PredictResponse res;
    return stub->Predict(ctx.get(), req, &res).ok();
  };
  for (int i = 0; i < 100; ++i) unary(texts[i]);  // warm up the connection
  {                                               // unary, one caller
    std::vector<double> lat;
    int failed = 0;
    auto t0 = Clock::now();
    for (int i = 0; i < kSequentialCalls && Clock::now() - t0 < kTimeBudget; ++i) {
      auto a = Clock::now();
      if (!unary(texts[i % texts.size()])) ++failed;
      lat.push_back(Micros(a, Clock::now()));
    }
    if (failed) std::fprintf(stderr, "bench: %d unary calls failed\n", failed);
    results.push_back(Summarise("gRPC unary, 1 caller", lat,
                                std::chrono::duration<double>(Clock::now() - t0).count()));
  }
  {  // unary, concurrent callers sharing the channel
    std::vector<std::vector<double>> per(kConcurrentCallers);
    std::atomic<int> failed{0};
    auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kConcurrentCallers; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kCallsPerCaller && Clock::now() - t0 < kTimeBudget; ++i) {
          auto a = Clock::now();
          if (!unary(texts[(t * kCallsPerCaller + i) % texts.size()])) ++failed;
          per[t].push_back(Micros(a, Clock::now()));
        }
      });
    }
    for (auto& th : threads) th.join();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<double> lat;
    for (auto& v : per) lat.insert(lat.end(), v.begin(), v.end());
    if (failed) std::fprintf(stderr, "bench: %d concurrent calls failed\n", failed.load());
    results.push_back(Summarise("gRPC unary, 8 callers", lat, secs));
  }
  {  // one bidirectional stream: write a text, read its answer
    auto ctx = platform::NewClientContext(120s);
    auto stream = stub->PredictStream(ctx.get());
    std::vector<double> lat;
    auto t0 = Clock::now();
    for (int i = 0; i < kStreamMessages && Clock::now() - t0 < kTimeBudget; ++i) {
      emotion::v2::PredictStreamRequest in;
      in.set_text(texts[i % texts.size()]);
      in.set_sequence(i);
      auto a = Clock::now();
      emotion::v2::PredictStreamResponse out;
      if (!stream->Write(in) || !stream->Read(&out)) break;
      lat.push_back(Micros(a, Clock::now()));
    }
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    stream->WritesDone();
    stream->Finish();
    results.push_back(Summarise("gRPC PredictStream (bidi), per message", lat, secs));
  }
  {  // client streaming: one batch
    auto ctx = platform::NewClientContext(120s);
    emotion::v2::PredictBatchResponse res;
    auto t0 = Clock::now();
    auto writer = stub->PredictBatch(ctx.get(), &res);
    for (int i = 0; i < kBatchTexts; ++i) {
      emotion::v2::PredictBatchRequest r;
      r.set_text(texts[i % texts.size()]);
      if (!writer->Write(r)) break;
    }
    writer->WritesDone();
    bool ok = writer->Finish().ok();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    Stats s{"gRPC PredictBatch (client stream), texts", ok ? res.count() : 0, secs, 0, 0};
    results.push_back(s);
  }
  server.Shutdown(1s);

  std::printf("\nemotion over gRPC (loopback, mTLS, all interceptors) — model %s\n",
              served.model->Version().c_str());
  std::printf("%-44s %8s %12s %10s %10s\n", "scenario", "n", "per second", "p50 us", "p99 us");
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& s : results) {
    std::printf("%-44s %8d %12.0f %10.1f %10.1f\n", s.name.c_str(), s.n, s.rate(), s.p50_us,
                s.p99_us);
    rows.push_back({{"scenario", s.name},
                    {"n", s.n},
                    {"seconds", s.seconds},
                    {"per_second", s.rate()},
                    {"p50_us", s.p50_us},
                    {"p99_us", s.p99_us}});
  }
  std::filesystem::create_directories(out_dir);
  std::ofstream(out_dir + "/emotion_grpc.json")
      << nlohmann::json{{"model_version", served.model->Version()}, {"results", rows}}.dump(2)
      << "\n";
  std::printf("wrote %s/emotion_grpc.json\n", out_dir.c_str());
  return 0;
}
