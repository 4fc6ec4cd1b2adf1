// The composer's inner pipeline (composer.h is the contract other stages see). Compose() runs
//
//   ChooseStyle -> LayOut -> ComposeHarmony -> ComposeMelody -> Arrange -> (swing, assembly)
//
// and each step is a pure function of the previous values and its own forked SongRandom, so the
// test can check each one alone. Times are ticks on a straight grid until the very end, where
// the genre's swing is applied to every part at once (SwingTick).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/producer/core/random.h"
#include "services/producer/core/song.h"

namespace moodtape::producer::compose {

inline constexpr int kBeatsPerBar = 4;
inline constexpr int64_t kBarTicks = int64_t{kTicksPerBeat} * kBeatsPerBar;
inline constexpr int kDrumChannel = 9;

// ----- Style: the genre's musical choices for one song -----------------------------------------

struct VocalRange {
  int low = 48;    // lowest MIDI pitch the vocal melody may use
  int high = 67;   // highest
  int tonic = 52;  // the tonic's pitch the melody is centred on (inside [low, high])
};

struct Style {
  Genre genre = Genre::kPop;
  int tonic = 0;  // pitch class
  Mode mode = Mode::kMajor;
  std::string key_name;
  bool flats = false;  // chord and key names are spelled with flats ("Bb", not "A#")
  double tempo_bpm = 120;
  double swing = 0;    // see SwingTick
  int swing_unit = 0;  // ticks of the swung note value: 240 (eighths) or 120 (16ths); 0 straight
  int syllables_per_beat = 2;  // the sung grid: eighths, or 16ths for rap
  bool rap = false;
  bool power_chords = false;  // every chord is a root-fifth power chord ("E5")
  bool sevenths = false;      // dominant sevenths everywhere (blues)
  int groove = 0;  // which of the genre's drum patterns this song uses (drums and bass agree)
  VocalRange vocal;
};

Style ChooseStyle(Genre genre, SongRandom& random);

// "C", "F#", "Bb": a pitch class spelled in the key's direction.
std::string NoteName(int pitch_class, bool flats);

// Moves the off-beat of every pair of `swing_unit` notes later by `swing` of a unit (0.33 on
// eighths = triplet shuffle). Beats stay where they are, so a note never crosses a beat.
int64_t SwingTick(int64_t tick, const Style& style);

// Beat 1 or 3 of a 4/4 bar: where the quality report wants stressed syllables.
inline bool IsStrongTick(int64_t tick) { return tick % (kBarTicks / 2) == 0; }
// 4 = beat 1, 3 = beat 3, 2 = beats 2 and 4, 1 = an eighth off-beat, 0 = finer.
int MetricLevel(int64_t tick);

// How hard a section plays (velocity scale, density of parts): the chorus is the loudest.
double SectionIntensity(SectionKind kind);

// A velocity with accents on strong beats, scaled by intensity and a little human variation.
int Velocity(int base, double intensity, int64_t tick, SongRandom& random);

// Every scale pitch in [low, high] (MIDI), ascending.
std::vector<int> ScalePitches(int tonic, Mode mode, int low, int high);

// ----- Timeline: where every section and lyric line sits ---------------------------------------

struct LinePlace {
  int section = 0;           // index into Timeline::sections
  int index_in_section = 0;  // 0-based line number within its section
  const LyricLine* line = nullptr;
  int64_t start = 0;  // the line's bars (start inclusive, end exclusive)
  int64_t end = 0;
};

struct SectionPlace {
  SectionKind kind = SectionKind::kVerse;
  std::string label;
  int bars = 0;
  int64_t start = 0;
  int64_t end = 0;
  int repeat_of = -1;      // a valid earlier section index, or -1
  std::vector<int> lines;  // indexes into Timeline::lines
};

struct Timeline {
  std::vector<SectionPlace> sections;
  std::vector<LinePlace> lines;
  int64_t end = 0;  // where the sections end
  // The bar after the sections that holds the final tonic hit, when the song does not end with an
  // instrumental outro whose last bar can hold it.
  bool extra_final_bar = false;
  int64_t FinalBarStart() const { return extra_final_bar ? end : end - kBarTicks; }
  int64_t MusicEnd() const { return extra_final_bar ? end + kBarTicks : end; }
};

// Lays the lyrics out on bars: a section's lines share its bars evenly; sections without lines
// are instrumental. Never fails: missing or nonsensical bar counts get a sensible length.
Timeline LayOut(const Lyrics& lyrics);

// ----- Harmony ---------------------------------------------------------------------------------

enum class Quality { kMajor, kMinor, kPower, kDominant7, kMinor7, kDiminished };

struct Chord {
  int64_t start = 0;
  int64_t end = 0;
  int section = -1;  // -1 for the final bar after the sections
  int root = 0;      // pitch class
  Quality quality = Quality::kMajor;
};

struct Harmony {
  std::vector<Chord> chords;  // one per bar, in time order, covering Timeline::MusicEnd()
  // The chord sounding at `tick` (the first or the last chord outside the song).
  const Chord& At(int64_t tick) const;
};

// Pitch classes of the chord as its name spells it (E5 = E and B).
std::vector<int> ChordTones(const Chord& chord);
// Chord tones a melody may lean on: the spelled tones plus, for a power chord, the key's third
// above the root, all kept inside the scale.
std::vector<int> MelodicChordTones(const Chord& chord, const Style& style);
std::string ChordName(const Chord& chord, bool flats);

Harmony ComposeHarmony(const Timeline& timeline, const Style& style, SongRandom& random);

// The chord symbols of the song: equal neighbouring bars of one section merged, the last one
// stretched to `end_tick`.
std::vector<ChordSymbol> ChordSymbols(const Harmony& harmony, const Style& style, int64_t end_tick);

// ----- Melody ----------------------------------------------------------------------------------

struct SyllableTiming {
  std::vector<int64_t> onsets;  // one per syllable, strictly increasing
  int64_t grid = 240;           // the slot length the line was set on
};

// How strongly a syllable wants a strong beat: 2 lexical stress, 1 a stressed function word or a
// secondary stress, 0 unstressed.
std::vector<int> SyllableWeights(const LyricLine& line);

// Puts a line's syllables on the grid so stressed syllables land on beats 1 and 3 (dynamic
// programming over grid slots). Onsets stay within [earliest, line end); a pick-up may start
// before the line. The last beat and a half is left for the next line's pick-up when
// `keep_pickup_room` (else only preferably). A line too long for its grid is set on a finer one.
SyllableTiming PlaceSyllables(const LyricLine& line, int64_t line_start, int64_t line_end,
                              int64_t earliest, bool keep_pickup_room, const Style& style);

struct Melody {
  std::vector<Note> notes;         // the lead part, sorted
  std::vector<SungSyllable> sung;  // one per syllable, sorted
  std::vector<LineMark> lines;     // one per sung line, in time order
};

Melody ComposeMelody(const Timeline& timeline, const Style& style, const Harmony& harmony,
                     SongRandom& random);

// ----- Arrangement -----------------------------------------------------------------------------

// Where the kick and the backbeat land in a bar, as 16th steps; the bass and metal's guitars
// follow the kick.
struct Groove {
  std::vector<int> kick;
  std::vector<int> snare;
};

// Drums (channel 9): the genre's groove per section, a fill in each section's last bar, crashes
// on section starts and the final hit.
Part ComposeDrums(const Timeline& timeline, const Style& style, SongRandom& random);
// The groove a section of this kind plays in this song (Style::groove picks the variant).
Groove GrooveFor(const Style& style, SectionKind kind);

// The band: the lead (the vocal melody, with the sung syllables), bass, the genre's harmony
// parts, a solo instrument (hook statements, solos, the blues' answers; rap's whistle synth) and
// the drums. Notes on a straight grid, each part sorted.
std::vector<Part> Arrange(const Timeline& timeline, const Style& style, const Harmony& harmony,
                          const Melody& melody, SongRandom& random);

}  // namespace moodtape::producer::compose
