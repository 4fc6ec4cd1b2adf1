// The pronouncing dictionary (Debian festlex-cmu), its letter-to-sound fallback and the rhyme
// measures: pronunciations as the dictionary has them, plausible guesses for made-up words,
// perfect and near rhymes, DopeLearning's rhyme density and karaoke syllable splits.
#include "services/producer/core/words/phonetics.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "services/producer/core/words/cmu_dictionary.h"
#include "services/producer/core/words/lts_rules.h"

namespace moodtape::producer {
namespace {

class PhoneticsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = PronouncingDictionary::Load();
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    dictionary_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() {
    delete dictionary_;
    dictionary_ = nullptr;
  }

  static Pronunciation P(std::string_view word) { return dictionary_->Pronounce(word); }
  static Pronunciation Rules(std::string_view word) { return dictionary_->PronounceByRules(word); }

  // One line of lyrics as pronunciations, words split on spaces.
  static std::vector<Pronunciation> Line(const std::string& text) {
    std::vector<Pronunciation> words;
    std::istringstream in(text);
    std::string word;
    while (in >> word) words.push_back(P(word));
    return words;
  }

  static PronouncingDictionary* dictionary_;
};

PronouncingDictionary* PhoneticsTest::dictionary_ = nullptr;

// ----- Loading -----------------------------------------------------------------------------------

TEST_F(PhoneticsTest, LoadsTheWholeDictionaryCompactly) {
  EXPECT_GT(dictionary_->size(), 100000u);
  EXPECT_TRUE(dictionary_->Contains("desire"));
  EXPECT_TRUE(dictionary_->Contains("Desire,"));
  EXPECT_FALSE(dictionary_->Contains("moodtape"));
  // Interned phones in arenas: a few MiB, not the hundreds a map of string vectors takes.
  EXPECT_LT(dictionary_->MemoryBytes(), 8u << 20);
}

TEST(PhoneticsLoadTest, MissingFilesAreUnavailableAndNamed) {
  auto loaded = PronouncingDictionary::Load("/nonexistent/cmu");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, platform::ErrorCode::kUnavailable);
  EXPECT_NE(loaded.error().message.find("cmudict-0.4.out"), std::string::npos);
}

TEST(PhoneticsLoadTest, MalformedFilesAreInternalErrors) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("phonetics_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  struct RemoveDir {
    std::filesystem::path path;
    ~RemoveDir() { std::filesystem::remove_all(path); }
  } cleanup{dir};
  {
    std::ofstream(dir / "cmudict-0.4.out") << "MNCL\n(\"fine\" nil (((f ay n) 1)))\n"
                                           << "(\"bad\" nil (((b qq d) 1)))\n";
    std::ofstream(dir / "cmu_lts_rules.scm") << "(set! cmu_lts_rules '())\n";
  }
  auto loaded = PronouncingDictionary::Load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, platform::ErrorCode::kInternal);
  EXPECT_NE(loaded.error().message.find("line 3"), std::string::npos) << loaded.error().message;

  std::ofstream(dir / "cmudict-0.4.out", std::ios::trunc) << "(\"fine\" nil (((f ay n) 1)))\n";
  std::ofstream(dir / "cmu_lts_rules.scm", std::ios::trunc)
      << "(set! cmu_lts_rules '((a ((n.name is b) (((ae1 1) ae1))\n";  // cut short
  loaded = PronouncingDictionary::Load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, platform::ErrorCode::kInternal);
}

TEST(CmuDictionaryTest, KeepsTheFirstEntryOfAWordAndFoldsCase) {
  auto dict = CmuDictionary::Parse(
      "MNCL\n"
      "(\"lead\" n (((l eh d) 1)))\n"
      "(\"lead\" v (((l iy d) 1)))\n"
      "(\"Bubba\" nil (((b ah) 1) ((b ax) 0)))\n"
      "(\"apple\" nil (((ae) 1) ((p ax l) 0)))\n");
  ASSERT_TRUE(dict.ok()) << dict.error().message;
  EXPECT_EQ(dict->size(), 3u);
  const auto lead = dict->Find("lead");
  ASSERT_TRUE(lead.has_value());
  ASSERT_EQ(dict->Phones(*lead).size(), 3u);
  EXPECT_TRUE(dict->Find("bubba").has_value());
  EXPECT_TRUE(dict->Find("apple").has_value());
  EXPECT_FALSE(dict->Find("Bubba").has_value());
}

// ----- Pronunciations ----------------------------------------------------------------------------

