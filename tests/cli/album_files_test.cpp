#include "tools/cli/album_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/sample_album.h"

namespace moodtape::cli {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;

TEST(AlbumFilesTest, TitleSlugs) {
  EXPECT_EQ(TitleSlug("Iron Sky"), "iron-sky");
  EXPECT_EQ(TitleSlug("Ember Crown!"), "ember-crown");
  EXPECT_EQ(TitleSlug("  Ashes & Wings  "), "ashes-wings");
  EXPECT_EQ(TitleSlug("../../etc/passwd"), "etc-passwd");
  EXPECT_EQ(TitleSlug("Łódź o zmierzchu"), "Łódź-o-zmierzchu");  // beyond ASCII: as it is
  EXPECT_EQ(TitleSlug("?!"), "song");
  EXPECT_EQ(TitleSlug(""), "song");
  std::string long_title(100, 'x');
  EXPECT_EQ(TitleSlug(long_title).size(), 60u);
  // Cut at 60 bytes without splitting a letter: 59 ASCII bytes then a two-byte "ó".
  std::string split = std::string(59, 'a') + "óbc";
  EXPECT_EQ(TitleSlug(split), std::string(59, 'a'));
}

TEST(AlbumFilesTest, NamesAndAssetsFromAJobResult) {
  AlbumFilePlan plan = PlanAlbumFiles(samples::SampleAlbumResult());
  EXPECT_TRUE(plan.missing.empty());
  std::vector<std::string> names;
  for (const auto& f : plan.downloads) names.push_back(f.name);
  EXPECT_THAT(names,
              ElementsAre("cover.png", "01-iron-sky.ogg", "01-iron-sky.mp3", "01-iron-sky.mid",
                          "02-ember-crown.ogg", "02-ember-crown.mp3", "02-ember-crown.mid",
                          "03-ashes-wings.ogg", "03-ashes-wings.mp3", "03-ashes-wings.mid"));
  EXPECT_EQ(plan.downloads[0].asset_path, samples::SampleAssetUrl(1));
  EXPECT_EQ(plan.downloads[1].asset_path, samples::SampleAssetUrl(11));
  EXPECT_EQ(plan.downloads[3].asset_path, samples::SampleAssetUrl(13));
  EXPECT_EQ(plan.downloads[9].asset_path, samples::SampleAssetUrl(33));
}

TEST(AlbumFilesTest, TheStoredAlbumGivesTheSameFiles) {
  AlbumFilePlan from_result = PlanAlbumFiles(samples::SampleAlbumResult());
  AlbumFilePlan from_store = PlanAlbumFiles(samples::SampleStoredAlbum());
  ASSERT_EQ(from_store.downloads.size(), from_result.downloads.size());
  for (size_t i = 0; i < from_store.downloads.size(); ++i) {
    EXPECT_EQ(from_store.downloads[i].name, from_result.downloads[i].name);
    EXPECT_EQ(from_store.downloads[i].asset_path, from_result.downloads[i].asset_path);
  }
  EXPECT_TRUE(from_store.missing.empty());
}

TEST(AlbumFilesTest, OnlyAssetIdsAreEverFetched) {
  json album = samples::SampleAlbumResult();
  album["cover"]["asset_id"] = "http://elsewhere.example/x.png";
  album["songs"][0]["assets"]["mp3"] = "/api/v1/assets/../../admin";
  album["songs"][1]["assets"].erase("midi");
  album["songs"][2]["assets"]["ogg"] = std::string(64, 'A');  // ids are lower-case hex
  AlbumFilePlan plan = PlanAlbumFiles(album);
  EXPECT_THAT(plan.missing, ElementsAre("the album has no cover image", "song 1 has no mp3",
                                        "song 2 has no midi", "song 3 has no ogg"));
  EXPECT_EQ(plan.downloads.size(), 6u);
  for (const auto& f : plan.downloads) {
    EXPECT_EQ(f.asset_path.rfind("/api/v1/assets/", 0), 0u) << f.asset_path;
    EXPECT_EQ(f.asset_path.size(), std::string("/api/v1/assets/").size() + 64) << f.asset_path;
  }
  EXPECT_NO_THROW(PlanAlbumFiles(nullptr));
  EXPECT_NO_THROW(PlanAlbumFiles({{"songs", {1, "x"}}, {"cover", 3}}));
}

TEST(AlbumFilesTest, SongsWithoutIndexAreNumberedInOrder) {
  json album = {{"songs", {{{"title", "A"}}, {{"title", "B"}}}}};
  AlbumFilePlan plan = PlanAlbumFiles(album);
  EXPECT_THAT(plan.missing,
              ElementsAre("the album has no cover image", "song 1 has no ogg", "song 1 has no mp3",
                          "song 1 has no midi", "song 2 has no ogg", "song 2 has no mp3",
                          "song 2 has no midi"));
}

TEST(AlbumFilesTest, LyricsMarkdownHasTheTitleThenEachSong) {
  EXPECT_EQ(LyricsMarkdown(samples::SampleAlbumResult()),
            "# Iron Sky\n"
            "\n"
            "## 1. Iron Sky\n"
            "\n"
            "[Verse 1]  \n"
            "Steel wings over the burning town  \n"
            "No one left to bring them down\n"
            "\n"
            "[Chorus]  \n"
            "Iron sky, iron sky\n"
            "\n"
            "## 2. Ember Crown!\n"
            "\n"
            "[Verse 1]  \n"
            "A crown of embers on her head\n"
            "\n"
            "## 3. Ashes & Wings\n"
            "\n"
            "[Intro]  \n"
            "Ashes fall\n");
  EXPECT_EQ(LyricsMarkdown({{"title", "T"}, {"songs", {{{"index", 0}, {"title", "S"}}}}}),
            "# T\n\n## 1. S\n\n*(no lyrics)*\n");
  EXPECT_EQ(LyricsMarkdown(nullptr), "# Untitled album\n");
}

}  // namespace
}  // namespace moodtape::cli
