// The 13 emotions, their names and their points in the valence/arousal (mood) plane, and the
// start point of a mood walk. No model, no I/O: the table and the arithmetic only.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace moodtape::emotion {

// Numbered like moodtape.common.v1.Emotion (1..13, alphabetical) so the gRPC adapter converts
// with a cast; the core itself does not see the proto.
enum class Emotion : int {
  kAnger = 1,
  kBoredom,
  kEmpty,
  kEnthusiasm,
  kFun,
  kHappiness,
  kHate,
  kLove,
  kNeutral,
  kRelief,
  kSadness,
  kSurprise,
  kWorry,
};

inline constexpr int kNumEmotions = 13;

// One probability per emotion, indexed by EmotionIndex(); sums to 1.
using Probabilities = std::array<double, kNumEmotions>;

// 0-based position of an emotion in every per-label array (the alphabetical order).
constexpr int EmotionIndex(Emotion e) { return static_cast<int>(e) - 1; }
constexpr Emotion EmotionAt(int index) { return static_cast<Emotion>(index + 1); }

// Lower-case name as used in the data sets and in JSON ("anger" ... "worry").
std::string_view EmotionName(Emotion e);
// The name of a moodtape.common.v1.Emotion number (1..13); "" for 0 (unspecified) and unknown
// numbers.
std::string_view EmotionNameForValue(int value);
// Exact lower-case name -> emotion; nullopt for anything else.
std::optional<Emotion> ParseEmotion(std::string_view name);
// All 13 in index order.
const std::array<Emotion, kNumEmotions>& AllEmotions();

// A point in the mood plane, both axes in [-1, 1].
struct MoodPoint {
  double valence = 0.0;
  double arousal = 0.0;
};

// The source project's coordinates (on -10..10) divided by 10. Unchanged from the source:
// no point has been moved (see services/emotion/README.md before changing one).
MoodPoint EmotionPoint(Emotion e);

// Probability-weighted mean of the 13 emotion points.
MoodPoint WeightedEmotionPoint(const Probabilities& probabilities);

// The start point of a mood walk: a blend of where the predicted emotions sit in the table
// (`emotion_point`) and the text's own valence/arousal estimate (`text_point`, the EmoBank
// regressor, already rescaled to the table's spread):
//   start = w * emotion_point + (1 - w) * text_point, clamped to [-1, 1] on each axis.
// `emotion_weight` (w) is chosen on the dev sets at training time and stored in the model card.
MoodPoint StartPoint(const MoodPoint& emotion_point, const MoodPoint& text_point,
                     double emotion_weight);

// Index of the largest probability (the first one on ties).
Emotion MostLikely(const Probabilities& probabilities);

}  // namespace moodtape::emotion