TEST_F(PhoneticsTest, DictionaryWordsAreAsTheDictionaryHasThem) {
  const Pronunciation desire = P("desire");
  EXPECT_TRUE(desire.from_dictionary);
  EXPECT_EQ(desire.PhonesText(), "D IH0 Z AY1 ER0");
  EXPECT_EQ(desire.StressPattern(), "010");
  ASSERT_EQ(desire.SyllableCount(), 3);
  EXPECT_EQ(desire.syllables[1].phones, (std::vector<std::string>{"Z", "AY"}));
  // Festival's schwa is exposed as AX, upper case like every phone.
  EXPECT_EQ(P("the").PhonesText(), "DH AX0");
}

TEST_F(PhoneticsTest, SyllableCountsOfCommonWords) {
  EXPECT_EQ(P("every").SyllableCount(), 3);  // eh | v er | iy in festlex-cmu
  EXPECT_EQ(P("fire").SyllableCount(), 2);   // f ay | er, as the dictionary has it
  EXPECT_EQ(P("beautiful").SyllableCount(), 3);
  EXPECT_EQ(P("summer").SyllableCount(), 2);
  EXPECT_EQ(P("the").SyllableCount(), 1);
  EXPECT_EQ(P("love").SyllableCount(), 1);
  EXPECT_EQ(P("remember").SyllableCount(), 3);
}

TEST_F(PhoneticsTest, StressPatterns) {
  EXPECT_EQ(P("summer").StressPattern(), "10");
  EXPECT_EQ(P("beautiful").StressPattern(), "100");
  EXPECT_EQ(P("tonight").StressPattern(), "01");
  EXPECT_EQ(P("remember").StressPattern(), "010");
  EXPECT_EQ(P("the").StressPattern(), "0");
  EXPECT_EQ(P("yesterday").StressPattern().find('1'), 0u);
}

TEST_F(PhoneticsTest, PunctuationAndCaseAreIgnored) {
  EXPECT_EQ(P("\"Fire!\"").PhonesText(), P("fire").PhonesText());
  EXPECT_EQ(P("(Summer),").PhonesText(), P("summer").PhonesText());
  EXPECT_EQ(P("\xe2\x80\x9c"
              "don\xe2\x80\x99t\xe2\x80\x9d")
                .PhonesText(),
            P("don't").PhonesText());
  EXPECT_TRUE(P("").syllables.empty());
  EXPECT_TRUE(P("...!?").syllables.empty());
}

TEST_F(PhoneticsTest, Contractions) {
  EXPECT_EQ(P("don't").PhonesText(), "D OW1 N T");
  EXPECT_EQ(P("i'm").PhonesText(), "AY1 M");  // not the dictionary's "im"
  EXPECT_EQ(P("we'll").PhonesText(), "W IY1 L");
  EXPECT_EQ(P("you're").SyllableCount(), 1);
  EXPECT_EQ(P("didn't").SyllableCount(), 2);
  EXPECT_EQ(P("it's").PhonesText(), "IH1 T S");
  EXPECT_EQ(P("summer's").PhonesText(), "S AH1 M ER0 Z");
  EXPECT_EQ(P("church's").SyllableCount(), 2);
  EXPECT_EQ(P("ain't").PhonesText(), "EY1 N T");
}

TEST_F(PhoneticsTest, PhrasesWithApostrophes) {
  const Pronunciation rock = P("rock'n'roll");
  EXPECT_EQ(rock.SyllableCount(), 3);
  EXPECT_EQ(RhymeKey(rock), RhymeKey(P("roll")));
  EXPECT_EQ(P("y'all").SyllableCount(), 1);
  EXPECT_EQ(P("rock-n-roll").PhonesText(), rock.PhonesText());
}

TEST_F(PhoneticsTest, DroppedGUsesTheIngWordWithN) {
  const Pronunciation runnin = P("runnin'");
  EXPECT_TRUE(runnin.from_dictionary);
  EXPECT_EQ(runnin.PhonesText(), "R AH1 N IH0 N");
  EXPECT_EQ(P("runnin").PhonesText(), "R AH1 N IH0 N");
  EXPECT_EQ(P("thuggin'").SyllableCount(), 2);
}

TEST_F(PhoneticsTest, HyphenatedWordsAndCompounds) {
  const Pronunciation hyphenated = P("mood-tape");
  EXPECT_EQ(hyphenated.SyllableCount(), 2);
  EXPECT_EQ(hyphenated.PhonesText(), "M UW1 D T EY1 P");
  const Pronunciation compound = P("moodtape");
  EXPECT_EQ(compound.PhonesText(), hyphenated.PhonesText());
  EXPECT_TRUE(compound.from_dictionary);
  EXPECT_EQ(P("gatekeepin").SyllableCount(), 3);  // gate + keepin(g)
  EXPECT_EQ(P("well-known").SyllableCount(), 2);
}

