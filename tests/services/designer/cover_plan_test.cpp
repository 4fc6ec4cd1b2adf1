// The plan: colours from the description's colour and mood words, motifs from its nouns (then the
// title's), the genre filling what no word chose, every choice the same for the same seed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/designer/core/cover_plan.h"
#include "services/designer/core/description.h"

namespace moodtape::designer {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

CoverPlan Plan(const std::string& description, CoverGenre genre = CoverGenre::kPop,
               const std::string& title = "Untitled", uint64_t seed = 1) {
  CoverSpec spec;
  spec.description = description;
  spec.genre = genre;
  spec.title = title;
  spec.artist = "Someone";
  spec.seed = seed;
  return PlanCover(spec);
}

TEST(CoverPlanTest, ReadsWordsInAnyCaseAndLanguage) {
  EXPECT_THAT(LowerCaseWords("Neon MIDNIGHT, night's sea—MIŁOŚĆ!"),
              ElementsAre("neon", "midnight", "night", "s", "sea", "miłość"));
  EXPECT_THAT(MotifsNamed(LowerCaseWords("Cities, roses and stars; more stars")),
              ElementsAre(Motif::kCity, Motif::kFlowers, Motif::kStars));
  EXPECT_EQ(MotifForWord("beaches"), Motif::kSea);
  EXPECT_EQ(MotifForWord("morze"), Motif::kSea);
  EXPECT_EQ(MotifForWord("serce"), Motif::kHearts);
  EXPECT_EQ(MotifForWord("mountains"), Motif::kMountains);
  EXPECT_FALSE(MotifForWord("the").has_value());
}

TEST(CoverPlanTest, ColourWordsChooseThePalette) {
  const CoverPlan neon = Plan("neon lights at midnight");
  EXPECT_EQ(ToHex(neon.palette.accent), "#ff2bd6");   // neon
  EXPECT_EQ(ToHex(neon.palette.sky_top), "#03051a");  // midnight
  EXPECT_THAT(neon.palette_words, ElementsAre("midnight", "neon"));
  EXPECT_TRUE(neon.palette.Dark());

  const CoverPlan summer = Plan("a summer day by the ocean");
  EXPECT_FALSE(summer.palette.Dark());
  EXPECT_EQ(summer.palette_words.front(), "summer");

  // A mood word bends whatever was chosen: pastel is lighter and greyer than plain.
  const CoverPlan plain = Plan("pink flowers");
  const CoverPlan pastel = Plan("pastel pink flowers");
  EXPECT_GT(RelativeLuminance(pastel.palette.sky_top), RelativeLuminance(plain.palette.sky_top));
  EXPECT_LT(ToHsl(pastel.palette.accent).s, ToHsl(plain.palette.accent).s + 1e-9);
  const CoverPlan dark = Plan("dark pink flowers");
  EXPECT_LT(RelativeLuminance(dark.palette.sky_bottom),
            RelativeLuminance(plain.palette.sky_bottom));
}

TEST(CoverPlanTest, WithoutColourWordsTheGenreChooses) {
  for (CoverGenre genre : AllCoverGenres()) {
    const CoverPlan plan = Plan("something entirely unremarkable", genre);
    EXPECT_TRUE(plan.palette_words.empty());
    EXPECT_EQ(plan.palette.HexList().size(), 6u);
  }
  EXPECT_TRUE(Plan("", CoverGenre::kHeavyMetal).palette.Dark());
  EXPECT_TRUE(Plan("", CoverGenre::kSynthwave).palette.Dark());
  EXPECT_FALSE(Plan("", CoverGenre::kPop).palette.Dark());
}

TEST(CoverPlanTest, NounsChooseTheMotifsByRole) {
  const CoverPlan plan = Plan("hearts over the sea under a full moon, rain", CoverGenre::kPop);
  EXPECT_EQ(plan.scene.motif, Motif::kSea);
  ASSERT_FALSE(plan.figures.empty());
  EXPECT_EQ(plan.figures.front().motif, Motif::kHearts);
  ASSERT_TRUE(plan.weather.has_value());
  EXPECT_EQ(plan.weather->motif, Motif::kRain);
  EXPECT_THAT(plan.MotifNames(), Contains("moon"));
  EXPECT_THAT(plan.MotifNames(), Contains("sea"));

  // Sun and moon never share a sky; stars go behind either.
  const CoverPlan both = Plan("sun and moon and stars over the mountains");
  int lights = 0;
  for (const auto& s : both.sky) lights += s.motif == Motif::kSun || s.motif == Motif::kMoon;
  EXPECT_EQ(lights, 1);
  EXPECT_EQ(both.sky.front().motif, Motif::kStars);
  EXPECT_EQ(both.scene.motif, Motif::kMountains);
}

TEST(CoverPlanTest, TheTitleSpeaksOnlyWhenTheDescriptionNamesNothing) {
  EXPECT_EQ(Plan("", CoverGenre::kPop, "Midnight City").scene.motif, Motif::kCity);
  const CoverPlan described =
      Plan("fire on the mountains", CoverGenre::kHeavyMetal, "Crown of Ash");
  EXPECT_THAT(described.MotifNames(), Not(Contains("crown")));
  EXPECT_THAT(described.MotifNames(), Contains("fire"));
}

TEST(CoverPlanTest, GenresDrawTheirOwnDefaultsAndLooks) {
  const CoverPlan synth = Plan("", CoverGenre::kSynthwave, "Untitled", 3);
  EXPECT_THAT(synth.MotifNames(), Contains("sun"));
  for (const auto& s : synth.sky) {
    if (s.motif == Motif::kSun) {
      EXPECT_EQ(s.variant, 1) << "the striped sun";
    }
  }
  EXPECT_EQ(synth.layout->name, "synthwave-chrome-horizon");
  EXPECT_EQ(Plan("", CoverGenre::kHeavyMetal).layout->name, "metal-blackletter-top");
  EXPECT_EQ(Plan("", CoverGenre::kPunk).layout->name, "punk-ransom-tilted");
}

TEST(CoverPlanTest, AtMostOneFigureStandsInTheFigureArea) {
  for (uint64_t seed = 0; seed < 40; ++seed) {
    const CoverPlan plan =
        Plan("a skull with a crown, hearts and diamonds", CoverGenre::kGangstaRap, "x", seed);
    int centred = 0;
    for (const auto& f : plan.figures) {
      const bool spread = (f.motif == Motif::kHearts && f.variant == 1) ||
                          (f.motif == Motif::kDiamonds && f.variant == 1) ||
                          (f.motif == Motif::kFlowers && f.variant == 0) ||
                          (f.motif == Motif::kFire && f.variant == 0) || f.motif == Motif::kPalms;
      centred += spread ? 0 : 1;
    }
    EXPECT_LE(centred, 1) << seed;
    EXPECT_LE(plan.figures.size(), 2u);
  }
}

TEST(CoverPlanTest, TheSameSeedGivesTheSamePlanAndSeedsVary) {
  const auto names = [](const CoverPlan& p) {
    std::string s;
    for (const auto& m : p.MotifNames()) s += m + " ";
    for (const auto& c : p.palette.HexList()) s += c + " ";
    s += std::to_string(p.scene.variant);
    return s;
  };
  EXPECT_EQ(names(Plan("", CoverGenre::kPunk, "x", 9)), names(Plan("", CoverGenre::kPunk, "x", 9)));
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 20; ++seed)
    seen.insert(names(Plan("", CoverGenre::kPunk, "x", seed)));
  EXPECT_GT(seen.size(), 5u);
}

}  // namespace
}  // namespace moodtape::designer
