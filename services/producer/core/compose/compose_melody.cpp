// Step 4 of the composer: the vocal melody. Every syllable gets one note (PlaceSyllables sets
// the rhythm); pitches come from a Viterbi search over the key's notes in the vocal range that
// follows a contour per line, puts chord tones on the strong beats, moves mostly by step and
// ends each line on a tone of the chord under it. Lines of a section follow a letter scheme
// (A B A C): a line repeating a letter takes the earlier line's melody when its rhythm allows,
// which is what makes a chorus memorable; a repeated chorus is copied note for note.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer::compose {
namespace {

enum class Shape { kArch, kRise, kFall, kHook, kWave, kValley };

// A hump from 0 at x = 0 through 1 at x = 0.5 back to 0 at x = 1. A parabola rather than a
// sine: plain arithmetic gives the same bits on every machine, so the same seed gives the same
// melody everywhere.
double Hump(double x) { return 4 * x * (1 - x); }

// The contour in [-1, 1] at x in [0, 1] of the line.
double ShapeAt(Shape shape, double x) {
  switch (shape) {
    case Shape::kArch:
      return -0.6 + 1.6 * Hump(x);
    case Shape::kRise:
      return -1 + 2 * x;
    case Shape::kFall:
      return 1 - 2 * x;
    case Shape::kHook:  // a quick climb to the top, then a long way home
      return x < 0.25 ? 0.2 + 3.2 * x : 1 - 1.5 * (x - 0.25);
    case Shape::kWave:
      return x < 0.5 ? 0.8 * Hump(2 * x) : -0.8 * Hump(2 * x - 1);
    case Shape::kValley:
      return 0.6 - 1.6 * Hump(x);
  }
  return 0;
}

enum class Ending { kAny, kTonic, kOpen };

struct Register {
  double centre = 0;     // MIDI pitch the line's contour is centred on
  double amplitude = 0;  // semitones the contour moves either way
};

// Sections sit in different parts of the range: the verse low, the chorus high, the bridge in
// between with its own shape, the pre-chorus climbing from one to the other.
Register RegisterFor(SectionKind kind, const Style& style, int line, int lines) {
  const double low = style.vocal.low;
  const double width = style.vocal.high - style.vocal.low;
  if (style.rap) return {static_cast<double>(style.vocal.tonic), 1.5};
  switch (kind) {
    case SectionKind::kChorus:
    case SectionKind::kHook:
      return {low + 0.66 * width, 0.28 * width};
    case SectionKind::kPreChorus: {
      const double climb = lines > 1 ? static_cast<double>(line) / (lines - 1) : 0.5;
      return {low + (0.42 + 0.16 * climb) * width, 0.16 * width};
    }
    case SectionKind::kBridge:
      return {low + 0.55 * width, 0.22 * width};
    default:
      return {low + 0.36 * width, 0.26 * width};
  }
}

// Letter of each line in a section: lines sharing a letter share a melody.
int LetterOf(SectionKind kind, Genre genre, int line) {
  if (genre == Genre::kBlues && (kind == SectionKind::kVerse || kind == SectionKind::kChorus)) {
    static const int kAab[] = {0, 0, 1};
    return kAab[line % 3];
  }
  switch (kind) {
    case SectionKind::kPreChorus:
      return line;  // every line climbs further
    case SectionKind::kBridge:
      return line % 2;
    default: {
      static const int kAbac[] = {0, 1, 0, 2};
      return kAbac[line % 4];
    }
  }
}

bool Contains(const std::vector<int>& pcs, int pitch) {
  return std::find(pcs.begin(), pcs.end(), ((pitch % 12) + 12) % 12) != pcs.end();
}

// Tones a line may end on: the chord's own tones (as its name spells them) inside the key.
std::vector<int> EndingTones(const Chord& chord, const Style& style) {
  const std::vector<int> scale = ScalePitchClasses(style.tonic, style.mode);
  std::vector<int> out;
  for (int pc : ChordTones(chord)) {
    if (Contains(scale, pc)) out.push_back(pc);
  }
  return out;
}

double IntervalCost(int from, int to, int64_t gap_ticks, bool rap) {
  const int d = std::abs(to - from);
  double c = 0;
  if (rap) {
    c = d == 0 ? 0 : d <= 2 ? 0.3 : d <= 4 ? 0.9 : 3.0;
  } else {
    static const double kCost[] = {0.5, 0.0, 0.0, 0.7, 0.8, 1.5, 5.0, 1.8, 3.0, 3.2, 4.5, 4.5, 4.0};
    c = d <= 12 ? kCost[d] : 30.0;
  }
  // After a rest a singer may start anywhere near.
  if (gap_ticks > kTicksPerBeat * 3 / 2) c *= 0.6;
  return c;
}

struct PitchProblem {
  std::vector<int64_t> onsets;
  std::vector<int> weights;
  std::vector<double> targets;
  double target_weight = 0.35;
  std::vector<int> candidates;
  int previous = -1;  // the section's previous sung pitch, for a smooth join
  Ending ending = Ending::kAny;
};

// What a third note adds to the two before it: a leap wants to be answered by a step back,
// two leaps the same way or a trill sound aimless, three equal notes drone (a flow may drone).
double ShapeCost(int a, int b, int c, bool rap) {
  if (rap) return 0;
  const int d1 = b - a;
  const int d2 = c - b;
  if (d1 == 0 && d2 == 0) return 0.8;
  const bool reverse = (d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0);
  if (std::abs(d1) >= 5) {
    if (reverse && std::abs(d2) <= 2) return -0.4;
    if (!reverse && d2 != 0 && std::abs(d2) >= 3) return 1.5;
  }
  if (reverse && std::abs(d1) <= 2 && std::abs(d2) <= 2) return 0.35;
  return 0;
}

// Viterbi over pairs of neighbouring notes, so the cost of a note can see the two before it.
std::vector<int> ChoosePitches(const PitchProblem& problem, const Harmony& harmony,
                               const Style& style, SongRandom& random) {
  const int n = static_cast<int>(problem.onsets.size());
  const int m = static_cast<int>(problem.candidates.size());
  std::vector<int> out;
  if (n == 0 || m == 0) return out;
  const std::vector<int>& pitch = problem.candidates;
  constexpr double kInf = std::numeric_limits<double>::infinity();

  std::vector<double> unary(static_cast<size_t>(n) * m);
  for (int j = 0; j < n; ++j) {
    const int64_t tick = problem.onsets[j];
    const Chord& chord = harmony.At(tick);
    const std::vector<int> tones = MelodicChordTones(chord, style);
    const std::vector<int> ending = EndingTones(chord, style);
    const int level = MetricLevel(tick);
    for (int c = 0; c < m; ++c) {
      const int p = pitch[c];
      double cost = problem.target_weight * std::abs(p - problem.targets[j]);
      if (!Contains(tones, p)) {
        cost += level >= 3 ? 2.5 : level == 2 ? 1.2 : problem.weights[j] == 2 ? 1.0 : 0.15;
      }
      if (j == n - 1) {
        const bool tonic = p % 12 == style.tonic;
        if (!Contains(ending, p)) cost += 1000;
        if (problem.ending == Ending::kTonic && !tonic) cost += 1.5;
        if (problem.ending == Ending::kOpen && tonic) cost += 0.6;
      }
      unary[static_cast<size_t>(j) * m + c] = cost + 0.4 * random.Unit();
    }
  }
  auto u = [&](int j, int c) { return unary[static_cast<size_t>(j) * m + c]; };
  auto gap = [&](int j) { return problem.onsets[j] - problem.onsets[j - 1]; };

  if (n == 1) {
    int best = 0;
    for (int c = 1; c < m; ++c) {
      if (u(0, c) < u(0, best)) best = c;
    }
    return {pitch[best]};
  }
  // cost[(a, b)]: the best line so far ending on candidates a then b.
  std::vector<double> cost(static_cast<size_t>(m) * m, kInf);
  std::vector<int> back(static_cast<size_t>(n) * m * m, -1);
  auto pair = [m](int a, int b) { return static_cast<size_t>(a) * m + b; };
  for (int a = 0; a < m; ++a) {
    double first = u(0, a);
    if (problem.previous >= 0) {
      first += 0.5 * IntervalCost(problem.previous, pitch[a], kTicksPerBeat * 2, style.rap);
    }
    for (int b = 0; b < m; ++b) {
      cost[pair(a, b)] = first + IntervalCost(pitch[a], pitch[b], gap(1), style.rap) + u(1, b);
    }
  }
  std::vector<double> next(cost.size());
  for (int j = 2; j < n; ++j) {
    for (int b = 0; b < m; ++b) {
      for (int c = 0; c < m; ++c) {
        const double step = IntervalCost(pitch[b], pitch[c], gap(j), style.rap) + u(j, c);
        double best = kInf;
        int best_a = -1;
        for (int a = 0; a < m; ++a) {
          const double from = cost[pair(a, b)];
          if (from == kInf) continue;
          const double total = from + ShapeCost(pitch[a], pitch[b], pitch[c], style.rap);
          if (total < best) {
            best = total;
            best_a = a;
          }
        }
        next[pair(b, c)] = best + step;
        back[(static_cast<size_t>(j) * m + b) * m + c] = best_a;
      }
    }
    cost.swap(next);
  }
  size_t best = 0;
  for (size_t k = 1; k < cost.size(); ++k) {
    if (cost[k] < cost[best]) best = k;
  }
  out.assign(n, 0);
  int b = static_cast<int>(best / m);
  int c = static_cast<int>(best % m);
  for (int j = n - 1; j >= 1; --j) {
    out[j] = pitch[c];
    out[j - 1] = pitch[b];
    if (j >= 2) {
      const int a = back[(static_cast<size_t>(j) * m + b) * m + c];
      c = b;
      b = a;
    }
  }
  return out;
}

// A line as sung: onsets relative to the line's start, and its pitches.
struct SungLine {
  std::vector<int64_t> offsets;
  std::vector<int> pitches;
};

// An earlier line's melody fits this line when the rhythm is the same and the chords under it
// still welcome it: chord tones on beats 1 and 3 and at the end.
bool MelodyFits(const SungLine& melody, const std::vector<int64_t>& onsets, int64_t line_start,
                const Harmony& harmony, const Style& style) {
  if (melody.offsets.size() != onsets.size()) return false;
  for (size_t j = 0; j < onsets.size(); ++j) {
    if (melody.offsets[j] != onsets[j] - line_start) return false;
    const Chord& chord = harmony.At(onsets[j]);
    if (MetricLevel(onsets[j]) >= 3 &&
        !Contains(MelodicChordTones(chord, style), melody.pitches[j])) {
      return false;
    }
    if (j + 1 == onsets.size() && !Contains(EndingTones(chord, style), melody.pitches[j])) {
      return false;
    }
  }
  return true;
}

// Sung notes of one section, kept so a repeat can copy them.
struct SectionMelody {
  int64_t start = 0;
  std::vector<Note> notes;
  std::vector<int> syllable_of_note;  // index of the syllable within the section, or -1 (melisma)
  std::vector<int> line_of_note;      // line within the section
};

class MelodyWriter {
 public:
  MelodyWriter(const Timeline& timeline, const Style& style, const Harmony& harmony,
               SongRandom& random)
      : timeline_(timeline), style_(style), harmony_(harmony), random_(random) {
    candidates_ = ScalePitches(style.tonic, style.mode, style.vocal.low, style.vocal.high);
    if (style.rap) {
      // A flow keeps to a few neighbouring notes around its home pitch.
      std::vector<int> near;
      for (int p : candidates_) {
        if (p >= style.vocal.tonic - 3 && p <= style.vocal.tonic + 4) near.push_back(p);
      }
      if (near.size() >= 2) candidates_ = near;
    }
  }

