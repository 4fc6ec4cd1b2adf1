// Shared by both planners: request validation, the genre/explicit filters resolved to ids, and
// the per-plan state (tracks used, tracks per artist) that every candidate is checked against.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "platform/base/error.h"
#include "services/playlist/core/planner.h"

namespace moodtape::playlist::internal {

class PlanFilters {
 public:
  // Checks the request (points in the plane, length 3-50, cap >= 0) and that the genre and
  // explicit filters leave at least `length` tracks; a FAILED_PRECONDITION says what to relax.
  static platform::Result<PlanFilters> Resolve(const TrackIndex& index, const PlanRequest& request,
                                               int length);

  bool Accept(const IndexEntry& e) const {
    if (!genre_ok_[e.genre]) return false;
    if (!allow_explicit_ && e.explicit_flag == ExplicitFlag::kExplicit) return false;
    for (std::uint32_t t : used_) {
      if (t == e.track) return false;
    }
    if (cap_ > 0) {
      for (const auto& [artist, count] : artist_counts_) {
        if (artist == e.artist) return count < cap_;
      }
    }
    return true;
  }

  void Take(const IndexEntry& e);

  int ArtistCount(std::uint32_t artist) const {
    for (const auto& [a, count] : artist_counts_) {
      if (a == artist) return count;
    }
    return 0;
  }

  // The error for "no eligible track left" while choosing track `position` (1-based).
  platform::Error Exhausted(int position, int length) const;

 private:
  std::vector<std::uint8_t> genre_ok_;
  bool allow_explicit_ = true;
  int cap_ = 0;
  std::string filters_text_;
  std::vector<std::uint32_t> used_;
  std::vector<std::pair<std::uint32_t, int>> artist_counts_;
};

}  // namespace moodtape::playlist::internal
