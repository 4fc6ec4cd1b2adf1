// Step 5 of the composer: the band. The lead instrument plays the vocal melody (the vocals come
// later, so the tune must carry on its own); the bass plays the chord roots in the genre's
// rhythm; harmony parts voice the chords (power chords, pads and arpeggios, piano and organ,
// strummed guitar); a solo instrument states the chorus hook in the intro and outro, improvises
// over solos and, in the blues, answers each sung line. Everything ends on a tonic hit.
#include <algorithm>
#include <cmath>

#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer::compose {
namespace {

constexpr int64_t kStep = kTicksPerBeat / 4;  // a 16th

// CC72 release times (64 = the instrument's own, each 32 under it halves the release). FluidR3's
// pads, polysynths and strings ring for 3-6 s after their note ends; restruck every bar or every
// off-beat, a dozen chords' tails overlap under the new one, each a voice to synthesise and all
// of it a wash nobody hears. Shorter releases keep the legato between chords and drop the wash.
constexpr int kStabRelease = 8;    // off-beat polysynth stabs: the stab, then a short tail
constexpr int kPadRelease = 36;    // pads and strings restruck every bar: a crossfade, no more
constexpr int kStrumRelease = 40;  // a strummed string is damped when it is struck again

bool IsChorus(SectionKind kind) {
  return kind == SectionKind::kChorus || kind == SectionKind::kHook;
}

bool SameChord(const Chord& a, const Chord& b) {
  return a.root == b.root && a.quality == b.quality;
}

// The chord's root in the bass register, E1..D#2.
int BassPitch(int pc) {
  const int p = 24 + ((pc % 12) + 12) % 12;
  return p < 28 ? p + 12 : p;
}

int ThirdAbove(const Chord& chord) {
  switch (chord.quality) {
    case Quality::kMinor:
    case Quality::kMinor7:
    case Quality::kDiminished:
      return 3;
    default:
      return 4;
  }
}

// The chord's tones stacked in the inversion whose middle lies closest to `centre`.
std::vector<int> Voicing(const std::vector<int>& pcs, int centre) {
  std::vector<int> best;
  double best_gap = 1e9;
  for (int bottom = centre - 12; bottom <= centre; ++bottom) {
    const int first = ((bottom % 12) + 12) % 12;
    const auto start = std::find(pcs.begin(), pcs.end(), first);
    if (start == pcs.end()) continue;
    std::vector<int> stack = {bottom};
    const size_t k0 = static_cast<size_t>(start - pcs.begin());
    for (size_t i = 1; i < pcs.size(); ++i) {
      const int pc = pcs[(k0 + i) % pcs.size()];
      int p = stack.back() + 1;
      while (((p % 12) + 12) % 12 != pc) ++p;
      stack.push_back(p);
    }
    double mean = 0;
    for (int p : stack) mean += p;
    mean /= static_cast<double>(stack.size());
    const double gap = std::abs(mean - centre);
    if (gap < best_gap) {
      best_gap = gap;
      best = stack;
    }
  }
  return best;
}

// A power chord (root, fifth, octave) with the root in E2..D#3, as guitars play it.
std::vector<int> PowerChord(const Chord& chord) {
  const int root = 40 + (((chord.root - 4) % 12) + 12) % 12;
  return {root, root + 7, root + 12};
}

// A guitar's open-position-like voicing: root low, then fifth, octave, third, fifth.
std::vector<int> GuitarVoicing(const Chord& chord) {
  const int root = 40 + (((chord.root - 4) % 12) + 12) % 12;
  const int third = ThirdAbove(chord);
  return {root, root + 7, root + 12, root + 12 + third, root + 19};
}

// The tones a part voices: a power chord gets the key's third (the solo over "E5" in E minor
// plays G, not G#); with `color` a minor chord gets its seventh, as rap and synthwave keys do.
std::vector<int> Tones(const Chord& chord, const Style& style, bool color) {
  std::vector<int> tones =
      chord.quality == Quality::kPower ? MelodicChordTones(chord, style) : ChordTones(chord);
  if (color && chord.quality == Quality::kMinor) tones.push_back((chord.root + 10) % 12);
  return tones;
}

class Arranger {
 public:
  Arranger(const Timeline& timeline, const Style& style, const Harmony& harmony,
           const Melody& melody, SongRandom& random)
      : timeline_(timeline), style_(style), harmony_(harmony), melody_(melody), random_(random) {}

