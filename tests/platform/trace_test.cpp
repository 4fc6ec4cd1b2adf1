#include "platform/observability/trace.h"

#include <gtest/gtest.h>

namespace moodtape::platform {
namespace {

TEST(TraceTest, ParsesValidTraceparent) {
  auto t = ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->span_id, "00f067aa0ba902b7");
  EXPECT_TRUE(t->sampled);
  EXPECT_EQ(t->ToTraceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(TraceTest, RejectsInvalidTraceparent) {
  for (const char* bad : {"", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"}) {
    EXPECT_FALSE(ParseTraceparent(bad)) << bad;
  }
  // A future version may append fields.
  EXPECT_TRUE(ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
}

TEST(TraceTest, ContinueKeepsTraceWithNewSpan) {
  auto child = ContinueOrStartTrace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  EXPECT_EQ(child.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_NE(child.span_id, "00f067aa0ba902b7");
  EXPECT_FALSE(child.sampled);
  auto fresh = ContinueOrStartTrace("nonsense");
  EXPECT_EQ(fresh.trace_id.size(), 32u);
  EXPECT_EQ(fresh.span_id.size(), 16u);
}

TEST(TraceTest, RequestIdSanitising) {
  EXPECT_EQ(SanitizeRequestId("abc-123_x.y:z"), "abc-123_x.y:z");
  EXPECT_EQ(SanitizeRequestId("has space").size(), 32u);
  EXPECT_EQ(SanitizeRequestId(std::string(129, 'a')).size(), 32u);
  EXPECT_EQ(SanitizeRequestId("").size(), 32u);
  EXPECT_NE(NewRequestId(), NewRequestId());
}

}  // namespace
}  // namespace moodtape::platform