  Melody Write() {
    sections_.resize(timeline_.sections.size());
    for (size_t s = 0; s < timeline_.sections.size(); ++s) {
      const SectionPlace& section = timeline_.sections[s];
      if (section.lines.empty()) continue;
      if (!CopyRepeat(static_cast<int>(s))) WriteSection(static_cast<int>(s));
      Emit(static_cast<int>(s));
    }
    Finish();
    return std::move(melody_);
  }

 private:
  Shape ShapeFor(SectionKind kind, int letter) {
    const auto key = std::make_pair(static_cast<int>(kind), letter);
    auto found = shapes_.find(key);
    if (found != shapes_.end()) return found->second;
    Shape shape = Shape::kArch;
    if (kind == SectionKind::kChorus || kind == SectionKind::kHook) {
      static const std::vector<Shape> kFirst = {Shape::kHook, Shape::kArch, Shape::kHook};
      static const std::vector<Shape> kOther = {Shape::kArch, Shape::kFall, Shape::kWave};
      shape = random_.Pick(letter == 0 ? kFirst : kOther);
    } else if (kind == SectionKind::kPreChorus) {
      shape = Shape::kRise;
    } else {
      static const std::vector<Shape> kAny = {Shape::kArch, Shape::kFall, Shape::kWave,
                                              Shape::kValley, Shape::kRise};
      shape = random_.Pick(kAny);
    }
    shapes_[key] = shape;
    return shape;
  }

