#include "services/emotion/core/evaluation.h"

#include <gtest/gtest.h>

namespace moodtape::emotion {
namespace {

TEST(EvaluationTest, AccuracyMacroF1AndConfusion) {
  const std::vector<Emotion> truth = {Emotion::kFun, Emotion::kFun, Emotion::kWorry,
                                      Emotion::kWorry};
  const std::vector<Emotion> pred = {Emotion::kFun, Emotion::kWorry, Emotion::kWorry,
                                     Emotion::kWorry};
  const auto r = EvaluateClassification(truth, pred);
  EXPECT_EQ(r.total, 4);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.75);
  const auto& fun = r.per_class[static_cast<size_t>(EmotionIndex(Emotion::kFun))];
  const auto& worry = r.per_class[static_cast<size_t>(EmotionIndex(Emotion::kWorry))];
  EXPECT_DOUBLE_EQ(fun.precision, 1.0);
  EXPECT_DOUBLE_EQ(fun.recall, 0.5);
  EXPECT_NEAR(fun.f1, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(worry.precision, 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(worry.recall, 1.0);
  EXPECT_NEAR(worry.f1, 0.8, 1e-12);
  // Macro-F1 averages over all 13 labels; the 11 absent ones score 0.
  EXPECT_NEAR(r.macro_f1, (2.0 / 3.0 + 0.8) / 13.0, 1e-12);
  EXPECT_EQ(r.confusion[static_cast<size_t>(EmotionIndex(Emotion::kFun))]
                       [static_cast<size_t>(EmotionIndex(Emotion::kWorry))],
            1);
  const std::string table = FormatClassificationReport(r);
  EXPECT_NE(table.find("accuracy 0.7500"), std::string::npos);
  const auto j = ClassificationReportToJson(r, true);
  EXPECT_EQ(j["per_class"]["fun"]["support"], 2);
  EXPECT_EQ(j["confusion"].size(), 13u);
}

TEST(EvaluationTest, PearsonR) {
  EXPECT_NEAR(PearsonR({1, 2, 3}, {2, 4, 6}), 1.0, 1e-12);
  EXPECT_NEAR(PearsonR({1, 2, 3}, {3, 2, 1}), -1.0, 1e-12);
  EXPECT_DOUBLE_EQ(PearsonR({1, 1, 1}, {1, 2, 3}), 0.0);
  EXPECT_DOUBLE_EQ(PearsonR({1}, {1}), 0.0);
  EXPECT_DOUBLE_EQ(PearsonR({1, 2}, {1, 2, 3}), 0.0);
}

}  // namespace
}  // namespace moodtape::emotion
