// Part of step 4 (melody): the rhythm a lyric line is sung in. Stressed syllables go to beats 1
// and 3, unstressed ones fill between them; a small dynamic program over grid slots weighs that
// against gaps inside words and a line that starts or ends in the wrong place.
#include <algorithm>
#include <cctype>
#include <limits>
#include <set>
#include <string>

#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer::compose {
namespace {

// Words the dictionary often marks stressed but a singer treats as light: they may take a strong
// beat when one is free, and give it up to a content word.
bool IsFunctionWord(std::string_view text) {
  static const std::set<std::string, std::less<>> kWords = {
      "a",       "an",     "the",   "and",     "or",    "but",   "of",    "to",    "in",   "on",
      "at",      "by",     "for",   "from",    "with",  "is",    "am",    "are",   "was",  "were",
      "be",      "been",   "i",     "you",     "he",    "she",   "it",    "we",    "they", "me",
      "him",     "her",    "us",    "them",    "my",    "your",  "his",   "its",   "our",  "their",
      "this",    "that",   "do",    "does",    "did",   "have",  "has",   "had",   "will", "would",
      "can",     "could",  "shall", "should",  "may",   "might", "must",  "so",    "as",   "if",
      "than",    "then",   "when",  "where",   "what",  "who",   "how",   "up",    "i'm",  "it's",
      "i'll",    "you're", "we're", "they're", "i've",  "ya",    "em",    "'em",   "into", "onto",
      "through", "till",   "til",   "just",    "ain't", "gonna", "wanna", "gotta", "like", "some"};
  std::string key;
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '\'') {
      key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return kWords.count(key) > 0;
}

// Cost of syllable weight w at a slot of the given MetricLevel (4 = beat 1 .. 0 = finer than an
// eighth). Rap puts stresses on every beat of the bar (the snare's 2 and 4 too), so beats 2 and 4
// cost it less.
double PlacementCost(int weight, int level, bool rap) {
  static const double kSung[3][5] = {
      // level: 0 (16th), 1 (8th off-beat), 2 (beat 2/4), 3 (beat 3), 4 (beat 1)
      {0.3, 0.0, 0.1, 0.7, 1.0},   // unstressed
      {3.5, 2.2, 1.2, 0.0, 0.0},   // light stress
      {11.0, 8.0, 5.0, 0.0, 0.0},  // stress
  };
  static const double kRap[3][5] = {
      {0.0, 0.1, 0.4, 0.8, 1.0},
      {2.5, 1.5, 0.5, 0.0, 0.0},
      {7.0, 3.5, 1.0, 0.0, 0.0},
  };
  return rap ? kRap[weight][level] : kSung[weight][level];
}

// Cost of the distance between two neighbouring syllables, in eighths. A half-time line (a
// few syllables over four bars) moves in quarters, with eighths as the exception.
double GapCost(double eighths, bool same_word, bool half_time) {
  if (half_time) {
    if (eighths <= 1) return same_word ? 0.3 : 0.4;
    if (eighths <= 2) return 0;
    if (eighths <= 3) return same_word ? 0.4 : 0.2;
    if (eighths <= 4) return same_word ? 0.8 : 0.3;
    if (same_word) return 1.5 + 0.5 * (eighths - 4);
    return eighths <= 6 ? 0.6 : 1.0 + 0.4 * (eighths - 6);
  }
  if (same_word) {
    if (eighths <= 1) return 0;
    if (eighths <= 2) return 0.4;
    if (eighths <= 3) return 1.2;
    return 2.5 + 0.5 * (eighths - 3);
  }
  if (eighths <= 1) return 0;
  if (eighths <= 2) return 0.1;
  if (eighths <= 3) return 0.5;
  if (eighths <= 4) return 0.9;
  return 1.5 + 0.6 * (eighths - 4);
}

int64_t CeilTo(int64_t tick, int64_t grid) {
  const int64_t q = tick >= 0 ? (tick + grid - 1) / grid : -((-tick) / grid);
  return q * grid;
}

int64_t FloorTo(int64_t tick, int64_t grid) {
  const int64_t q = tick >= 0 ? tick / grid : -((-tick + grid - 1) / grid);
  return q * grid;
}

}  // namespace

std::vector<int> SyllableWeights(const LyricLine& line) {
  std::vector<int> weights;
  for (const LyricWord& word : line.words) {
    const bool light = word.syllables.size() == 1 && IsFunctionWord(word.text);
    for (const LyricSyllable& syllable : word.syllables) {
      if (syllable.stress == 1) {
        weights.push_back(light ? 1 : 2);
      } else if (syllable.stress == 2) {
        weights.push_back(1);
      } else {
        weights.push_back(0);
      }
    }
  }
  return weights;
}