TEST_F(PhoneticsTest, Digits) {
  EXPECT_EQ(P("2").PhonesText(), P("two").PhonesText());
  EXPECT_EQ(P("99").PhonesText(), "N AY1 N T IY0 N AY1 N");
  EXPECT_EQ(P("1999").SyllableCount(), 5);  // nine-teen nine-ty nine
  EXPECT_EQ(P("2000").SyllableCount(), 3);  // two thou-sand
  EXPECT_EQ(P("21st").SyllableCount(), 3);  // twen-ty first
  EXPECT_EQ(P("4ever").SyllableCount(), 3);
  EXPECT_EQ(P("007").SyllableCount(), 6);  // ze-ro ze-ro se-ven
  EXPECT_EQ(P("1,000").PhonesText(), P("one-thousand").PhonesText());
}

// ----- Letter-to-sound
// -----------------------------------------------------------------------------

TEST_F(PhoneticsTest, LetterToSoundGivesPlausibleMadeUpWords) {
  for (const auto& [word, syllables] : std::vector<std::pair<std::string, int>>{
           {"moodtape", 2}, {"skrrt", 1}, {"gatekeepin", 3}, {"flexin", 2}, {"blorptastic", 3}}) {
    const Pronunciation p = Rules(word);
    EXPECT_FALSE(p.from_dictionary) << word;
    EXPECT_EQ(p.SyllableCount(), syllables) << word << ": " << p.PhonesText();
    EXPECT_NE(p.StressPattern().find('1'), std::string::npos) << word << " has a stressed syllable";
    for (const PhoneSyllable& s : p.syllables) {
      for (const std::string& phone : s.phones) {
        if (phone == "AX") {
          EXPECT_EQ(s.stress, 0) << word;
        }
      }
    }
  }
  // Unknown words go to the rules when nothing else fits.
  EXPECT_FALSE(P("skrrt").from_dictionary);
  EXPECT_EQ(P("skrrt").SyllableCount(), 1);
}

TEST_F(PhoneticsTest, LetterToSoundMatchesFestivalsTrees) {
  // Phones as Festival 2.5's (lts_predict word cmu_lts_rules) gives them: "hh aa1 r t",
  // "w ih1 k" (no tree for q: we add its K), "r ax0 l" (the trees drop the first a; with no
  // stressed vowel the stress rule makes the schwa a full AH1).
  EXPECT_EQ(Rules("heart").PhonesText(), "HH AA1 R T");
  EXPECT_EQ(Rules("quick").PhonesText(), "K W IH1 K");
  EXPECT_EQ(Rules("aral").PhonesText(), "R AH1 L");
  // A dropped vowel that leaves an impossible cluster (B L R P T) is put back.
  EXPECT_EQ(Rules("blorptastic").SyllableCount(), 3);
}

TEST_F(PhoneticsTest, LetterToSoundSyllableCountsOnDictionaryWords) {
  // Every 200th plain dictionary word, pronounced by the rules alone: the syllable count must
  // match the dictionary for most (93% on the whole dictionary; the floor leaves room).
  std::ifstream file(std::string(kDefaultCmuDir) + "/cmudict-0.4.out");
  ASSERT_TRUE(file.good());
  std::string line;
  int n = 0;
  int exact = 0;
  int index = 0;
  while (std::getline(file, line)) {
    if (line.size() < 3 || line[0] != '(' || index++ % 200 != 0) continue;
    const std::string word = line.substr(2, line.find('"', 2) - 2);
    if (word.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) continue;
    ++n;
    if (Rules(word).SyllableCount() == P(word).SyllableCount()) ++exact;
  }
  ASSERT_GT(n, 400);
  EXPECT_GT(static_cast<double>(exact) / n, 0.88) << exact << " of " << n;
}

// ----- Rhyme -------------------------------------------------------------------------------------

TEST_F(PhoneticsTest, RhymeKeys) {
  EXPECT_EQ(RhymeKey(P("fire")), "AY ER");
  EXPECT_EQ(RhymeKey(P("desire")), "AY ER");
  EXPECT_EQ(RhymeKey(P("the")), "AH");  // no stressed syllable: the last vowel, AX as AH
  EXPECT_EQ(RhymeKey(P("summer")), "AH M ER");
  EXPECT_EQ(RhymeKey(Pronunciation{}), "");
}

