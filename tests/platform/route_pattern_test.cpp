// Route patterns: literal paths, {name} parameters, prefixes, and what does not match.
#include "platform/http/route_pattern.h"

#include <gtest/gtest.h>

namespace moodtape::platform {
namespace {

TEST(RoutePatternTest, LiteralPathsMatchExactly) {
  auto p = RoutePattern::Parse("/api/v1/health");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->Match("/api/v1/health", nullptr));
  EXPECT_FALSE(p->Match("/api/v1/health/", nullptr));
  EXPECT_FALSE(p->Match("/api/v1/healthz", nullptr));
  EXPECT_EQ(p->literal_segments(), 3);
  EXPECT_FALSE(p->has_params());
}

TEST(RoutePatternTest, ParametersTakeOneDecodedSegment) {
  auto p = RoutePattern::Parse("/api/v1/admin/dead-letters/{id}/replay");
  ASSERT_TRUE(p);
  std::map<std::string, std::string> params;
  ASSERT_TRUE(p->Match("/api/v1/admin/dead-letters/job-42/replay", &params));
  EXPECT_EQ(params.at("id"), "job-42");
  // An encoded slash stays inside the parameter instead of splitting the path.
  ASSERT_TRUE(p->Match("/api/v1/admin/dead-letters/a%2Fb/replay", &params));
  EXPECT_EQ(params.at("id"), "a/b");
  EXPECT_FALSE(p->Match("/api/v1/admin/dead-letters//replay", &params));      // empty segment
  EXPECT_FALSE(p->Match("/api/v1/admin/dead-letters/a/b/replay", &params));   // two segments
  EXPECT_FALSE(p->Match("/api/v1/admin/dead-letters/a%zz/replay", &params));  // bad escape
  EXPECT_FALSE(p->Match("/api/v1/admin/dead-letters/x", &params));
  EXPECT_EQ(p->literal_segments(), 5);
}

TEST(RoutePatternTest, SeveralParameters) {
  auto p = RoutePattern::Parse("/albums/{album}/songs/{index}");
  ASSERT_TRUE(p);
  std::map<std::string, std::string> params;
  ASSERT_TRUE(p->Match("/albums/a1/songs/3", &params));
  EXPECT_EQ(params.at("album"), "a1");
  EXPECT_EQ(params.at("index"), "3");
}

TEST(RoutePatternTest, PrefixesMatchTheStartOfThePath) {
  auto p = RoutePattern::Parse("/assets/", /*prefix=*/true);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->Match("/assets/app.js", nullptr));
  EXPECT_FALSE(p->Match("/asset", nullptr));
  EXPECT_FALSE(RoutePattern::Parse("/assets/{x}", /*prefix=*/true));
}

TEST(RoutePatternTest, MalformedPatternsAreRefused) {
  for (const char* bad : {"", "api", "/a/{}", "/a/{id", "/a/id}", "/a/{Id}", "/a/{id}/{id}",
                          "/a/x{id}", "/a/{i-d}"}) {
    EXPECT_FALSE(RoutePattern::Parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace moodtape::platform
