// Prometheus metrics: counters, gauges and histograms with labels, rendered in the text
// exposition format (version 0.0.4) that `promtool check metrics` accepts.
//
// Hot paths look a child up once (Family::WithLabels) and keep the reference: updates are then
// lock-free atomics. Children live as long as the registry.
#pragma once

#include <atomic>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace moodtape::platform {

class Counter {
 public:
  void Inc(double amount = 1.0);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Inc(double amount = 1.0);
  void Dec(double amount = 1.0) { Inc(-amount); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>* bounds);
  void Observe(double value);
  // Cumulative counts per bound (the +Inf bucket is Count()).
  std::vector<uint64_t> CumulativeCounts() const;
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& Bounds() const { return *bounds_; }

 private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Default buckets for request durations in seconds: 0.5 ms .. 30 s.
const std::vector<double>& DefaultLatencyBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

class MetricFamilyBase {
 public:
  MetricFamilyBase(std::string name, std::string help, std::vector<std::string> label_names,
                   MetricType type);
  virtual ~MetricFamilyBase() = default;
  const std::string& Name() const { return name_; }
  void Render(std::string* out) const;

 protected:
  using LabelValues = std::vector<std::string>;
  virtual void RenderChildren(std::string* out) const = 0;
  std::string LabelText(const LabelValues& values, std::string_view extra_name = {},
                        std::string_view extra_value = {}) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const MetricType type_;
};

template <typename Metric>
class Family final : public MetricFamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names, MetricType type,
         std::vector<double> bounds = {})
      : MetricFamilyBase(std::move(name), std::move(help), std::move(label_names), type),
        bounds_(std::move(bounds)) {}

  // Returns the child for these label values (in the order of the label names), creating it on
  // first use. The number of values must match the number of label names.
  Metric& WithLabels(const std::vector<std::string>& values);
  Metric& WithLabels(std::initializer_list<std::string_view> values) {
    return WithLabels(std::vector<std::string>(values.begin(), values.end()));
  }

 protected:
  void RenderChildren(std::string* out) const override;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<Metric>> children_;
};

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registering a name twice returns the existing family when the type and labels match, so two
  // components may share a family; a mismatch is a programming error and throws.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names = {},
                                  std::vector<double> bounds = DefaultLatencyBuckets());

  // The whole registry in the Prometheus text format.
  std::string Render() const;

 private:
  template <typename Metric>
  Family<Metric>& Add(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names, MetricType type,
                      std::vector<double> bounds);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamilyBase>> families_;
  std::map<std::string, std::pair<MetricType, std::vector<std::string>>> shapes_;
};

// Content type of Render()'s output.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace moodtape::platform
