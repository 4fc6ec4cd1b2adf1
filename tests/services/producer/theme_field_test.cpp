// WordNet theme fields (Debian wordnet-base): morphy base forms, binary search in the sorted
// index files, and the field of words a theme gives the lyric writer.
#include "services/producer/core/words/theme_field.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "services/producer/core/words/phonetics.h"
#include "services/producer/core/words/wordnet_database.h"

namespace moodtape::producer {
namespace {

class ThemeFieldTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dictionary = PronouncingDictionary::Load();
    ASSERT_TRUE(dictionary.ok()) << dictionary.error().message;
    dictionary_ = std::move(dictionary).value().release();
    auto wordnet = WordNet::Open();
    ASSERT_TRUE(wordnet.ok()) << wordnet.error().message;
    wordnet_ = std::move(wordnet).value().release();
  }
  static void TearDownTestSuite() {
    delete wordnet_;
    delete dictionary_;
  }

  static ThemeField Build(std::string_view theme, size_t max_words = 300) {
    return BuildThemeField(theme, *wordnet_, *dictionary_, max_words);
  }

  static const ThemeWord* Find(const ThemeField& field, std::string_view word) {
    for (const ThemeWord& w : field.words) {
      if (w.word == word) return &w;
    }
    return nullptr;
  }

  static PronouncingDictionary* dictionary_;
  static WordNet* wordnet_;
};

PronouncingDictionary* ThemeFieldTest::dictionary_ = nullptr;
WordNet* ThemeFieldTest::wordnet_ = nullptr;

TEST(WordNetOpenTest, MissingFilesAreUnavailableAndNamed) {
  auto wordnet = WordNet::Open("/nonexistent/wordnet");
  ASSERT_FALSE(wordnet.ok());
  EXPECT_EQ(wordnet.error().code, platform::ErrorCode::kUnavailable);
  EXPECT_NE(wordnet.error().message.find("index.noun"), std::string::npos);
}

TEST(SortedFileTest, FindsEveryLineAndNothingElse) {
  const std::string file =
      "  1 licence text that begins with spaces\n"
      "  2 more licence\n"
      "a n 1 0 1 0 00000001  \n"
      "a_bomb n 1 0 1 0 00000002  \n"
      "abc n 1 0 1 0 00000003  \n"
      "love n 1 0 1 0 00000004  \n"
      "zebra n 1 0 1 0 00000005";
  for (const char* key : {"a", "a_bomb", "abc", "love", "zebra"}) {
    const std::string_view line = FindSortedLine(file, key);
    ASSERT_FALSE(line.empty()) << key;
    EXPECT_EQ(line.substr(0, line.find(' ')), key);
  }
  for (const char* key : {"", "1", "ab", "abcd", "lov", "zzz", "licence"}) {
    EXPECT_TRUE(FindSortedLine(file, key).empty()) << key;
  }
  EXPECT_TRUE(FindSortedLine("", "a").empty());
}

TEST_F(ThemeFieldTest, MorphyBaseForms) {
  using V = std::vector<std::string>;
  EXPECT_EQ(wordnet_->BaseForms("loves", WordClass::kNoun), V{"love"});
  EXPECT_EQ(wordnet_->BaseForms("loves", WordClass::kVerb), V{"love"});
  EXPECT_EQ(wordnet_->BaseForms("ran", WordClass::kVerb), V{"run"});              // exception list
  EXPECT_EQ(wordnet_->BaseForms("geese", WordClass::kNoun), V{"goose"});          // exception list
  EXPECT_EQ(wordnet_->BaseForms("cities", WordClass::kNoun), V{"city"});          // ies -> y
  EXPECT_EQ(wordnet_->BaseForms("happiest", WordClass::kAdjective), V{"happy"});  // exception
  EXPECT_EQ(wordnet_->BaseForms("Dancing", WordClass::kVerb), V{"dance"});        // ing -> e
  EXPECT_EQ(wordnet_->BaseForms("glass", WordClass::kNoun), V{"glass"});
  const V glasses = wordnet_->BaseForms("glasses", WordClass::kNoun);
  EXPECT_NE(std::find(glasses.begin(), glasses.end(), "glass"), glasses.end());
  EXPECT_TRUE(wordnet_->BaseForms("moodtape", WordClass::kNoun).empty());
  EXPECT_TRUE(wordnet_->BaseForms("", WordClass::kNoun).empty());
  EXPECT_TRUE(wordnet_->BaseForms("quickly", WordClass::kAdjective).empty());
}

