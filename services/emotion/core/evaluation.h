// Scores for the classifier (accuracy, macro-F1, per-class precision/recall/F1, confusion
// matrix) and the valence/arousal regressor (Pearson r). Pure arithmetic.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/emotion/core/labels.h"

namespace moodtape::emotion {

struct ClassScores {
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  int support = 0;    // true examples of the class
  int predicted = 0;  // examples predicted as the class
};

struct ClassificationReport {
  int total = 0;
  double accuracy = 0.0;
  // Unweighted mean of the 13 per-class F1 scores (a class never predicted scores 0).
  double macro_f1 = 0.0;
  std::array<ClassScores, kNumEmotions> per_class{};
  // confusion[true][predicted], indexed by EmotionIndex().
  std::array<std::array<int, kNumEmotions>, kNumEmotions> confusion{};
};

ClassificationReport EvaluateClassification(const std::vector<Emotion>& truth,
                                            const std::vector<Emotion>& predicted);

// Pearson correlation; 0 when either side has no variance or the sizes differ/are < 2.
double PearsonR(const std::vector<double>& x, const std::vector<double>& y);

// Human-readable table (per-class P/R/F1/support, totals, confusion matrix).
std::string FormatClassificationReport(const ClassificationReport& report);

nlohmann::json ClassificationReportToJson(const ClassificationReport& report, bool with_confusion);

}  // namespace moodtape::emotion
