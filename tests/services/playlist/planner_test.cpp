#include "services/playlist/core/planner.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "tests/services/playlist/test_catalog.h"

namespace moodtape::playlist {
namespace {

using platform::ErrorCode;
using testing::TrackAt;

constexpr MoodPoint kStart{-0.8, -0.8};
constexpr MoodPoint kTarget{0.8, 0.8};  // for 3 tracks the waypoints are kStart, (0, 0), kTarget

std::vector<std::string> Ids(const Plan& plan) {
  std::vector<std::string> ids;
  for (const auto& t : plan.tracks) ids.push_back(t.id);
  return ids;
}

PlanRequest Request(int length = 3, PlanOptions options = {}) {
  PlanRequest r;
  r.start = kStart;
  r.target = kTarget;
  r.length = length;
  r.options = std::move(options);
  return r;
}

std::vector<CatalogTrack> RandomCatalogue(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<CatalogTrack> tracks;
  for (int i = 0; i < n; ++i) {
    tracks.push_back(TrackAt(std::to_string(i), u(rng), u(rng), 90 + 60 * (u(rng) + 1) / 2,
                             "artist" + std::to_string(i % 97), i % 2 ? "pop" : "rock",
                             static_cast<int>(rng() % 12), static_cast<int>(rng() % 2)));
  }
  return tracks;
}

TEST(WaypointsTest, StartAtTheStartEndAtTheTargetAndNeverTurnBack) {
  const auto w = Waypoints(kStart, kTarget, 12);
  ASSERT_EQ(w.size(), 12u);
  EXPECT_DOUBLE_EQ(w.front().x, kStart.x);
  EXPECT_DOUBLE_EQ(w.back().y, kTarget.y);
  const double even = Distance(kStart, kTarget) / 11;
  for (std::size_t i = 1; i < w.size(); ++i) {
    const double step = Distance(w[i - 1], w[i]);
    EXPECT_GT(step, 0);
    EXPECT_LE(step, 1.3 * even + 1e-9);  // never more than 1.3x the even step
    EXPECT_LT(Distance(w[i], kTarget), Distance(w[i - 1], kTarget));
  }
  // Lingers: the first and last steps are the shortest.
  EXPECT_LT(Distance(w[0], w[1]), 0.6 * even);
  EXPECT_LT(Distance(w[10], w[11]), 0.6 * even);
  const auto mid = Waypoints(kStart, kTarget, 3);
  EXPECT_NEAR(mid[1].x, 0, 1e-12);
}

TEST(PlaylistPlannerTest, PicksTheTrackAtEachWaypoint) {
  const TrackIndex index({TrackAt("a", -0.8, -0.8), TrackAt("b", 0, 0), TrackAt("c", 0.8, 0.8),
                          TrackAt("d", -0.7, -0.8), TrackAt("e", 0.05, 0), TrackAt("f", 0.8, 0.7)});
  auto plan = PlaylistPlanner(index).Plan(Request());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(plan->calm);
  ASSERT_EQ(plan->waypoints.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const PlannedTrack& t = plan->tracks[static_cast<std::size_t>(i)];
    EXPECT_EQ(t.waypoint_index, i);
    EXPECT_NEAR(t.distance, 0, 1e-6);
    EXPECT_NEAR(t.point.x, t.waypoint.x, 1e-6);
  }
  EXPECT_NEAR(plan->tracks[1].waypoint.x, 0, 1e-12);
}

TEST(PlaylistPlannerTest, KeepsTempoCloseCountingHalfTimeAsClose) {
  std::vector<CatalogTrack> tracks = {TrackAt("a", -0.8, -0.8, 120), TrackAt("fast", 0, 0, 180),
                                      TrackAt("steady", 0.03, 0, 122), TrackAt("c", 0.8, 0.8, 120)};
  auto plan = PlaylistPlanner(TrackIndex(tracks)).Plan(Request());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a", "steady", "c"}));

  tracks.push_back(TrackAt("half", 0.02, 0, 60));
  const TrackIndex with_half(tracks);
  plan = PlaylistPlanner(with_half).Plan(Request());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a", "half", "c"}));
}

TEST(PlaylistPlannerTest, PrefersKeysThatMixWhenOtherwiseClose) {
  auto tracks_with = [](double mixing_x) {
    return std::vector<CatalogTrack>{TrackAt("a", -0.8, -0.8, 120, "", "pop", 0, 1),     // C major
                                     TrackAt("clash", 0.01, 0, 120, "", "pop", 6, 1),    // F# major
                                     TrackAt("mix", mixing_x, 0, 120, "", "pop", 7, 1),  // G major
                                     TrackAt("c", 0.8, 0.8)};
  };
  const TrackIndex close(tracks_with(0.02));
  auto plan = PlaylistPlanner(close).Plan(Request());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->tracks[1].id, "mix");
  // Farther than the key penalty (0.015) is worth: the nearer clashing key wins.
  const TrackIndex far(tracks_with(0.04));
  plan = PlaylistPlanner(far).Plan(Request());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->tracks[1].id, "clash");
}