TEST_F(PhoneticsTest, PerfectRhymes) {
  EXPECT_TRUE(IsPerfectRhyme(P("fire"), P("desire")));
  EXPECT_TRUE(IsPerfectRhyme(P("time"), P("rhyme")));
  EXPECT_TRUE(IsPerfectRhyme(P("heart"), P("apart")));
  EXPECT_TRUE(IsPerfectRhyme(P("baby"), P("maybe")));
  EXPECT_FALSE(IsPerfectRhyme(P("love"), P("move")));
  EXPECT_FALSE(IsPerfectRhyme(P("fire"), P("fire")));
  EXPECT_FALSE(IsPerfectRhyme(P("light"), P("delight")));  // identical rhyme
  EXPECT_FALSE(IsPerfectRhyme(P("time"), P("line")));
  EXPECT_FALSE(IsPerfectRhyme(Pronunciation{}, P("fire")));
}

TEST_F(PhoneticsTest, NearRhymeScores) {
  const double time_line = NearRhymeScore(P("time"), P("line"));
  const double time_moon = NearRhymeScore(P("time"), P("moon"));
  EXPECT_GT(time_line, time_moon);
  EXPECT_LT(time_line, 1.0);
  EXPECT_GT(time_line, 0.7);
  EXPECT_GT(time_moon, 0.0);  // consonance: M and N
  EXPECT_DOUBLE_EQ(NearRhymeScore(P("fire"), P("desire")), 1.0);
  EXPECT_DOUBLE_EQ(NearRhymeScore(P("time"), P("time")), 0.0);
  EXPECT_DOUBLE_EQ(NearRhymeScore(P("go"), P("free")), 0.0);
  // Same vowel, codas of one class score above codas of different classes.
  EXPECT_GT(NearRhymeScore(P("cat"), P("cap")), NearRhymeScore(P("cat"), P("calm")));
  EXPECT_EQ(NearRhymeScore(P("time"), P("line")), NearRhymeScore(P("line"), P("time")));
}

TEST_F(PhoneticsTest, VowelRuns) {
  EXPECT_EQ(Vowels(P("crazy")), (std::vector<std::string>{"EY", "IY"}));
  EXPECT_EQ(MatchingVowelRun(Vowels(P("crazy")), Vowels(P("lately"))), 2);
  EXPECT_EQ(MatchingVowelRun(Vowels(P("fire")), Vowels(P("desire"))), 2);
  EXPECT_EQ(MatchingVowelRun(Vowels(P("love")), Vowels(P("move"))), 0);
  // Full phone lists work too: consonants and stress digits are ignored, AX equals AH.
  EXPECT_EQ(MatchingVowelRun({"K", "R", "EY1", "Z", "IY0"}, {"L", "EY", "T", "L", "IY"}), 2);
  EXPECT_EQ(MatchingVowelRun({"AX"}, {"AH"}), 1);
  EXPECT_EQ(MatchingVowelRun({}, {"AH"}), 0);
}

TEST_F(PhoneticsTest, RhymeDensityFollowsDopeLearning) {
  const std::vector<std::vector<Pronunciation>> rhyming = {
      Line("I stay crazy you know it lately"), Line("they say maybe my baby so shady"),
      Line("I got the rhyme every time on the line"), Line("flow so fine all the time I shine")};
  const std::vector<std::vector<Pronunciation>> plain = {
      Line("the cat walked over to the old table"), Line("we went home and then the bus left"),
      Line("a river of stone under green doors"), Line("nobody spoke about morning work")};
  const double rhyming_density = RhymeDensity(rhyming);
  const double plain_density = RhymeDensity(plain);
  EXPECT_GT(rhyming_density, plain_density + 0.2);
  EXPECT_GT(rhyming_density, 0.4);

  EXPECT_DOUBLE_EQ(RhymeDensity({}), 0.0);
  EXPECT_DOUBLE_EQ(RhymeDensity({Line("fire")}), 0.0);
  // "crazy" and "lately" share two vowels: the second word scores 2, averaged over one word.
  EXPECT_DOUBLE_EQ(RhymeDensity({Line("crazy"), Line("lately")}), 2.0);
  // One shared vowel is not a rhyme; a repeated word is not a rhyme.
  EXPECT_DOUBLE_EQ(RhymeDensity({Line("time"), Line("rhyme")}), 0.0);
  EXPECT_DOUBLE_EQ(RhymeDensity({Line("baby baby baby")}), 0.0);
  // The window: a rhyme further back than `window` words is not seen.
  EXPECT_DOUBLE_EQ(RhymeDensity({Line("crazy one two three"), Line("lately")}, 3), 0.0);
  EXPECT_GT(RhymeDensity({Line("crazy one two three"), Line("lately")}, 15), 0.0);
}