  // A repeated section sings its original's melody, shifted in time, when it has the same lines.
  bool CopyRepeat(int s) {
    const SectionPlace& section = timeline_.sections[s];
    if (section.repeat_of < 0) return false;
    const SectionPlace& original = timeline_.sections[section.repeat_of];
    const SectionMelody& source = sections_[section.repeat_of];
    if (original.lines.size() != section.lines.size() || source.notes.empty() ||
        original.bars != section.bars) {
      return false;
    }
    for (size_t k = 0; k < section.lines.size(); ++k) {
      if (timeline_.lines[section.lines[k]].line->SyllableCount() !=
          timeline_.lines[original.lines[k]].line->SyllableCount()) {
        return false;
      }
    }
    SectionMelody copy = source;
    copy.start = section.start;
    for (Note& note : copy.notes) note.start += section.start - original.start;
    sections_[s] = std::move(copy);
    last_onset_ = sections_[s].notes.back().start;
    return true;
  }

  void WriteSection(int s) {
    const SectionPlace& section = timeline_.sections[s];
    SectionMelody& out = sections_[s];
    out.start = section.start;
    const int lines = static_cast<int>(section.lines.size());
    std::map<int, SungLine> by_letter;  // this section's first line of each letter
    int previous_pitch = -1;
    int syllable_base = 0;
    for (int k = 0; k < lines; ++k) {
      const LinePlace& place = timeline_.lines[section.lines[k]];
      const int64_t earliest = std::max<int64_t>(0, last_onset_ + kTicksPerBeat / 4);
      // A section sung again is copied whole, pick-up included: the line before it must leave
      // the pick-up its room.
      const bool before_copy = k == lines - 1 &&
                               s + 1 < static_cast<int>(timeline_.sections.size()) &&
                               timeline_.sections[s + 1].repeat_of >= 0;
      SyllableTiming timing =
          PlaceSyllables(*place.line, place.start, place.end, earliest, before_copy, style_);
      const int n = static_cast<int>(timing.onsets.size());
      if (n == 0) continue;

      const int letter = LetterOf(section.kind, style_.genre, k);
      const Ending ending = k == lines - 1 ? Ending::kTonic
                            : k % 2 == 1   ? Ending::kAny
                                           : Ending::kOpen;
      // A line whose letter came before (in this section, or in the first section of this kind)
      // takes that melody if it fits, or follows it as its contour.
      std::vector<const SungLine*> models;
      if (auto it = by_letter.find(letter); it != by_letter.end()) models.push_back(&it->second);
      if (auto it = kind_models_.find({static_cast<int>(section.kind), letter});
          it != kind_models_.end()) {
        models.push_back(&it->second);
      }
      const SungLine* model = models.empty() ? nullptr : models.front();
      std::vector<int> pitches;
      for (const SungLine* candidate : models) {
        if (ending != Ending::kTonic &&
            MelodyFits(*candidate, timing.onsets, place.start, harmony_, style_)) {
          pitches = candidate->pitches;
          break;
        }
      }
      if (pitches.empty()) {
        PitchProblem problem;
        problem.onsets = timing.onsets;
        problem.weights = SyllableWeights(*place.line);
        problem.candidates = candidates_;
        problem.previous = previous_pitch;
        problem.ending = ending;
        problem.targets.resize(n);
        if (model != nullptr && !model->pitches.empty()) {
          // Follow the model's contour, stretched over this line's syllables.
          const int mn = static_cast<int>(model->pitches.size());
          for (int j = 0; j < n; ++j) {
            const int from = n > 1 ? j * (mn - 1) / (n - 1) : 0;
            problem.targets[j] = model->pitches[from];
          }
          problem.target_weight = 0.5;
        } else {
          const Register reg = RegisterFor(section.kind, style_, k, lines);
          const Shape shape = ShapeFor(section.kind, letter);
          for (int j = 0; j < n; ++j) {
            const double x = n > 1 ? static_cast<double>(j) / (n - 1) : 0.5;
            double target = reg.centre + reg.amplitude * ShapeAt(shape, x);
            if (style_.rap) target += problem.weights[j] == 2 ? 2 : problem.weights[j] == 1 ? 1 : 0;
            problem.targets[j] = target;
          }
          problem.target_weight = style_.rap ? 0.6 : 0.45;
        }
        pitches = ChoosePitches(problem, harmony_, style_, random_);
      }
      SungLine sung;
      for (int j = 0; j < n; ++j) sung.offsets.push_back(timing.onsets[j] - place.start);
      sung.pitches = pitches;
      by_letter.emplace(letter, sung);
      kind_models_.emplace(std::make_pair(static_cast<int>(section.kind), letter), sung);

      AddLineNotes(out, timing, pitches, place, k, syllable_base);
      syllable_base += n;
      previous_pitch = pitches.back();
      last_onset_ = out.notes.back().start;
    }
  }

