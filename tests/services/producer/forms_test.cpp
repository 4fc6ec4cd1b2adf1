// Song forms per genre: the shapes the brief asks for, the conventions shared with the composer
// (bars divisible by lines, instrumental sections without lines, syllables that fit the grid) and
// a typical duration at the genre's middle tempo.
#include "services/producer/core/lyrics/forms.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace moodtape::producer {
namespace {

constexpr int kSeeds = 24;

std::vector<SectionKind> Kinds(const SongForm& form) {
  std::vector<SectionKind> kinds;
  for (const auto& s : form.sections) kinds.push_back(s.kind);
  return kinds;
}

double MidTempoSeconds(const SongForm& form) {
  const auto& info = InfoOf(form.genre);
  const double bpm = (info.min_tempo_bpm + info.max_tempo_bpm) / 2.0;
  int bars = 0;
  for (const auto& s : form.sections) bars += s.bars;
  return bars * 4 * 60.0 / bpm;
}

bool Instrumental(SectionKind kind) {
  return kind == SectionKind::kIntro || kind == SectionKind::kSolo || kind == SectionKind::kOutro;
}

// Labels of a section's lines that are not repeats, in order.
std::string Scheme(const SectionSpec& s) {
  std::string out;
  for (const auto& l : s.lines) out.push_back(l.rhyme);
  return out;
}

int CountRepeatsOf(const SongForm& form, int original) {
  int n = 0;
  for (const auto& s : form.sections) n += s.repeat_of == original;
  return n;
}

TEST(FormsTest, EveryGenreKeepsTheSharedConventions) {
  for (const auto& info : AllGenres()) {
    for (int seed = 1; seed <= kSeeds; ++seed) {
      SongRandom random(static_cast<uint64_t>(seed));
      const SongForm form = MakeForm(info.genre, random);
      SCOPED_TRACE(std::string(info.id) + " seed " + std::to_string(seed));
      ASSERT_EQ(form.genre, info.genre);
      ASSERT_GE(form.sections.size(), 5u);
      const bool rap = info.genre == Genre::kGangstaRap;
      for (size_t i = 0; i < form.sections.size(); ++i) {
        const SectionSpec& s = form.sections[i];
        EXPECT_GT(s.bars, 0);
        EXPECT_FALSE(s.label.empty());
        if (Instrumental(s.kind)) {
          EXPECT_TRUE(s.lines.empty()) << s.label;
          continue;
        }
        ASSERT_FALSE(s.lines.empty()) << s.label;
        EXPECT_EQ(s.bars % static_cast<int>(s.lines.size()), 0) << s.label;
        const int bars_per_line = s.bars / static_cast<int>(s.lines.size());
        if (s.repeat_of >= 0) {
          ASSERT_LT(s.repeat_of, static_cast<int>(i));
          const SectionSpec& original = form.sections[static_cast<size_t>(s.repeat_of)];
          EXPECT_EQ(original.kind, s.kind);
          EXPECT_EQ(original.repeat_of, -1);
          EXPECT_EQ(original.lines.size(), s.lines.size());
          EXPECT_EQ(original.bars, s.bars);
        }
        std::map<char, int> labels;
        for (size_t li = 0; li < s.lines.size(); ++li) {
          const LineSpec& line = s.lines[li];
          // Sung on eighths (<= 8 a bar), rap on sixteenths (10-16 a one-bar line).
          if (rap) {
            if (s.kind == SectionKind::kVerse) {
              EXPECT_EQ(bars_per_line, 1);
            }
            EXPECT_GE(line.syllables, 10);
            EXPECT_LE(line.syllables, 16 * bars_per_line);
          } else {
            EXPECT_LE(line.syllables, 8 * bars_per_line);
            EXPECT_GE(line.syllables, 5);
            if (bars_per_line == 2) {
              EXPECT_LE(line.syllables, 11);
            }
          }
          if (line.repeats_line >= 0) {
            EXPECT_LT(line.repeats_line, static_cast<int>(li));
          } else if (line.rhyme != '-') {
            ++labels[line.rhyme];
          }
        }
        // A rhyme label is there to be rhymed with: at least two lines carry it.
        for (const auto& [label, count] : labels) {
          if (info.genre != Genre::kBlues) {
            EXPECT_GE(count, 2) << s.label << " " << label;
          }
        }
      }
      const double seconds = MidTempoSeconds(form);
      if (info.genre == Genre::kPunk) {
        EXPECT_GE(seconds, 95.0);
        EXPECT_LE(seconds, 150.0);
      } else {
        EXPECT_GE(seconds, 150.0);
        EXPECT_LE(seconds, 240.0);
      }
    }
  }
}

TEST(FormsTest, SameSeedSameForm) {
  for (const auto& info : AllGenres()) {
    SongRandom a(42), b(42);
    const SongForm fa = MakeForm(info.genre, a);
    const SongForm fb = MakeForm(info.genre, b);
    ASSERT_EQ(fa.sections.size(), fb.sections.size());
    for (size_t i = 0; i < fa.sections.size(); ++i) {
      EXPECT_EQ(fa.sections[i].label, fb.sections[i].label);
      EXPECT_EQ(fa.sections[i].bars, fb.sections[i].bars);
      EXPECT_EQ(Scheme(fa.sections[i]), Scheme(fb.sections[i]));
      for (size_t l = 0; l < fa.sections[i].lines.size(); ++l) {
        EXPECT_EQ(fa.sections[i].lines[l].syllables, fb.sections[i].lines[l].syllables);
      }
    }
  }
}

TEST(FormsTest, SeedsPickDifferentVariants) {
  for (const auto& info : AllGenres()) {
    std::map<std::string, int> shapes;
    for (int seed = 1; seed <= kSeeds; ++seed) {
      SongRandom random(static_cast<uint64_t>(seed));
      const SongForm form = MakeForm(info.genre, random);
      std::string shape;
      for (const auto& s : form.sections) shape += s.label + std::to_string(s.bars) + Scheme(s);
      ++shapes[shape];
    }
    EXPECT_GE(shapes.size(), 2u) << info.id;
  }
}

TEST(FormsTest, GangstaRapIsVersesOfCouplesAndAHook) {
  using K = SectionKind;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SongRandom random(static_cast<uint64_t>(seed));
    const SongForm form = MakeForm(Genre::kGangstaRap, random);
    ASSERT_EQ(Kinds(form), (std::vector<K>{K::kIntro, K::kVerse, K::kHook, K::kVerse, K::kHook,
                                           K::kVerse, K::kHook, K::kOutro}));
    const int first_hook = 2;
    EXPECT_EQ(form.sections[4].repeat_of, first_hook);
    EXPECT_EQ(form.sections[6].repeat_of, first_hook);
    const auto& hook = form.sections[first_hook];
    EXPECT_GE(hook.lines.size(), 4u);
    EXPECT_LE(hook.lines.size(), 8u);
    for (int v : {1, 3, 5}) {
      const auto& verse = form.sections[static_cast<size_t>(v)];
      ASSERT_EQ(verse.lines.size(), 16u);
      EXPECT_EQ(verse.bars, 16);
      // Rhyming couplets: AABBCC..., a new sound each couplet.
      for (size_t l = 0; l < 16; l += 2) {
        EXPECT_EQ(verse.lines[l].rhyme, verse.lines[l + 1].rhyme);
        if (l >= 2) {
          EXPECT_NE(verse.lines[l].rhyme, verse.lines[l - 1].rhyme);
        }
        EXPECT_TRUE(verse.lines[l].internal_rhyme);
        EXPECT_TRUE(verse.lines[l + 1].internal_rhyme);
      }
    }
  }
}

