// The source project's angle walk, reimplemented from its description (see README.md for the
// reading of the ambiguous parts).
#include <cmath>
#include <numbers>

#include "services/playlist/core/plan_filters.h"
#include "services/playlist/core/planner.h"

namespace moodtape::playlist {
namespace {

// Quadrants of the mood plane by sign; zero counts as positive.
int Quadrant(MoodPoint p) { return (p.x >= 0 ? 0 : 1) + (p.y >= 0 ? 0 : 2); }

}  // namespace

platform::Result<Plan> AngleWalkPlanner::Plan(const PlanRequest& request) const {
  const int length = request.length;
  auto filters = internal::PlanFilters::Resolve(index_, request, length);
  if (!filters) return filters.error();
  const double cos_cone = std::cos(kConeDegrees * std::numbers::pi / 180.0);

  ::moodtape::playlist::Plan plan;
  std::vector<Neighbor> found;
  auto accept = [&](const IndexEntry& e) { return filters->Accept(e); };
  auto choose = [&](const Neighbor& n, int i, MoodPoint aim) {
    filters->Take(*n.entry);
    plan.waypoints.push_back(aim);
    plan.tracks.push_back({n.entry->track, index_.tracks()[n.entry->track].id, n.entry->point(), i,
                           aim, Distance(n.entry->point(), aim)});
  };

  // The first track: the one nearest the start.
  index_.Nearest(request.start, 1, accept, &found);
  if (found.empty()) return filters->Exhausted(1, length);
  choose(found.front(), 0, request.start);

  for (int i = 1; i < length; ++i) {
    const MoodPoint cur = plan.tracks.back().point;
    const double dx = request.target.x - cur.x, dy = request.target.y - cur.y;
    const double to_target = std::hypot(dx, dy);
    found.clear();
    if (to_target > kArrivedDistance) {
      const int quadrant = Quadrant(cur);
      auto in_cone = [&](const IndexEntry& e) {
        const double ex = e.x - cur.x, ey = e.y - cur.y;
        const double len = std::hypot(ex, ey);
        return len > 0 && (ex * dx + ey * dy) >= cos_cone * len * to_target && accept(e);
      };
      index_.Nearest(
          cur, 1,
          [&](const IndexEntry& e) { return Quadrant(e.point()) == quadrant && in_cone(e); },
          &found);
      if (found.empty()) index_.Nearest(cur, 1, in_cone, &found);
    }
    // Arrived, or nothing ahead: settle on the unused track nearest the target.
    if (found.empty()) index_.Nearest(request.target, 1, accept, &found);
    if (found.empty()) return filters->Exhausted(i + 1, length);
    choose(found.front(), i, request.target);
  }
  return plan;
}

}  // namespace moodtape::playlist
