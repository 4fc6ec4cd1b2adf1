// moodtape-designer draw: in this process (files, usage errors) and as the binary twice, which
// must write the same bytes (nothing in a cover depends on the process or the time).
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/designer/commands.h"
#include "services/designer/core/png_codec.h"
#include "tests/support/test_support.h"

namespace moodtape::designer {
namespace {

using ::testing::HasSubstr;

TEST(DrawCommandTest, WritesTheCoverAndThumbnail) {
  moodtape::testing::TempDir dir;
  std::ostringstream out, err;
  const int code = RunDrawCommand(
      {"--description", "pastel flowers and a happy sky", "--genre", "pop", "--title", "Sugar Rush",
       "--artist", "Lia Bloom", "--seed", "5", "--out", dir.File("cover.png"), "--thumbnail",
       dir.File("thumb.png"), "--preview", dir.File("preview.png")},
      out, err);
  ASSERT_EQ(code, 0) << err.str();
  for (const auto& [file, side] :
       {std::pair{"cover.png", 1024}, {"thumb.png", 256}, {"preview.png", 128}}) {
    auto png = DecodePng(moodtape::testing::ReadFile(dir.File(file)));
    ASSERT_TRUE(png.ok()) << file;
    EXPECT_EQ(cairo_image_surface_get_width(png->get()), side) << file;
  }
  EXPECT_THAT(out.str(), HasSubstr("layout pop-rounded-stack"));
  EXPECT_THAT(out.str(), HasSubstr("contrast title"));
}

TEST(DrawCommandTest, BadUsageExitsTwoNamingTheOption) {
  moodtape::testing::TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  for (const auto& c : std::vector<Case>{
           {{"--genre", "polka", "--title", "t", "--artist", "a", "--out", dir.File("x.png")},
            "--genre"},
           {{"--genre", "pop", "--title", "", "--artist", "a", "--out", dir.File("x.png")},
            "--title"},
           {{"--genre", "pop", "--title", "t", "--artist", "a"}, "--out"},
           {{"--genre", "pop", "--title", "t", "--artist", "a", "--seed", "-1", "--out", "x"},
            "--seed"},
           {{"--colour", "red"}, "unknown option"},
       }) {
    std::ostringstream out, err;
    EXPECT_EQ(RunDrawCommand(c.args, out, err), 2) << c.says;
    EXPECT_THAT(err.str(), HasSubstr(c.says));
  }
}

TEST(DrawCommandTest, TwoProcessesDrawTheSameBytes) {
  moodtape::testing::TempDir dir;
  const std::string binary = moodtape::testing::BinaryDir() + "/bin/moodtape-designer";
  for (const char* name : {"a.png", "b.png"}) {
    std::string output;
    ASSERT_EQ(moodtape::testing::RunCommand(
                  {binary, "draw", "--description", "neon city at midnight, rain", "--genre",
                   "synthwave", "--title", "Night Drive", "--artist", "Neon Hearts", "--seed", "1",
                   "--out", dir.File(name)},
                  &output),
              0)
        << output;
  }
  const std::string a = moodtape::testing::ReadFile(dir.File("a.png"));
  EXPECT_GT(a.size(), 10000u);
  EXPECT_EQ(a, moodtape::testing::ReadFile(dir.File("b.png")));
}

}  // namespace
}  // namespace moodtape::designer