TEST(PlaylistPlannerTest, GenresIncludeAndExclude) {
  const TrackIndex index(
      {TrackAt("a", -0.8, -0.8, 120, "", "pop"), TrackAt("a2", -0.75, -0.8, 120, "", "rock"),
       TrackAt("b", 0, 0, 120, "", "pop"), TrackAt("b2", 0.05, 0, 120, "", "rock"),
       TrackAt("c", 0.8, 0.8, 120, "", "pop"), TrackAt("c2", 0.8, 0.75, 120, "", "rock")});
  const PlaylistPlanner planner(index);
  PlanOptions rock_only;
  rock_only.include_genres = {"rock"};
  auto plan = planner.Plan(Request(3, rock_only));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a2", "b2", "c2"}));

  PlanOptions no_pop;
  no_pop.exclude_genres = {"pop"};
  plan = planner.Plan(Request(3, no_pop));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a2", "b2", "c2"}));

  PlanOptions nothing;
  nothing.include_genres = {"pop"};
  nothing.exclude_genres = {"pop"};
  plan = planner.Plan(Request(3, nothing));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(plan.error().message,
            "only 0 of 6 tracks match (genres \"pop\", no \"pop\") and the playlist needs 3: "
            "include more genres, exclude fewer or ask for fewer tracks");
}

TEST(PlaylistPlannerTest, UnknownGenreSaysWhichGenresExist) {
  const TrackIndex index({TrackAt("a", 0, 0, 120, "", "pop"), TrackAt("b", 0, 0, 120, "", "rock"),
                          TrackAt("c", 0, 0, 120, "", "pop")});
  PlanOptions jazz;
  jazz.include_genres = {"jazz"};
  auto plan = PlaylistPlanner(index).Plan(Request(3, jazz));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(
      plan.error().message.find("the catalogue has no genre \"jazz\" (it has \"pop\", \"rock\")"),
      std::string::npos)
      << plan.error().message;
}

TEST(PlaylistPlannerTest, ExplicitTracksCanBeLeftOut) {
  const TrackIndex index({TrackAt("a", -0.8, -0.8, 120, "", "pop", -1, -1, ExplicitFlag::kExplicit),
                          TrackAt("a2", -0.75, -0.8, 120, "", "pop", -1, -1, ExplicitFlag::kClean),
                          TrackAt("b", 0, 0), TrackAt("c", 0.8, 0.8)});
  const PlaylistPlanner planner(index);
  auto plan = planner.Plan(Request());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a", "b", "c"}));
  PlanOptions clean;
  clean.allow_explicit = false;
  plan = planner.Plan(Request(3, clean));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a2", "b", "c"}));  // unknown flags pass

  plan = planner.Plan(Request(4, clean));  // only 3 tracks are not explicit
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(plan.error().message.find("allow explicit tracks"), std::string::npos);
}

TEST(PlaylistPlannerTest, CapsTracksPerArtistAndAvoidsRepeatsSoftly) {
  const std::vector<CatalogTrack> tracks = {
      TrackAt("a", -0.8, -0.8, 120, "X"), TrackAt("b", 0, 0, 120, "X"),
      TrackAt("c", 0.8, 0.8, 120, "X"),   TrackAt("a2", -0.75, -0.8, 120, "Y"),
      TrackAt("b2", 0.05, 0, 120, "Z"),   TrackAt("c2", 0.8, 0.75, 120, "W")};
  const TrackIndex index(tracks);
  const PlaylistPlanner planner(index);
  auto plan = planner.Plan(Request());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a", "b", "c"}));  // 0.02/repeat < 0.05 away
  PlanOptions one_each;
  one_each.max_tracks_per_artist = 1;
  plan = planner.Plan(Request(3, one_each));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"a", "b2", "c2"}));

  // A nearly-as-near track by another artist beats a repeat even without a cap.
  std::vector<CatalogTrack> near = tracks;
  near.push_back(TrackAt("b3", 0.015, 0, 120, "V"));
  const TrackIndex near_index(near);
  plan = PlaylistPlanner(near_index).Plan(Request());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->tracks[1].id, "b3");
}

