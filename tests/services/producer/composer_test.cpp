// The composer (harmony -> melody -> arrangement) on hand-written lyrics: every genre composes a
// well-formed song whose melody fits its words (one note per syllable, stresses on beats 1 and
// 3, notes in the key, lines ending on chord tones, a singable range), whose parts are set up as
// the genre asks, and the same input always gives the same song.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "services/producer/core/compose/composer.h"
#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer {
namespace {

// ----- Hand-made lyrics ----------------------------------------------------------------------

// "the NIGHT is BURN-ing DOWN": words split on spaces, syllables on '-', a syllable with a
// capital letter is stressed (1); the sung text is lower case.
LyricLine MakeLine(const std::string& marked) {
  LyricLine line;
  std::istringstream words(marked);
  std::string token;
  while (words >> token) {
    LyricWord word;
    std::string syllable;
    auto flush = [&] {
      if (syllable.empty()) return;
      LyricSyllable s;
      s.stress = 0;
      for (char& c : syllable) {
        if (std::isupper(static_cast<unsigned char>(c))) {
          s.stress = 1;
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      s.text = syllable;
      word.text += syllable;
      word.syllables.push_back(s);
      syllable.clear();
    };
    for (char c : token) {
      if (c == '-') {
        flush();
      } else if (c != ',' && c != '.') {
        syllable.push_back(c);
      }
    }
    flush();
    if (!word.syllables.empty()) line.words.push_back(word);
  }
  for (const LyricWord& w : line.words) line.text += (line.text.empty() ? "" : " ") + w.text;
  if (!line.text.empty()) {
    line.text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(line.text[0])));
  }
  return line;
}

// Written for these tests, in natural stress: two-bar sung lines of 7-10 syllables...
const std::vector<std::string> kLines = {
    "the NIGHT is BURN-ing DOWN to GREY",
    "i HOLD the LIGHT in-SIDE my HANDS",
    "we RUN a-CROSS the EMP-ty TOWN",
    "and EV-ery STAR is FALL-ing SLOW",
    "your VOICE is ECH-o-ing a-GAIN",
    "SUM-mer RAIN up-ON the ROAD",
    "i will NEV-er LET you GO",
    "the CIT-y SLEEPS be-NEATH the MOON",
    "HEARTS are BEAT-ing in the DARK",
    "we are GOLD-en, WE are FREE",
    "a FIRE that NO-bod-y can TAME",
    "i CAN-not SLEEP, i CAN-not STAY",
    "the WIND is CALL-ing OUT your NAME",
    "DANC-ing TILL the MORN-ing LIGHT",
    "O-pen UP the DOOR to-NIGHT",
    "EV-ery-thing we LEFT be-HIND",
    "i FOL-low EV-ery LIGHT that LEADS me HOME",
    "we were YOUNG and WILD and NEV-er a-FRAID",
    // ...longer ones (9-12) for synthwave's night drives and four-bar lines...
    "the CIT-y LIGHTS are FAD-ing in my MIR-ror",
    "we DRIVE a-LONG the O-cean with the WIN-dows DOWN",
    "a NE-on HEART is BEAT-ing in the AF-ter-GLOW",
    "i can FEEL the e-lec-TRIC-i-ty to-NIGHT",
    "the STAT-ic on the RA-di-o is CALL-ing YOU",
    "we were CHAS-ing SHAD-ows TILL the BREAK of DAY",
    "i SEE your PIC-ture FAD-ing IN the MID-night",
    "the HIGH-way HUMS a-NOTH-er SONG a-BOUT us",
    // ...short ones (4-7) for disco polo and punk...
    "DANCE with ME to-NIGHT",
    "STARS a-BOVE the SEA",
    "HOLD me in your ARMS",
    "SUM-mer LOVE is HERE",
    "YOU are ALL i WANT",
    "SHIN-ing LIKE the SUN",
    "EV-ery NIGHT i DREAM",
    "my HEART is BEAT-ing FAST",
    "KISS me UN-der MOON-light",
    "LOVE is in the AIR to-NIGHT",
    "BORED out of my HEAD",
    "TEAR it ALL a-PART",
    "SICK of EV-ery RULE",
    "NOISE in-SIDE my BRAIN",
    "we will NOT bow DOWN to YOU",
    "SMASH the WIN-dows OF the SCHOOL",
    // ...rap: 11-14 syllables in one bar...
    "i came UP from the BLOCK with NOTH-ing IN my PALM",
    "now the WHOLE town KNOWS the NAME, they HEAR it like a PSALM",
    "COLD nights ON the COR-ner, i was COUNT-ing EV-ery DIME",
    "STACK-ing UP my PA-per while they WAST-ing ALL their TIME",
    "HEAV-y IS the CROWN but i was BUILT to CAR-ry WEIGHT",
    "EV-ery-bod-y TALK-ing but they NEV-er SHOW-ing UP",
    "RID-ing THROUGH the CIT-y with the WIN-dows ROLLED down LOW",
    "MOM-ma SAID be CARE-ful, so i MOVE a LIT-tle SLOW",
    "GOT a CODE i LIVE by and i NEV-er BREAK my WORD",
    "SPEAK-ing FROM the STREETS so EV-ery SYL-la-ble is HEARD",
    "they don't KNOW what it TAKES to MAKE it OUT of HERE a-LIVE",
    "i just KEEP my HEAD up and i KEEP my EYES on FIVE",
    // ...and the blues' four-bar lines.
    "TROU-ble KNOCK-ing at my DOOR a-GAIN",
    "i got NO-where LEFT to RUN, no MON-ey LEFT to SPEND",
    "the RIV-er RUNS so MUD-dy AND so SLOW",
    "i been WALK-ing BY the WA-ter with no PLACE to GO",
    "she TOOK my HEART and LEFT me ON the STAIRS",
    "now i just SIT here SING-ing ALL my LONE-ly PRAY-ers",
};

struct SectionShape {
  SectionKind kind;
  int lines = 0;          // 0 for an instrumental section
  int bars_per_line = 2;  // or, for an instrumental section, its bars
  int min_syllables = 7;
  int max_syllables = 9;
  int repeat_of = -1;
  bool blues = false;  // AAB: the first line stated twice and answered
};

// The song forms of the tests: the shapes the form stage (forms.cpp) writes for each genre.
std::vector<SectionShape> FormOf(Genre genre) {
  using K = SectionKind;
  auto intro = [](K kind, int bars) { return SectionShape{kind, 0, bars}; };
  auto repeat = [](K kind, int original) { return SectionShape{kind, 0, 0, 0, 0, original}; };
  switch (genre) {
    case Genre::kGangstaRap:
      return {intro(K::kIntro, 4),        {K::kVerse, 16, 1, 11, 14}, {K::kHook, 4, 2, 10, 12},
              {K::kVerse, 16, 1, 11, 14}, repeat(K::kHook, 2),        {K::kVerse, 16, 1, 11, 14},
              repeat(K::kHook, 2),        intro(K::kOutro, 4)};
    case Genre::kHeavyMetal:
      return {intro(K::kIntro, 4),      {K::kVerse, 4, 4, 8, 10}, {K::kPreChorus, 2, 4, 8, 10},
              {K::kChorus, 4, 4, 7, 9}, {K::kVerse, 4, 4, 8, 10}, repeat(K::kPreChorus, 2),
              repeat(K::kChorus, 3),    intro(K::kSolo, 8),       {K::kBridge, 4, 2, 7, 9},
              repeat(K::kChorus, 3),    intro(K::kOutro, 4)};
    case Genre::kDiscoPolo:
      return {intro(K::kIntro, 8),   {K::kVerse, 8, 2, 5, 7},  {K::kChorus, 4, 2, 5, 7},
              repeat(K::kChorus, 2), {K::kVerse, 8, 2, 5, 7},  repeat(K::kChorus, 2),
              repeat(K::kChorus, 2), {K::kBridge, 4, 2, 5, 7}, repeat(K::kChorus, 2),
              repeat(K::kChorus, 2), intro(K::kOutro, 4)};
    case Genre::kPop:
      return {intro(K::kIntro, 4),      {K::kVerse, 8, 2, 7, 9},  {K::kPreChorus, 4, 2, 7, 9},
              {K::kChorus, 4, 2, 6, 8}, {K::kVerse, 8, 2, 7, 9},  repeat(K::kPreChorus, 2),
              repeat(K::kChorus, 3),    {K::kBridge, 4, 2, 7, 9}, repeat(K::kChorus, 3),
              intro(K::kOutro, 4)};
    case Genre::kSynthwave:
      return {intro(K::kIntro, 8),        {K::kVerse, 4, 2, 9, 11}, {K::kChorus, 4, 2, 8, 10},
              {K::kVerse, 4, 2, 9, 11},   repeat(K::kChorus, 2),    intro(K::kSolo, 8),
              {K::kBridge, 2, 4, 10, 12}, repeat(K::kChorus, 2),    intro(K::kOutro, 8)};
    case Genre::kBlues: {
      const SectionShape verse{K::kVerse, 3, 4, 8, 13, -1, true};
      return {intro(K::kIntro, 4), verse, verse, verse, intro(K::kSolo, 12), verse,
              intro(K::kOutro, 4)};
    }
    case Genre::kPunk:
      return {intro(K::kIntro, 4),   {K::kVerse, 4, 2, 6, 8},  {K::kChorus, 2, 4, 5, 7},
              repeat(K::kChorus, 2), {K::kVerse, 4, 2, 6, 8},  repeat(K::kChorus, 2),
              repeat(K::kChorus, 2), {K::kBridge, 4, 2, 6, 8}, {K::kVerse, 4, 2, 6, 8},
              repeat(K::kChorus, 2), repeat(K::kChorus, 2),    intro(K::kOutro, 4)};
  }
  return {};
}

// Lyrics for a genre's test form: each line the next one of kLines (from a variant's own
// starting point) whose syllable count is in the section's range.
Lyrics TestLyrics(Genre genre, int variant = 0) {
  Lyrics lyrics;
  lyrics.title = "Test";
  size_t next = static_cast<size_t>(variant) * 7;
  auto take = [&](int low, int high) {
    for (size_t tries = 0; tries < kLines.size(); ++tries) {
      LyricLine line = MakeLine(kLines[next++ % kLines.size()]);
      if (line.SyllableCount() >= low && line.SyllableCount() <= high) return line;
    }
    return MakeLine(kLines[0]);
  };
  std::map<SectionKind, int> count;
  for (const SectionShape& shape : FormOf(genre)) {
    LyricSection section;
    section.kind = shape.kind;
    section.repeat_of = shape.repeat_of;
    if (shape.repeat_of >= 0) {
      const LyricSection& original = lyrics.sections[shape.repeat_of];
      section.label = original.label;
      section.bars = original.bars;
      section.lines = original.lines;
      lyrics.sections.push_back(section);
      continue;
    }
    section.label =
        std::string(SectionKindName(shape.kind)) + " " + std::to_string(++count[shape.kind]);
    section.bars = shape.lines > 0 ? shape.lines * shape.bars_per_line : shape.bars_per_line;
    if (shape.blues) {
      const LyricLine a = take(shape.min_syllables, shape.max_syllables);
      const LyricLine b = take(shape.min_syllables, shape.max_syllables);
      section.lines = {a, a, b};
    } else {
      for (int k = 0; k < shape.lines; ++k) {
        section.lines.push_back(take(shape.min_syllables, shape.max_syllables));
      }
    }
    lyrics.sections.push_back(section);
  }
  return lyrics;
}

Composition ComposeTest(Genre genre, uint64_t seed, int variant = 0) {
  SongRandom random(seed);
  return Compose(TestLyrics(genre, variant), genre, random);
}

std::vector<Genre> Genres() {
  std::vector<Genre> out;
  for (const GenreInfo& info : AllGenres()) out.push_back(info.genre);
  return out;
}

std::string Name(Genre genre) { return std::string(GenreId(genre)); }

// The blues form is verses only (twelve-bar AAB), no chorus.
bool HasChorus(Genre genre) { return genre != Genre::kBlues; }

// ----- Music theory as the test reads it (independent of the composer's own code) -------------

// Pitch classes a chord symbol names: "F#m" -> F# A C#, "E5" -> E B, "A7" -> A C# E G.
std::set<int> TonesOfName(const ChordSymbol& chord) {
  std::string name = chord.name;
  size_t i = 1;
  if (i < name.size() && (name[i] == '#' || name[i] == 'b')) ++i;
  const std::string suffix = name.substr(i);
  std::vector<int> intervals = {0, 4, 7};
  if (suffix == "m") intervals = {0, 3, 7};
  if (suffix == "5") intervals = {0, 7};
  if (suffix == "7") intervals = {0, 4, 7, 10};
  if (suffix == "m7") intervals = {0, 3, 7, 10};
  if (suffix == "dim") intervals = {0, 3, 6};
  std::set<int> out;
  for (int k : intervals) out.insert((chord.root + k) % 12);
  return out;
}

const ChordSymbol* ChordAt(const Composition& c, int64_t tick) {
  for (const ChordSymbol& chord : c.chords) {
    if (tick >= chord.start && tick < chord.start + chord.duration) return &chord;
  }
  return nullptr;
}

bool InKey(const Composition& c, int pitch) {
  const std::vector<int> scale = ScalePitchClasses(c.tonic, c.mode);
  return std::find(scale.begin(), scale.end(), pitch % 12) != scale.end();
}

const Part* FindRole(const Composition& c, PartRole role) {
  for (const Part& p : c.parts) {
    if (p.role == role) return &p;
  }
  return nullptr;
}

struct MelodyStats {
  int stressed = 0;
  int stressed_strong = 0;
  int stressed_on_beat = 0;
  // The most any setting could reach: a line's bars have two strong beats each (four beats for
  // the flow's count), so a line with more stresses than that cannot place them all.
  int strong_bound = 0;
  int beat_bound = 0;
  int lead_notes = 0;
  int lead_in_key = 0;
  int lines = 0;
  int lines_on_chord_tone = 0;
};

MelodyStats Measure(const Composition& c) {
  MelodyStats s;
  const Part* lead = c.Lead();
  if (lead == nullptr) return s;
  for (const SungSyllable& sung : lead->sung) {
    if (sung.stress < 1) continue;
    ++s.stressed;
    const int64_t in_bar = sung.tick % (kTicksPerBeat * 4);
    if (in_bar == 0 || in_bar == kTicksPerBeat * 2) ++s.stressed_strong;
    if (in_bar % kTicksPerBeat == 0) ++s.stressed_on_beat;
  }
  std::map<int, int> lines_in_section;
  for (const LineMark& line : c.lines) ++lines_in_section[line.section];
  std::map<int, int> stressed_in_line;
  for (const SungSyllable& sung : lead->sung) stressed_in_line[sung.line] += sung.stress >= 1;
  for (const auto& [line, stressed] : stressed_in_line) {
    const SectionMark& section = c.sections[c.lines[line].section];
    const int64_t span = (section.end - section.start) / lines_in_section[c.lines[line].section];
    s.strong_bound += std::min<int64_t>(stressed, span / (kTicksPerBeat * 2));
    s.beat_bound += std::min<int64_t>(stressed, span / kTicksPerBeat);
  }
  for (const Note& note : lead->notes) {
    ++s.lead_notes;
    if (InKey(c, note.pitch)) ++s.lead_in_key;
  }
  for (const LineMark& line : c.lines) {
    const Note* last = nullptr;
    for (const Note& note : lead->notes) {
      if (note.start >= line.start && note.start < line.end) last = &note;
    }
    if (last == nullptr) continue;
    ++s.lines;
    const ChordSymbol* chord = ChordAt(c, last->start);
    if (chord != nullptr && TonesOfName(*chord).count(last->pitch % 12) > 0) {
      ++s.lines_on_chord_tone;
    }
  }
  return s;
}

double Percent(int part, int whole) { return whole == 0 ? 100.0 : 100.0 * part / whole; }

// ----- The whole song --------------------------------------------------------------------------

TEST(ComposerTest, EveryGenreComposesAWellFormedSong) {
  for (Genre genre : Genres()) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      SCOPED_TRACE(Name(genre) + " seed " + std::to_string(seed));
      const Composition c = ComposeTest(genre, seed);
      EXPECT_EQ(c.genre, genre);
      EXPECT_EQ(c.beats_per_bar, 4);
      EXPECT_FALSE(c.key_name.empty());
      int leads = 0;
      int drums = 0;
      std::set<int> channels;
      int64_t last_off = 0;
      for (const Part& part : c.parts) {
        SCOPED_TRACE(part.name);
        EXPECT_FALSE(part.name.empty());
        EXPECT_FALSE(part.notes.empty());
        leads += part.role == PartRole::kLead;
        drums += part.role == PartRole::kDrums;
        EXPECT_TRUE(channels.insert(part.channel).second) << "channel shared";
        EXPECT_GE(part.program, 0);
        EXPECT_LE(part.program, 127);
        for (int cc : {part.volume, part.pan, part.reverb}) {
          EXPECT_GE(cc, 0);
          EXPECT_LE(cc, 127);
        }
        std::map<int, int64_t> sounding_until;  // per pitch: a note must not restart itself
        for (size_t i = 0; i < part.notes.size(); ++i) {
          const Note& n = part.notes[i];
          ASSERT_LE(sounding_until[n.pitch], n.start) << "same pitch overlaps at " << n.start;
          sounding_until[n.pitch] = n.start + n.duration;
          ASSERT_GT(n.duration, 0);
          ASSERT_GE(n.start, 0);
          ASSERT_GE(n.pitch, 0);
          ASSERT_LE(n.pitch, 127);
          ASSERT_GE(n.velocity, 1);
          ASSERT_LE(n.velocity, 127);
          if (i > 0) {
            ASSERT_LE(part.notes[i - 1].start, n.start) << "unsorted";
          }
          last_off = std::max(last_off, n.start + n.duration);
        }
        if (part.role != PartRole::kLead) {
          EXPECT_TRUE(part.sung.empty());
        }
      }
      EXPECT_EQ(leads, 1);
      EXPECT_EQ(drums, 1);
      // About a bar of tail after the last note.
      EXPECT_GE(c.end_tick, last_off + kTicksPerBeat * 2);
      EXPECT_LE(c.end_tick, last_off + kTicksPerBeat * 8);
      // A typical form lasts 2.5 to 4 minutes (punk is meant to be short: about two).
      const double minutes = c.DurationSeconds() / 60;
      EXPECT_LE(minutes, 4.2);
      EXPECT_GE(minutes, genre == Genre::kPunk ? 1.4 : 2.5);
    }
  }
}

