// The spec a cover is drawn from: every limit at its edge, each refusal naming its field, and the
// genre ids the producer writes in.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/designer/core/cover_spec.h"
#include "services/producer/core/genre.h"

namespace moodtape::designer {
namespace {

using ::testing::HasSubstr;

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(CoverSpecTest, EveryProducerGenreHasACoverLayoutUnderTheSameId) {
  ASSERT_EQ(AllCoverGenres().size(), producer::AllGenres().size());
  for (const auto& g : producer::AllGenres()) {
    auto genre = ParseCoverGenre(g.id);
    ASSERT_TRUE(genre.has_value()) << g.id;
    EXPECT_EQ(CoverGenreId(*genre), g.id);
  }
}

TEST(CoverSpecTest, AcceptsTheLimitsAndTidiesWhiteSpace) {
  auto spec =
      MakeCoverSpec(Repeat("ż", 300), "Heavy_Metal", "  Reign\n of\tAsh ", Repeat("a", 100), 42);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->genre, CoverGenre::kHeavyMetal);
  EXPECT_EQ(spec->title, "Reign of Ash");
  EXPECT_EQ(spec->seed, 42u);
  EXPECT_TRUE(MakeCoverSpec("", "pop", "x", "y", 0).ok()) << "an empty description is fine";
}

TEST(CoverSpecTest, RefusesBadInputNamingTheField) {
  struct Case {
    std::string description, genre, title, artist, field;
  };
  const std::string bad_utf8 = "caf\xc3";
  for (const auto& c : std::vector<Case>{
           {Repeat("ż", 301), "pop", "t", "a", "\"description\""},
           {bad_utf8, "pop", "t", "a", "\"description\""},
           {"", "polka", "t", "a", "\"genre\""},
           {"", "", "t", "a", "\"genre\""},
           {"", "pop", "", "a", "\"title\""},
           {"", "pop", " \n\t ", "a", "\"title\""},
           {"", "pop", Repeat("x", 101), "a", "\"title\""},
           {"", "pop", bad_utf8, "a", "\"title\""},
           {"", "pop", "t", "", "\"artist\""},
           {"", "pop", "t", Repeat("ł", 101), "\"artist\""},
       }) {
    auto spec = MakeCoverSpec(c.description, c.genre, c.title, c.artist, 1);
    ASSERT_FALSE(spec.ok()) << c.field;
    EXPECT_EQ(spec.error().code, platform::ErrorCode::kInvalidArgument);
    EXPECT_THAT(spec.error().message, HasSubstr(c.field));
  }
}

}  // namespace
}  // namespace moodtape::designer
