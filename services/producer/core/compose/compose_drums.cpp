// Part of step 5 (arrangement): the drum part on GM channel 10. Each genre has a groove per
// section kind on a 16th grid (swing is applied later to every part alike), a fill in the last
// bar of each section, a crash where a section starts, and the final hit.
#include <algorithm>

#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer::compose {
namespace {

// GM percussion keys.
constexpr int kKick = 36;
constexpr int kKick2 = 35;
constexpr int kSideStick = 37;
constexpr int kSnare = 38;
constexpr int kClap = 39;
constexpr int kSnareElectric = 40;
constexpr int kFloorTom = 43;
constexpr int kClosedHat = 42;
constexpr int kPedalHat = 44;
constexpr int kLowTom = 45;
constexpr int kOpenHat = 46;
constexpr int kMidTom = 47;
constexpr int kHighTom = 50;
constexpr int kCrash = 49;
constexpr int kRide = 51;
constexpr int kChina = 52;
constexpr int kTambourine = 54;
constexpr int kCrash2 = 57;

constexpr int64_t kStep = kTicksPerBeat / 4;  // a 16th
constexpr int64_t kHitTicks = 40;

bool IsChorus(SectionKind kind) {
  return kind == SectionKind::kChorus || kind == SectionKind::kHook;
}

std::vector<int> Range(int from, int to, int step) {
  std::vector<int> out;
  for (int s = from; s < to; s += step) out.push_back(s);
  return out;
}

class DrumWriter {
 public:
  DrumWriter(const Style& style, SongRandom& random, Part& part)
      : style_(style), random_(random), part_(part) {}

  void Hit(int64_t tick, int key, int base_velocity, double intensity) {
    // Drum sounds are one-shots; a short note keeps even a 32nd roll from overlapping itself.
    part_.notes.push_back(
        {tick, kHitTicks, key, Velocity(base_velocity, intensity, tick, random_)});
  }

  void Steps(int64_t bar, const std::vector<int>& steps, int key, int velocity, double intensity,
             int until_step = 16) {
    for (int s : steps) {
      if (s < until_step) Hit(bar + s * kStep, key, velocity, intensity);
    }
  }

  // One bar of the section's groove; `until_step` cuts it where a fill takes over.
  void PlayGroove(int64_t bar, SectionKind kind, int bar_index, int bars, double intensity,
                  int until_step) {
    const Groove groove = GrooveFor(style_, kind);
    const bool chorus = IsChorus(kind);
    // An intro builds: its first half has no backbeat.
    const bool build = kind == SectionKind::kIntro && bar_index < bars / 2;
    Steps(bar, groove.kick, kKick, 100, intensity, until_step);
    if (!build) {
      switch (style_.genre) {
        case Genre::kGangstaRap:
          // Layers of one backbeat hit together and their peaks add: the second sits under the
          // first.
          Steps(bar, groove.snare, kClap, 100, intensity, until_step);
          Steps(bar, groove.snare, kSnareElectric, 76, intensity, until_step);
          break;
        case Genre::kSynthwave:  // the big gated snare: a snare and a clap at full force
          Steps(bar, groove.snare, kSnareElectric, 110, intensity, until_step);
          Steps(bar, groove.snare, kClap, 84, intensity, until_step);
          break;
        case Genre::kDiscoPolo:
          Steps(bar, groove.snare, kClap, 100, intensity, until_step);
          Steps(bar, groove.snare, kSnare, 76, intensity, until_step);
          break;
        case Genre::kBlues:
          Steps(bar, groove.snare, chorus || kind == SectionKind::kSolo ? kSnare : kSideStick, 90,
                intensity, until_step);
          Steps(bar, {14}, kSnare, 45, intensity, until_step);  // the ghost note before the one
          break;
        default:
          Steps(bar, groove.snare, kSnare, 104, intensity, until_step);
          break;
      }
    }
    Cymbals(bar, kind, bar_index, intensity, until_step);
  }

