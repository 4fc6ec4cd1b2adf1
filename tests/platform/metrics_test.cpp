#include "platform/observability/metrics.h"

#include <thread>

#include <gtest/gtest.h>

namespace moodtape::platform {
namespace {

TEST(MetricsTest, RendersCounterGaugeHistogram) {
  MetricsRegistry r;
  r.AddCounter("jobs_total", "Jobs.", {"type"}).WithLabels({"mood"}).Inc(3);
  r.AddGauge("queue_depth", "Depth.").WithLabels({}).Set(7.5);
  auto& h = r.AddHistogram("wait_seconds", "Wait.", {}, {0.1, 1}).WithLabels({});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string out = r.Render();
  EXPECT_NE(
      out.find("# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{type=\"mood\"} 3\n"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("# TYPE queue_depth gauge\nqueue_depth 7.5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("wait_seconds_bucket{le=\"0.10000000000000001\"} 1\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("wait_seconds_bucket{le=\"1\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("wait_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("wait_seconds_sum 5.5499999999999998\n"), std::string::npos) << out;
  EXPECT_NE(out.find("wait_seconds_count 3\n"), std::string::npos) << out;
}

TEST(MetricsTest, EscapesLabelValues) {
  MetricsRegistry r;
  r.AddCounter("x_total", "Has \\ and\nnewline.", {"path"}).WithLabels({"a\"b\\c\nd"}).Inc();
  std::string out = r.Render();
  EXPECT_NE(out.find("# HELP x_total Has \\\\ and\\nnewline."), std::string::npos) << out;
  EXPECT_NE(out.find("x_total{path=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos) << out;
}

TEST(MetricsTest, RejectsBadNamesAndShapeMismatch) {
  MetricsRegistry r;
  EXPECT_THROW(r.AddCounter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(r.AddCounter("ok_total", "x", {"__reserved"}), std::invalid_argument);
  auto& a = r.AddCounter("same_total", "x", {"l"});
  auto& b = r.AddCounter("same_total", "x", {"l"});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(r.AddGauge("same_total", "x", {"l"}), std::invalid_argument);
  EXPECT_THROW(a.WithLabels({"1", "2"}), std::invalid_argument);
}

TEST(MetricsTest, CounterNeverGoesDown) {
  MetricsRegistry r;
  auto& c = r.AddCounter("c_total", "c").WithLabels({});
  c.Inc(2);
  c.Inc(-5);
  EXPECT_EQ(c.Value(), 2);
}

TEST(MetricsTest, ConcurrentUpdatesAreNotLost) {
  MetricsRegistry r;
  auto& fam = r.AddCounter("n_total", "n", {"t"});
  auto& h = r.AddHistogram("h_seconds", "h").WithLabels({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        fam.WithLabels({t % 2 ? "odd" : "even"}).Inc();
        h.Observe(0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fam.WithLabels({"odd"}).Value() + fam.WithLabels({"even"}).Value(), 40000);
  EXPECT_EQ(h.Count(), 40000u);
}

}  // namespace
}  // namespace moodtape::platform