  std::vector<Part> Run() {
    std::vector<Part> parts;
    parts.push_back(Lead());
    parts.push_back(Bass());
    for (Part& part : HarmonyParts()) parts.push_back(std::move(part));
    parts.push_back(Solo());
    SongRandom drums = random_.Fork("drums");
    parts.push_back(ComposeDrums(timeline_, style_, drums));
    for (Part& part : parts) {
      // The lead is sorted already, and its sung syllables point at its notes by index.
      if (part.role == PartRole::kLead) continue;
      std::stable_sort(part.notes.begin(), part.notes.end(), [](const Note& a, const Note& b) {
        return a.start != b.start ? a.start < b.start : a.pitch < b.pitch;
      });
    }
    return parts;
  }

 private:
  static Part MakePart(std::string name, PartRole role, int channel, int program, int volume,
                       int pan, int reverb) {
    Part part;
    part.name = std::move(name);
    part.role = role;
    part.channel = channel;
    part.program = program;
    part.volume = volume;
    part.pan = pan;
    part.reverb = reverb;
    return part;
  }

  void Add(Part& part, int64_t start, int64_t duration, int pitch, int base, double intensity) {
    if (duration <= 0 || pitch < 0 || pitch > 127) return;
    part.notes.push_back({start, duration, pitch, Velocity(base, intensity, start, random_)});
  }

  void AddChord(Part& part, int64_t start, int64_t duration, const std::vector<int>& pitches,
                int base, double intensity, int64_t strum = 0) {
    for (size_t i = 0; i < pitches.size(); ++i) {
      const int64_t offset = strum >= 0 ? strum * static_cast<int64_t>(i)
                                        : -strum * static_cast<int64_t>(pitches.size() - 1 - i);
      Add(part, start + offset, duration - offset, pitches[i], base, intensity);
    }
  }

  // Calls `play(bar_start, chord, next_chord, section, bar_index)` for every bar but the final
  // hit's, which `final_hit(bar_start, tonic_chord)` plays.
  template <typename Play, typename FinalHit>
  void ForEachBar(Play play, FinalHit final_hit) {
    const int64_t final_bar = timeline_.FinalBarStart();
    for (const SectionPlace& section : timeline_.sections) {
      for (int b = 0; b < section.bars; ++b) {
        const int64_t bar = section.start + b * kBarTicks;
        if (bar == final_bar) continue;
        play(bar, harmony_.At(bar), harmony_.At(bar + kBarTicks), section, b);
      }
    }
    final_hit(final_bar, harmony_.At(final_bar));
  }

  // ----- Lead ----------------------------------------------------------------------------------

  int LeadProgram() {
    switch (style_.genre) {
      case Genre::kGangstaRap:
        return 80;  // Lead 1 (square): a plain, sharp attack that keeps the flow's rhythm clear
      case Genre::kHeavyMetal:
        return 29;  // Overdriven guitar
      case Genre::kDiscoPolo:
        return 80;  // Lead 1 (square): the genre's bright keyboard lead
      case Genre::kPop:
        return 73;  // Flute: a soft, singing line over guitar and piano
      case Genre::kSynthwave:
        return 81;  // Lead 2 (sawtooth)
      case Genre::kBlues:
        return blues_lead_;
      case Genre::kPunk:
        return 29;
    }
    return 80;
  }

  // CC7 for the lead and the solo instrument: FluidR3's square and saw leads are far louder than
  // its guitars, harmonica and flute, and the tune must sit just above the band in every genre
  // (measured on rendered stems).
  int LeadVolume() const {
    switch (style_.genre) {
      case Genre::kGangstaRap:
        return 72;
      case Genre::kDiscoPolo:
        return 74;
      case Genre::kSynthwave:
        return 80;
      case Genre::kPop:
        return 124;
      default:
        return 127;
    }
  }

  Part Lead() {
    blues_lead_ = random_.Chance(0.5) ? 22 : 66;  // harmonica or tenor sax
    Part lead = MakePart("Lead (vocal melody)", PartRole::kLead, 0, LeadProgram(), LeadVolume(), 64,
                         style_.genre == Genre::kSynthwave ? 76 : 52);
    lead.notes = melody_.notes;
    lead.sung = melody_.sung;
    return lead;
  }