  // Notes of one line: legato within the line, the last one held; a long last note may turn
  // into a two-note melisma onto another tone of its chord.
  void AddLineNotes(SectionMelody& out, const SyllableTiming& timing,
                    const std::vector<int>& pitches, const LinePlace& place, int line,
                    int syllable_base) {
    const int n = static_cast<int>(timing.onsets.size());
    const std::vector<int> weights = SyllableWeights(*place.line);
    const double intensity = SectionIntensity(timeline_.sections[place.section].kind);
    for (int j = 0; j < n; ++j) {
      const int64_t onset = timing.onsets[j];
      int64_t duration = 0;
      if (j + 1 < n) {
        const int64_t gap = timing.onsets[j + 1] - onset;
        duration = style_.rap                ? std::min<int64_t>(gap, 2 * timing.grid) * 4 / 5
                   : gap > 2 * kTicksPerBeat ? kTicksPerBeat * 3 / 2
                                             : gap - std::min<int64_t>(20, gap / 4);
      } else {
        const int64_t hold = style_.rap ? kTicksPerBeat : kTicksPerBeat * 7 / 2;
        duration = std::min(hold, place.end - onset);
      }
      duration = std::max<int64_t>(duration, 1);
      const int base = 78 + (weights[j] == 2 ? 14 : weights[j] == 1 ? 8 : 0);
      Note note{onset, duration, pitches[j], Velocity(base, intensity, onset, random_)};
      out.notes.push_back(note);
      out.syllable_of_note.push_back(syllable_base + j);
      out.line_of_note.push_back(line);
    }
    MaybeMelisma(out, line, place.end);
  }