TEST(ComposerTest, KeyTempoAndFeelFollowTheGenre) {
  for (Genre genre : Genres()) {
    std::set<int> tempos;
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      SCOPED_TRACE(Name(genre) + " seed " + std::to_string(seed));
      const Composition c = ComposeTest(genre, seed);
      const GenreInfo& info = InfoOf(genre);
      EXPECT_GE(c.tempo_bpm, info.min_tempo_bpm);
      EXPECT_LE(c.tempo_bpm, info.max_tempo_bpm);
      tempos.insert(static_cast<int>(c.tempo_bpm));
      switch (genre) {
        case Genre::kHeavyMetal:
          EXPECT_TRUE(c.mode == Mode::kMinor || c.mode == Mode::kPhrygian);
          break;
        case Genre::kDiscoPolo:
        case Genre::kPop:
          EXPECT_EQ(c.mode, Mode::kMajor);
          break;
        case Genre::kGangstaRap:
        case Genre::kSynthwave:
          EXPECT_EQ(c.mode, Mode::kMinor);
          break;
        case Genre::kBlues:
          EXPECT_EQ(c.mode, Mode::kMixolydian);
          break;
        case Genre::kPunk:
          EXPECT_TRUE(c.mode == Mode::kMajor || c.mode == Mode::kMinor);
          break;
      }
      if (genre == Genre::kGangstaRap) {
        EXPECT_GE(c.swing, 0.2);
        EXPECT_LE(c.swing, 0.3);
      } else if (genre == Genre::kBlues) {
        EXPECT_NEAR(c.swing, 0.33, 0.01);
      } else {
        EXPECT_EQ(c.swing, 0);
      }
    }
    EXPECT_GE(tempos.size(), 3u) << Name(genre) << ": the seed should choose the tempo";
  }
}

