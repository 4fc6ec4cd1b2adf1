#include <gtest/gtest.h>

#include "services/playlist/core/planner.h"
#include "tests/services/playlist/test_catalog.h"

namespace moodtape::playlist {
namespace {

using testing::TrackAt;

TEST(AngleWalkPlannerTest, WalksTheConeInTheCurrentQuadrantFirst) {
  const TrackIndex index({
      TrackAt("a", -0.8, -0.8),    // nearest the start
      TrackAt("b", -0.7, -0.7),    // nearest in the cone from a
      TrackAt("c", -0.79, -0.6),   // off the cone (87°)
      TrackAt("d", -0.75, -0.8),   // off the cone (0°)
      TrackAt("e", -0.5, -0.45),   // in the cone from b (51°)
      TrackAt("h", -0.05, -0.05),  // same quadrant as e, 0.60 away
      TrackAt("j", -0.2, 0.0),     // another quadrant, nearer (0.54) but second choice
      TrackAt("f", 0.1, 0.1),      // across into the target's quadrant
      TrackAt("g", 0.8, 0.8),      // the target
  });
  PlanRequest r;
  r.start = {-0.8, -0.8};
  r.target = {0.8, 0.8};
  r.length = 7;
  auto plan = AngleWalkPlanner(index).Plan(r);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  std::vector<std::string> ids;
  for (const auto& t : plan->tracks) ids.push_back(t.id);
  // After g the walk has arrived and settles on the unused track nearest the target (j).
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "e", "h", "f", "g", "j"}));
  EXPECT_NEAR(plan->tracks[0].distance, 0, 1e-6);
  EXPECT_EQ(plan->tracks[3].waypoint_index, 3);
}

TEST(AngleWalkPlannerTest, SharesTheRequestChecks) {
  const TrackIndex index({TrackAt("a", 0, 0), TrackAt("b", 0.1, 0), TrackAt("c", 0.2, 0)});
  PlanRequest r;
  r.length = 2;
  EXPECT_EQ(AngleWalkPlanner(index).Plan(r).error().code, platform::ErrorCode::kInvalidArgument);
  r.length = 4;
  EXPECT_EQ(AngleWalkPlanner(index).Plan(r).error().code, platform::ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace moodtape::playlist
