// The lyric writer against the real pronouncing dictionary and WordNet: every genre's lyrics keep
// their rhyme scheme, syllable targets and theme; albums never repeat a line; the same inputs give
// the same bytes; rap reaches a high rhyme density; the unconstrained baseline scores clearly
// lower; odd themes still give lyrics.
#include "services/producer/core/lyrics/lyric_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "services/producer/core/lyrics/forms.h"
#include "services/producer/core/lyrics/lyric_lexicon.h"
#include "services/producer/core/lyrics/lyric_model.h"

namespace moodtape::producer {
namespace {

const std::vector<std::string>& Themes() {
  static const std::vector<std::string> kThemes = {"first love in a summer town",
                                                   "rain on the night train", "fighting the system",
                                                   "money and fame", "lost at sea"};
  return kThemes;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What the quality report measures on a song.
struct Quality {
  int rhymes_asked = 0;
  int rhymes_perfect = 0;
  double syllable_deviation = 0;
  int lines = 0;
  int theme_words = 0;
  double rhyme_density = 0;

  double RhymeRate() const { return rhymes_asked ? 1.0 * rhymes_perfect / rhymes_asked : 1.0; }
  double MeanDeviation() const { return lines ? syllable_deviation / lines : 0.0; }
};

class LyricWriterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dictionary = PronouncingDictionary::Load();
    ASSERT_TRUE(dictionary.ok()) << dictionary.error().message;
    dictionary_ = std::move(dictionary.value()).release();
    auto wordnet = WordNet::Open();
    ASSERT_TRUE(wordnet.ok()) << wordnet.error().message;
    wordnet_ = std::move(wordnet.value()).release();
    writer_ = new LyricWriter(*dictionary_, *wordnet_);
  }
  static void TearDownTestSuite() {
    delete writer_;
    delete wordnet_;
    delete dictionary_;
  }

  static const PronouncingDictionary& Dictionary() { return *dictionary_; }
  static const WordNet& Net() { return *wordnet_; }
  static const LyricWriter& Writer() { return *writer_; }

  struct Song {
    SongForm form;
    ThemeField field;
    Lyrics lyrics;
  };
  static Song Write(Genre genre, const std::string& theme, uint64_t seed, AlbumLines& album) {
    Song song;
    SongRandom random(seed);
    song.form = MakeForm(genre, random);
    song.field = BuildThemeField(theme, Net(), Dictionary());
    song.lyrics = Writer().Write(song.form, song.field, random, album);
    return song;
  }

  static Quality Measure(const Song& song) {
    Quality q;
    std::set<std::string> field;
    for (const auto& w : song.field.words) field.insert(w.word);
    std::set<std::string> used;
    std::vector<std::vector<Pronunciation>> density_lines;
    for (size_t si = 0; si < song.lyrics.sections.size(); ++si) {
      const LyricSection& section = song.lyrics.sections[si];
      const SectionSpec& spec = song.form.sections[si];
      if (section.repeat_of >= 0) continue;
      std::map<char, std::vector<size_t>> labels;
      for (size_t li = 0; li < section.lines.size(); ++li) {
        const LyricLine& line = section.lines[li];
        const LineSpec& line_spec = spec.lines[li];
        q.syllable_deviation += std::abs(line.SyllableCount() - line_spec.syllables);
        ++q.lines;
        std::vector<Pronunciation> words;
        for (const auto& w : line.words) {
          if (field.count(Lower(w.text)) > 0) used.insert(Lower(w.text));
          words.push_back(Dictionary().Pronounce(w.text));
        }
        density_lines.push_back(std::move(words));
        if (line_spec.rhyme != '-' && line_spec.repeats_line < 0) {
          labels[line_spec.rhyme].push_back(li);
        }
      }
      for (const auto& [label, lines] : labels) {
        for (size_t k = 1; k < lines.size(); ++k) {
          ++q.rhymes_asked;
          const auto& a = section.lines[lines[0]].words.back().text;
          const auto& b = section.lines[lines[k]].words.back().text;
          q.rhymes_perfect += IsPerfectRhyme(Dictionary().Pronounce(a), Dictionary().Pronounce(b));
        }
      }
    }
    q.theme_words = static_cast<int>(used.size());
    q.rhyme_density = RhymeDensity(density_lines);
    return q;
  }