TEST(ComposerTest, OneSungSyllablePerLyricSyllable) {
  for (Genre genre : Genres()) {
    SCOPED_TRACE(Name(genre));
    const Lyrics lyrics = TestLyrics(genre);
    SongRandom random(7);
    const Composition c = Compose(lyrics, genre, random);
    std::vector<std::string> expected;
    for (const LyricSection& section : lyrics.sections) {
      for (const LyricLine& line : section.lines) {
        for (const LyricWord& word : line.words) {
          for (size_t i = 0; i < word.syllables.size(); ++i) {
            expected.push_back(word.syllables[i].text +
                               (i + 1 == word.syllables.size() ? " " : ""));
          }
        }
      }
    }
    const Part* lead = c.Lead();
    ASSERT_NE(lead, nullptr);
    ASSERT_EQ(lead->sung.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      const SungSyllable& sung = lead->sung[i];
      EXPECT_EQ(sung.text, expected[i]);
      ASSERT_GE(sung.note, 0);
      ASSERT_LT(sung.note, static_cast<int>(lead->notes.size()));
      EXPECT_EQ(sung.tick, lead->notes[sung.note].start);
      if (i > 0) {
        EXPECT_LT(lead->sung[i - 1].tick, sung.tick);
        EXPECT_LT(lead->sung[i - 1].note, sung.note);
      }
      const int64_t in_bar = sung.tick % (kTicksPerBeat * 4);
      EXPECT_EQ(sung.strong, in_bar == 0 || in_bar == kTicksPerBeat * 2);
    }
    // Every lead note belongs to a syllable or is a melisma inside a sung line.
    EXPECT_LE(lead->notes.size(), expected.size() * 5 / 4);
  }
}