TEST(FormsTest, HeavyMetalHasPreChorusSoloAndBridge) {
  using K = SectionKind;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SongRandom random(static_cast<uint64_t>(seed));
    const SongForm form = MakeForm(Genre::kHeavyMetal, random);
    ASSERT_EQ(Kinds(form), (std::vector<K>{K::kIntro, K::kVerse, K::kPreChorus, K::kChorus,
                                           K::kVerse, K::kPreChorus, K::kChorus, K::kSolo,
                                           K::kBridge, K::kChorus, K::kOutro}));
    EXPECT_EQ(Scheme(form.sections[1]), "ABAB");
    EXPECT_EQ(Scheme(form.sections[4]), "ABAB");
    EXPECT_EQ(form.sections[6].repeat_of, 3);
    EXPECT_EQ(form.sections[9].repeat_of, 3);
    EXPECT_EQ(form.sections[5].repeat_of, 2);
  }
}

TEST(FormsTest, DiscoPoloSingsShortCoupletsAndTheChorusTwice) {
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SongRandom random(static_cast<uint64_t>(seed));
    const SongForm form = MakeForm(Genre::kDiscoPolo, random);
    int first_chorus = -1;
    bool twice_in_a_row = false;
    int last_sung = -1;
    for (size_t i = 0; i < form.sections.size(); ++i) {
      const auto& s = form.sections[i];
      if (!s.lines.empty()) last_sung = static_cast<int>(i);
      if (s.kind == SectionKind::kChorus && s.repeat_of < 0) first_chorus = static_cast<int>(i);
      if (i > 0 && s.repeat_of >= 0 && form.sections[i - 1].kind == SectionKind::kChorus) {
        twice_in_a_row = true;
      }
      if (s.repeat_of >= 0 || s.lines.empty()) continue;
      for (const auto& l : s.lines) {
        EXPECT_GE(l.syllables, 5);
        EXPECT_LE(l.syllables, 7);
      }
      const std::string scheme = Scheme(s);
      for (size_t l = 0; l + 1 < scheme.size(); l += 2) EXPECT_EQ(scheme[l], scheme[l + 1]);
    }
    ASSERT_GE(first_chorus, 0);
    EXPECT_TRUE(twice_in_a_row);
    ASSERT_GE(last_sung, 0);
    EXPECT_EQ(form.sections[static_cast<size_t>(last_sung)].repeat_of, first_chorus);
    EXPECT_GE(CountRepeatsOf(form, first_chorus), 4);
  }
}

