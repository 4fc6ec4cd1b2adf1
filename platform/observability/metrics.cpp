#include "platform/observability/metrics.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace moodtape::platform {
namespace {

void AtomicAdd(std::atomic<double>& target, double amount) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + amount, std::memory_order_relaxed)) {
  }
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.0f", v);
    return buf;
  }
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

// Label values escape backslash, double quote and newline; HELP escapes backslash and newline.
std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

bool ValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void Counter::Inc(double amount) {
  if (amount < 0) return;  // counters only go up; a negative increment is a caller bug
  AtomicAdd(value_, amount);
}

void Gauge::Inc(double amount) { AtomicAdd(value_, amount); }

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds->size()]) {
  for (size_t i = 0; i < bounds_->size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  for (size_t i = 0; i < bounds_->size(); ++i) {
    if (value <= (*bounds_)[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_->size());
  uint64_t running = 0;
  for (size_t i = 0; i < bounds_->size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

const std::vector<double>& DefaultLatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                               0.25,   0.5,   1,      2.5,   5,    10,    30};
  return kBuckets;
}

MetricFamilyBase::MetricFamilyBase(std::string name, std::string help,
                                   std::vector<std::string> label_names, MetricType type)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      type_(type) {}

std::string MetricFamilyBase::LabelText(const LabelValues& values, std::string_view extra_name,
                                        std::string_view extra_value) const {
  if (values.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += label_names_[i];
    out += "=\"";
    out += EscapeLabelValue(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!values.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
  return out;
}

void MetricFamilyBase::Render(std::string* out) const {
  static const char* kTypeNames[] = {"counter", "gauge", "histogram"};
  *out += "# HELP " + name_ + " " + EscapeHelp(help_) + "\n";
  *out += "# TYPE " + name_ + " " + kTypeNames[static_cast<int>(type_)] + "\n";
  RenderChildren(out);
}

template <typename Metric>
Metric& Family<Metric>::WithLabels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + " expects " +
                                std::to_string(label_names_.size()) + " label values");
  }
  std::lock_guard lock(mu_);
  auto it = children_.find(values);
  if (it != children_.end()) return *it->second;
  std::unique_ptr<Metric> child;
  if constexpr (std::is_same_v<Metric, Histogram>) {
    child = std::make_unique<Histogram>(&bounds_);
  } else {
    child = std::make_unique<Metric>();
  }
  return *children_.emplace(values, std::move(child)).first->second;
}

template <>
void Family<Counter>::RenderChildren(std::string* out) const {
  std::lock_guard lock(mu_);
  for (const auto& [labels, c] : children_) {
    *out += name_ + LabelText(labels) + " " + FormatValue(c->Value()) + "\n";
  }
}

template <>
void Family<Gauge>::RenderChildren(std::string* out) const {
  std::lock_guard lock(mu_);
  for (const auto& [labels, g] : children_) {
    *out += name_ + LabelText(labels) + " " + FormatValue(g->Value()) + "\n";
  }
}

template <>
void Family<Histogram>::RenderChildren(std::string* out) const {
  std::lock_guard lock(mu_);
  for (const auto& [labels, h] : children_) {
    // Read count first: observations racing with a scrape then never make +Inf < a bucket.
    uint64_t count = h->Count();
    auto cumulative = h->CumulativeCounts();
    for (size_t i = 0; i < cumulative.size(); ++i) {
      *out += name_ + "_bucket" + LabelText(labels, "le", FormatValue(bounds_[i])) + " " +
              FormatValue(static_cast<double>(std::min(cumulative[i], count))) + "\n";
    }
    uint64_t total = std::max(count, cumulative.empty() ? 0 : cumulative.back());
    *out += name_ + "_bucket" + LabelText(labels, "le", "+Inf") + " " +
            FormatValue(static_cast<double>(total)) + "\n";
    *out += name_ + "_sum" + LabelText(labels) + " " + FormatValue(h->Sum()) + "\n";
    *out +=
        name_ + "_count" + LabelText(labels) + " " + FormatValue(static_cast<double>(total)) + "\n";
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename Metric>
Family<Metric>& MetricsRegistry::Add(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names, MetricType type,
                                     std::vector<double> bounds) {
  if (!ValidMetricName(name)) throw std::invalid_argument("invalid metric name: " + name);
  for (const auto& l : label_names) {
    if (!ValidMetricName(l) || l.find(':') != std::string::npos || l.rfind("__", 0) == 0) {
      throw std::invalid_argument("invalid label name '" + l + "' on metric " + name);
    }
  }
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    const auto& shape = shapes_.at(name);
    if (shape.first != type || shape.second != label_names) {
      throw std::invalid_argument("metric " + name + " registered twice with different shapes");
    }
    return static_cast<Family<Metric>&>(*it->second);
  }
  shapes_[name] = {type, label_names};
  auto family =
      std::make_unique<Family<Metric>>(name, help, std::move(label_names), type, std::move(bounds));
  auto& ref = *family;
  families_.emplace(name, std::move(family));
  return ref;
}

Family<Counter>& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                             std::vector<std::string> label_names) {
  return Add<Counter>(name, help, std::move(label_names), MetricType::kCounter, {});
}

Family<Gauge>& MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                         std::vector<std::string> label_names) {
  return Add<Gauge>(name, help, std::move(label_names), MetricType::kGauge, {});
}

Family<Histogram>& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                                 std::vector<std::string> label_names,
                                                 std::vector<double> bounds) {
  return Add<Histogram>(name, help, std::move(label_names), MetricType::kHistogram,
                        std::move(bounds));
}

std::string MetricsRegistry::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) family->Render(&out);
  return out;
}

}  // namespace moodtape::platform