TEST(ComposerTest, MelodyFitsTheWordsAndTheChords) {
  MelodyStats sung_total;
  for (Genre genre : Genres()) {
    MelodyStats total;
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      const MelodyStats s = Measure(ComposeTest(genre, seed, static_cast<int>(seed)));
      total.stressed += s.stressed;
      total.stressed_strong += s.stressed_strong;
      total.stressed_on_beat += s.stressed_on_beat;
      total.strong_bound += s.strong_bound;
      total.beat_bound += s.beat_bound;
      total.lead_notes += s.lead_notes;
      total.lead_in_key += s.lead_in_key;
      total.lines += s.lines;
      total.lines_on_chord_tone += s.lines_on_chord_tone;
    }
    const double strong = Percent(total.stressed_strong, total.stressed);
    const double strong_bound = Percent(total.strong_bound, total.stressed);
    const double on_beat = Percent(total.stressed_on_beat, total.stressed);
    const double beat_bound = Percent(total.beat_bound, total.stressed);
    const double in_key = Percent(total.lead_in_key, total.lead_notes);
    const double chord_end = Percent(total.lines_on_chord_tone, total.lines);
    std::printf(
        "%-12s stressed on beat 1/3 %5.1f%% (at most %5.1f%%)  on a beat %5.1f%% (at most "
        "%5.1f%%)  lead in key %5.1f%%  line ends on a chord tone %5.1f%%\n",
        Name(genre).c_str(), strong, strong_bound, on_beat, beat_bound, in_key, chord_end);
    SCOPED_TRACE(Name(genre));
    EXPECT_GE(in_key, 95.0);
    EXPECT_EQ(chord_end, 100.0);
    if (genre == Genre::kGangstaRap) {
      // Eleven to fourteen syllables in a bar carry more stresses than a bar has beats: the flow
      // lands as many as it can on the beats (the snare's 2 and 4 too).
      EXPECT_GE(on_beat, 0.95 * beat_bound);
    } else {
      EXPECT_GE(strong, std::min(85.0, 0.95 * strong_bound));
      sung_total.stressed += total.stressed;
      sung_total.stressed_strong += total.stressed_strong;
    }
  }
  EXPECT_GE(Percent(sung_total.stressed_strong, sung_total.stressed), 90.0);
}

