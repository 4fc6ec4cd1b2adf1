#include "services/emotion/core/evaluation.h"

#include <cmath>
#include <cstdio>

namespace moodtape::emotion {

ClassificationReport EvaluateClassification(const std::vector<Emotion>& truth,
                                            const std::vector<Emotion>& predicted) {
  ClassificationReport r;
  const size_t n = std::min(truth.size(), predicted.size());
  r.total = static_cast<int>(n);
  int correct = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto t = static_cast<size_t>(EmotionIndex(truth[i]));
    const auto p = static_cast<size_t>(EmotionIndex(predicted[i]));
    ++r.confusion[t][p];
    ++r.per_class[t].support;
    ++r.per_class[p].predicted;
    if (t == p) ++correct;
  }
  r.accuracy = n == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(n);
  double f1_sum = 0.0;
  for (size_t c = 0; c < kNumEmotions; ++c) {
    auto& s = r.per_class[c];
    const double tp = r.confusion[c][c];
    s.precision = s.predicted == 0 ? 0.0 : tp / s.predicted;
    s.recall = s.support == 0 ? 0.0 : tp / s.support;
    s.f1 = (s.precision + s.recall) == 0.0
               ? 0.0
               : 2.0 * s.precision * s.recall / (s.precision + s.recall);
    f1_sum += s.f1;
  }
  r.macro_f1 = f1_sum / kNumEmotions;
  return r;
}

double PearsonR(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return 0.0;
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
  }
  if (sxx <= 0 || syy <= 0) return 0.0;
  return sxy / std::sqrt(sxx * syy);
}

std::string FormatClassificationReport(const ClassificationReport& r) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-11s %9s %9s %9s %8s %9s\n", "label", "precision", "recall",
                "f1", "support", "predicted");
  out += buf;
  for (int c = 0; c < kNumEmotions; ++c) {
    const auto& s = r.per_class[static_cast<size_t>(c)];
    std::snprintf(buf, sizeof buf, "%-11s %9.3f %9.3f %9.3f %8d %9d\n",
                  std::string(EmotionName(EmotionAt(c))).c_str(), s.precision, s.recall, s.f1,
                  s.support, s.predicted);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "\naccuracy %.4f   macro-F1 %.4f   (%d examples)\n\n", r.accuracy,
                r.macro_f1, r.total);
  out += buf;
  out += "confusion matrix (rows: true, columns: predicted)\n           ";
  for (int c = 0; c < kNumEmotions; ++c) {
    std::snprintf(buf, sizeof buf, " %5.5s", std::string(EmotionName(EmotionAt(c))).c_str());
    out += buf;
  }
  out += "\n";
  for (int t = 0; t < kNumEmotions; ++t) {
    std::snprintf(buf, sizeof buf, "%-11s", std::string(EmotionName(EmotionAt(t))).c_str());
    out += buf;
    for (int p = 0; p < kNumEmotions; ++p) {
      std::snprintf(buf, sizeof buf, " %5d",
                    r.confusion[static_cast<size_t>(t)][static_cast<size_t>(p)]);
      out += buf;
    }
    out += "\n";
  }
  return out;
}

nlohmann::json ClassificationReportToJson(const ClassificationReport& r, bool with_confusion) {
  nlohmann::json j;
  j["examples"] = r.total;
  j["accuracy"] = r.accuracy;
  j["macro_f1"] = r.macro_f1;
  nlohmann::json per = nlohmann::json::object();
  for (int c = 0; c < kNumEmotions; ++c) {
    const auto& s = r.per_class[static_cast<size_t>(c)];
    per[std::string(EmotionName(EmotionAt(c)))] = {
        {"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}, {"support", s.support}};
  }
  j["per_class"] = per;
  if (with_confusion) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : r.confusion) rows.push_back(row);
    j["confusion"] = rows;
    nlohmann::json order = nlohmann::json::array();
    for (Emotion e : AllEmotions()) order.push_back(std::string(EmotionName(e)));
    j["confusion_labels"] = order;
  }
  return j;
}

}  // namespace moodtape::emotion