  // ----- Bass ----------------------------------------------------------------------------------

  Part Bass() {
    int program = 33;  // Electric bass (finger)
    switch (style_.genre) {
      case Genre::kGangstaRap:
      case Genre::kSynthwave:
      case Genre::kDiscoPolo:
        program = 38;  // Synth bass 1: the 808-style sub, the synth pulse, the octave bounce
        break;
      case Genre::kHeavyMetal:
      case Genre::kPunk:
        program = 34;  // Electric bass (pick)
        break;
      case Genre::kBlues:
        program = 32;  // Acoustic bass
        break;
      case Genre::kPop:
        break;
    }
    const int volume = style_.genre == Genre::kBlues ? 80 : style_.rap ? 110 : 100;
    Part bass = MakePart("Bass", PartRole::kBass, 1, program, volume, 64, 12);
    ForEachBar([&](int64_t bar, const Chord& chord, const Chord& next, const SectionPlace& section,
                   int b) { BassBar(bass, bar, chord, next, section, b); },
               [&](int64_t bar, const Chord& chord) {
                 Add(bass, bar, kBarTicks, BassPitch(chord.root), 112, 1.0);
               });
    return bass;
  }

  void BassBar(Part& bass, int64_t bar, const Chord& chord, const Chord& next,
               const SectionPlace& section, int b) {
    const double intensity = SectionIntensity(section.kind);
    const int r = BassPitch(chord.root);
    const int fifth = r + (chord.quality == Quality::kDiminished ? 6 : 7);
    const bool build = section.kind == SectionKind::kIntro && b < section.bars / 2;
    if (build && !style_.rap) {
      Add(bass, bar, kBarTicks - 20, r, 88, intensity);
      return;
    }
    auto note = [&](int step, int steps, int pitch, int velocity = 96) {
      Add(bass, bar + step * kStep, steps * kStep - 12, pitch, velocity, intensity);
    };
    switch (style_.genre) {
      case Genre::kGangstaRap: {
        // The 808: a long sub note on every kick, held to the next one.
        std::vector<int> kicks = GrooveFor(style_, section.kind).kick;
        for (size_t i = 0; i < kicks.size(); ++i) {
          const int end = i + 1 < kicks.size() ? kicks[i + 1] : 16;
          const bool up = IsChorus(section.kind) && i + 1 == kicks.size() && kicks.size() > 2;
          note(kicks[i], end - kicks[i], up ? r + 12 : r, 104);
        }
        break;
      }
      case Genre::kHeavyMetal: {
        const std::vector<int> kicks = GrooveFor(style_, section.kind).kick;
        const bool dense = kicks.size() >= 16;
        for (size_t i = 0; i < kicks.size(); ++i) {
          if (dense && kicks[i] % 2 == 1) continue;  // over a double kick the bass plays eighths
          note(kicks[i], dense ? 2 : 1, r, 100);
        }
        break;
      }
      case Genre::kDiscoPolo:
        for (int s = 0; s < 16; s += 2) note(s, 2, s % 4 == 0 ? r : r + 12, s % 4 == 0 ? 100 : 88);
        break;
      case Genre::kPop: {
        // Into the next chord by a step of the scale from the side the line comes from.
        const int target = BassPitch(next.root);
        const std::vector<int> steps =
            ScalePitches(style_.tonic, style_.mode, target - 2, target + 2);
        const int approach = SameChord(chord, next) ? r + 12
                             : target > r           ? steps.front()
                                                    : steps.back();
        note(0, 6, r, 100);
        note(6, 2, r, 84);
        note(8, 4, r, 96);
        note(12, 2, fifth, 84);
        note(14, 2, approach, 86);
        break;
      }
      case Genre::kSynthwave:
        for (int s = 0; s < 16; s += 2) note(s, 2, s == 14 ? r + 12 : r, s % 4 == 0 ? 98 : 84);
        break;
      case Genre::kBlues: {
        // The boogie: root, third, fifth, sixth, seventh and back down, on shuffled eighths.
        const int third = r + ThirdAbove(chord);
        const int line[] = {r, third, fifth, r + 9, r + 10, r + 9, fifth, third};
        for (int i = 0; i < 8; ++i) note(2 * i, 2, line[i], i % 2 == 0 ? 98 : 84);
        break;
      }
      case Genre::kPunk:
        for (int s = 0; s < 16; s += 2) note(s, 2, r, s % 4 == 0 ? 100 : 90);
        break;
    }
  }