TEST(ComposerTest, MelodyStaysInASingableRange) {
  for (Genre genre : Genres()) {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      SCOPED_TRACE(Name(genre) + " seed " + std::to_string(seed));
      const Composition c = ComposeTest(genre, seed);
      const Part* lead = c.Lead();
      ASSERT_NE(lead, nullptr);
      int low = 127;
      int high = 0;
      for (const Note& n : lead->notes) {
        low = std::min(low, n.pitch);
        high = std::max(high, n.pitch);
      }
      EXPECT_LE(high - low, 19) << "more than an octave and a fifth";
      const bool male = low >= 45 && high <= 69;    // A2..A4
      const bool female = low >= 60 && high <= 76;  // C4..E5
      EXPECT_TRUE(male || female) << low << ".." << high;
      if (genre == Genre::kGangstaRap) {
        std::set<int> pitches;
        for (const Note& n : lead->notes) pitches.insert(n.pitch);
        EXPECT_LE(pitches.size(), 4u) << "a flow is near-monotone";
        EXPECT_LE(high - low, 7);
      }
      // Mostly stepwise: most intervals inside a line are a tone or less.
      int steps = 0;
      int moves = 0;
      for (size_t i = 1; i < lead->notes.size(); ++i) {
        const int64_t gap = lead->notes[i].start - lead->notes[i - 1].start;
        if (gap > kTicksPerBeat * 2) continue;
        ++moves;
        steps += std::abs(lead->notes[i].pitch - lead->notes[i - 1].pitch) <= 2;
      }
      EXPECT_GE(Percent(steps, moves), 60.0);
    }
  }
}

TEST(ComposerTest, ChorusIsHigherThanTheVerse) {
  for (Genre genre : Genres()) {
    if (genre == Genre::kGangstaRap || !HasChorus(genre)) continue;  // the flow stays put
    int higher = 0;
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      const Composition c = ComposeTest(genre, seed);
      double sums[2] = {0, 0};
      int counts[2] = {0, 0};
      for (const SungSyllable& sung : c.Lead()->sung) {
        const SectionKind kind = c.sections[sung.section].kind;
        const int which = kind == SectionKind::kVerse                                  ? 0
                          : kind == SectionKind::kChorus || kind == SectionKind::kHook ? 1
                                                                                       : -1;
        if (which < 0) continue;
        sums[which] += c.Lead()->notes[sung.note].pitch;
        ++counts[which];
      }
      ASSERT_GT(counts[0], 0);
      ASSERT_GT(counts[1], 0);
      higher += sums[1] / counts[1] > sums[0] / counts[0];
    }
    EXPECT_GE(higher, 4) << Name(genre);
  }
}

TEST(ComposerTest, RepeatedChorusHasTheSameMelody) {
  for (Genre genre : Genres()) {
    if (!HasChorus(genre)) continue;
    SCOPED_TRACE(Name(genre));
    const Lyrics lyrics = TestLyrics(genre);
    SongRandom random(11);
    const Composition c = Compose(lyrics, genre, random);
    const Part* lead = c.Lead();
    int checked = 0;
    for (size_t s = 0; s < lyrics.sections.size(); ++s) {
      const int original = lyrics.sections[s].repeat_of;
      if (original < 0) continue;
      auto melody_of = [&](int section) {
        std::vector<std::pair<int64_t, int>> out;  // (tick from the section start, pitch)
        for (const SungSyllable& sung : lead->sung) {
          if (sung.section != section) continue;
          out.push_back({sung.tick - c.sections[section].start, lead->notes[sung.note].pitch});
        }
        return out;
      };
      const auto a = melody_of(original);
      const auto b = melody_of(static_cast<int>(s));
      ASSERT_FALSE(a.empty());
      EXPECT_EQ(a, b) << "section " << s << " repeats " << original;
      ++checked;
    }
    EXPECT_GT(checked, 0);
  }
}

