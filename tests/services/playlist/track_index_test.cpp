#include "services/playlist/core/track_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tests/services/playlist/test_catalog.h"

namespace moodtape::playlist {
namespace {

using testing::TrackAt;

std::vector<std::string> Ids(const TrackIndex& index, const std::vector<Neighbor>& n) {
  std::vector<std::string> ids;
  for (const auto& x : n) ids.push_back(index.tracks()[x.entry->track].id);
  return ids;
}

TEST(CamelotTest, CodesFollowTheWheel) {
  EXPECT_EQ(CamelotCode(0, 1), 15);  // C major = 8B
  EXPECT_EQ(CamelotCode(9, 0), 14);  // A minor = 8A
  EXPECT_EQ(CamelotCode(7, 1), 17);  // G major = 9B
  EXPECT_EQ(CamelotCode(11, 1), 1);  // B major = 1B
  EXPECT_EQ(CamelotCode(-1, 1), -1);
  EXPECT_EQ(CamelotCode(3, -1), -1);
}

TEST(CamelotTest, NeighboursMix) {
  const int c_major = CamelotCode(0, 1);
  EXPECT_TRUE(KeysMix(c_major, c_major));
  EXPECT_TRUE(KeysMix(c_major, CamelotCode(9, 0)));             // relative minor
  EXPECT_TRUE(KeysMix(c_major, CamelotCode(7, 1)));             // 9B
  EXPECT_TRUE(KeysMix(c_major, CamelotCode(5, 1)));             // 7B
  EXPECT_FALSE(KeysMix(c_major, CamelotCode(2, 1)));            // 10B
  EXPECT_FALSE(KeysMix(c_major, CamelotCode(4, 0)));            // 9A: other letter, other number
  EXPECT_FALSE(KeysMix(c_major, CamelotCode(6, 1)));            // F# major, across the wheel
  EXPECT_TRUE(KeysMix(CamelotCode(11, 1), CamelotCode(4, 1)));  // 1B and 12B wrap round
  EXPECT_FALSE(KeysMix(-1, c_major));
}

TEST(TempoJumpTest, HalfAndDoubleTimeCountAsClose) {
  EXPECT_DOUBLE_EQ(TempoJump(120, 120), 0);
  EXPECT_NEAR(TempoJump(120, 60), 0, 1e-12);
  EXPECT_NEAR(TempoJump(85, 170), 0, 1e-12);
  EXPECT_NEAR(TempoJump(100, 110), 0.10, 1e-9);
  EXPECT_NEAR(TempoJump(110, 100), 0.10, 1e-9);
  EXPECT_NEAR(TempoJump(100, 210), 0.05, 1e-9);  // double time, 5% faster
  EXPECT_DOUBLE_EQ(TempoJump(0, 120), 0);
}

TEST(TrackIndexTest, NearestAndRadiusHonourTheFilter) {
  const TrackIndex index({TrackAt("a", 0, 0), TrackAt("b", 0.1, 0), TrackAt("c", 0, -0.2),
                          TrackAt("d", 0.5, 0.5, 120, "", "rock"), TrackAt("e", -1, -1)});
  std::vector<Neighbor> out;
  auto all = [](const IndexEntry&) { return true; };
  index.Nearest({0.01, 0}, 3, all, &out);
  EXPECT_EQ(Ids(index, out), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_NEAR(out[0].distance, 0.01, 1e-6);

  const auto rock = *index.GenreId("rock");
  index.Nearest(
      {0, 0}, 2, [&](const IndexEntry& e) { return e.genre == rock; }, &out);
  EXPECT_EQ(Ids(index, out), (std::vector<std::string>{"d"}));

  index.WithinRadius({0, 0}, 0.15, all, &out);
  EXPECT_EQ(Ids(index, out), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(index.GenreId("jazz").has_value());
  EXPECT_EQ(index.CountGenre(rock, false), 1u);
}

TEST(TrackIndexTest, NearestMatchesBruteForce) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<CatalogTrack> tracks;
  for (int i = 0; i < 5000; ++i) tracks.push_back(TrackAt(std::to_string(i), u(rng), u(rng)));
  const TrackIndex index(tracks);
  std::vector<Neighbor> out;
  for (int q = 0; q < 200; ++q) {
    const MoodPoint p{u(rng) * 1.1, u(rng) * 1.1};  // some queries fall just outside the plane
    auto odd = [](const IndexEntry& e) { return e.track % 2 == 1; };
    index.Nearest(p, 10, odd, &out);
    std::vector<std::pair<double, std::uint32_t>> brute;
    for (std::uint32_t i = 0; i < tracks.size(); i += 2) {
      const MoodPoint t = tracks[i + 1].Point();
      brute.push_back(
          {std::hypot(static_cast<float>(t.x) - p.x, static_cast<float>(t.y) - p.y), i + 1});
    }
    std::sort(brute.begin(), brute.end());
    ASSERT_EQ(out.size(), 10u);
    for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(out[k].entry->track, brute[k].second) << q;
  }
}

}  // namespace
}  // namespace moodtape::playlist