 private:
  static inline const PronouncingDictionary* dictionary_ = nullptr;
  static inline const WordNet* wordnet_ = nullptr;
  static inline const LyricWriter* writer_ = nullptr;
};

TEST_F(LyricWriterTest, PhraseBanksAreWellFormed) {
  EXPECT_EQ(lyric::UnknownBankWords(Dictionary()), std::vector<std::string>{});
  for (const auto& info : AllGenres()) EXPECT_EQ(lyric::CheckGrammar(info.genre), "") << info.id;
}

TEST_F(LyricWriterTest, NormaliseLineKeepsLettersAndSpaces) {
  EXPECT_EQ(NormaliseLine("  I'm burning,  BURNING -- tonight!! "), "im burning burning tonight");
  EXPECT_EQ(NormaliseLine("Neon 1984"), "neon");
  EXPECT_EQ(NormaliseLine(""), "");
}

TEST_F(LyricWriterTest, EveryGenreRhymesScansAndUsesTheTheme) {
  for (const auto& info : AllGenres()) {
    Quality total;
    int songs = 0;
    for (const auto& theme : Themes()) {
      for (uint64_t seed : {3u, 11u}) {
        AlbumLines album;
        const Song song = Write(info.genre, theme, seed, album);
        SCOPED_TRACE(std::string(info.id) + " / " + theme + " / " + std::to_string(seed) + "\n" +
                     LyricsText(song.lyrics));
        const Quality q = Measure(song);
        EXPECT_GE(q.theme_words, 3);
        EXPECT_FALSE(song.lyrics.title.empty());
        ASSERT_EQ(song.lyrics.sections.size(), song.form.sections.size());
        for (size_t si = 0; si < song.form.sections.size(); ++si) {
          const auto& section = song.lyrics.sections[si];
          ASSERT_EQ(section.lines.size(), song.form.sections[si].lines.size());
          EXPECT_EQ(section.label, song.form.sections[si].label);
          EXPECT_EQ(section.bars, song.form.sections[si].bars);
          for (const auto& line : section.lines) {
            ASSERT_FALSE(line.words.empty());
            EXPECT_FALSE(line.text.empty());
            EXPECT_EQ(line.rhyme_sound, RhymeKey(Dictionary().Pronounce(line.words.back().text)));
            for (const auto& word : line.words) {
              ASSERT_FALSE(word.syllables.empty()) << word.text;
              std::string joined;
              for (const auto& s : word.syllables) joined += s.text;
              EXPECT_EQ(joined, word.text);
              EXPECT_EQ(static_cast<int>(word.syllables.size()),
                        Dictionary().Pronounce(word.text).SyllableCount())
                  << word.text;
            }
          }
        }
        total.rhymes_asked += q.rhymes_asked;
        total.rhymes_perfect += q.rhymes_perfect;
        total.syllable_deviation += q.syllable_deviation;
        total.lines += q.lines;
        ++songs;
      }
    }
    EXPECT_GE(total.RhymeRate(), 0.9) << info.id;
    EXPECT_LE(total.MeanDeviation(), 1.0) << info.id;
  }
}

TEST_F(LyricWriterTest, RepeatedSectionsRepeatTheirLinesAndTheTitleIsInTheChorus) {
  for (const auto& info : AllGenres()) {
    AlbumLines album;
    const Song song = Write(info.genre, "dancing under the stars", 5, album);
    const auto& sections = song.lyrics.sections;
    std::string hook_text;
    for (const auto& s : sections) {
      if (s.repeat_of >= 0) {
        const auto& original = sections[static_cast<size_t>(s.repeat_of)];
        ASSERT_EQ(s.lines.size(), original.lines.size());
        for (size_t i = 0; i < s.lines.size(); ++i)
          EXPECT_EQ(s.lines[i].text, original.lines[i].text);
      } else if (hook_text.empty() &&
                 (s.kind == SectionKind::kChorus || s.kind == SectionKind::kHook ||
                  (info.genre == Genre::kBlues && s.kind == SectionKind::kVerse))) {
        for (const auto& l : s.lines) hook_text += NormaliseLine(l.text) + "\n";
      }
    }
    EXPECT_NE(hook_text.find(NormaliseLine(song.lyrics.title)), std::string::npos)
        << info.id << ": " << song.lyrics.title << "\n"
        << hook_text;
  }
}

TEST_F(LyricWriterTest, BluesVersesStateRepeatAndAnswer) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    AlbumLines album;
    const Song song = Write(Genre::kBlues, Themes()[seed % Themes().size()], seed, album);
    int verses = 0;
    for (const auto& s : song.lyrics.sections) {
      if (s.kind != SectionKind::kVerse) continue;
      ++verses;
      ASSERT_EQ(s.lines.size(), 3u);
      EXPECT_EQ(s.lines[1].text, s.lines[0].text);
      EXPECT_NE(s.lines[2].text, s.lines[0].text);
      EXPECT_TRUE(IsPerfectRhyme(Dictionary().Pronounce(s.lines[0].words.back().text),
                                 Dictionary().Pronounce(s.lines[2].words.back().text)))
          << s.lines[0].text << " / " << s.lines[2].text;
    }
    EXPECT_GE(verses, 3);
  }
}