TEST(ComposerTest, SectionsAndLinesAreConsistent) {
  for (Genre genre : Genres()) {
    SCOPED_TRACE(Name(genre));
    const Lyrics lyrics = TestLyrics(genre);
    SongRandom random(5);
    const Composition c = Compose(lyrics, genre, random);
    ASSERT_EQ(c.sections.size(), lyrics.sections.size());
    int64_t tick = 0;
    size_t sung_lines = 0;
    for (size_t s = 0; s < c.sections.size(); ++s) {
      EXPECT_EQ(c.sections[s].kind, lyrics.sections[s].kind);
      EXPECT_EQ(c.sections[s].label, lyrics.sections[s].label);
      EXPECT_EQ(c.sections[s].start, tick);
      EXPECT_EQ(c.sections[s].end - c.sections[s].start,
                int64_t{lyrics.sections[s].bars} * 4 * kTicksPerBeat);
      tick = c.sections[s].end;
      sung_lines += lyrics.sections[s].lines.size();
    }
    EXPECT_LE(tick, c.end_tick);
    ASSERT_EQ(c.lines.size(), sung_lines);
    size_t k = 0;
    for (size_t s = 0; s < lyrics.sections.size(); ++s) {
      for (const LyricLine& line : lyrics.sections[s].lines) {
        const LineMark& mark = c.lines[k++];
        EXPECT_EQ(mark.section, static_cast<int>(s));
        EXPECT_EQ(mark.text, line.text);
        EXPECT_LT(mark.start, mark.end);
        // A pick-up may start up to a beat and a half before the section.
        EXPECT_GE(mark.start, c.sections[s].start - kTicksPerBeat * 3 / 2);
        EXPECT_LE(mark.end, c.sections[s].end + kTicksPerBeat);
        if (k >= 2) {
          EXPECT_LE(c.lines[k - 2].end, mark.start);
        }
      }
    }
    for (const SungSyllable& sung : c.Lead()->sung) {
      ASSERT_GE(sung.line, 0);
      ASSERT_LT(sung.line, static_cast<int>(c.lines.size()));
      EXPECT_EQ(c.lines[sung.line].section, sung.section);
      EXPECT_GE(sung.tick, c.lines[sung.line].start);
      EXPECT_LT(sung.tick, c.lines[sung.line].end);
    }
    // Intro and outro are instrumental: no lead note starts inside them, a pick-up aside.
    for (const SectionMark& section : c.sections) {
      if (section.kind != SectionKind::kIntro && section.kind != SectionKind::kOutro) continue;
      for (const Note& n : c.Lead()->notes) {
        EXPECT_FALSE(n.start >= section.start && n.start < section.end - kTicksPerBeat * 2);
      }
    }
  }
}

// ----- Harmony and arrangement -----------------------------------------------------------------

std::vector<std::string> ChordsIn(const Composition& c, const SectionMark& section) {
  std::vector<std::string> out;
  for (const ChordSymbol& chord : c.chords) {
    if (chord.start >= section.start && chord.start < section.end) out.push_back(chord.name);
  }
  return out;
}

TEST(ComposerTest, ChordsCoverTheSongAndDifferBySection) {
  for (Genre genre : Genres()) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      SCOPED_TRACE(Name(genre) + " seed " + std::to_string(seed));
      const Composition c = ComposeTest(genre, seed);
      ASSERT_FALSE(c.chords.empty());
      EXPECT_EQ(c.chords.front().start, 0);
      for (size_t i = 1; i < c.chords.size(); ++i) {
        EXPECT_EQ(c.chords[i].start, c.chords[i - 1].start + c.chords[i - 1].duration);
      }
      EXPECT_EQ(c.chords.back().start + c.chords.back().duration, c.end_tick);
      const SectionMark* verse = nullptr;
      const SectionMark* chorus = nullptr;
      for (const SectionMark& s : c.sections) {
        if (s.kind == SectionKind::kVerse && verse == nullptr) verse = &s;
        if ((s.kind == SectionKind::kChorus || s.kind == SectionKind::kHook) && chorus == nullptr) {
          chorus = &s;
        }
      }
      ASSERT_NE(verse, nullptr);
      if (HasChorus(genre)) {
        ASSERT_NE(chorus, nullptr);
        EXPECT_NE(ChordsIn(c, *verse), ChordsIn(c, *chorus));
      }
      for (const ChordSymbol& chord : c.chords) {
        if (c.genre == Genre::kHeavyMetal || c.genre == Genre::kPunk) {
          EXPECT_EQ(chord.name.back(), '5') << chord.name;
        }
        if (c.genre == Genre::kBlues) {
          EXPECT_EQ(chord.name.back(), '7') << chord.name;
        }
      }
      // The song ends on the tonic.
      EXPECT_EQ(c.chords.back().root, c.tonic);
    }
  }
}

TEST(ComposerTest, BluesVersesAreTwelveBarsOfOneFourAndFive) {
  const Composition c = ComposeTest(Genre::kBlues, 3);
  const SectionMark& verse = c.sections[1];
  ASSERT_EQ(verse.kind, SectionKind::kVerse);
  std::vector<int> roots;  // per bar, relative to the tonic
  for (int64_t bar = verse.start; bar < verse.end; bar += 4 * kTicksPerBeat) {
    roots.push_back((ChordAt(c, bar)->root - c.tonic + 12) % 12);
  }
  ASSERT_EQ(roots.size(), 12u);
  EXPECT_EQ(roots[0], 0);
  EXPECT_EQ(roots[4], 5);
  EXPECT_EQ(roots[6], 0);
  EXPECT_EQ(roots[8], 7);
  EXPECT_EQ(roots[10], 0);
}