  void Cymbals(int64_t bar, SectionKind kind, int bar_index, double intensity, int until_step) {
    const bool chorus = IsChorus(kind) || kind == SectionKind::kSolo;
    const std::vector<int> eighths = Range(0, 16, 2);
    switch (style_.genre) {
      case Genre::kGangstaRap: {
        // Hi-hat rolls: every other bar one beat breaks into 16ths, 32nds or triplets.
        const bool roll = bar_index % 2 == 1 && until_step >= 16;
        const int roll_beat = roll ? (random_.Chance(0.6) ? 3 : 1) : -1;
        std::vector<int> hats;
        for (int s : eighths) {
          if (s / 4 != roll_beat) hats.push_back(s);
        }
        // The TR-808's hats are as loud as its kick (FluidR3's acoustic hats sit 7 dB under it).
        Steps(bar, hats, kClosedHat, 66, intensity, until_step);
        if (roll) {
          const int64_t from = bar + roll_beat * kTicksPerBeat;
          const int kind_of_roll = random_.Between(0, 2);
          const int64_t step = kind_of_roll == 0   ? kStep
                               : kind_of_roll == 1 ? kStep / 2
                                                   : kStep * 2 / 3;
          const int count = static_cast<int>(kTicksPerBeat / step);
          for (int i = 0; i < count; ++i) {
            Hit(from + i * step, kClosedHat, 50 + 24 * i / count, intensity);
          }
        } else {
          Steps(bar, {7, 15}, kClosedHat, 48, intensity, until_step);
        }
        if (chorus) Steps(bar, {14}, kOpenHat, 66, intensity, until_step);
        break;
      }
      case Genre::kHeavyMetal:
        if (chorus) {
          Steps(bar, {0}, kCrash, 112, intensity, until_step);
          Steps(bar, Range(4, 16, 4), kChina, 92, intensity, until_step);
        } else if (kind == SectionKind::kBridge) {
          Steps(bar, Range(0, 16, 4), kRide, 90, intensity, until_step);
        } else {
          Steps(bar, eighths, kRide, 86, intensity, until_step);
          if (bar_index % 4 == 0) Steps(bar, {0}, kCrash, 104, intensity, until_step);
        }
        break;
      case Genre::kDiscoPolo:
        Steps(bar, Range(2, 16, 4), kOpenHat, 86, intensity, until_step);
        Steps(bar, Range(0, 16, 4), kPedalHat, 60, intensity, until_step);
        if (chorus) Steps(bar, Range(0, 16, 1), kTambourine, 52, intensity, until_step);
        break;
      case Genre::kPop:
        if (chorus) {
          Steps(bar, eighths, kRide, 84, intensity, until_step);
          Steps(bar, {14}, kOpenHat, 80, intensity, until_step);
          Steps(bar, Range(2, 16, 4), kTambourine, 60, intensity, until_step);
        } else {
          Steps(bar, eighths, kClosedHat, 76, intensity, until_step);
        }
        break;
      case Genre::kSynthwave:
        Steps(bar, chorus ? Range(0, 16, 1) : eighths, kClosedHat, 70, intensity, until_step);
        if (bar_index % 2 == 1) Steps(bar, {14}, kOpenHat, 76, intensity, until_step);
        break;
      case Genre::kBlues:
        // Swung eighths on the ride: with the shuffle applied this is the triplet lilt.
        Steps(bar, eighths, chorus ? kRide : kClosedHat, 78, intensity, until_step);
        Steps(bar, {4, 12}, kPedalHat, 56, intensity, until_step);
        break;
      case Genre::kPunk:
        Steps(bar, eighths, chorus ? kCrash2 : kClosedHat, chorus ? 84 : 90, intensity, until_step);
        break;
    }
  }