  void MaybeMelisma(SectionMelody& out, int line, int64_t line_end) {
    if (style_.rap || style_.genre == Genre::kPunk || out.notes.empty()) return;
    Note& last = out.notes.back();
    // The second note must end before the next line's earliest pick-up (1.5 beats before its
    // start), so the melisma never runs into it.
    if (last.duration < 2 * kTicksPerBeat || last.start + 3 * kTicksPerBeat > line_end) return;
    const double chance = style_.genre == Genre::kBlues ? 0.6 : 0.35;
    if (!random_.Chance(chance)) return;
    const int64_t second_start = last.start + kTicksPerBeat;
    const std::vector<int> tones = EndingTones(harmony_.At(second_start), style_);
    // The nearest other tone of the chord, below if possible (a sigh at the line's end).
    int best = -1;
    for (int d : {-1, -2, -3, -4, 1, 2, 3, 4}) {
      const int p = last.pitch + d;
      if (p < style_.vocal.low || p > style_.vocal.high || !Contains(tones, p)) continue;
      if (std::find(candidates_.begin(), candidates_.end(), p) == candidates_.end()) continue;
      best = p;
      break;
    }
    if (best < 0) return;
    const int64_t rest = last.duration - kTicksPerBeat;
    last.duration = kTicksPerBeat - 10;
    Note tail{second_start, rest, best, std::max(1, last.velocity - 8)};
    out.notes.push_back(tail);
    out.syllable_of_note.push_back(-1);
    out.line_of_note.push_back(line);
  }