SyllableTiming PlaceSyllables(const LyricLine& line, int64_t line_start, int64_t line_end,
                              int64_t earliest, bool keep_pickup_room, const Style& style) {
  SyllableTiming timing;
  const std::vector<int> weights = SyllableWeights(line);
  std::vector<bool> word_start;
  for (const LyricWord& word : line.words) {
    for (size_t k = 0; k < word.syllables.size(); ++k) word_start.push_back(k == 0);
  }
  const int n = static_cast<int>(weights.size());
  if (n == 0) return timing;

  // A pick-up may start before the line's first bar; the same span at the line's end is kept
  // for the next line's pick-up: always when the next line is fixed already (a repeated
  // section's copy), else only at a cost, as a line that needs it may take it.
  const int64_t reserve = style.rap ? kTicksPerBeat / 2 : kTicksPerBeat * 3 / 2;
  const int64_t length = std::max<int64_t>(line_end - line_start, kTicksPerBeat);

  // The genre's grid, or a finer one when the line has more syllables than slots (a line that
  // does not fit on eighths is compressed to 16ths, then 32nds).
  int64_t grid = kTicksPerBeat / std::max(1, style.syllables_per_beat);
  int64_t first = 0;
  int64_t last = 0;
  int slots = 0;
  for (;;) {
    first = CeilTo(std::max(line_start - reserve, earliest), grid);
    last = FloorTo(line_end - grid, grid);
    if (keep_pickup_room && FloorTo(line_end - reserve - grid, grid) >= first) {
      last = FloorTo(line_end - reserve - grid, grid);
    }
    slots = last >= first ? static_cast<int>((last - first) / grid) + 1 : 0;
    if (slots >= n || grid <= kTicksPerBeat / 8) break;
    grid /= 2;
  }
  timing.grid = grid;
  // Bounds on the search for lines far beyond any form (the lyrics come from outside this
  // stage): a line sings within its first kMaxSlots slots, and a line of more than
  // kMaxSyllables is spread evenly like one too crowded for 32nds.
  constexpr int kMaxSlots = 256;
  constexpr int kMaxSyllables = 64;
  slots = std::min(slots, kMaxSlots);
  if (slots < n || n > kMaxSyllables) {
    // Too many syllables even for 32nds: spread them evenly, one tick apart at the least.
    const int64_t span = std::max<int64_t>(line_end - first, n);
    for (int i = 0; i < n; ++i) timing.onsets.push_back(first + span * i / n);
    return timing;
  }

  // Where the line's last syllable should fall: in its second half. A four-bar blues line sings
  // its first half or so and leaves the rest to an instrumental answer; other four-bar lines
  // are half-time phrases that fill their bars.
  const bool long_line = length >= 4 * kBarTicks && !style.rap;
  const bool answered = long_line && style.genre == Genre::kBlues;
  const bool half_time = long_line && !answered;
  const int64_t end_low = line_start + (answered ? length * 3 / 10 : length / 2);
  const int64_t end_high = line_start + (answered ? length * 7 / 10 : length);

  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> cost(static_cast<size_t>(n) * slots, kInf);
  std::vector<int> back(static_cast<size_t>(n) * slots, -1);
  auto at = [slots](int i, int w) { return static_cast<size_t>(i) * slots + w; };
  auto unary = [&](int i, int w) {
    const int64_t tick = first + w * grid;
    double c = PlacementCost(weights[i], MetricLevel(tick), style.rap);
    if (tick < line_start) c += weights[i] == 0 ? 0.3 : 2.0;  // pick-ups are for light words
    if (tick > line_end - reserve - grid) c += 1.5;           // the next line's pick-up room
    return c;
  };

  // Row 0: the first syllable; a late start costs a little.
  for (int w = 0; w + n - 1 < slots; ++w) {
    const int64_t tick = first + w * grid;
    const double late = std::max<double>(0, tick - (line_start + length / 4)) / 240.0;
    cost[at(0, w)] = unary(0, w) + 0.15 * late;
  }
  for (int i = 1; i < n; ++i) {
    for (int w = i; w + (n - 1 - i) < slots; ++w) {
      double best = kInf;
      int best_from = -1;
      // A gap longer than four bars of eighths is never worth its cost; not looking further
      // keeps the search linear in the slots.
      for (int v = std::max(i - 1, w - 32); v < w; ++v) {
        const double from = cost[at(i - 1, v)];
        if (from == kInf) continue;
        const double gap = static_cast<double>((w - v) * grid) / 240.0;
        const double c = from + GapCost(gap, !word_start[i], half_time);
        if (c < best) {
          best = c;
          best_from = v;
        }
      }
      if (best_from < 0) continue;
      cost[at(i, w)] = best + unary(i, w);
      back[at(i, w)] = best_from;
    }
  }
  double best = kInf;
  int best_w = -1;
  for (int w = n - 1; w < slots; ++w) {
    if (cost[at(n - 1, w)] == kInf) continue;
    const int64_t tick = first + w * grid;
    const double outside = tick < end_low    ? (end_low - tick) / 240.0
                           : tick > end_high ? (tick - end_high) / 240.0
                                             : 0.0;
    const double c = cost[at(n - 1, w)] + 0.8 * outside;
    if (c < best) {
      best = c;
      best_w = w;
    }
  }
  timing.onsets.assign(n, 0);
  for (int i = n - 1, w = best_w; i >= 0; --i) {
    timing.onsets[i] = first + w * grid;
    w = back[at(i, w)];
  }
  return timing;
}

}  // namespace moodtape::producer::compose