TEST(ComposerTest, PartsAreSetUpForTheGenre) {
  for (Genre genre : Genres()) {
    SCOPED_TRACE(Name(genre));
    const Composition c = ComposeTest(genre, 9);
    for (const Part& part : c.parts) {
      EXPECT_EQ(part.channel == 9, part.role == PartRole::kDrums) << part.name;
    }
    const Part* drums = FindRole(c, PartRole::kDrums);
    ASSERT_NE(drums, nullptr);
    std::set<int> keys;
    for (const Note& n : drums->notes) {
      EXPECT_GE(n.pitch, 35);
      EXPECT_LE(n.pitch, 81);
      keys.insert(n.pitch);
    }
    EXPECT_TRUE(keys.count(36) > 0) << "a kick";
    EXPECT_TRUE(keys.count(49) > 0) << "a crash";
    const Part* bass = FindRole(c, PartRole::kBass);
    ASSERT_NE(bass, nullptr);
    for (const Note& n : bass->notes) {
      EXPECT_GE(n.pitch, 28);
      EXPECT_LE(n.pitch, 52);
    }
    std::set<int> programs;
    for (const Part& part : c.parts) programs.insert(part.program);
    switch (genre) {
      case Genre::kHeavyMetal:
        EXPECT_TRUE(programs.count(30) > 0 && programs.count(29) > 0);
        EXPECT_EQ(c.Lead()->program, 29);
        break;
      case Genre::kSynthwave:
        EXPECT_GE(c.Lead()->program, 80);
        EXPECT_LE(c.Lead()->program, 87);
        EXPECT_TRUE(programs.count(89) > 0 || programs.count(95) > 0) << "a pad";
        break;
      case Genre::kDiscoPolo: {
        EXPECT_GE(c.Lead()->program, 80);
        EXPECT_LE(c.Lead()->program, 87);
        // Four on the floor: a kick on every beat.
        int on_beats = 0;
        int kicks = 0;
        for (const Note& n : drums->notes) {
          if (n.pitch != 36) continue;
          ++kicks;
          on_beats += n.start % kTicksPerBeat == 0;
        }
        EXPECT_GE(Percent(on_beats, kicks), 95.0);
        // Octave bass.
        int octaves = 0;
        for (size_t i = 1; i < bass->notes.size(); ++i) {
          octaves += std::abs(bass->notes[i].pitch - bass->notes[i - 1].pitch) == 12;
        }
        EXPECT_GE(octaves, static_cast<int>(bass->notes.size()) / 3);
        break;
      }
      case Genre::kBlues:
        EXPECT_TRUE(c.Lead()->program == 22 || c.Lead()->program == 66);
        EXPECT_TRUE(programs.count(0) > 0) << "a piano";
        break;
      case Genre::kPop:
        EXPECT_TRUE(programs.count(27) > 0 && programs.count(0) > 0);
        break;
      default:
        break;
    }
  }
}

TEST(ComposerTest, TheBandPlaysInTheKey) {
  for (Genre genre : Genres()) {
    // The blues' dominant sevenths and blue notes are its colour, outside any one scale.
    if (genre == Genre::kBlues) continue;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      const Composition c = ComposeTest(genre, seed);
      int notes = 0;
      int in_key = 0;
      for (const Part& part : c.parts) {
        if (part.role == PartRole::kDrums) continue;
        for (const Note& n : part.notes) {
          ++notes;
          in_key += InKey(c, n.pitch);
        }
      }
      EXPECT_GE(Percent(in_key, notes), 99.0) << Name(genre) << " seed " << seed;
    }
  }
}

TEST(ComposerTest, ChorusIsLouderThanTheVerse) {
  for (Genre genre : Genres()) {
    if (!HasChorus(genre)) continue;
    const Composition c = ComposeTest(genre, 4);
    double sums[2] = {0, 0};
    int counts[2] = {0, 0};
    for (const Part& part : c.parts) {
      for (const Note& n : part.notes) {
        for (const SectionMark& s : c.sections) {
          if (n.start < s.start || n.start >= s.end) continue;
          const int which = s.kind == SectionKind::kVerse                                    ? 0
                            : s.kind == SectionKind::kChorus || s.kind == SectionKind::kHook ? 1
                                                                                             : -1;
          if (which >= 0) {
            sums[which] += n.velocity;
            ++counts[which];
          }
        }
      }
    }
    EXPECT_GT(sums[1] / counts[1], sums[0] / counts[0]) << Name(genre);
  }
}

// ----- Determinism and odd input ---------------------------------------------------------------

std::string Fingerprint(const Composition& c) {
  std::ostringstream out;
  out << c.key_name << c.tempo_bpm << c.swing << c.end_tick << "|";
  for (const ChordSymbol& chord : c.chords) out << chord.start << chord.name << ",";
  for (const LineMark& line : c.lines) out << line.start << "-" << line.end << line.text << ",";
  for (const Part& part : c.parts) {
    out << part.name << part.channel << part.program << part.volume << part.pan << part.reverb;
    for (const Note& n : part.notes) {
      out << n.start << ":" << n.duration << ":" << n.pitch << ":" << n.velocity << ";";
    }
    for (const SungSyllable& s : part.sung) out << s.tick << s.text << s.note << s.line;
  }
  return out.str();
}

TEST(ComposerTest, SameInputGivesTheSameSong) {
  for (Genre genre : Genres()) {
    const std::string a = Fingerprint(ComposeTest(genre, 42));
    const std::string b = Fingerprint(ComposeTest(genre, 42));
    const std::string other = Fingerprint(ComposeTest(genre, 43));
    EXPECT_EQ(a, b) << Name(genre);
    EXPECT_NE(a, other) << Name(genre);
  }
}

TEST(ComposerTest, OddLyricsStillComposeSafely) {
  std::vector<Lyrics> odd;
  odd.push_back(Lyrics{});  // nothing at all
  {
    Lyrics l;  // no bar counts, a line far too long for its bar, an empty line
    LyricSection s;
    s.kind = SectionKind::kVerse;
    s.bars = 0;
    s.lines.push_back(MakeLine("the NIGHT is BURN-ing DOWN"));
    std::string crowded;
    for (int i = 0; i < 40; ++i) crowded += "la ";
    LyricSection t;
    t.kind = SectionKind::kChorus;
    t.bars = 1;
    t.lines.push_back(MakeLine(crowded));
    t.lines.push_back(LyricLine{});
    t.repeat_of = 5;  // points nowhere valid
    l.sections = {s, t};
    odd.push_back(l);
  }
  {
    Lyrics l;  // a repeat given without its lines, and more lines than bars
    LyricSection s;
    s.kind = SectionKind::kChorus;
    s.bars = 2;
    for (int i = 0; i < 5; ++i) s.lines.push_back(MakeLine(kLines[i]));
    LyricSection r;
    r.kind = SectionKind::kChorus;
    r.bars = 2;
    r.repeat_of = 0;
    l.sections = {s, r};
    odd.push_back(l);
  }
  {
    Lyrics l;  // one endless line over a long section
    LyricSection s;
    s.kind = SectionKind::kVerse;
    s.bars = 64;
    std::string endless;
    for (int i = 0; i < 150; ++i) endless += i % 2 == 0 ? "LA " : "la ";
    s.lines.push_back(MakeLine(endless));
    l.sections = {s};
    odd.push_back(l);
  }
  for (size_t i = 0; i < odd.size(); ++i) {
    for (Genre genre : Genres()) {
      SCOPED_TRACE("odd lyrics " + std::to_string(i) + " " + Name(genre));
      SongRandom random(3);
      const Composition c = Compose(odd[i], genre, random);
      ASSERT_NE(c.Lead(), nullptr);
      EXPECT_GT(c.end_tick, 0);
      size_t syllables = 0;
      for (const LyricSection& s : odd[i].sections) {
        const auto& lines =
            s.lines.empty() && s.repeat_of == 0 ? odd[i].sections[0].lines : s.lines;
        for (const LyricLine& line : lines) syllables += line.SyllableCount();
      }
      EXPECT_EQ(c.Lead()->sung.size(), syllables);
      for (const Part& part : c.parts) {
        for (size_t k = 0; k < part.notes.size(); ++k) {
          ASSERT_GT(part.notes[k].duration, 0);
          if (k > 0) {
            ASSERT_LE(part.notes[k - 1].start, part.notes[k].start);
          }
        }
      }
    }
  }
}