  // Adds a section's notes, sung syllables and line marks to the melody.
  void Emit(int s) {
    const SectionPlace& section = timeline_.sections[s];
    const SectionMelody& source = sections_[s];
    // Syllables of the section in order, with their line.
    struct Syl {
      const LyricSyllable* syllable;
      bool word_end;
      int line;
    };
    std::vector<Syl> syllables;
    for (size_t k = 0; k < section.lines.size(); ++k) {
      const LyricLine& line = *timeline_.lines[section.lines[k]].line;
      for (const LyricWord& word : line.words) {
        for (size_t i = 0; i < word.syllables.size(); ++i) {
          syllables.push_back(
              {&word.syllables[i], i + 1 == word.syllables.size(), static_cast<int>(k)});
        }
      }
    }
    std::vector<int> mark_of_line(section.lines.size(), -1);
    for (size_t k = 0; k < section.lines.size(); ++k) {
      LineMark mark;
      mark.section = s;
      mark.text = timeline_.lines[section.lines[k]].line->text;
      mark.start = -1;
      mark_of_line[k] = static_cast<int>(melody_.lines.size());
      melody_.lines.push_back(mark);
    }
    for (size_t i = 0; i < source.notes.size(); ++i) {
      const int index = static_cast<int>(melody_.notes.size());
      melody_.notes.push_back(source.notes[i]);
      note_line_.push_back(mark_of_line[source.line_of_note[i]]);
      const int syllable = source.syllable_of_note[i];
      if (syllable < 0 || syllable >= static_cast<int>(syllables.size())) continue;
      const Syl& syl = syllables[syllable];
      SungSyllable sung;
      sung.tick = source.notes[i].start;
      sung.text = syl.syllable->text + (syl.word_end ? " " : "");
      sung.stress = syl.syllable->stress;
      sung.note = index;
      sung.section = s;
      sung.line = mark_of_line[syl.line];
      sung.strong = IsStrongTick(sung.tick);
      melody_.sung.push_back(std::move(sung));
    }
  }

  // The lead is one voice: a note ends before the next begins. Then the line marks' times.
  void Finish() {
    // Notes are written in time order; a stable sort guards the rare compressed line whose notes
    // reach into the next line's pick-up, and keeps the sung syllables pointing at their notes.
    std::vector<int> order(melody_.notes.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return melody_.notes[a].start < melody_.notes[b].start; });
    std::vector<int> position(order.size());
    std::vector<Note> sorted;
    std::vector<int> sorted_line;
    for (size_t i = 0; i < order.size(); ++i) {
      position[order[i]] = static_cast<int>(i);
      sorted.push_back(melody_.notes[order[i]]);
      sorted_line.push_back(note_line_[order[i]]);
    }
    melody_.notes = std::move(sorted);
    note_line_ = std::move(sorted_line);
    for (SungSyllable& sung : melody_.sung) sung.note = position[sung.note];
    std::stable_sort(melody_.sung.begin(), melody_.sung.end(),
                     [](const SungSyllable& a, const SungSyllable& b) { return a.tick < b.tick; });

    auto& notes = melody_.notes;
    for (size_t i = 0; i + 1 < notes.size(); ++i) {
      const int64_t room = notes[i + 1].start - notes[i].start;
      if (notes[i].start + notes[i].duration > notes[i + 1].start - 10) {
        notes[i].duration = std::max<int64_t>(1, room - std::min<int64_t>(10, room / 4));
      }
    }
    for (size_t i = 0; i < notes.size(); ++i) {
      const int line = note_line_[i];
      if (line < 0) continue;
      LineMark& mark = melody_.lines[line];
      if (mark.start < 0) mark.start = notes[i].start;
      mark.end = std::max(mark.end, notes[i].start + notes[i].duration);
    }
    // A line with no syllables has no notes; it is not sung, so it has no mark.
    std::vector<int> renumber(melody_.lines.size(), -1);
    std::vector<LineMark> kept;
    for (size_t i = 0; i < melody_.lines.size(); ++i) {
      if (melody_.lines[i].start < 0) continue;
      renumber[i] = static_cast<int>(kept.size());
      kept.push_back(melody_.lines[i]);
    }
    melody_.lines = std::move(kept);
    for (SungSyllable& sung : melody_.sung) sung.line = renumber[sung.line];
  }

  const Timeline& timeline_;
  const Style& style_;
  const Harmony& harmony_;
  SongRandom& random_;
  std::vector<int> candidates_;
  std::map<std::pair<int, int>, Shape> shapes_;
  std::map<std::pair<int, int>, SungLine> kind_models_;  // first line of (kind, letter) sung
  std::vector<SectionMelody> sections_;
  int64_t last_onset_ = -kTicksPerBeat;
  Melody melody_;
  std::vector<int> note_line_;  // line mark of each melody note
};

}  // namespace

Melody ComposeMelody(const Timeline& timeline, const Style& style, const Harmony& harmony,
                     SongRandom& random) {
  return MelodyWriter(timeline, style, harmony, random).Write();
}

}  // namespace moodtape::producer::compose