TEST_F(PhoneticsTest, WordsWithRhymeKey) {
  const std::vector<std::string>& words = dictionary_->WordsWithRhymeKey("AY ER");
  ASSERT_GT(words.size(), 20u);
  EXPECT_NE(std::find(words.begin(), words.end(), "fire"), words.end());
  EXPECT_NE(std::find(words.begin(), words.end(), "desire"), words.end());
  EXPECT_TRUE(std::is_sorted(words.begin(), words.end()));
  for (const std::string& word : words) EXPECT_EQ(RhymeKey(P(word)), "AY ER") << word;
  // The same list, not a copy, on the second call; AX and AH are one key.
  EXPECT_EQ(&dictionary_->WordsWithRhymeKey("AY ER"), &words);
  EXPECT_EQ(dictionary_->WordsWithRhymeKey("AX V"), dictionary_->WordsWithRhymeKey("AH V"));
  EXPECT_TRUE(dictionary_->WordsWithRhymeKey("").empty());
  EXPECT_TRUE(dictionary_->WordsWithRhymeKey("XX YY").empty());
  EXPECT_TRUE(dictionary_->WordsWithRhymeKey("ZH ZH ZH").empty());
}

// ----- Karaoke syllables -------------------------------------------------------------------------

std::string Joined(const std::vector<std::string>& pieces) {
  std::string out;
  for (const std::string& p : pieces) out += (out.empty() ? "" : "-") + p;
  return out;
}

TEST_F(PhoneticsTest, SplitSyllablesAtPlausiblePoints) {
  EXPECT_EQ(Joined(SplitSyllables("desire", 2)), "de-sire");
  EXPECT_EQ(Joined(SplitSyllables("summer", 2)), "sum-mer");
  EXPECT_EQ(Joined(SplitSyllables("happy", 2)), "hap-py");
  EXPECT_EQ(Joined(SplitSyllables("beautiful", 3)), "beau-ti-ful");
  EXPECT_EQ(Joined(SplitSyllables("children", 2)), "chil-dren");
  EXPECT_EQ(Joined(SplitSyllables("table", 2)), "ta-ble");
  EXPECT_EQ(Joined(SplitSyllables("Tonight,", 2)), "To-night,");
  EXPECT_EQ(SplitSyllables("fire", 1), std::vector<std::string>{"fire"});
  EXPECT_EQ(SplitSyllables("love", 0), std::vector<std::string>{"love"});
  EXPECT_EQ(SplitSyllables("a", 3), std::vector<std::string>{"a"});
}

TEST_F(PhoneticsTest, SplitSyllablesRoundTrips) {
  const std::vector<std::string> words = {"desire",
                                          "every",
                                          "fire",
                                          "beautiful",
                                          "rhythm",
                                          "strength",
                                          "idea",
                                          "hmm",
                                          "rock'n'roll",
                                          "mood-tape",
                                          "Yesterday!",
                                          "queen",
                                          "evening",
                                          "skrrt",
                                          "gatekeepin'",
                                          "abracadabra",
                                          "I",
                                          "don't",
                                          "\xc3\xa9t\xc3\xa9",
                                          "1999"};
  for (const std::string& word : words) {
    for (int count = 0; count <= 6; ++count) {
      const std::vector<std::string> pieces = SplitSyllables(word, count);
      std::string joined;
      for (const std::string& p : pieces) {
        EXPECT_FALSE(p.empty()) << word << " / " << count;
        joined += p;
      }
      EXPECT_EQ(joined, word) << count;
      if (count >= 1 && word.size() >= static_cast<size_t>(count)) {
        EXPECT_EQ(pieces.size(), static_cast<size_t>(count)) << word << ": " << Joined(pieces);
      }
    }
    // With the dictionary's count, as the karaoke track uses it.
    const int count = P(word).SyllableCount();
    if (count >= 1 && word.size() >= static_cast<size_t>(count)) {
      EXPECT_EQ(SplitSyllables(word, count).size(), static_cast<size_t>(count)) << word;
    }
  }
}

TEST_F(PhoneticsTest, SamePronunciationEveryTime) {
  for (const char* word : {"moodtape", "skrrt", "desire", "rock'n'roll", "99"}) {
    EXPECT_EQ(P(word).PhonesText(), P(word).PhonesText());
  }
}

}  // namespace
}  // namespace moodtape::producer
