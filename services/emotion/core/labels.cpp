#include "services/emotion/core/labels.h"

#include <algorithm>

namespace moodtape::emotion {
namespace {

struct LabelRow {
  Emotion emotion;
  std::string_view name;
  MoodPoint point;  // source coordinates / 10
};

// From the source project (sentiment-playlist-generator-extension), scale -10..10.
constexpr std::array<LabelRow, kNumEmotions> kTable = {{
    {Emotion::kAnger, "anger", {-1.0, 0.9}},
    {Emotion::kBoredom, "boredom", {-0.3, -0.8}},
    {Emotion::kEmpty, "empty", {-0.5, -0.4}},
    {Emotion::kEnthusiasm, "enthusiasm", {0.6, 0.7}},
    {Emotion::kFun, "fun", {0.8, 0.8}},
    {Emotion::kHappiness, "happiness", {1.0, 0.9}},
    {Emotion::kHate, "hate", {-0.8, 0.7}},
    {Emotion::kLove, "love", {0.9, 0.5}},
    {Emotion::kNeutral, "neutral", {0.0, 0.0}},
    {Emotion::kRelief, "relief", {0.8, -0.8}},
    {Emotion::kSadness, "sadness", {-1.0, -0.9}},
    {Emotion::kSurprise, "surprise", {0.2, 0.8}},
    {Emotion::kWorry, "worry", {-0.1, -0.7}},
}};

const LabelRow& Row(Emotion e) { return kTable[static_cast<size_t>(EmotionIndex(e))]; }

}  // namespace

std::string_view EmotionName(Emotion e) { return Row(e).name; }

std::string_view EmotionNameForValue(int value) {
  if (value < 1 || value > kNumEmotions) return "";
  return EmotionName(EmotionAt(value - 1));
}

std::optional<Emotion> ParseEmotion(std::string_view name) {
  for (const auto& row : kTable) {
    if (row.name == name) return row.emotion;
  }
  return std::nullopt;
}

const std::array<Emotion, kNumEmotions>& AllEmotions() {
  static const std::array<Emotion, kNumEmotions> all = [] {
    std::array<Emotion, kNumEmotions> a{};
    for (int i = 0; i < kNumEmotions; ++i) a[static_cast<size_t>(i)] = EmotionAt(i);
    return a;
  }();
  return all;
}

MoodPoint EmotionPoint(Emotion e) { return Row(e).point; }

MoodPoint WeightedEmotionPoint(const Probabilities& probabilities) {
  MoodPoint p;
  double total = 0.0;
  for (int i = 0; i < kNumEmotions; ++i) {
    const double w = probabilities[static_cast<size_t>(i)];
    p.valence += w * kTable[static_cast<size_t>(i)].point.valence;
    p.arousal += w * kTable[static_cast<size_t>(i)].point.arousal;
    total += w;
  }
  // Probabilities should sum to 1; normalise anyway so a rounding drift cannot leave the plane.
  if (total > 0.0) {
    p.valence /= total;
    p.arousal /= total;
  }
  return p;
}

MoodPoint StartPoint(const MoodPoint& emotion_point, const MoodPoint& text_point,
                     double emotion_weight) {
  const double w = std::clamp(emotion_weight, 0.0, 1.0);
  MoodPoint p;
  p.valence = std::clamp(w * emotion_point.valence + (1.0 - w) * text_point.valence, -1.0, 1.0);
  p.arousal = std::clamp(w * emotion_point.arousal + (1.0 - w) * text_point.arousal, -1.0, 1.0);
  return p;
}

Emotion MostLikely(const Probabilities& probabilities) {
  const auto it = std::max_element(probabilities.begin(), probabilities.end());
  return EmotionAt(static_cast<int>(it - probabilities.begin()));
}

}  // namespace moodtape::emotion
