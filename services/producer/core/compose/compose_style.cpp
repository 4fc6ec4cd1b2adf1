// Step 1 of the composer: the genre's key, mode, tempo, time feel and vocal range for one song,
// and the small musical helpers (names, metre, swing, velocity) the other steps share.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer::compose {
namespace {

// Singers' comfortable windows: a man's voice (A2..A4) and a woman's (C4..E5).
constexpr int kMaleLow = 45;
constexpr int kMaleHigh = 69;
constexpr int kFemaleLow = 60;
constexpr int kFemaleHigh = 76;

// Puts the tonic in the octave where [tonic - below, tonic + above] fits the window best, then
// trims the range to the window.
VocalRange FitRange(int tonic_pc, int window_low, int window_high, int below, int above) {
  VocalRange best;
  int best_violation = 1 << 30;
  int best_centre_gap = 1 << 30;
  const int window_centre = (window_low + window_high) / 2;
  for (int tonic = tonic_pc; tonic <= 108; tonic += 12) {
    const int low = tonic - below;
    const int high = tonic + above;
    const int violation = std::max(0, window_low - low) + std::max(0, high - window_high);
    const int centre_gap = std::abs((low + high) / 2 - window_centre);
    if (violation < best_violation ||
        (violation == best_violation && centre_gap < best_centre_gap)) {
      best_violation = violation;
      best_centre_gap = centre_gap;
      best = {std::max(low, window_low), std::min(high, window_high), tonic};
    }
  }
  best.tonic = std::clamp(best.tonic, best.low, best.high);
  return best;
}

const char* ModeWord(Mode mode) {
  switch (mode) {
    case Mode::kMajor:
      return "major";
    case Mode::kMinor:
      return "minor";
    case Mode::kDorian:
      return "Dorian";
    case Mode::kMixolydian:
      return "Mixolydian";
    case Mode::kPhrygian:
      return "Phrygian";
  }
  return "major";
}

// Keys with flats in their signature are spelled with flats; the mode's relative major decides.
bool UsesFlats(int tonic, Mode mode) {
  int shift = 0;
  switch (mode) {
    case Mode::kMajor:
      shift = 0;
      break;
    case Mode::kMinor:
      shift = 3;
      break;
    case Mode::kDorian:
      shift = 10;
      break;
    case Mode::kMixolydian:
      shift = 5;
      break;
    case Mode::kPhrygian:
      shift = 8;
      break;
  }
  const int relative_major = (tonic + shift) % 12;
  return relative_major == 5 || relative_major == 10 || relative_major == 3 ||
         relative_major == 8 || relative_major == 1;
}

}  // namespace

std::string NoteName(int pitch_class, bool flats) {
  static const char* const kSharps[] = {"C",  "C#", "D",  "D#", "E",  "F",
                                        "F#", "G",  "G#", "A",  "A#", "B"};
  static const char* const kFlats[] = {"C",  "Db", "D",  "Eb", "E",  "F",
                                       "Gb", "G",  "Ab", "A",  "Bb", "B"};
  const int pc = ((pitch_class % 12) + 12) % 12;
  return flats ? kFlats[pc] : kSharps[pc];
}