  // ----- Harmony parts -------------------------------------------------------------------------

  std::vector<Part> HarmonyParts() {
    switch (style_.genre) {
      case Genre::kHeavyMetal:
      case Genre::kPunk:
        return Guitars();
      case Genre::kDiscoPolo:
        return DiscoKeys();
      case Genre::kSynthwave:
        return SynthPads();
      case Genre::kBlues:
        return PianoOrgan();
      case Genre::kPop:
        return PopBand();
      case Genre::kGangstaRap:
        return RapKeys();
    }
    return {};
  }

  std::vector<Part> Guitars() {
    const bool metal = style_.genre == Genre::kHeavyMetal;
    Part left = MakePart("Rhythm guitar L", PartRole::kHarmony, 2, 30, 62, 20, 28);
    Part right = MakePart("Rhythm guitar R", PartRole::kHarmony, 3, metal ? 29 : 30, 60, 108, 28);
    auto bar_play = [&](int64_t bar, const Chord& chord, const Chord&, const SectionPlace& section,
                        int b) {
      const double intensity = SectionIntensity(section.kind);
      const std::vector<int> power = PowerChord(chord);
      const bool build = section.kind == SectionKind::kIntro && b < section.bars / 2;
      const bool open = IsChorus(section.kind) || section.kind == SectionKind::kSolo;
      for (Part* part : {&left, &right}) {
        if (build || section.kind == SectionKind::kBridge) {
          AddChord(*part, bar, kBarTicks - 30, power, 96, intensity);
        } else if (metal && open) {
          AddChord(*part, bar, 8 * kStep - 20, power, 104, intensity);
          AddChord(*part, bar + 8 * kStep, 8 * kStep - 20, power, 98, intensity);
        } else if (metal) {
          // Palm-muted chugs on the kick, the root and fifth only, an open chord on the one.
          const std::vector<int> low = {power[0], power[1]};
          const std::vector<int> kicks = GrooveFor(style_, section.kind).kick;
          for (size_t i = 0; i < kicks.size(); ++i) {
            const int next = i + 1 < kicks.size() ? kicks[i + 1] : 16;
            if (kicks[i] == 0) {
              AddChord(*part, bar, std::min(3, next) * kStep - 10, power, 100, intensity);
            } else {
              AddChord(*part, bar + kicks[i] * kStep, kStep - 10, low, 88, intensity);
            }
          }
        } else {
          // Punk: downstrokes on every eighth, muted in verses, ringing in choruses.
          for (int s = 0; s < 16; s += 2) {
            AddChord(*part, bar + s * kStep, open ? 2 * kStep - 16 : kStep, power,
                     s % 4 == 0 ? 100 : 90, intensity);
          }
        }
      }
    };
    ForEachBar(bar_play, [&](int64_t bar, const Chord& chord) {
      AddChord(left, bar, kBarTicks * 3 / 2, PowerChord(chord), 116, 1.0);
      AddChord(right, bar, kBarTicks * 3 / 2, PowerChord(chord), 112, 1.0);
    });
    return {std::move(left), std::move(right)};
  }

  // Arpeggio over the chord's tones in 16ths (or eighths), up and down, around `centre`.
  void Arpeggio(Part& part, int64_t bar, const Chord& chord, int centre, int step_len, int base,
                double intensity) {
    std::vector<int> up = Voicing(Tones(chord, style_, false), centre);
    if (up.empty()) return;
    up.push_back(up.front() + 12);
    std::vector<int> cycle = up;
    for (int i = static_cast<int>(up.size()) - 2; i >= 1; --i) cycle.push_back(up[i]);
    int k = 0;
    for (int s = 0; s < 16; s += step_len, ++k) {
      Add(part, bar + s * kStep, step_len * kStep - 10, cycle[k % cycle.size()],
          s % 4 == 0 ? base + 8 : base, intensity);
    }
  }

