// Step 3 of the composer: chord progressions per section kind, idiomatic per genre, written as
// Roman numerals relative to the tonic ("i bVI bVII", "I7 IV7 V7") so the tables read like a
// musician's chart. Verse, chorus and bridge get different progressions; sections of one kind
// share theirs, so a repeated chorus sounds over the same chords.
#include <algorithm>
#include <map>

#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer::compose {
namespace {

struct Degree {
  int offset = 0;  // semitones above the tonic
  Quality quality = Quality::kMajor;
  bool operator==(const Degree&) const = default;
};

using Progression = std::vector<Degree>;

// "bVI" -> 8 major, "iv" -> 5 minor, "V7" -> 7 dominant seventh, "ii7" -> minor seventh,
// "vii o" -> diminished. Numerals not matching return a tonic major chord (tables are ours).
Degree ParseNumeral(std::string_view text) {
  Degree degree;
  size_t i = 0;
  int accidental = 0;
  if (i < text.size() && (text[i] == 'b' || text[i] == '#')) {
    accidental = text[i] == 'b' ? -1 : 1;
    ++i;
  }
  const size_t numeral_start = i;
  while (i < text.size() &&
         (text[i] == 'i' || text[i] == 'v' || text[i] == 'I' || text[i] == 'V')) {
    ++i;
  }
  std::string numeral(text.substr(numeral_start, i - numeral_start));
  const bool lower = !numeral.empty() && (numeral[0] == 'i' || numeral[0] == 'v');
  for (char& c : numeral) c = static_cast<char>(c == 'i' ? 'I' : c == 'v' ? 'V' : c);
  static const std::map<std::string, int> kSteps = {{"I", 0}, {"II", 2}, {"III", 4}, {"IV", 5},
                                                    {"V", 7}, {"VI", 9}, {"VII", 11}};
  const auto found = kSteps.find(numeral);
  degree.offset = ((found == kSteps.end() ? 0 : found->second) + accidental + 12) % 12;
  const std::string_view suffix = text.substr(i);
  if (suffix == "7") {
    degree.quality = lower ? Quality::kMinor7 : Quality::kDominant7;
  } else if (suffix == "5") {
    degree.quality = Quality::kPower;
  } else if (suffix == "o") {
    degree.quality = Quality::kDiminished;
  } else {
    degree.quality = lower ? Quality::kMinor : Quality::kMajor;
  }
  return degree;
}

Progression Parse(std::string_view chart) {
  Progression out;
  size_t i = 0;
  while (i < chart.size()) {
    while (i < chart.size() && chart[i] == ' ') ++i;
    size_t j = i;
    while (j < chart.size() && chart[j] != ' ') ++j;
    if (j > i) out.push_back(ParseNumeral(chart.substr(i, j - i)));
    i = j;
  }
  return out;
}

enum class Slot { kVerse, kPreChorus, kChorus, kBridge };

Slot SlotOf(SectionKind kind) {
  switch (kind) {
    case SectionKind::kPreChorus:
      return Slot::kPreChorus;
    case SectionKind::kChorus:
    case SectionKind::kHook:
    case SectionKind::kOutro:
      return Slot::kChorus;
    case SectionKind::kBridge:
      return Slot::kBridge;
    default:
      return Slot::kVerse;
  }
}

// The charts each genre draws from. Minor-key charts use the natural minor's bIII, bVI, bVII.
std::vector<std::string_view> Charts(const Style& style, Slot slot) {
  const bool minor = style.mode != Mode::kMajor && style.mode != Mode::kMixolydian;
  switch (style.genre) {
    case Genre::kGangstaRap:  // short minor loops, two to four chords
      switch (slot) {
        case Slot::kChorus:
          return {"i bVI", "bVI bVII i i", "i iv bVI v", "i i bVI bVII", "iv bVI i i"};
        case Slot::kBridge:
          return {"bVI bVII", "iv v", "bIII bVII"};
        default:
          return {"i bVI", "i iv", "i bVI bVII bVI", "i i iv iv", "i v bVI iv", "i bVII"};
      }
    case Genre::kHeavyMetal:
      if (style.mode == Mode::kPhrygian) {
        switch (slot) {
          case Slot::kVerse:
            return {"i bII i bVII", "i bII bVII i", "i i bII i", "i bVI bII i"};
          case Slot::kPreChorus:
            return {"bVI bVII bVI bVII", "iv bVI bVII bVII", "bII bII bIII bIII"};
          case Slot::kChorus:
            return {"i bVI bIII bVII", "bVI bVII i i", "bII bIII iv bII", "i bVII bVI bII"};
          case Slot::kBridge:
            return {"iv iv bVI bVII", "bIII bVII iv bII", "bVI iv bVII bVII"};
        }
      }
      switch (slot) {
        case Slot::kVerse:
          return {"i bVI bVII i", "i i bVII bVI", "i bVII bVI bVII", "i iv bVI bVII"};
        case Slot::kPreChorus:
          return {"bVI bVII bVI bVII", "iv bVI bVII bVII", "bVI bVI bVII bVII"};
        case Slot::kChorus:
          return {"i bVI bIII bVII", "bVI bVII i i", "i bVII bVI bVII", "bVI bIII bVII i"};
        case Slot::kBridge:
          return {"iv iv bVI bVII", "bIII bVII iv bVI", "bVI iv v v"};
      }
      break;
    case Genre::kDiscoPolo:
      switch (slot) {
        case Slot::kVerse:
          return {"vi IV I V", "I IV V I", "I vi IV V", "I V vi IV"};
        case Slot::kPreChorus:
          return {"IV V IV V", "ii V ii V", "vi vi IV V"};
        case Slot::kChorus:
          return {"I V vi IV", "I V vi IV", "IV V I vi", "I V IV V"};
        case Slot::kBridge:
          return {"IV V iii vi", "vi IV V V", "ii V I vi"};
      }
      break;
    case Genre::kPop:
      switch (slot) {
        case Slot::kVerse:
          return {"vi IV I V", "I V vi IV", "I vi IV V", "I IV vi V", "I iii IV V"};
        case Slot::kPreChorus:
          return {"IV V IV V", "ii IV V V", "vi V IV V", "IV IV V V"};
        case Slot::kChorus:
          return {"I V vi IV", "IV I V vi", "I V IV V", "vi IV I V"};
        case Slot::kBridge:
          return {"IV V iii vi", "ii V vi IV", "vi V IV V", "ii iii IV V"};
      }
      break;
    case Genre::kSynthwave:
      switch (slot) {
        case Slot::kVerse:
          return {"i bVI bIII bVII", "i bVII bVI bVII", "i bVI bVII bVII", "i iv bVI bVII"};
        case Slot::kPreChorus:
          return {"bVI bVII bVI bVII", "iv bVI bVII bVII", "bIII bVII bVI bVII"};
        case Slot::kChorus:
          return {"i bVI bIII bVII", "bVI bIII bVII i", "bVI bVII i i", "i bVI bIII bVII"};
        case Slot::kBridge:
          return {"bIII bVII iv bVI", "iv bVII bIII bVI", "bVI bVI bVII bVII"};
      }
      break;
    case Genre::kBlues:  // the twelve-bar form: slow change in verses, quick change in choruses
      switch (slot) {
        case Slot::kVerse:
          return {"I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7",
                  "I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7"};
        case Slot::kPreChorus:
          return {"IV7 IV7 I7 I7", "IV7 IV7 V7 V7"};
        case Slot::kChorus:
          return {"I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7",
                  "I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 V7 I7 V7"};
        case Slot::kBridge:
          return {"IV7 IV7 I7 I7 IV7 IV7 V7 V7", "IV7 IV7 I7 I7 V7 V7 I7 V7"};
      }
      break;
    case Genre::kPunk:
      if (minor) {
        switch (slot) {
          case Slot::kVerse:
            return {"i bVI bIII bVII", "i bVII bVI bVII", "i iv bVI bVII", "i i bVI bVII"};
          case Slot::kPreChorus:
            return {"bVI bVII bVI bVII", "iv iv bVII bVII"};
          case Slot::kChorus:
            return {"bVI bVII i i", "i bIII bVII iv", "bIII bVII i i"};
          case Slot::kBridge:
            return {"iv bVI bVII bVII", "bVI bVI bVII bVII"};
        }
      }
      switch (slot) {
        case Slot::kVerse:
          return {"I IV V IV", "I V IV V", "I IV I V", "I I IV V"};
        case Slot::kPreChorus:
          return {"IV V IV V", "vi IV V V"};
        case Slot::kChorus:
          return {"I IV V V", "IV I V I", "I V vi IV", "IV V I I"};
        case Slot::kBridge:
          return {"vi IV I V", "IV IV V V", "ii IV V V"};
      }
      break;
  }
  return {"I IV V I"};
}

std::vector<int> Intervals(Quality quality) {
  switch (quality) {
    case Quality::kMajor:
      return {0, 4, 7};
    case Quality::kMinor:
      return {0, 3, 7};
    case Quality::kPower:
      return {0, 7};
    case Quality::kDominant7:
      return {0, 4, 7, 10};
    case Quality::kMinor7:
      return {0, 3, 7, 10};
    case Quality::kDiminished:
      return {0, 3, 6};
  }
  return {0, 4, 7};
}

bool InScale(int pc, const std::vector<int>& scale) {
  return std::find(scale.begin(), scale.end(), ((pc % 12) + 12) % 12) != scale.end();
}

// A chart fits the song when the tones a listener hears are in the key (sevenths are the
// blues' colour and pass).
bool Fits(const Progression& progression, const Style& style) {
  const std::vector<int> scale = ScalePitchClasses(style.tonic, style.mode);
  for (const Degree& d : progression) {
    if (style.sevenths) continue;
    const Quality q = style.power_chords ? Quality::kPower : d.quality;
    for (int interval : Intervals(q)) {
      if (!InScale(style.tonic + d.offset + interval, scale)) return false;
    }
  }
  return true;
}

Progression Choose(const Style& style, Slot slot, const std::vector<Progression>& avoid,
                   SongRandom& random) {
  std::vector<Progression> options;
  for (std::string_view chart : Charts(style, slot)) {
    Progression p = Parse(chart);
    if (Fits(p, style)) options.push_back(std::move(p));
  }
  if (options.empty()) options.push_back(Parse(style.mode == Mode::kMajor ? "I IV V I" : "i"));
  std::vector<Progression> fresh;
  for (const Progression& p : options) {
    if (std::find(avoid.begin(), avoid.end(), p) == avoid.end()) fresh.push_back(p);
  }
  return random.Pick(fresh.empty() ? options : fresh);
}

Chord MakeChord(const Degree& degree, const Style& style, int64_t start, int section) {
  Chord chord;
  chord.start = start;
  chord.end = start + kBarTicks;
  chord.section = section;
  chord.root = (style.tonic + degree.offset) % 12;
  chord.quality = style.power_chords ? Quality::kPower : degree.quality;
  return chord;
}

Degree TonicDegree(const Style& style) {
  if (style.sevenths) return {0, Quality::kDominant7};
  return {0, style.mode == Mode::kMajor || style.mode == Mode::kMixolydian ? Quality::kMajor
                                                                           : Quality::kMinor};
}

}  // namespace

