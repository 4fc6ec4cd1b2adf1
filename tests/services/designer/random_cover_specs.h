// Random cover inputs as people write them: descriptions of colour, mood and scene words with
// filler between (Polish ones too), titles and artists from one letter to a hundred characters.
// Shared by the cover test (every one must pass the contrast rule) and bench/cover_bench.cpp
// (how long they take and how many pass), so the two measure the same population.
#pragma once

#include <string>
#include <vector>

#include "services/designer/core/cover_random.h"

namespace moodtape::designer {

inline std::string RandomDescription(CoverRandom& random) {
  static const std::vector<std::string> kWords = {
      "neon",     "midnight", "summer",   "blood",  "ocean",   "gold",      "pastel", "dark",
      "happy",    "city",     "sea",      "fire",   "flowers", "road",      "stars",  "mountains",
      "sun",      "moon",     "rain",     "forest", "hearts",  "lightning", "skull",  "crown",
      "diamonds", "palms",    "snow",     "birds",  "clouds",  "sunset",    "purple", "red",
      "lonely",   "party",    "vintage",  "storm",  "white",   "black",     "dreamy", "miłość",
      "morze",    "noc",      "electric", "sad",    "euphoric"};
  static const std::vector<std::string> kFiller = {"a",    "the",     "over",    "with",
                                                   "and",  "in",      "of",      "under",
                                                   "lost", "forever", "driving", "tonight"};
  std::string text;
  const int n = random.Between(0, 14);
  for (int i = 0; i < n; ++i) {
    if (!text.empty()) text += random.Chance(0.2) ? ", " : " ";
    text += random.Chance(0.6) ? random.Pick(kWords) : random.Pick(kFiller);
  }
  return text.substr(0, 300);
}

inline std::string RandomName(CoverRandom& random, size_t max_chars) {
  static const std::vector<std::string> kParts = {
      "Night",           "Drive", "Love", "Ż",    "of",    "the", "Kings",
      "Extraordinarily", "Ash",   "Łódź", "Blue", "Heart", "X",   "Supercalifragilistic"};
  std::string name;
  const int n = random.Chance(0.1) ? random.Between(8, 16) : random.Between(1, 4);
  for (int i = 0; i < n; ++i) {
    const std::string next = (name.empty() ? "" : " ") + random.Pick(kParts);
    if (name.size() + next.size() > max_chars) break;
    name += next;
  }
  return name.empty() ? "X" : name;
}

}  // namespace moodtape::designer
