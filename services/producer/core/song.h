// The values the song engine's stages pass along (STYLE.md #14: a pipeline of pure steps):
//
//   SongRequest -> SongForm (lyrics/forms.h) -> Lyrics (lyrics/lyric_writer.h)
//               -> Composition (compose/composer.h)
//               -> MIDI bytes and timed lyrics (sound/midi_writer.h), audio (sound/audio.h)
//
// Each stage takes the previous stage's value and a SongRandom forked from the request's seed,
// and returns a new value, so every stage can be tested, printed and benchmarked on its own and
// the same request and seed always give the same song. Plain data: no I/O, no network.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/producer/core/genre.h"

namespace moodtape::producer {

// ----- Request --------------------------------------------------------------------------------

struct SongRequest {
  Genre genre = Genre::kPop;
  std::string theme;  // what the song is about, 1..200 characters ("first love in a summer town")
  uint64_t seed = 1;
  // Position in its album (0-based). Songs of one album get different material from the same
  // album seed, and must not share a line.
  int index_in_album = 0;
};

// ----- Form: what the song is made of ---------------------------------------------------------

enum class SectionKind { kIntro, kVerse, kPreChorus, kChorus, kHook, kBridge, kSolo, kOutro };

// "Verse", "Pre-chorus", ... (without a number).
const char* SectionKindName(SectionKind kind);

struct LineSpec {
  int syllables = 8;  // target syllable count
  // Lines with the same label rhyme with each other within a section ('A', 'B', ...); '-' = no
  // rhyme asked for. A label is local to its section (the chorus's 'A' is not the verse's 'A').
  char rhyme = '-';
  // Rap: the line's middle should also rhyme (with its end or with the previous line's middle).
  bool internal_rhyme = false;
  // Index of an earlier line of the same section that this line repeats word for word, or -1
  // (the blues AAB verse: line 2 restates line 1, line 3 answers with a rhyme).
  int repeats_line = -1;
};

struct SectionSpec {
  SectionKind kind = SectionKind::kVerse;
  std::string label;            // "Verse 1", "Chorus", "Hook"
  std::vector<LineSpec> lines;  // empty for instrumental sections (intro, solo, outro)
  int bars = 8;                 // length in bars of 4 beats (or the genre's meter)
  // Index of an earlier section this one repeats word for word (a chorus sung again), or -1.
  int repeat_of = -1;
};

struct SongForm {
  Genre genre = Genre::kPop;
  std::vector<SectionSpec> sections;
};

// ----- Lyrics ---------------------------------------------------------------------------------

struct LyricSyllable {
  std::string text;  // the letters sung on it ("de", "sire"); a word's syllables join to the word
  int stress = 0;    // 0 unstressed, 1 primary, 2 secondary (CMU dictionary convention)
};

struct LyricWord {
  std::string text;  // as printed, without surrounding punctuation ("fire")
  std::vector<LyricSyllable> syllables;
};

struct LyricLine {
  std::string text;  // the line as printed, with its punctuation and capital
  std::vector<LyricWord> words;
  char rhyme = '-';         // the label from its LineSpec
  std::string rhyme_sound;  // phones from the last stressed vowel on ("AY ER"), "" if unknown
  int SyllableCount() const;
};

struct LyricSection {
  SectionKind kind = SectionKind::kVerse;
  std::string label;
  int bars = 8;
  int repeat_of = -1;  // as in SectionSpec: the lines equal that section's lines
  std::vector<LyricLine> lines;
};

struct Lyrics {
  std::string title;  // taken from the hook / chorus
  std::vector<LyricSection> sections;
};

// The song as plain text: the title is not included; sections separated by a blank line, each
// starting with "[Label]" ("[Chorus]"); a repeated section is printed again in full.
std::string LyricsText(const Lyrics& lyrics);

// ----- Composition ----------------------------------------------------------------------------

// Ticks per quarter note, the MIDI file's division.
inline constexpr int kTicksPerBeat = 480;

enum class Mode { kMajor, kMinor, kDorian, kMixolydian, kPhrygian };

enum class PartRole { kLead, kBass, kHarmony, kPad, kDrums, kCounter };

struct Note {
  int64_t start = 0;     // ticks from the song's start
  int64_t duration = 1;  // ticks, > 0
  int pitch = 60;        // MIDI key 0..127 (drums: the GM percussion key)
  int velocity = 96;     // 1..127
};

// A sung syllable: the karaoke lyric event on the lead part, and what the quality report checks.
struct SungSyllable {
  int64_t tick = 0;  // == the start of the note it is sung on
  std::string text;  // the syllable; the last syllable of a word ends with a space
  int stress = 0;
  int note = 0;         // index into the lead part's notes
  int section = 0;      // index into Composition::sections
  int line = 0;         // index into Composition::lines
  bool strong = false;  // sung on a strong beat (beat 1 or 3 of a 4/4 bar, 1 of 3/4)
};

struct Part {
  std::string name;  // the MIDI track name: "Lead (vocal melody)", "Bass", "Drums"
  PartRole role = PartRole::kHarmony;
  int channel = 0;                 // 0..15; drums always 9 (GM channel 10)
  int program = 0;                 // GM program 0..127; on channel 9 the GS drum kit (0 standard)
  int volume = 100;                // CC7
  int pan = 64;                    // CC10, 0 left .. 127 right
  int reverb = 40;                 // CC91
  int release = 64;                // CC72 release time: 64 the instrument's own, 0 a quarter of it
  std::vector<Note> notes;         // sorted by start
  std::vector<SungSyllable> sung;  // lead part only, sorted by tick
};

struct ChordSymbol {
  int64_t start = 0;
  int64_t duration = 0;
  int root = 0;      // pitch class 0..11, C = 0
  std::string name;  // "Am", "F", "G7", "E5"
};

struct SectionMark {
  std::string label;
  SectionKind kind = SectionKind::kVerse;
  int64_t start = 0;
  int64_t end = 0;
};

struct LineMark {
  int section = 0;    // index into Composition::sections
  int64_t start = 0;  // tick of the line's first sung syllable
  int64_t end = 0;    // tick the line's last note ends
  std::string text;
};

struct Composition {
  Genre genre = Genre::kPop;
  int tonic = 9;  // pitch class of the key's tonic
  Mode mode = Mode::kMinor;
  std::string key_name;  // "A minor"
  double tempo_bpm = 120;
  int beats_per_bar = 4;
  // 0 = straight eighths; 0.33 = triplet swing. Already applied to the note ticks; kept so the
  // quality report and the MIDI's text can say so.
  double swing = 0;
  std::vector<ChordSymbol> chords;  // in time order, covering the song
  std::vector<SectionMark> sections;
  std::vector<LineMark> lines;
  std::vector<Part> parts;  // exactly one kLead part, at most one kDrums part
  int64_t end_tick = 0;     // the end of the song (last note off plus a short tail)

  double SecondsAt(int64_t tick) const { return tick * 60.0 / (tempo_bpm * kTicksPerBeat); }
  double DurationSeconds() const { return SecondsAt(end_tick); }
  const Part* Lead() const;
};

// Pitch classes of the key's scale (7 notes, tonic first).
std::vector<int> ScalePitchClasses(int tonic, Mode mode);

// A finished song: every stage's value.
struct Song {
  SongRequest request;
  SongForm form;
  Lyrics lyrics;
  Composition composition;
};

}  // namespace moodtape::producer