TEST_F(LyricWriterTest, AlbumSongsShareNoLine) {
  for (Genre genre : {Genre::kPop, Genre::kDiscoPolo, Genre::kPunk}) {
    AlbumLines album;
    std::map<std::string, int> owner;
    for (int index = 0; index < 10; ++index) {
      const Song song = Write(genre, "summer nights by the sea", 100 + index, album);
      std::set<std::string> own;
      for (const auto& s : song.lyrics.sections) {
        for (const auto& l : s.lines) own.insert(NormaliseLine(l.text));
      }
      for (const auto& line : own) {
        auto [it, inserted] = owner.emplace(line, index);
        EXPECT_TRUE(inserted) << GenreId(genre) << ": \"" << line << "\" in songs " << it->second
                              << " and " << index;
        EXPECT_EQ(album.count(line), 1u);
      }
    }
  }
}

TEST_F(LyricWriterTest, SameInputsSameBytes) {
  for (const auto& info : AllGenres()) {
    AlbumLines album_a = {"a line from an earlier song"};
    AlbumLines album_b = album_a;
    const Song a = Write(info.genre, "rain on the night train", 77, album_a);
    const Song b = Write(info.genre, "rain on the night train", 77, album_b);
    EXPECT_EQ(LyricsText(a.lyrics), LyricsText(b.lyrics)) << info.id;
    EXPECT_EQ(a.lyrics.title, b.lyrics.title);
    EXPECT_EQ(album_a, album_b);
    AlbumLines album_c;
    const Song c = Write(info.genre, "rain on the night train", 78, album_c);
    EXPECT_NE(LyricsText(a.lyrics), LyricsText(c.lyrics)) << info.id;
  }
}

// A line has an internal rhyme when a content word before its end shares the end word's rhyme
// key or its last two vowels, or rhymes with the previous line's end.
bool HasInternalRhyme(const PronouncingDictionary& dictionary, const LyricLine& line,
                      const std::string& previous_key) {
  const auto end = lyric::MakeWordSound(dictionary, lyric::BareWord(line.words.back().text));
  for (size_t i = 0; i + 1 < line.words.size(); ++i) {
    const auto w = lyric::MakeWordSound(dictionary, lyric::BareWord(line.words[i].text));
    if (w.function_word || w.text == end.text) continue;
    if (!end.rhyme_key.empty() && w.rhyme_key == end.rhyme_key) return true;
    if (!previous_key.empty() && w.rhyme_key == previous_key) return true;
    const size_t a = w.vowels.size(), b = end.vowels.size();
    if (a >= 2 && b >= 2 && w.vowels[a - 1] == end.vowels[b - 1] &&
        w.vowels[a - 2] == end.vowels[b - 2]) {
      return true;
    }
  }
  return false;
}

TEST_F(LyricWriterTest, RapReachesHighRhymeDensityWithInternalRhymes) {
  double density = 0;
  double baseline = 0;
  int songs = 0;
  int verse_lines = 0, internal = 0;
  for (const auto& theme : Themes()) {
    for (uint64_t seed : {1u, 2u}) {
      AlbumLines album;
      const Song song = Write(Genre::kGangstaRap, theme, seed, album);
      density += Measure(song).rhyme_density;
      for (const auto& s : song.lyrics.sections) {
        if (s.kind != SectionKind::kVerse || s.repeat_of >= 0) continue;
        std::string previous_key;
        for (const auto& line : s.lines) {
          ++verse_lines;
          internal += HasInternalRhyme(Dictionary(), line, previous_key);
          previous_key = line.rhyme_sound;
        }
      }
      SongRandom random(seed);
      Song base = song;
      base.lyrics = WriteBaselineLyrics(song.form, song.field, Dictionary(), random);
      baseline += Measure(base).rhyme_density;
      ++songs;
    }
  }
  density /= songs;
  baseline /= songs;
  EXPECT_GE(density, 1.2);
  EXPECT_LT(baseline, density / 2);
  EXPECT_GE(internal, verse_lines / 2) << internal << " of " << verse_lines;
}