  std::vector<Part> DiscoKeys() {
    Part chords = MakePart("Synth chords", PartRole::kHarmony, 2, 90, 72, 44, 50);
    chords.release = kStabRelease;
    Part arp = MakePart("Arpeggio", PartRole::kHarmony, 3, 81, 64, 88, 60);
    Part strings = MakePart("Strings", PartRole::kPad, 4, 50, 56, 64, 70);
    strings.release = kPadRelease;
    ForEachBar(
        [&](int64_t bar, const Chord& chord, const Chord&, const SectionPlace& section, int b) {
          const double intensity = SectionIntensity(section.kind);
          const std::vector<int> triad = Voicing(Tones(chord, style_, false), 66);
          // The off-beat stabs: "um-PA um-PA" against the four-on-the-floor kick.
          for (int s : {2, 6, 10, 14})
            AddChord(chords, bar + s * kStep, kStep * 3 / 2, triad, 84, intensity);
          const bool chorus = IsChorus(section.kind) || section.kind == SectionKind::kOutro;
          if (chorus || section.kind == SectionKind::kIntro) {
            Arpeggio(arp, bar, chord, 76, 1, 70, intensity);
            AddChord(strings, bar, kBarTicks - 20, Voicing(Tones(chord, style_, false), 60), 64,
                     intensity);
          } else if (b % 2 == 0) {
            Arpeggio(arp, bar, chord, 76, 2, 60, intensity);
          }
        },
        [&](int64_t bar, const Chord& chord) {
          AddChord(chords, bar, kBarTicks, Voicing(Tones(chord, style_, false), 66), 100, 1.0);
          AddChord(strings, bar, kBarTicks * 3 / 2, Voicing(Tones(chord, style_, false), 60), 90,
                   1.0);
        });
    return {std::move(chords), std::move(arp), std::move(strings)};
  }

  std::vector<Part> SynthPads() {
    Part pad = MakePart("Pad", PartRole::kPad, 2, random_.Chance(0.5) ? 89 : 95, 56, 40, 84);
    pad.release = kPadRelease;
    Part arp = MakePart("Arpeggio", PartRole::kHarmony, 3, 80, 70, 92, 70);
    ForEachBar(
        [&](int64_t bar, const Chord& chord, const Chord&, const SectionPlace& section, int b) {
          const double intensity = SectionIntensity(section.kind);
          AddChord(pad, bar, kBarTicks - 10, Voicing(Tones(chord, style_, true), 62), 72,
                   intensity);
          const bool build = section.kind == SectionKind::kIntro && b < section.bars / 2;
          if (!build) {
            Arpeggio(arp, bar, chord, 72, section.kind == SectionKind::kBridge ? 2 : 1, 64,
                     intensity);
          }
        },
        [&](int64_t bar, const Chord& chord) {
          AddChord(pad, bar, kBarTicks * 2, Voicing(Tones(chord, style_, true), 62), 90, 1.0);
        });
    return {std::move(pad), std::move(arp)};
  }

  std::vector<Part> PianoOrgan() {
    Part piano = MakePart("Piano", PartRole::kHarmony, 2, 0, 86, 48, 40);
    Part organ = MakePart("Organ", PartRole::kPad, 3, random_.Chance(0.5) ? 16 : 17, 66, 80, 40);
    ForEachBar(
        [&](int64_t bar, const Chord& chord, const Chord&, const SectionPlace& section, int) {
          const double intensity = SectionIntensity(section.kind);
          const std::vector<int> voicing = Voicing(Tones(chord, style_, false), 62);
          // Shuffle comping: the chord on two and four, pushed on the "and" of three.
          AddChord(piano, bar + 4 * kStep, kStep * 2 - 20, voicing, 74, intensity);
          AddChord(piano, bar + 10 * kStep, kStep * 2 - 20, voicing, 66, intensity);
          AddChord(piano, bar + 12 * kStep, kStep * 2 - 20, voicing, 78, intensity);
          if (section.kind != SectionKind::kVerse) {
            AddChord(organ, bar, kBarTicks - 20, Voicing(Tones(chord, style_, false), 58), 64,
                     intensity);
          }
        },
        [&](int64_t bar, const Chord& chord) {
          AddChord(piano, bar, kBarTicks * 3 / 2, Voicing(Tones(chord, style_, false), 62), 100,
                   1.0, 12);
          AddChord(organ, bar, kBarTicks * 3 / 2, Voicing(Tones(chord, style_, false), 58), 84,
                   1.0);
        });
    return {std::move(piano), std::move(organ)};
  }