TEST(FormsTest, PopChorusReturnsThreeTimesAfterPreChorusAndBridge) {
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SongRandom random(static_cast<uint64_t>(seed));
    const SongForm form = MakeForm(Genre::kPop, random);
    int choruses = 0, pre = 0, bridge = -1, last_chorus = -1;
    for (size_t i = 0; i < form.sections.size(); ++i) {
      const auto kind = form.sections[i].kind;
      choruses += kind == SectionKind::kChorus;
      pre += kind == SectionKind::kPreChorus;
      if (kind == SectionKind::kBridge) bridge = static_cast<int>(i);
      if (kind == SectionKind::kChorus) last_chorus = static_cast<int>(i);
    }
    EXPECT_EQ(choruses, 3);
    EXPECT_GE(pre, 1);
    EXPECT_GE(bridge, 0);
    EXPECT_LT(bridge, last_chorus);
  }
}

TEST(FormsTest, SynthwaveHasLongLinesAndAnInstrumentalBreak) {
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SongRandom random(static_cast<uint64_t>(seed));
    const SongForm form = MakeForm(Genre::kSynthwave, random);
    bool break_between_songs = false;
    int sung_before = 0;
    double syllables = 0;
    int lines = 0;
    for (const auto& s : form.sections) {
      if (s.kind == SectionKind::kSolo && sung_before >= 2) break_between_songs = true;
      if (!s.lines.empty()) ++sung_before;
      for (const auto& l : s.lines) {
        syllables += l.syllables;
        ++lines;
      }
    }
    EXPECT_TRUE(break_between_songs);
    EXPECT_GE(syllables / lines, 8.5);
  }
}

TEST(FormsTest, BluesVersesAreTwelveBarsStatedRepeatedAnswered) {
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SongRandom random(static_cast<uint64_t>(seed));
    const SongForm form = MakeForm(Genre::kBlues, random);
    int verses = 0;
    for (const auto& s : form.sections) {
      if (s.kind != SectionKind::kVerse) continue;
      ++verses;
      EXPECT_EQ(s.bars, 12);
      ASSERT_EQ(s.lines.size(), 3u);
      EXPECT_EQ(s.lines[0].repeats_line, -1);
      EXPECT_EQ(s.lines[1].repeats_line, 0);
      EXPECT_EQ(s.lines[1].syllables, s.lines[0].syllables);
      EXPECT_EQ(s.lines[2].repeats_line, -1);
      EXPECT_EQ(s.lines[2].rhyme, s.lines[0].rhyme);
      EXPECT_NE(s.lines[0].rhyme, '-');
    }
    EXPECT_GE(verses, 3);
  }
}

TEST(FormsTest, PunkIsShortWithTwoLineChoruses) {
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SongRandom random(static_cast<uint64_t>(seed));
    const SongForm form = MakeForm(Genre::kPunk, random);
    int choruses = 0;
    for (const auto& s : form.sections) {
      if (s.kind == SectionKind::kChorus) {
        ++choruses;
        EXPECT_EQ(s.lines.size(), 2u);
      }
      if (s.kind == SectionKind::kVerse) {
        EXPECT_LE(s.lines.size(), 4u);
      }
    }
    EXPECT_GE(choruses, 4);
    EXPECT_LE(MidTempoSeconds(form), 150.0);
  }
}

}  // namespace
}  // namespace moodtape::producer
