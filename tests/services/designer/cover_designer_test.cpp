// Whole covers: the same spec gives the same PNG bytes (in another thread too); the sizes of the
// cover, thumbnail and preview; and over 200 random descriptions across every genre, lettering
// that stays inside the cover's safe area, never overlaps, and keeps a measured contrast of at
// least 4.5:1, with long titles and artists shrunk or wrapped rather than clipped.
#include <algorithm>
#include <cstdio>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/designer/core/cover_designer.h"
#include "services/designer/core/cover_random.h"
#include "services/designer/core/png_codec.h"
#include "tests/services/designer/random_cover_specs.h"

namespace moodtape::designer {
namespace {

CoverSpec Spec(const std::string& description, CoverGenre genre, const std::string& title,
               const std::string& artist, uint64_t seed) {
  auto spec = MakeCoverSpec(description, CoverGenreId(genre), title, artist, seed);
  EXPECT_TRUE(spec.ok()) << spec.error().message;
  return spec.value();
}

int PngSide(const std::string& png) {
  auto surface = DecodePng(png);
  EXPECT_TRUE(surface.ok());
  if (!surface.ok()) return 0;
  EXPECT_EQ(cairo_image_surface_get_width(surface->get()),
            cairo_image_surface_get_height(surface->get()));
  return cairo_image_surface_get_width(surface->get());
}

// The lettering lies inside the safe area and the two blocks do not touch.
void ExpectPlaced(const Cover& cover, const std::string& what) {
  const Box safe{kSafeMargin - 0.5, kSafeMargin - 0.5, kCoverUnits - 2 * kSafeMargin + 1,
                 kCoverUnits - 2 * kSafeMargin + 1};
  for (const Box& b : {cover.title_box, cover.artist_box}) {
    EXPECT_TRUE(safe.Contains(b)) << what << ": ink at " << b.x << "," << b.y << " " << b.w << "x"
                                  << b.h;
    EXPECT_GT(b.w, 1) << what;
    EXPECT_GT(b.h, 1) << what;
  }
  EXPECT_FALSE(cover.title_box.Overlaps(cover.artist_box)) << what;
}

TEST(CoverDesignerTest, TheSameSpecGivesTheSameBytesInAnyThread) {
  const CoverDesigner designer;
  for (CoverGenre genre : AllCoverGenres()) {
    const CoverSpec spec =
        Spec("neon city at midnight with rain", genre, "Night Drive", "The Designers", 77);
    auto first = designer.Design(spec);
    auto second = designer.Design(spec);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(first->png, second->png) << CoverGenreId(genre);
    EXPECT_EQ(first->thumbnail_png, second->thumbnail_png);
    std::string other_thread;
    std::thread([&] { other_thread = designer.Design(spec)->png; }).join();
    EXPECT_EQ(other_thread, first->png) << CoverGenreId(genre);
    EXPECT_EQ(designer.Preview(spec), designer.Preview(spec));
  }
  const auto a = designer.Design(Spec("", CoverGenre::kPop, "A", "B", 1));
  const auto b = designer.Design(Spec("", CoverGenre::kPop, "A", "B", 2));
  EXPECT_NE(a->png, b->png) << "another seed, another cover";
}

TEST(CoverDesignerTest, CoverThumbnailAndPreviewSizes) {
  const CoverDesigner designer;
  const CoverSpec spec = Spec("summer love by the sea", CoverGenre::kDiscoPolo, "Lato", "Zenek", 5);
  auto cover = designer.Design(spec);
  ASSERT_TRUE(cover.ok());
  EXPECT_EQ(PngSide(cover->png), kCoverPixels);
  EXPECT_EQ(PngSide(cover->thumbnail_png), kThumbnailPixels);
  EXPECT_EQ(PngSide(designer.Preview(spec)), kPreviewPixels);
  EXPECT_EQ(cover->layout, "disco-script-center");
  EXPECT_EQ(cover->palette.size(), 6u);
  EXPECT_THAT(cover->motifs, ::testing::Contains("sea"));
  EXPECT_EQ(cover->designed_by, "builtin");
  // Nothing that varies between runs is in the file: no tIME or text chunks.
  EXPECT_EQ(cover->png.find("tIME"), std::string::npos);
  EXPECT_EQ(cover->png.find("tEXt"), std::string::npos);
}

TEST(CoverDesignerTest, LongTitlesAndArtistsShrinkOrWrapButAreNeverClipped) {
  const CoverDesigner designer;
  const std::string hundred_words =
      "The Long And Winding Story Of A Band That Could Not Decide What To Call Its First Album "
      "Ever";
  const std::string one_word(100, 'W');
  const std::string polish =
      "Zażółć gęślą jaźń i tańcz do rana na plaży w Międzyzdrojach aż do "
      "białego świtu znowu";
  ASSERT_LE(polish.size(), 200u);
  for (CoverGenre genre : AllCoverGenres()) {
    for (const auto& [title, artist] : std::vector<std::pair<std::string, std::string>>{
             {hundred_words, one_word}, {one_word, hundred_words}, {polish, "X"}, {"A", polish}}) {
      auto cover = designer.Design(Spec("stars over the city", genre, title, artist, 3));
      ASSERT_TRUE(cover.ok());
      const std::string what = std::string(CoverGenreId(genre)) + " / " + title.substr(0, 12);
      ExpectPlaced(*cover, what);
      EXPECT_GE(cover->title_contrast, 4.5) << what;
      EXPECT_GE(cover->artist_contrast, 4.5) << what;
    }
  }
}

TEST(CoverDesignerTest, TwoHundredRandomCoversKeepTheContrastRuleAndTheSafeArea) {
  const CoverDesigner designer;
  CoverRandom random(20240601);
  std::vector<double> ratios;
  int passing = 0;
  for (int i = 0; i < 200; ++i) {
    const CoverGenre genre = AllCoverGenres()[static_cast<size_t>(i) % AllCoverGenres().size()];
    const std::string description = RandomDescription(random);
    // One draw per statement: the order of a call's arguments is unspecified.
    const std::string title = RandomName(random, 100);
    const std::string artist = RandomName(random, 60);
    const uint64_t seed = random.Next();
    const CoverSpec spec = Spec(description, genre, title, artist, seed);
    auto cover = designer.Design(spec);
    ASSERT_TRUE(cover.ok());
    const std::string what = std::string(CoverGenreId(genre)) + " seed " + std::to_string(seed) +
                             ": \"" + description + "\" \"" + title + "\" / \"" + artist + "\"";
    ExpectPlaced(*cover, what);
    EXPECT_GE(cover->title_contrast, 4.5) << what;
    EXPECT_GE(cover->artist_contrast, 4.5) << what;
    for (double r : {cover->title_contrast, cover->artist_contrast}) {
      ratios.push_back(r);
      passing += r >= 4.5 ? 1 : 0;
    }
  }
  double sum = 0;
  for (double r : ratios) sum += r;
  const double low = *std::min_element(ratios.begin(), ratios.end());
  std::printf("contrast over %zu blocks of 200 covers: min %.2f, mean %.2f, %.1f%% >= 4.5\n",
              ratios.size(), low, sum / ratios.size(), 100.0 * passing / ratios.size());
  ::testing::Test::RecordProperty("contrast_min", std::to_string(low));
  ::testing::Test::RecordProperty("contrast_mean", std::to_string(sum / ratios.size()));
  EXPECT_EQ(passing, static_cast<int>(ratios.size()));
}

}  // namespace
}  // namespace moodtape::designer