  std::vector<Part> PopBand() {
    Part guitar = MakePart("Clean guitar", PartRole::kHarmony, 2, 27, 72, 30, 40);
    guitar.release = kStrumRelease;
    Part piano = MakePart("Piano", PartRole::kHarmony, 3, 0, 80, 96, 44);
    ForEachBar(
        [&](int64_t bar, const Chord& chord, const Chord&, const SectionPlace& section, int b) {
          const double intensity = SectionIntensity(section.kind);
          const bool chorus = IsChorus(section.kind) || section.kind == SectionKind::kOutro;
          const std::vector<int> strings = GuitarVoicing(chord);
          // Down, down-up, up-down-up: strums with the strings a few ticks apart.
          static const int kStrums[] = {0, 4, 6, 10, 12, 14};
          static const bool kDown[] = {true, true, false, false, true, false};
          const bool build = section.kind == SectionKind::kIntro && b < section.bars / 2;
          for (int i = 0; i < 6; ++i) {
            if (!chorus && (kStrums[i] == 4 || kStrums[i] == 10)) continue;
            if (build && i > 0) continue;
            const int next = i + 1 < 6 ? kStrums[i + 1] : 16;
            const int64_t length = (build ? 16 : next - kStrums[i]) * kStep - 12;
            AddChord(guitar, bar + kStrums[i] * kStep, length, strings, kDown[i] ? 80 : 64,
                     intensity, kDown[i] ? 8 : -8);
          }
          const std::vector<int> voicing = Voicing(Tones(chord, style_, false), 64);
          if (chorus) {
            for (int s = 0; s < 16; s += 4)
              AddChord(piano, bar + s * kStep, 4 * kStep - 20, voicing, 76, intensity);
          } else if (section.kind == SectionKind::kBridge || build) {
            AddChord(piano, bar, kBarTicks - 20, voicing, 70, intensity);
          } else {
            AddChord(piano, bar, 8 * kStep - 20, voicing, 70, intensity);
            AddChord(piano, bar + 8 * kStep, 8 * kStep - 20, voicing, 64, intensity);
          }
        },
        [&](int64_t bar, const Chord& chord) {
          AddChord(guitar, bar, kBarTicks * 3 / 2, GuitarVoicing(chord), 96, 1.0, 10);
          AddChord(piano, bar, kBarTicks * 3 / 2, Voicing(Tones(chord, style_, false), 64), 96,
                   1.0);
        });
    return {std::move(guitar), std::move(piano)};
  }

  std::vector<Part> RapKeys() {
    Part keys = MakePart("Keys", PartRole::kHarmony, 2, 4, 80, 44, 48);
    Part strings = MakePart("Strings", PartRole::kPad, 3, 49, 66, 84, 64);
    strings.release = kPadRelease;
    ForEachBar(
        [&](int64_t bar, const Chord& chord, const Chord&, const SectionPlace& section, int) {
          const double intensity = SectionIntensity(section.kind);
          const std::vector<int> voicing = Voicing(Tones(chord, style_, true), 62);
          AddChord(keys, bar, 6 * kStep, voicing, 70, intensity, 6);
          AddChord(keys, bar + 10 * kStep, 6 * kStep - 20, voicing, 58, intensity, 6);
          if (IsChorus(section.kind) || section.kind == SectionKind::kIntro ||
              section.kind == SectionKind::kOutro) {
            AddChord(strings, bar, kBarTicks - 20, Voicing(Tones(chord, style_, false), 67), 60,
                     intensity);
          }
        },
        [&](int64_t bar, const Chord& chord) {
          AddChord(keys, bar, kBarTicks, Voicing(Tones(chord, style_, true), 62), 84, 1.0, 8);
          AddChord(strings, bar, kBarTicks * 3 / 2, Voicing(Tones(chord, style_, false), 67), 76,
                   1.0);
        });
    return {std::move(keys), std::move(strings)};
  }

  // ----- Solo instrument -----------------------------------------------------------------------