const Chord& Harmony::At(int64_t tick) const {
  static const Chord kNone;
  if (chords.empty()) return kNone;
  auto it = std::upper_bound(chords.begin(), chords.end(), tick,
                             [](int64_t t, const Chord& c) { return t < c.start; });
  if (it == chords.begin()) return chords.front();
  return *(it - 1);
}

std::vector<int> ChordTones(const Chord& chord) {
  std::vector<int> out;
  for (int interval : Intervals(chord.quality)) out.push_back((chord.root + interval) % 12);
  return out;
}

std::vector<int> MelodicChordTones(const Chord& chord, const Style& style) {
  const std::vector<int> scale = ScalePitchClasses(style.tonic, style.mode);
  std::vector<int> out;
  for (int pc : ChordTones(chord)) {
    if (InScale(pc, scale)) out.push_back(pc);
  }
  if (chord.quality == Quality::kPower) {
    for (int third : {3, 4}) {
      if (InScale(chord.root + third, scale)) {
        out.push_back((chord.root + third) % 12);
        break;
      }
    }
  }
  return out;
}

std::string ChordName(const Chord& chord, bool flats) {
  std::string name = NoteName(chord.root, flats);
  switch (chord.quality) {
    case Quality::kMajor:
      break;
    case Quality::kMinor:
      name += "m";
      break;
    case Quality::kPower:
      name += "5";
      break;
    case Quality::kDominant7:
      name += "7";
      break;
    case Quality::kMinor7:
      name += "m7";
      break;
    case Quality::kDiminished:
      name += "dim";
      break;
  }
  return name;
}

