#include "services/emotion/core/labels.h"

#include <gtest/gtest.h>

namespace moodtape::emotion {
namespace {

TEST(LabelsTest, NamesRoundTripInAlphabeticalOrder) {
  const char* kNames[] = {"anger",     "boredom",  "empty", "enthusiasm", "fun",
                          "happiness", "hate",     "love",  "neutral",    "relief",
                          "sadness",   "surprise", "worry"};
  for (int i = 0; i < kNumEmotions; ++i) {
    const Emotion e = EmotionAt(i);
    EXPECT_EQ(EmotionName(e), kNames[i]);
    EXPECT_EQ(ParseEmotion(kNames[i]), e);
    EXPECT_EQ(EmotionIndex(e), i);
    EXPECT_EQ(AllEmotions()[static_cast<size_t>(i)], e);
  }
}

TEST(LabelsTest, NumbersMatchTheProtoEnum) {
  // moodtape.common.v1.Emotion: EMOTION_ANGER = 1 ... EMOTION_WORRY = 13.
  EXPECT_EQ(static_cast<int>(Emotion::kAnger), 1);
  EXPECT_EQ(static_cast<int>(Emotion::kNeutral), 9);
  EXPECT_EQ(static_cast<int>(Emotion::kWorry), 13);
}

TEST(LabelsTest, UnknownNamesAreRefused) {
  EXPECT_FALSE(ParseEmotion("Anger"));
  EXPECT_FALSE(ParseEmotion(""));
  EXPECT_FALSE(ParseEmotion("joy"));
}

TEST(LabelsTest, PointsAreTheSourceCoordinatesOverTen) {
  EXPECT_DOUBLE_EQ(EmotionPoint(Emotion::kAnger).valence, -1.0);
  EXPECT_DOUBLE_EQ(EmotionPoint(Emotion::kAnger).arousal, 0.9);
  EXPECT_DOUBLE_EQ(EmotionPoint(Emotion::kBoredom).valence, -0.3);
  EXPECT_DOUBLE_EQ(EmotionPoint(Emotion::kBoredom).arousal, -0.8);
  EXPECT_DOUBLE_EQ(EmotionPoint(Emotion::kNeutral).valence, 0.0);
  EXPECT_DOUBLE_EQ(EmotionPoint(Emotion::kRelief).arousal, -0.8);
  EXPECT_DOUBLE_EQ(EmotionPoint(Emotion::kWorry).valence, -0.1);
  EXPECT_DOUBLE_EQ(EmotionPoint(Emotion::kWorry).arousal, -0.7);
  for (Emotion e : AllEmotions()) {
    EXPECT_LE(std::abs(EmotionPoint(e).valence), 1.0);
    EXPECT_LE(std::abs(EmotionPoint(e).arousal), 1.0);
  }
}

TEST(LabelsTest, WeightedPointIsTheProbabilityWeightedMean) {
  Probabilities p{};
  p[static_cast<size_t>(EmotionIndex(Emotion::kHappiness))] = 0.5;
  p[static_cast<size_t>(EmotionIndex(Emotion::kSadness))] = 0.5;
  const MoodPoint m = WeightedEmotionPoint(p);
  EXPECT_NEAR(m.valence, 0.0, 1e-12);
  EXPECT_NEAR(m.arousal, 0.0, 1e-12);

  Probabilities one{};
  one[static_cast<size_t>(EmotionIndex(Emotion::kLove))] = 1.0;
  EXPECT_NEAR(WeightedEmotionPoint(one).valence, 0.9, 1e-12);
  EXPECT_NEAR(WeightedEmotionPoint(one).arousal, 0.5, 1e-12);

  Probabilities unnormalised{};
  unnormalised[static_cast<size_t>(EmotionIndex(Emotion::kFun))] = 2.0;
  EXPECT_NEAR(WeightedEmotionPoint(unnormalised).valence, 0.8, 1e-12);
}

TEST(LabelsTest, StartPointBlendsAndClamps) {
  const MoodPoint e{-0.8, 0.4}, t{-0.2, -0.6};
  const MoodPoint half = StartPoint(e, t, 0.5);
  EXPECT_NEAR(half.valence, -0.5, 1e-12);
  EXPECT_NEAR(half.arousal, -0.1, 1e-12);
  EXPECT_NEAR(StartPoint(e, t, 1.0).valence, -0.8, 1e-12);
  EXPECT_NEAR(StartPoint(e, t, 0.0).arousal, -0.6, 1e-12);
  EXPECT_NEAR(StartPoint(e, t, 7.0).valence, -0.8, 1e-12);  // weight clamped to [0, 1]
  EXPECT_DOUBLE_EQ(StartPoint({-1, 1}, {-3, 3}, 0.5).valence, -1.0);
  EXPECT_DOUBLE_EQ(StartPoint({-1, 1}, {-3, 3}, 0.5).arousal, 1.0);
}

TEST(LabelsTest, MostLikelyTakesTheFirstMaximum) {
  Probabilities p{};
  p[3] = 0.4;
  p[7] = 0.4;
  EXPECT_EQ(MostLikely(p), EmotionAt(3));
}

}  // namespace
}  // namespace moodtape::emotion