// ----- The steps on their own ------------------------------------------------------------------

TEST(ComposerStepsTest, PlaceSyllablesPutsStressesOnBeatsOneAndThree) {
  compose::Style style;
  const LyricLine line = MakeLine("the NIGHT is BURN-ing DOWN to GREY");
  const int64_t bar = 4 * kTicksPerBeat;
  const compose::SyllableTiming timing =
      compose::PlaceSyllables(line, bar, 3 * bar, 0, false, style);
  ASSERT_EQ(timing.onsets.size(), 8u);
  const std::vector<int> weights = compose::SyllableWeights(line);
  for (size_t i = 0; i < timing.onsets.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(timing.onsets[i - 1], timing.onsets[i]);
    }
    EXPECT_EQ(timing.onsets[i] % (kTicksPerBeat / 2), 0) << "on the eighth grid";
    if (weights[i] == 2) {
      EXPECT_TRUE(compose::IsStrongTick(timing.onsets[i])) << i;
    }
  }
  // "the" is a pick-up before the line's bar; the rest is inside it.
  EXPECT_GE(timing.onsets.front(), bar - kTicksPerBeat * 3 / 2);
  EXPECT_GE(timing.onsets[1], bar);
  EXPECT_LT(timing.onsets.back(), 3 * bar);
}

TEST(ComposerStepsTest, CrowdedLineIsCompressedToSixteenths) {
  compose::Style style;
  const LyricLine line = MakeLine("la la la la la la la la la la la la");
  const int64_t bar = 4 * kTicksPerBeat;
  const compose::SyllableTiming timing = compose::PlaceSyllables(line, 0, bar, 0, false, style);
  ASSERT_EQ(timing.onsets.size(), 12u);
  EXPECT_EQ(timing.grid, kTicksPerBeat / 4);
  for (size_t i = 1; i < timing.onsets.size(); ++i) {
    EXPECT_LT(timing.onsets[i - 1], timing.onsets[i]);
  }
}

TEST(ComposerStepsTest, SwingDelaysTheOffBeat) {
  compose::Style blues;
  blues.swing = 1.0 / 3.0;
  blues.swing_unit = kTicksPerBeat / 2;
  EXPECT_EQ(compose::SwingTick(0, blues), 0);
  EXPECT_EQ(compose::SwingTick(240, blues), 320);  // the third triplet
  EXPECT_EQ(compose::SwingTick(480, blues), 480);
  EXPECT_EQ(compose::SwingTick(480 + 240, blues), 480 + 320);
  compose::Style rap;
  rap.swing = 0.25;
  rap.swing_unit = kTicksPerBeat / 4;
  EXPECT_EQ(compose::SwingTick(120, rap), 150);
  EXPECT_EQ(compose::SwingTick(240, rap), 240);
}

TEST(ComposerStepsTest, HarmonyNamesChordsTheWayMusiciansDo) {
  compose::Chord chord;
  chord.root = 9;
  chord.quality = compose::Quality::kMinor;
  EXPECT_EQ(compose::ChordName(chord, false), "Am");
  chord.root = 4;
  chord.quality = compose::Quality::kPower;
  EXPECT_EQ(compose::ChordName(chord, false), "E5");
  chord.root = 7;
  chord.quality = compose::Quality::kDominant7;
  EXPECT_EQ(compose::ChordName(chord, false), "G7");
  chord.root = 10;
  chord.quality = compose::Quality::kMajor;
  EXPECT_EQ(compose::ChordName(chord, true), "Bb");
  EXPECT_EQ(compose::ChordName(chord, false), "A#");
}

TEST(ComposerStepsTest, LayOutSharesASectionsBarsAmongItsLines) {
  const Lyrics lyrics = TestLyrics(Genre::kPop);
  const compose::Timeline timeline = compose::LayOut(lyrics);
  ASSERT_EQ(timeline.sections.size(), lyrics.sections.size());
  const compose::SectionPlace& verse = timeline.sections[1];
  ASSERT_EQ(verse.lines.size(), 8u);
  for (size_t k = 0; k < verse.lines.size(); ++k) {
    const compose::LinePlace& line = timeline.lines[verse.lines[k]];
    EXPECT_EQ(line.start, verse.start + static_cast<int64_t>(k) * 2 * compose::kBarTicks);
    EXPECT_EQ(line.end - line.start, 2 * compose::kBarTicks);
  }
  // The song ends on a sung-free outro, whose last bar holds the final hit.
  EXPECT_FALSE(timeline.extra_final_bar);
}

}  // namespace
}  // namespace moodtape::producer