Harmony ComposeHarmony(const Timeline& timeline, const Style& style, SongRandom& random) {
  // One progression per slot for the whole song, each different from the ones before it.
  std::vector<Progression> chosen;
  std::map<Slot, Progression> by_slot;
  for (Slot slot : {Slot::kVerse, Slot::kChorus, Slot::kPreChorus, Slot::kBridge}) {
    by_slot[slot] = Choose(style, slot, chosen, random);
    chosen.push_back(by_slot[slot]);
  }
  // Intros state the chorus (or, less often, the verse); a blues intro is the turnaround, the
  // last bars of the twelve; solos go over the verse.
  const bool intro_from_chorus = style.genre != Genre::kBlues && random.Chance(0.6);

  Harmony harmony;
  for (size_t s = 0; s < timeline.sections.size(); ++s) {
    const SectionPlace& section = timeline.sections[s];
    const SectionKind kind =
        section.repeat_of >= 0 ? timeline.sections[section.repeat_of].kind : section.kind;
    const Progression* progression = &by_slot[SlotOf(kind)];
    if (kind == SectionKind::kIntro && intro_from_chorus) progression = &by_slot[Slot::kChorus];
    const int length = static_cast<int>(progression->size());
    const bool take_tail = kind == SectionKind::kIntro && section.bars < length;
    for (int b = 0; b < section.bars; ++b) {
      const int index = take_tail ? length - section.bars + b : b % length;
      harmony.chords.push_back(MakeChord((*progression)[index], style,
                                         section.start + b * kBarTicks, static_cast<int>(s)));
    }
  }
  // The song ends on the tonic, in the outro's last bar or in a bar of its own.
  if (timeline.extra_final_bar) {
    harmony.chords.push_back(MakeChord(TonicDegree(style), style, timeline.end, -1));
  } else if (!harmony.chords.empty()) {
    Chord& last = harmony.chords.back();
    last = MakeChord(TonicDegree(style), style, last.start, last.section);
  }
  return harmony;
}

std::vector<ChordSymbol> ChordSymbols(const Harmony& harmony, const Style& style,
                                      int64_t end_tick) {
  std::vector<ChordSymbol> out;
  const Chord* previous = nullptr;
  for (const Chord& chord : harmony.chords) {
    if (previous != nullptr && previous->section == chord.section && previous->root == chord.root &&
        previous->quality == chord.quality) {
      out.back().duration = chord.end - out.back().start;
    } else {
      out.push_back(
          {chord.start, chord.end - chord.start, chord.root, ChordName(chord, style.flats)});
    }
    previous = &chord;
  }
  if (!out.empty() && end_tick > out.back().start)
    out.back().duration = end_tick - out.back().start;
  return out;
}

}  // namespace moodtape::producer::compose
