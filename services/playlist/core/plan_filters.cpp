#include "services/playlist/core/plan_filters.h"

#include <cmath>

namespace moodtape::playlist::internal {
namespace {

using platform::ErrorCode;
using platform::MakeError;

bool InPlane(MoodPoint p) {
  return std::isfinite(p.x) && std::isfinite(p.y) && std::fabs(p.x) <= 1.0 && std::fabs(p.y) <= 1.0;
}

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

}  // namespace

platform::Result<PlanFilters> PlanFilters::Resolve(const TrackIndex& index,
                                                   const PlanRequest& request, int length) {
  if (!InPlane(request.start) || !InPlane(request.target)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "start and target must lie in the mood plane: x and y in [-1, 1]");
  }
  if (request.length < PlanRequest::kMinLength || request.length > PlanRequest::kMaxLength) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "length must be between " + std::to_string(PlanRequest::kMinLength) + " and " +
                         std::to_string(PlanRequest::kMaxLength));
  }
  const PlanOptions& o = request.options;
  if (o.max_tracks_per_artist < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "max tracks per artist must be 0 (no cap) or more");
  }
  PlanFilters f;
  f.allow_explicit_ = o.allow_explicit;
  f.cap_ = o.max_tracks_per_artist;
  f.genre_ok_.assign(index.genres().size(), o.include_genres.empty() ? 1 : 0);
  std::vector<std::string> unknown;
  for (const auto& g : o.include_genres) {
    if (auto id = index.GenreId(g)) {
      f.genre_ok_[*id] = 1;
    } else {
      unknown.push_back(g);
    }
  }
  for (const auto& g : o.exclude_genres) {
    if (auto id = index.GenreId(g)) f.genre_ok_[*id] = 0;
  }

  if (!o.include_genres.empty()) f.filters_text_ += "genres " + JoinQuoted(o.include_genres);
  if (!o.exclude_genres.empty()) {
    f.filters_text_ +=
        (f.filters_text_.empty() ? "" : ", ") + std::string("no ") + JoinQuoted(o.exclude_genres);
  }
  if (!o.allow_explicit)
    f.filters_text_ += (f.filters_text_.empty() ? "" : ", ") + std::string("no explicit tracks");
  if (f.cap_ > 0) {
    f.filters_text_ += (f.filters_text_.empty() ? "" : ", ") + std::string("at most ") +
                       std::to_string(f.cap_) + " per artist";
  }

  std::size_t eligible = 0;
  for (std::uint16_t g = 0; g < f.genre_ok_.size(); ++g) {
    if (!f.genre_ok_[g]) continue;
    eligible += index.CountGenre(g, false) + (o.allow_explicit ? index.CountGenre(g, true) : 0);
  }
  if (eligible < static_cast<std::size_t>(length)) {
    std::string msg = "only " + std::to_string(eligible) + " of " + std::to_string(index.size()) +
                      " tracks match (" +
                      (f.filters_text_.empty() ? "no filters" : f.filters_text_) +
                      ") and the playlist needs " + std::to_string(length) + ": ";
    if (!unknown.empty()) {
      std::vector<std::string> known = index.genres();
      msg += "the catalogue has no genre " + JoinQuoted(unknown) + " (it has " + JoinQuoted(known) +
             "); ";
    }
    msg += "include more genres, exclude fewer";
    if (!o.allow_explicit) msg += ", allow explicit tracks";
    msg += " or ask for fewer tracks";
    return MakeError(ErrorCode::kFailedPrecondition, msg);
  }
  return f;
}

void PlanFilters::Take(const IndexEntry& e) {
  used_.push_back(e.track);
  for (auto& [artist, count] : artist_counts_) {
    if (artist == e.artist) {
      ++count;
      return;
    }
  }
  artist_counts_.emplace_back(e.artist, 1);
}

platform::Error PlanFilters::Exhausted(int position, int length) const {
  std::string msg = "ran out of tracks at track " + std::to_string(position) + " of " +
                    std::to_string(length) + " (" +
                    (filters_text_.empty() ? "no filters" : filters_text_) + "): ";
  msg += cap_ > 0 ? "raise the per-artist cap, include more genres" : "include more genres";
  msg += " or ask for fewer tracks";
  return MakeError(ErrorCode::kFailedPrecondition, msg);
}

}  // namespace moodtape::playlist::internal