  // A fill over the bar's second half: snare and toms, louder as it goes.
  void Fill(int64_t bar, double intensity) {
    static const int kToms[] = {kHighTom, kMidTom, kLowTom, kFloorTom};
    switch (style_.genre) {
      case Genre::kGangstaRap: {
        // A stutter of claps and a 32nd hat roll into the next section; the kick drops out.
        for (int i = 0; i < 8; ++i)
          Hit(bar + 8 * kStep + i * kStep / 2, kClosedHat, 50 + 4 * i, intensity);
        Steps(bar, {12, 13, 14, 15}, kClap, 92, intensity);
        break;
      }
      case Genre::kDiscoPolo: {
        for (int s = 12; s < 16; ++s) Hit(bar + s * kStep, kSnare, 74 + 10 * (s - 12), intensity);
        Steps(bar, {8, 12}, kKick, 100, intensity);
        break;
      }
      case Genre::kBlues: {
        Steps(bar, {8, 10}, kSnare, 80, intensity);
        Steps(bar, {12}, kHighTom, 92, intensity);
        Steps(bar, {14}, kFloorTom, 100, intensity);
        break;
      }
      default: {
        const int variant = random_.Between(0, 1);
        for (int s = 8; s < 16; ++s) {
          const int velocity = 80 + 4 * (s - 8);
          int key = kSnare;
          if (variant == 0 && s >= 12) key = kToms[s - 12];
          if (variant == 1 && s >= 10) key = kToms[(s - 10) * 4 / 6];
          if (style_.genre == Genre::kSynthwave && s % 2 == 1) continue;  // big, slow toms
          Hit(bar + s * kStep, key, velocity, intensity);
          // Metal and punk keep the kick running under the fill.
          if ((style_.genre == Genre::kHeavyMetal || style_.genre == Genre::kPunk) && s % 2 == 0) {
            Hit(bar + s * kStep, kKick, 96, intensity);
          }
        }
        break;
      }
    }
  }

  void FinalHit(int64_t bar) {
    // Four hits at once: loud, but not so loud that this one beat sets the song's peak.
    Hit(bar, kKick, 100, 1.0);
    Hit(bar, kCrash, 100, 1.0);
    Hit(bar, kCrash2, 92, 1.0);
    if (style_.genre != Genre::kGangstaRap) Hit(bar, kSnare, 96, 1.0);
  }

 private:
  const Style& style_;
  SongRandom& random_;
  Part& part_;
};

}  // namespace

Groove GrooveFor(const Style& style, SectionKind kind) {
  const bool chorus = IsChorus(kind) || kind == SectionKind::kSolo;
  const int v = style.groove;
  Groove g;
  g.snare = {4, 12};
  switch (style.genre) {
    case Genre::kGangstaRap: {
      static const std::vector<int> kKicks[] = {{0, 10}, {0, 7, 10}, {0, 3, 10, 11}};
      g.kick = kKicks[v % 3];
      if (chorus && v != 2) g.kick.push_back(14);
      break;
    }
    case Genre::kHeavyMetal: {
      static const std::vector<int> kVerse[] = {
          Range(0, 16, 2), {0, 2, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15}, {0, 3, 6, 8, 11, 14}};
      if (chorus) {
        g.kick = Range(0, 16, 1);  // double kick
      } else if (kind == SectionKind::kBridge) {
        g.kick = {0, 3, 6, 10};
        g.snare = {8};  // half time
      } else if (kind == SectionKind::kPreChorus) {
        g.kick = Range(0, 16, 2);
      } else {
        g.kick = kVerse[v % 3];
      }
      break;
    }
    case Genre::kDiscoPolo:
      g.kick = {0, 4, 8, 12};
      break;
    case Genre::kPop: {
      static const std::vector<int> kVerse[] = {{0, 8}, {0, 8, 10}, {0, 7, 8}};
      g.kick = chorus ? std::vector<int>{0, 6, 8, 10} : kVerse[v % 3];
      if (kind == SectionKind::kBridge) g.snare = {8};
      break;
    }
    case Genre::kSynthwave:
      g.kick = chorus || v == 2 ? std::vector<int>{0, 4, 8, 12}
               : v == 1         ? std::vector<int>{0, 8, 10}
                                : std::vector<int>{0, 8};
      break;
    case Genre::kBlues:
      g.kick = v == 1 ? std::vector<int>{0, 6, 8} : std::vector<int>{0, 8};
      break;
    case Genre::kPunk:
      if (chorus && v != 0) {
        g.kick = {0, 4, 8, 12};  // the fast polka beat: kick on the beat, snare between
        g.snare = {2, 6, 10, 14};
      } else {
        g.kick = v == 2 ? std::vector<int>{0, 8, 10} : std::vector<int>{0, 6, 8};
      }
      break;
  }
  return g;
}