TEST(PlaylistPlannerTest, RunningOutUnderTheArtistCapSaysWhatToRelax) {
  const TrackIndex index({TrackAt("a", -0.8, -0.8, 120, "X"), TrackAt("b", 0, 0, 120, "X"),
                          TrackAt("c", 0.8, 0.8, 120, "X"), TrackAt("d", 0.5, 0.5, 120, "X")});
  PlanOptions one_each;
  one_each.max_tracks_per_artist = 1;
  auto plan = PlaylistPlanner(index).Plan(Request(3, one_each));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(plan.error().message,
            "ran out of tracks at track 2 of 3 (at most 1 per artist): raise the per-artist cap, "
            "include more genres or ask for fewer tracks");
}

TEST(PlaylistPlannerTest, NeverRepeatsATrack) {
  const TrackIndex index(
      {TrackAt("a", -0.8, -0.8), TrackAt("b", -0.8, -0.79), TrackAt("c", -0.79, -0.8)});
  auto plan = PlaylistPlanner(index).Plan(Request());
  ASSERT_TRUE(plan.ok());
  const auto ids = Ids(*plan);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 3u);
}

TEST(PlaylistPlannerTest, RefusesBadRequests) {
  const TrackIndex index(RandomCatalogue(100, 1));
  const PlaylistPlanner planner(index);
  for (int length : {2, 51}) {
    auto plan = planner.Plan(Request(length));
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(plan.error().message, "length must be between 3 and 50");
  }
  PlanRequest outside = Request();
  outside.start = {1.5, 0};
  EXPECT_EQ(planner.Plan(outside).error().code, ErrorCode::kInvalidArgument);
  PlanOptions negative;
  negative.max_tracks_per_artist = -1;
  EXPECT_EQ(planner.Plan(Request(3, negative)).error().code, ErrorCode::kInvalidArgument);

  const TrackIndex tiny({TrackAt("a", 0, 0), TrackAt("b", 0.1, 0), TrackAt("c", 0.2, 0)});
  auto plan = PlaylistPlanner(tiny).Plan(Request(4));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(plan.error().message,
            "only 3 of 3 tracks match (no filters) and the playlist needs 4: include more genres, "
            "exclude fewer or ask for fewer tracks");
}

TEST(PlaylistPlannerTest, CloseStartAndTargetGiveAShortCalmPlaylist) {
  const TrackIndex index(RandomCatalogue(3000, 2));
  const PlaylistPlanner planner(index);
  PlanRequest r = Request(12);
  r.start = {0.1, 0.1};
  r.target = {0.2, 0.15};
  auto plan = planner.Plan(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->calm);
  ASSERT_EQ(plan->tracks.size(), static_cast<std::size_t>(PlaylistPlanner::kCalmLength));
  for (const auto& t : plan->tracks) EXPECT_LT(Distance(t.point, r.start), 0.3);
  r.length = 4;
  plan = planner.Plan(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->tracks.size(), 4u);  // shorter requests stay as asked
  r.target = {0.1, 0.35};              // 0.25 apart: not close
  plan = planner.Plan(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->calm);
}

TEST(PlaylistPlannerTest, DeterministicForTheSameSeedAndVariedByOthers) {
  const TrackIndex index(RandomCatalogue(2000, 3));
  const PlaylistPlanner planner(index);
  const auto base = Ids(planner.Plan(Request(12)).value());
  EXPECT_EQ(Ids(planner.Plan(Request(12)).value()), base);
  const TrackIndex rebuilt(RandomCatalogue(2000, 3));
  EXPECT_EQ(Ids(PlaylistPlanner(rebuilt).Plan(Request(12)).value()), base);
  bool some_seed_differs = false;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    PlanOptions o;
    o.seed = seed;
    const auto a = Ids(planner.Plan(Request(12, o)).value());
    EXPECT_EQ(Ids(planner.Plan(Request(12, o)).value()), a);
    some_seed_differs |= a != base;
  }
  EXPECT_TRUE(some_seed_differs);
}

TEST(PlaylistPlannerTest, WalksFromStartToTargetOnADenseCatalogue) {
  const TrackIndex index(RandomCatalogue(5000, 4));
  auto plan = PlaylistPlanner(index).Plan(Request(12));
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->tracks.size(), 12u);
  EXPECT_LT(Distance(plan->tracks.front().point, kStart), 0.05);
  EXPECT_LT(Distance(plan->tracks.back().point, kTarget), 0.05);
  const auto ids = Ids(*plan);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 12u);
  for (std::size_t i = 1; i < plan->tracks.size(); ++i) {
    EXPECT_LT(Distance(plan->tracks[i - 1].point, plan->tracks[i].point), 0.4);
  }
}

}  // namespace
}  // namespace moodtape::playlist