  // The solo instrument's pitches: the key's pentatonic (the blues scale in the blues) an octave
  // above a man's voice.
  std::vector<int> SoloPitches() const {
    std::vector<int> steps;
    switch (style_.mode) {
      case Mode::kMajor:
        steps = {0, 2, 4, 7, 9};
        break;
      case Mode::kMixolydian:
        steps = {0, 3, 5, 6, 7, 10};
        break;
      default:
        steps = {0, 3, 5, 7, 10};
        break;
    }
    const int low = std::clamp(style_.vocal.low + (style_.vocal.low < 57 ? 12 : 0), 55, 67);
    std::vector<int> out;
    for (int p = low; p <= low + 22; ++p) {
      for (int s : steps) {
        if (((p - style_.tonic - s) % 12 + 12) % 12 == 0) out.push_back(p);
      }
    }
    return out;
  }

  // An improvised line in [start, end): phrases of a bar and a half with a breath, chord tones on
  // the beats, mostly steps, a held chord tone at each phrase end.
  void Improvise(Part& part, int64_t start, int64_t end, double intensity, bool fast) {
    const std::vector<int> pool = SoloPitches();
    if (pool.empty() || end - start < kTicksPerBeat) return;
    int index = static_cast<int>(pool.size()) / 2;
    int64_t t = start;
    int64_t phrase_end = std::min(end, start + kBarTicks * 3 / 2);
    while (t < end) {
      if (t >= phrase_end) {
        t = std::max(t, phrase_end) + kTicksPerBeat / 2 * random_.Between(1, 3);
        phrase_end = std::min(end, t + kBarTicks * 3 / 2);
        if (t >= end - kTicksPerBeat) break;
      }
      int64_t length = fast ? (random_.Chance(0.7) ? kStep : 2 * kStep)
                            : (random_.Chance(0.6) ? 2 * kStep : 4 * kStep);
      // The phrase's last note is held into the breath that follows it.
      const bool phrase_last = t + length >= phrase_end;
      if (phrase_last) length = std::max<int64_t>(phrase_end - t, kStep) + kTicksPerBeat;
      const std::vector<int> tones = Tones(harmony_.At(t), style_, false);
      auto is_tone = [&](int p) {
        return std::find(tones.begin(), tones.end(), ((p % 12) + 12) % 12) != tones.end();
      };
      static const int kMoves[] = {-2, -1, -1, 1, 1, 2};
      index += kMoves[random_.Index(6)];
      if (index < 1) index = 2;
      if (index > static_cast<int>(pool.size()) - 2) index = static_cast<int>(pool.size()) - 3;
      index = std::clamp(index, 0, static_cast<int>(pool.size()) - 1);
      if ((t % kTicksPerBeat == 0 || phrase_last) && !is_tone(pool[index])) {
        for (int d : {1, -1, 2, -2}) {
          const int k = index + d;
          if (k >= 0 && k < static_cast<int>(pool.size()) && is_tone(pool[k])) {
            index = k;
            break;
          }
        }
      }
      Add(part, t, std::min(length, end - t) - 10, pool[index], 92, intensity);
      t += length;
    }
  }

  // Copies the chorus melody into an instrumental section whose chords match the chorus's, an
  // octave up when the voice is low. False when there is no chorus or the chords differ.
  bool StateHook(Part& part, const SectionPlace& target, int usable_bars) {
    const SectionPlace* chorus = nullptr;
    for (const SectionPlace& s : timeline_.sections) {
      if (IsChorus(s.kind) && !s.lines.empty()) {
        chorus = &s;
        break;
      }
    }
    if (chorus == nullptr) return false;
    const int bars = std::min(usable_bars, chorus->bars);
    if (bars < 2) return false;
    for (int b = 0; b < bars; ++b) {
      if (!SameChord(harmony_.At(target.start + b * kBarTicks),
                     harmony_.At(chorus->start + b * kBarTicks))) {
        return false;
      }
    }
    const int shift = style_.vocal.low < 57 ? 12 : 0;
    const int64_t from = chorus->start;
    const int64_t to = chorus->start + bars * kBarTicks - kTicksPerBeat * 2;
    const double intensity = SectionIntensity(target.kind);
    bool any = false;
    for (const Note& note : melody_.notes) {
      if (note.start < from || note.start >= to) continue;
      const int64_t duration = std::min(note.duration, to - note.start);
      Add(part, note.start - from + target.start, duration, note.pitch + shift, 90, intensity);
      any = true;
    }
    return any;
  }