TEST_F(LyricWriterTest, BaselineScoresClearlyLower) {
  for (const auto& info : AllGenres()) {
    Quality written, base;
    for (const auto& theme : Themes()) {
      AlbumLines album;
      const Song song = Write(info.genre, theme, 9, album);
      const Quality q = Measure(song);
      SongRandom random(9);
      Song b = song;
      b.lyrics = WriteBaselineLyrics(song.form, song.field, Dictionary(), random);
      const Quality qb = Measure(b);
      written.rhymes_asked += q.rhymes_asked;
      written.rhymes_perfect += q.rhymes_perfect;
      written.syllable_deviation += q.syllable_deviation;
      written.lines += q.lines;
      base.rhymes_asked += qb.rhymes_asked;
      base.rhymes_perfect += qb.rhymes_perfect;
      base.syllable_deviation += qb.syllable_deviation;
      base.lines += qb.lines;
      // The baseline keeps the form: same sections, same number of lines.
      ASSERT_EQ(b.lyrics.sections.size(), song.lyrics.sections.size());
      for (size_t i = 0; i < b.lyrics.sections.size(); ++i) {
        EXPECT_EQ(b.lyrics.sections[i].lines.size(), song.lyrics.sections[i].lines.size());
      }
    }
    EXPECT_LT(base.RhymeRate(), 0.3) << info.id;
    EXPECT_GE(written.RhymeRate() - base.RhymeRate(), 0.6) << info.id;
    EXPECT_GE(base.MeanDeviation(), written.MeanDeviation() + 1.0) << info.id;
  }
}

TEST_F(LyricWriterTest, SungLinesAvoidStressClashAtTheEnd) {
  for (const auto& info : AllGenres()) {
    if (info.genre == Genre::kGangstaRap) continue;
    int lines = 0, clashes = 0;
    for (const auto& theme : Themes()) {
      AlbumLines album;
      const Song song = Write(info.genre, theme, 21, album);
      for (const auto& s : song.lyrics.sections) {
        if (s.repeat_of >= 0) continue;
        for (const auto& l : s.lines) {
          std::vector<int> stress;
          for (const auto& w : l.words) {
            for (const auto& syllable : w.syllables) stress.push_back(syllable.stress);
          }
          ++lines;
          const size_t n = stress.size();
          clashes += n >= 2 && stress[n - 1] > 0 && stress[n - 2] > 0;
        }
      }
    }
    EXPECT_LE(clashes, lines / 6) << info.id;
  }
}

TEST_F(LyricWriterTest, OddThemesStillGiveLyrics) {
  const std::vector<std::string> themes = {
      "love",
      "\xF0\x9F\x94\xA5\xF0\x9F\x92\x94",
      std::string(200, 'x'),
      "the and of a to in",
      "Zzyzx qwerty",
      std::string(40, ' '),
      "a very long theme about the slow decline of a once great city by the river, its "
      "factories, its bridges, its markets, the people who stayed and the ones who left for "
      "somewhere brighter, and the songs they still sing on friday nights"};
  for (const auto& theme : themes) {
    for (Genre genre : {Genre::kGangstaRap, Genre::kBlues, Genre::kPunk}) {
      AlbumLines album;
      SongRandom random(5);
      const SongForm form = MakeForm(genre, random);
      const Lyrics lyrics = Writer().Write(form, theme, random, album);
      EXPECT_FALSE(lyrics.title.empty()) << theme;
      for (size_t i = 0; i < form.sections.size(); ++i) {
        ASSERT_EQ(lyrics.sections[i].lines.size(), form.sections[i].lines.size());
        for (const auto& l : lyrics.sections[i].lines) EXPECT_FALSE(l.words.empty()) << theme;
      }
    }
  }
}

}  // namespace
}  // namespace moodtape::producer