Style ChooseStyle(Genre genre, SongRandom& random) {
  Style style;
  style.genre = genre;
  const GenreInfo& info = InfoOf(genre);
  style.tempo_bpm = random.Between(info.min_tempo_bpm, info.max_tempo_bpm);
  style.groove = random.Between(0, 2);

  // Tonics that suit the genre's instruments (open strings for guitar genres, comfortable keys
  // for the synth and piano genres).
  std::vector<int> tonics;
  int below = 5;
  int above = 12;
  bool female = false;
  switch (genre) {
    case Genre::kGangstaRap:
      style.mode = Mode::kMinor;
      tonics = {0, 1, 2, 5, 6, 7, 9, 10, 11};
      style.rap = true;
      style.syllables_per_beat = 4;
      // A lazy 16th swing between 0.20 and 0.30, the feel of a swung drum machine.
      style.swing = random.Between(20, 30) / 100.0;
      style.swing_unit = kTicksPerBeat / 4;
      below = 5;
      above = 7;
      break;
    case Genre::kHeavyMetal:
      style.mode = random.Chance(0.35) ? Mode::kPhrygian : Mode::kMinor;
      tonics = {4, 4, 2, 9, 11, 1, 6};
      style.power_chords = true;
      break;
    case Genre::kDiscoPolo:
      style.mode = Mode::kMajor;
      tonics = {0, 2, 4, 5, 7, 9, 10};
      break;
    case Genre::kPop:
      style.mode = Mode::kMajor;
      tonics = {0, 2, 3, 4, 5, 7, 8, 9, 10};
      female = true;
      break;
    case Genre::kSynthwave:
      style.mode = Mode::kMinor;
      tonics = {9, 4, 6, 0, 2, 5, 7, 11};
      female = random.Chance(0.5);
      break;
    case Genre::kBlues:
      style.mode = Mode::kMixolydian;
      tonics = {4, 9, 7, 0, 10, 2};
      style.sevenths = true;
      // A triplet shuffle: the off-beat eighth sits on the third triplet.
      style.swing = 1.0 / 3.0;
      style.swing_unit = kTicksPerBeat / 2;
      above = 10;
      break;
    case Genre::kPunk:
      style.mode = random.Chance(0.6) ? Mode::kMajor : Mode::kMinor;
      tonics = {4, 9, 2, 7, 0, 11};
      style.power_chords = true;
      below = 3;
      above = 10;
      break;
  }
  style.tonic = random.Pick(tonics);
  style.flats = UsesFlats(style.tonic, style.mode);
  style.key_name = NoteName(style.tonic, style.flats) + " " + ModeWord(style.mode);
  style.vocal = female ? FitRange(style.tonic, kFemaleLow, kFemaleHigh, below, above)
                       : FitRange(style.tonic, kMaleLow, kMaleHigh, below, above);
  return style;
}

int64_t SwingTick(int64_t tick, const Style& style) {
  if (style.swing_unit <= 0 || style.swing == 0) return tick;
  const int64_t unit = style.swing_unit;
  const int64_t pair = 2 * unit;
  const int64_t base = tick >= 0 ? tick / pair * pair : (tick - pair + 1) / pair * pair;
  const double pos = static_cast<double>(tick - base);
  const double s = style.swing;
  const double u = static_cast<double>(unit);
  const double moved = pos < u ? pos * (1 + s) : u * (1 + s) + (pos - u) * (1 - s);
  return base + static_cast<int64_t>(std::lround(moved));
}

int MetricLevel(int64_t tick) {
  const int64_t in_bar = ((tick % kBarTicks) + kBarTicks) % kBarTicks;
  if (in_bar == 0) return 4;
  if (in_bar == kBarTicks / 2) return 3;
  if (in_bar % kTicksPerBeat == 0) return 2;
  if (in_bar % (kTicksPerBeat / 2) == 0) return 1;
  return 0;
}

double SectionIntensity(SectionKind kind) {
  switch (kind) {
    case SectionKind::kIntro:
      return 0.82;
    case SectionKind::kVerse:
      return 0.86;
    case SectionKind::kPreChorus:
      return 0.92;
    case SectionKind::kChorus:
    case SectionKind::kHook:
      return 1.0;
    case SectionKind::kBridge:
      return 0.88;
    case SectionKind::kSolo:
      return 0.96;
    case SectionKind::kOutro:
      return 0.9;
  }
  return 0.9;
}

int Velocity(int base, double intensity, int64_t tick, SongRandom& random) {
  static const int kAccent[] = {-5, 0, 4, 7, 10};  // by MetricLevel
  const double v = base * intensity + kAccent[MetricLevel(tick)] + random.Between(-4, 4);
  return std::clamp(static_cast<int>(std::lround(v)), 1, 127);
}

std::vector<int> ScalePitches(int tonic, Mode mode, int low, int high) {
  const std::vector<int> pcs = ScalePitchClasses(tonic, mode);
  std::vector<int> out;
  for (int p = std::max(0, low); p <= std::min(127, high); ++p) {
    if (std::find(pcs.begin(), pcs.end(), p % 12) != pcs.end()) out.push_back(p);
  }
  return out;
}

}  // namespace moodtape::producer::compose
