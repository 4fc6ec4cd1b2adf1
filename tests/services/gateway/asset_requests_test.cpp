// Byte ranges, ETags and download names of GET /api/v1/assets/{id} (no network).
#include "services/gateway/core/asset_requests.h"

#include <gtest/gtest.h>

namespace moodtape::gateway {
namespace {

TEST(AssetRequestsTest, AssetIdsAreSha256Hex) {
  EXPECT_TRUE(LooksLikeAssetId(std::string(64, 'a')));
  EXPECT_FALSE(LooksLikeAssetId(std::string(63, 'a')));
  EXPECT_FALSE(LooksLikeAssetId(std::string(64, 'A')));
  EXPECT_FALSE(LooksLikeAssetId(std::string(63, 'a') + "/"));
}

TEST(AssetRequestsTest, RangesFromTheEdgesOfTheFile) {
  struct Case {
    std::string header;
    RangeKind kind;
    int64_t start, length;
  };
  const int64_t size = 1000;
  for (const auto& c : std::vector<Case>{
           {"", RangeKind::kNone, 0, 0},
           {"bytes=0-0", RangeKind::kSatisfiable, 0, 1},  // the first byte only
           {"bytes=0-", RangeKind::kSatisfiable, 0, 1000},
           {"bytes=10-19", RangeKind::kSatisfiable, 10, 10},
           {"bytes=990-5000", RangeKind::kSatisfiable, 990, 10},  // cut to the end
           {"bytes=999-999", RangeKind::kSatisfiable, 999, 1},    // the last byte
           {"bytes=-100", RangeKind::kSatisfiable, 900, 100},     // a suffix
           {"bytes=-5000", RangeKind::kSatisfiable, 0, 1000},     // a suffix past the start
           {"bytes=1000-", RangeKind::kUnsatisfiable, 0, 0},      // starts at the end
           {"bytes=2000-3000", RangeKind::kUnsatisfiable, 0, 0},
           {"bytes=-0", RangeKind::kUnsatisfiable, 0, 0},
           {"bytes=5-3", RangeKind::kNone, 0, 0},  // malformed: ignored, the whole file
           {"bytes=a-b", RangeKind::kNone, 0, 0},
           {"bytes=0-1,5-6", RangeKind::kNone, 0, 0},  // several ranges: the whole file
           {"items=0-1", RangeKind::kNone, 0, 0},
           {"BYTES=1-2", RangeKind::kSatisfiable, 1, 2},
       }) {
    RangeDecision d = DecideRange(c.header, size);
    EXPECT_EQ(d.kind, c.kind) << c.header;
    if (c.kind == RangeKind::kSatisfiable) {
      EXPECT_EQ(d.range.start, c.start) << c.header;
      EXPECT_EQ(d.range.length, c.length) << c.header;
    }
  }
  EXPECT_EQ(DecideRange("bytes=0-0", 0).kind, RangeKind::kUnsatisfiable);  // an empty file
  EXPECT_EQ(ContentRange({10, 10}, 1000), "bytes 10-19/1000");
  EXPECT_EQ(UnsatisfiedContentRange(1000), "bytes */1000");
}

TEST(AssetRequestsTest, ETagsAndConditionalRequests) {
  const std::string etag = AssetETag("abc");
  EXPECT_EQ(etag, "\"abc\"");
  EXPECT_TRUE(MatchesIfNoneMatch("\"abc\"", etag));
  EXPECT_TRUE(MatchesIfNoneMatch("\"x\", W/\"abc\"", etag));
  EXPECT_TRUE(MatchesIfNoneMatch("*", etag));
  EXPECT_FALSE(MatchesIfNoneMatch("\"abd\"", etag));
  EXPECT_FALSE(MatchesIfNoneMatch("", etag));
}

TEST(AssetRequestsTest, DownloadNamesAreSafe) {
  const std::string id(64, 'f');
  EXPECT_EQ(DownloadName(id, "audio/ogg"), "moodtape-ffffffffffff.ogg");
  EXPECT_EQ(DownloadName(id, "audio/midi", "01-dragon-song"), "01-dragon-song.mid");
  EXPECT_EQ(DownloadName(id, "image/png", "../../etc/\"x"), "etcx.png");
  EXPECT_EQ(DownloadName(id, "text/plain; charset=utf-8", "a"), "a.lrc");
}

}  // namespace
}  // namespace moodtape::gateway