Part ComposeDrums(const Timeline& timeline, const Style& style, SongRandom& random) {
  Part part;
  part.name = "Drums";
  part.role = PartRole::kDrums;
  part.channel = kDrumChannel;
  // The GS drum kit that suits the genre. GM ignores a program on channel 10, but a player that
  // honours it (FluidSynth does) gets the 808, the power kit or the brushes.
  switch (style.genre) {
    case Genre::kGangstaRap:
      part.program = 25;  // TR-808
      break;
    case Genre::kHeavyMetal:
    case Genre::kPunk:
      part.program = 16;  // Power
      break;
    case Genre::kSynthwave:
    case Genre::kDiscoPolo:
      part.program = 24;  // Electronic
      break;
    case Genre::kBlues:
      part.program = 32;  // Jazz
      break;
    case Genre::kPop:
      part.program = 8;  // Room
      break;
  }
  // The kits are not equally loud in FluidR3 (measured on the drum stems of whole songs against
  // the standard kit: TR-808 +8 dB, power +4, electronic +3, jazz +3, room +2), so each volume
  // is the level the part had on the standard kit brought back by that much (CC7 is 40 log10
  // in dB), a little under it where the drums' peaks set the mix's crest factor. Rap, synthwave
  // and the blues still have the drums further forward than the rest.
  switch (style.genre) {
    case Genre::kGangstaRap:
      part.volume = 76;
      break;
    case Genre::kHeavyMetal:
    case Genre::kPunk:
      part.volume = 86;
      break;
    case Genre::kDiscoPolo:
      part.volume = 90;
      break;
    case Genre::kSynthwave:
      part.volume = 100;
      break;
    case Genre::kBlues:
      part.volume = 102;
      break;
    case Genre::kPop:
      part.volume = 98;
      break;
  }
  part.pan = 64;
  // Synthwave's gated snare wants a big room; the rest a modest one.
  part.reverb = style.genre == Genre::kSynthwave ? 72 : 32;
  DrumWriter writer(style, random, part);
  const int64_t final_bar = timeline.FinalBarStart();
  for (size_t s = 0; s < timeline.sections.size(); ++s) {
    const SectionPlace& section = timeline.sections[s];
    const double intensity = SectionIntensity(section.kind);
    for (int b = 0; b < section.bars; ++b) {
      const int64_t bar = section.start + b * kBarTicks;
      if (bar == final_bar) {
        writer.FinalHit(bar);
        continue;
      }
      const bool fill = b == section.bars - 1 && section.bars >= 2;
      writer.PlayGroove(bar, section.kind, b, section.bars, intensity, fill ? 8 : 16);
      if (fill) writer.Fill(bar, intensity);
      // A crash marks every section's start (the intro's soft start excepted).
      if (b == 0 && !(s == 0 && section.kind == SectionKind::kIntro)) {
        writer.Hit(bar, kCrash, 100, intensity);
        writer.Hit(bar, kKick2, 72, intensity);  // weight under the groove's kick, not a peak
      }
    }
  }
  if (timeline.extra_final_bar) writer.FinalHit(final_bar);
  std::stable_sort(part.notes.begin(), part.notes.end(), [](const Note& a, const Note& b) {
    return a.start != b.start ? a.start < b.start : a.pitch < b.pitch;
  });
  // A groove's crash and a section's crash may meet on one beat: one hit, the louder.
  std::vector<Note> hits;
  for (const Note& note : part.notes) {
    if (!hits.empty() && hits.back().start == note.start && hits.back().pitch == note.pitch) {
      hits.back().velocity = std::max(hits.back().velocity, note.velocity);
    } else {
      hits.push_back(note);
    }
  }
  part.notes = std::move(hits);
  return part;
}

}  // namespace moodtape::producer::compose
