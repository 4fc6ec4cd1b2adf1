#include "services/playlist/core/planner.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "services/playlist/core/plan_filters.h"

namespace moodtape::playlist {
namespace {

// SplitMix64: a seed-only, platform-independent hash so a seed reorders near-ties identically
// on every machine.
double SeedUnit(std::uint64_t seed, std::uint64_t slot, std::uint64_t track) {
  std::uint64_t z = seed ^ (slot * 0x9E3779B97F4A7C15ull) ^ (track * 0xBF58476D1CE4E5B9ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

}  // namespace

std::vector<MoodPoint> Waypoints(MoodPoint start, MoodPoint target, int n) {
  std::vector<MoodPoint> w;
  if (n <= 0) return w;
  w.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const double t = n == 1 ? 1.0 : static_cast<double>(i) / (n - 1);
    const double s = kWaypointLinear * t + (1 - kWaypointLinear) * t * t * (3 - 2 * t);
    w.push_back({start.x + s * (target.x - start.x), start.y + s * (target.y - start.y)});
  }
  return w;
}

platform::Result<Plan> PlaylistPlanner::Plan(const PlanRequest& request) const {
  const bool calm = Distance(request.start, request.target) <= kCloseDistance;
  const int length = calm ? std::min(request.length, kCalmLength) : request.length;
  auto filters = internal::PlanFilters::Resolve(index_, request, length);
  if (!filters) return filters.error();

  ::moodtape::playlist::Plan plan;
  plan.calm = calm;
  if (calm) {
    // Already there: walk the short way evenly, no lingering, and keep the tempo steadier.
    for (int i = 0; i < length; ++i) {
      const double s = static_cast<double>(i) / (length - 1);
      plan.waypoints.push_back({request.start.x + s * (request.target.x - request.start.x),
                                request.start.y + s * (request.target.y - request.start.y)});
    }
  } else {
    plan.waypoints = Waypoints(request.start, request.target, length);
  }
  const double tempo_weight = calm ? 2 * kTempoWeight : kTempoWeight;
  const std::uint64_t seed = request.options.seed;

  std::vector<Neighbor> candidates;
  candidates.reserve(kCandidates);
  const IndexEntry* prev = nullptr;
  auto accept = [&](const IndexEntry& e) { return filters->Accept(e); };
  for (int i = 0; i < length; ++i) {
    const MoodPoint wp = plan.waypoints[static_cast<std::size_t>(i)];
    index_.Nearest(wp, kCandidates, accept, &candidates);
    if (candidates.empty()) return filters->Exhausted(i + 1, length);

    const Neighbor* best = nullptr;
    double best_score = std::numeric_limits<double>::infinity();
    for (const Neighbor& c : candidates) {
      double score = c.distance;
      if (prev != nullptr) {
        score += tempo_weight * std::max(0.0, TempoJump(prev->tempo, c.entry->tempo) - kTempoFree);
        if (prev->camelot >= 0 && c.entry->camelot >= 0 &&
            !KeysMix(prev->camelot, c.entry->camelot)) {
          score += kKeyPenalty;
        }
        const double away =
            Distance(c.entry->point(), request.target) - Distance(prev->point(), request.target);
        if (away > 1e-9) score += kAwayPenalty + kAwayWeight * away;
        score += kArtistRepeatPenalty * filters->ArtistCount(c.entry->artist);
      }
      if (seed != 0) {
        score += kSeedJitter * SeedUnit(seed, static_cast<std::uint64_t>(i), c.entry->track);
      }
      // Candidates arrive nearest first, ties by track index, so strict < keeps this deterministic.
      if (score < best_score) {
        best_score = score;
        best = &c;
      }
    }
    const IndexEntry& e = *best->entry;
    filters->Take(e);
    plan.tracks.push_back({e.track, index_.tracks()[e.track].id, e.point(), i, wp, best->distance});
    prev = &e;
  }
  return plan;
}

}  // namespace moodtape::playlist