TEST_F(ThemeFieldTest, FirstLoveInASummerTown) {
  const ThemeField field = Build("first love in a summer town");
  EXPECT_EQ(field.theme_words, (std::vector<std::string>{"first", "love", "summer", "town"}));
  for (const char* theme_word : {"love", "summer", "town"}) {
    const ThemeWord* w = Find(field, theme_word);
    ASSERT_NE(w, nullptr) << theme_word;
    EXPECT_EQ(w->relation, "theme");
    EXPECT_DOUBLE_EQ(w->weight, 1.0);
  }
  // Neighbours WordNet 3.0 gives: a synonym of summer, a lover and beloved for love, the
  // season and its sisters, the city next to the town, and romance under "be in love".
  for (const char* neighbour :
       {"summertime", "passion", "lover", "beloved", "season", "winter", "city", "romance"}) {
    EXPECT_NE(Find(field, neighbour), nullptr) << neighbour;
  }
  EXPECT_EQ(Find(field, "summertime")->relation, "synonym");
  EXPECT_EQ(Find(field, "season")->relation, "hypernym");
  EXPECT_LT(Find(field, "season")->weight, Find(field, "summertime")->weight);
  EXPECT_EQ(Find(field, "in"), nullptr);  // a stop word
  EXPECT_EQ(Find(field, "a"), nullptr);
  // Rare senses stay out ("love" as "have sex").
  EXPECT_EQ(Find(field, "bonk"), nullptr);
}

TEST_F(ThemeFieldTest, EveryWordIsSingableAndListedOnce) {
  for (const char* theme : {"first love in a summer town", "midnight drive through neon city",
                            "losing my mind over money and fire", "Broken HEARTS, cold rain!"}) {
    const ThemeField field = Build(theme);
    ASSERT_FALSE(field.words.empty()) << theme;
    std::set<std::pair<std::string, WordClass>> seen;
    for (size_t i = 0; i < field.words.size(); ++i) {
      const ThemeWord& w = field.words[i];
      EXPECT_GT(w.syllables, 0) << w.word;
      EXPECT_EQ(w.syllables, dictionary_->Pronounce(w.word).SyllableCount()) << w.word;
      EXPECT_TRUE(dictionary_->Contains(w.word)) << w.word;
      EXPECT_EQ(w.word.find_first_not_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos)
          << w.word;
      EXPECT_TRUE(seen.insert({w.word, w.word_class}).second) << w.word << " twice";
      EXPECT_GT(w.weight, 0.0);
      EXPECT_LE(w.weight, 1.0);
      if (i > 0) {
        EXPECT_GE(field.words[i - 1].weight, w.weight) << "heaviest first";
      }
      const std::set<std::string> relations = {"theme", "synonym", "related", "hypernym",
                                               "hyponym"};
      EXPECT_TRUE(relations.count(w.relation)) << w.relation;
    }
  }
}

TEST_F(ThemeFieldTest, LemmatisesInflectedThemeWords) {
  const ThemeField field = Build("Broken HEARTS, cold rain!");
  EXPECT_EQ(field.theme_words, (std::vector<std::string>{"break", "heart", "cold", "rain"}));
  EXPECT_NE(Find(field, "heart"), nullptr);
  EXPECT_EQ(Find(field, "hearts"), nullptr);
}

TEST_F(ThemeFieldTest, DeterministicAndBounded) {
  const ThemeField a = Build("midnight drive through neon city");
  const ThemeField b = Build("midnight drive through neon city");
  ASSERT_EQ(a.words.size(), b.words.size());
  for (size_t i = 0; i < a.words.size(); ++i) {
    EXPECT_EQ(a.words[i].word, b.words[i].word);
    EXPECT_EQ(a.words[i].weight, b.words[i].weight);
  }
  const ThemeField small = Build("midnight drive through neon city", 5);
  ASSERT_EQ(small.words.size(), 5u);
  for (const ThemeWord& w : small.words) EXPECT_EQ(w.relation, "theme") << w.word;
  EXPECT_TRUE(Build("first love", 0).words.empty());
}

TEST_F(ThemeFieldTest, ThemesWithoutContentWords) {
  EXPECT_TRUE(Build("").words.empty());
  const ThemeField stop = Build("in the of a to and");
  EXPECT_TRUE(stop.words.empty());
  EXPECT_TRUE(stop.theme_words.empty());
  // A word WordNet lacks stays a theme word; it joins the field only if it can be pronounced
  // from the dictionary.
  const ThemeField made_up = Build("moodtape gangsta");
  EXPECT_EQ(made_up.theme_words, (std::vector<std::string>{"moodtape", "gangsta"}));
  EXPECT_EQ(Find(made_up, "moodtape"), nullptr);
}

TEST_F(ThemeFieldTest, ReadsSynsetsByOffset) {
  auto db = WordNetDatabase::Open(kDefaultWordNetDir);
  ASSERT_TRUE(db.ok());
  const auto love = (*db)->Lookup("love", WordClass::kNoun);
  ASSERT_TRUE(love.has_value());
  ASSERT_GE(love->synset_offsets.size(), 4u);
  const auto first = (*db)->Synset(love->synset_offsets[0], WordClass::kNoun);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->words, (std::vector<std::string_view>{"love"}));
  EXPECT_FALSE(first->pointers.empty());
  EXPECT_FALSE((*db)->Synset(love->synset_offsets[0] + 1, WordClass::kNoun).has_value());
  EXPECT_FALSE((*db)->Synset(999999999, WordClass::kNoun).has_value());
  EXPECT_FALSE((*db)->Lookup("moodtape", WordClass::kNoun).has_value());
}

}  // namespace
}  // namespace moodtape::producer