  // G-funk's high synth whistle over the intro, the hooks and the outro: a slow two-bar motif on
  // the chord tones, an answer to the flow rather than a second melody.
  Part Whistle() {
    Part whistle = MakePart("Whistle synth", PartRole::kCounter, 5, 78, 74, 84, 70);
    static const int kMotif[2][3] = {{2, 1, 0}, {1, 2, 1}};  // chord-tone index per note
    static const int kSteps[3] = {0, 6, 8};
    static const int kLengths[3] = {6, 2, 8};
    ForEachBar(
        [&](int64_t bar, const Chord& chord, const Chord&, const SectionPlace& section, int b) {
          if (section.kind != SectionKind::kIntro && section.kind != SectionKind::kOutro &&
              !IsChorus(section.kind)) {
            return;
          }
          const std::vector<int> tones = Voicing(Tones(chord, style_, false), 79);
          for (int i = 0; i < 3 && !tones.empty(); ++i) {
            const int pitch = tones[std::min<size_t>(kMotif[b % 2][i], tones.size() - 1)];
            Add(whistle, bar + kSteps[i] * kStep, kLengths[i] * kStep - 20, pitch, 80,
                SectionIntensity(section.kind));
          }
        },
        [&](int64_t bar, const Chord& chord) {
          for (int p : Voicing(Tones(chord, style_, false), 79)) {
            if (p % 12 == chord.root) Add(whistle, bar, kBarTicks, p, 90, 1.0);
          }
        });
    return whistle;
  }

  Part Solo() {
    if (style_.rap) return Whistle();
    const bool guitar = style_.genre == Genre::kHeavyMetal || style_.genre == Genre::kPunk;
    Part solo = MakePart(guitar ? "Solo guitar" : "Solo", PartRole::kCounter, 5, LeadProgram(),
                         LeadVolume() - 6, 72, style_.genre == Genre::kSynthwave ? 76 : 56);
    const int64_t final_bar = timeline_.FinalBarStart();
    const bool fast = style_.genre == Genre::kHeavyMetal;
    for (const SectionPlace& section : timeline_.sections) {
      if (!section.lines.empty()) continue;
      const double intensity = SectionIntensity(section.kind);
      // The final hit's bar is not part of the phrase; the last half bar before a sung
      // section is left free for its pick-up.
      const bool holds_final = section.end > final_bar && !timeline_.extra_final_bar;
      const int usable = section.bars - (holds_final ? 1 : 0);
      const int64_t end =
          section.start + usable * kBarTicks - (holds_final ? 0 : kTicksPerBeat * 2);
      if (section.kind == SectionKind::kSolo || !StateHook(solo, section, usable)) {
        Improvise(solo, section.start, end, intensity, fast || section.kind == SectionKind::kSolo);
      }
    }
    if (style_.genre == Genre::kBlues) Answers(solo);
    // The last word: the tonic, held.
    const std::vector<int> pool = SoloPitches();
    for (int p : pool) {
      if (p % 12 == style_.tonic) {
        Add(solo, final_bar, kBarTicks * 3 / 2, p, 104, 1.0);
        break;
      }
    }
    return solo;
  }

  // The blues' call and response: where a sung line stops for a bar or more, the solo instrument
  // answers it with a short lick.
  void Answers(Part& solo) {
    const auto& lines = melody_.lines;
    for (size_t i = 0; i < lines.size(); ++i) {
      const SectionPlace& section = timeline_.sections[lines[i].section];
      int64_t next = section.end;
      if (i + 1 < lines.size() && lines[i + 1].section == lines[i].section) {
        next = lines[i + 1].start;
      }
      const int64_t from = lines[i].end + kTicksPerBeat / 2;
      const int64_t to = std::min(next, section.end) - kTicksPerBeat / 2;
      if (to - from >= kTicksPerBeat * 2) {
        Improvise(solo, from, to, SectionIntensity(section.kind) * 0.85, false);
      }
    }
  }

  const Timeline& timeline_;
  const Style& style_;
  const Harmony& harmony_;
  const Melody& melody_;
  SongRandom& random_;
  int blues_lead_ = 22;
};

}  // namespace

std::vector<Part> Arrange(const Timeline& timeline, const Style& style, const Harmony& harmony,
                          const Melody& melody, SongRandom& random) {
  return Arranger(timeline, style, harmony, melody, random).Run();
}

}  // namespace moodtape::producer::compose
