// Mood-walk playlists: from where the listener is (start) to where they want to be (target).
// PlaylistPlanner is moodtape's planner (iso principle, waypoints, tempo/key-aware scoring);
// AngleWalkPlanner is the source project's angle walk, kept as the baseline it is measured against.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/base/error.h"
#include "services/playlist/core/track_index.h"

namespace moodtape::playlist {

struct PlanOptions {
  std::vector<std::string> include_genres;  // empty = every genre
  std::vector<std::string> exclude_genres;
  int max_tracks_per_artist = 0;  // 0 = no cap
  bool allow_explicit = true;     // false drops tracks flagged explicit (unknown flags pass)
  std::uint64_t seed = 0;         // 0 = always the best-scoring track; others vary near-ties
};

struct PlanRequest {
  MoodPoint start;   // in [-1, 1]²
  MoodPoint target;  // in [-1, 1]²
  int length = kDefaultLength;
  PlanOptions options;

  static constexpr int kDefaultLength = 12;
  static constexpr int kMinLength = 3;
  static constexpr int kMaxLength = 50;
};

// One chosen track and why: the waypoint it serves and how far from it it sits.
struct PlannedTrack {
  std::uint32_t track = 0;  // index into TrackIndex::tracks()
  std::string id;
  MoodPoint point;
  int waypoint_index = 0;
  MoodPoint waypoint;
  double distance = 0;  // from point to waypoint
};

struct Plan {
  std::vector<PlannedTrack> tracks;
  std::vector<MoodPoint> waypoints;
  // True when start and target were already close (a short calm playlist, see PlaylistPlanner).
  bool calm = false;
};

// What the service and the benchmarks call; both planners implement it.
class MoodWalkPlanner {
 public:
  virtual ~MoodWalkPlanner() = default;
  virtual platform::Result<::moodtape::playlist::Plan> Plan(const PlanRequest& request) const = 0;
};

// The waypoint curve for n tracks: waypoint i sits at s(i/(n−1)) of the way from start to target,
// s(t) = a·t + (1 − a)·smoothstep(t) with a = kWaypointLinear. The first waypoint is the start
// and the last the target; s is strictly increasing, so every waypoint is nearer the target than
// the one before, and its slope is a (0.4) at both ends and a + 1.5·(1 − a) (1.3) in the middle:
// the walk lingers near the start (the iso principle: meet the listener where they are), moves
// steadily through the middle and settles gently onto the target.
inline constexpr double kWaypointLinear = 0.4;
std::vector<MoodPoint> Waypoints(MoodPoint start, MoodPoint target, int n);

class PlaylistPlanner final : public MoodWalkPlanner {
 public:
  // Start and target this close (mood-plane units; the plane is 2 wide) count as "already there".
  static constexpr double kCloseDistance = 0.2;
  // ... and then the playlist holds at most this many tracks, walking the short way gently.
  static constexpr int kCalmLength = 6;
  // Candidates scored per waypoint (the nearest eligible tracks).
  static constexpr std::size_t kCandidates = 24;
  // Score = distance to waypoint + the penalties below, all in mood-plane units.
  static constexpr double kTempoWeight = 0.5;           // per unit of tempo jump beyond kTempoFree
  static constexpr double kTempoFree = 0.06;            // a 6% tempo change costs nothing
  static constexpr double kKeyPenalty = 0.015;          // keys that do not mix on the Camelot wheel
  static constexpr double kAwayPenalty = 0.05;          // any step away from the target ...
  static constexpr double kAwayWeight = 1.0;            // ... plus this per unit moved away
  static constexpr double kArtistRepeatPenalty = 0.02;  // per earlier track by the same artist
  static constexpr double kSeedJitter = 0.02;           // how far a seed may reorder near-ties

  explicit PlaylistPlanner(const TrackIndex& index) : index_(index) {}
  platform::Result<::moodtape::playlist::Plan> Plan(const PlanRequest& request) const override;

 private:
  const TrackIndex& index_;
};

// The source project's walk: from the current track, the nearest track within ±kConeDegrees of
// the direction to the target, in the current track's quadrant first, then in any quadrant; when
// nothing lies in the cone (or the walk has arrived), the unused track nearest the target.
class AngleWalkPlanner final : public MoodWalkPlanner {
 public:
  static constexpr double kConeDegrees = 20.0;
  static constexpr double kArrivedDistance = 0.02;

  explicit AngleWalkPlanner(const TrackIndex& index) : index_(index) {}
  platform::Result<::moodtape::playlist::Plan> Plan(const PlanRequest& request) const override;

 private:
  const TrackIndex& index_;
};

}  // namespace moodtape::playlist
