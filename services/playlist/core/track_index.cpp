#include "services/playlist/core/track_index.h"

#include <limits>

namespace moodtape::playlist {

int CamelotCode(int key, int mode) {
  if (key < 0 || key > 11 || (mode != 0 && mode != 1)) return -1;
  // A minor key sits on the same number as its relative major (three semitones up).
  const int major_pc = mode == 1 ? key : (key + 3) % 12;
  const int number = ((7 * major_pc) % 12 + 7) % 12 + 1;  // C major = 8B, G major = 9B
  return (number - 1) * 2 + (mode == 1 ? 1 : 0);
}

bool KeysMix(int a, int b) {
  if (a < 0 || b < 0) return false;
  const int na = a / 2, nb = b / 2;
  if (na == nb) return true;  // same key or relative major/minor
  if ((a % 2) != (b % 2)) return false;
  const int diff = (na - nb + 12) % 12;
  return diff == 1 || diff == 11;
}

double TempoJump(double a, double b) {
  if (a <= 0 || b <= 0) return 0;
  // Octaves apart, folded so that half and double time count as the same tempo.
  double octaves = std::fabs(std::log2(a / b));
  octaves -= std::floor(octaves);
  octaves = std::min(octaves, 1.0 - octaves);
  return std::exp2(octaves) - 1.0;
}

TrackIndex::TrackIndex(std::vector<CatalogTrack> tracks) : tracks_(std::move(tracks)) {
  const std::size_t n = tracks_.size();
  // About eight tracks per cell: few enough to scan, many enough that a 24-nearest query
  // touches a handful of cells. 512 cells per side caps the offsets table at 1 MiB.
  grid_ = std::clamp(static_cast<int>(std::sqrt(static_cast<double>(n) / 8.0)), 1, 512);
  cell_ = 2.0 / grid_;

  std::unordered_map<std::string, std::uint32_t> artist_ids;
  entries_.resize(n);
  std::vector<std::uint32_t> cell_of(n);
  cell_start_.assign(static_cast<std::size_t>(grid_) * static_cast<std::size_t>(grid_) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const CatalogTrack& t = tracks_[i];
    IndexEntry& e = entries_[i];
    const MoodPoint p = t.Point();
    e.x = static_cast<float>(p.x);
    e.y = static_cast<float>(p.y);
    e.tempo = static_cast<float>(t.tempo);
    e.track = static_cast<std::uint32_t>(i);
    e.artist = artist_ids.try_emplace(t.artist, static_cast<std::uint32_t>(artist_ids.size()))
                   .first->second;
    auto [it, added] = genre_ids_.try_emplace(t.genre, static_cast<std::uint16_t>(genres_.size()));
    if (added) {
      genres_.push_back(t.genre);
      genre_counts_.resize(genres_.size() * 2, 0);
    }
    e.genre = it->second;
    ++genre_counts_[e.genre * 2u + (t.explicit_flag == ExplicitFlag::kExplicit ? 1u : 0u)];
    e.camelot = static_cast<std::int8_t>(CamelotCode(t.key, t.mode));
    e.explicit_flag = t.explicit_flag;
    cell_of[i] = static_cast<std::uint32_t>(CellCoord(e.y) * grid_ + CellCoord(e.x));
    ++cell_start_[cell_of[i] + 1];
  }
  artist_count_ = artist_ids.size();
  for (std::size_t c = 1; c < cell_start_.size(); ++c) cell_start_[c] += cell_start_[c - 1];
  // Counting sort by cell keeps each cell's entries contiguous for cache-friendly scans.
  std::vector<IndexEntry> sorted(n);
  std::vector<std::uint32_t> next(cell_start_.begin(), cell_start_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) sorted[next[cell_of[i]]++] = entries_[i];
  entries_ = std::move(sorted);
}

std::optional<std::uint16_t> TrackIndex::GenreId(std::string_view name) const {
  const auto it = genre_ids_.find(std::string(name));
  if (it == genre_ids_.end()) return std::nullopt;
  return it->second;
}

std::size_t TrackIndex::CountGenre(std::uint16_t genre, bool explicit_tracks) const {
  const std::size_t i = genre * 2u + (explicit_tracks ? 1u : 0u);
  return i < genre_counts_.size() ? genre_counts_[i] : 0;
}

std::size_t TrackIndex::IndexBytes() const {
  std::size_t bytes = entries_.capacity() * sizeof(IndexEntry) +
                      cell_start_.capacity() * sizeof(std::uint32_t) +
                      genre_counts_.capacity() * sizeof(std::size_t);
  for (const auto& g : genres_) bytes += sizeof(std::string) + g.capacity();
  return bytes;
}

}  // namespace moodtape::playlist
