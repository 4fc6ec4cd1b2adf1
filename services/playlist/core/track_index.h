// The catalogue held for planning: the tracks plus a uniform grid over the mood plane. Each grid
// entry carries what the planner filters and scores on (point, genre, artist, tempo, key, explicit)
// so a query never touches the full CatalogTrack. Built once per catalogue version; immutable and
// safe to share between threads afterwards.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/playlist/core/catalog.h"

namespace moodtape::playlist {

// Camelot wheel code of a key: (number − 1) · 2 + (major ? 1 : 0), 0-23; -1 when unknown.
int CamelotCode(int key, int mode);
// True when two keys mix well: the same key, the relative major/minor, or one step round the wheel.
bool KeysMix(int camelot_a, int camelot_b);
// Tempo difference with half/double time counted as close: 0.05 means 5% apart.
double TempoJump(double bpm_a, double bpm_b);

// One track as the grid stores it (24 bytes).
struct IndexEntry {
  float x = 0;
  float y = 0;
  float tempo = 0;
  std::uint32_t track = 0;   // index into TrackIndex::tracks()
  std::uint32_t artist = 0;  // interned artist id
  std::uint16_t genre = 0;   // interned genre id
  std::int8_t camelot = -1;
  ExplicitFlag explicit_flag = ExplicitFlag::kUnknown;

  MoodPoint point() const { return {x, y}; }
};

struct Neighbor {
  const IndexEntry* entry = nullptr;
  double distance = 0;
};

class TrackIndex {
 public:
  explicit TrackIndex(std::vector<CatalogTrack> tracks);

  const std::vector<CatalogTrack>& tracks() const { return tracks_; }
  std::size_t size() const { return tracks_.size(); }
  const std::vector<std::string>& genres() const { return genres_; }
  std::optional<std::uint16_t> GenreId(std::string_view name) const;
  // Tracks per genre id, split by explicit flag (index 1 = kExplicit, 0 = anything else).
  std::size_t CountGenre(std::uint16_t genre, bool explicit_tracks) const;
  // Bytes held by the grid and the interning tables (not the CatalogTrack strings).
  std::size_t IndexBytes() const;

  // Up to k entries nearest to p that `accept` lets through, nearest first (ties by track
  // index, so results are deterministic). Rings of grid cells are visited outward and the
  // search stops once no unvisited cell can hold anything nearer than the k-th found.
  template <typename Accept>
  void Nearest(MoodPoint p, std::size_t k, const Accept& accept, std::vector<Neighbor>* out) const;

  // Every accepted entry within radius r of p, nearest first.
  template <typename Accept>
  void WithinRadius(MoodPoint p, double r, const Accept& accept, std::vector<Neighbor>* out) const;

 private:
  int CellCoord(double v) const {
    return std::clamp(static_cast<int>((v + 1.0) / cell_), 0, grid_ - 1);
  }
  template <typename Visit>
  void VisitCell(int cx, int cy, const Visit& visit) const {
    const std::size_t c = static_cast<std::size_t>(cy) * static_cast<std::size_t>(grid_) +
                          static_cast<std::size_t>(cx);
    for (std::uint32_t i = cell_start_[c]; i < cell_start_[c + 1]; ++i) visit(entries_[i]);
  }
  static bool Closer(const Neighbor& a, const Neighbor& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.entry->track < b.entry->track);
  }

  std::vector<CatalogTrack> tracks_;
  std::vector<std::string> genres_;
  std::unordered_map<std::string, std::uint16_t> genre_ids_;
  std::vector<std::size_t> genre_counts_;  // [genre * 2 + explicit]
  std::size_t artist_count_ = 0;
  int grid_ = 1;                           // cells per side
  double cell_ = 2.0;                      // cell side in mood-plane units
  std::vector<std::uint32_t> cell_start_;  // grid_² + 1 offsets into entries_
  std::vector<IndexEntry> entries_;        // sorted by cell
};

template <typename Accept>
void TrackIndex::Nearest(MoodPoint p, std::size_t k, const Accept& accept,
                         std::vector<Neighbor>* out) const {
  out->clear();
  if (k == 0 || entries_.empty()) return;
  const int cx = CellCoord(p.x), cy = CellCoord(p.y);
  // Distance from p to the nearest edge of its own cell: ring r holds nothing nearer than
  // edge + (r − 1) · cell. Points outside the plane are clamped, so the bound stays valid.
  const double px = std::clamp(p.x, -1.0, 1.0), py = std::clamp(p.y, -1.0, 1.0);
  const double lx = px - (-1.0 + cx * cell_), ly = py - (-1.0 + cy * cell_);
  const double edge = std::max(0.0, std::min({lx, cell_ - lx, ly, cell_ - ly}));
  auto heap_less = [](const Neighbor& a, const Neighbor& b) { return Closer(a, b); };
  auto visit = [&](const IndexEntry& e) {
    if (!accept(e)) return;
    const Neighbor n{&e, std::hypot(e.x - p.x, e.y - p.y)};
    if (out->size() < k) {
      out->push_back(n);
      std::push_heap(out->begin(), out->end(), heap_less);
    } else if (Closer(n, out->front())) {
      std::pop_heap(out->begin(), out->end(), heap_less);
      out->back() = n;
      std::push_heap(out->begin(), out->end(), heap_less);
    }
  };
  for (int r = 0; r < grid_; ++r) {
    if (r > 0 && out->size() == k && out->front().distance < edge + (r - 1) * cell_) break;
    const int x0 = cx - r, x1 = cx + r, y0 = cy - r, y1 = cy + r;
    for (int x = std::max(x0, 0); x <= std::min(x1, grid_ - 1); ++x) {
      if (y0 >= 0) VisitCell(x, y0, visit);
      if (r > 0 && y1 < grid_) VisitCell(x, y1, visit);
    }
    for (int y = std::max(y0 + 1, 0); y <= std::min(y1 - 1, grid_ - 1); ++y) {
      if (x0 >= 0) VisitCell(x0, y, visit);
      if (r > 0 && x1 < grid_) VisitCell(x1, y, visit);
    }
  }
  std::sort_heap(out->begin(), out->end(), heap_less);
}

template <typename Accept>
void TrackIndex::WithinRadius(MoodPoint p, double r, const Accept& accept,
                              std::vector<Neighbor>* out) const {
  out->clear();
  if (entries_.empty() || r < 0) return;
  const int x0 = CellCoord(p.x - r), x1 = CellCoord(p.x + r);
  const int y0 = CellCoord(p.y - r), y1 = CellCoord(p.y + r);
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      VisitCell(x, y, [&](const IndexEntry& e) {
        const double d = std::hypot(e.x - p.x, e.y - p.y);
        if (d <= r && accept(e)) out->push_back({&e, d});
      });
    }
  }
  std::sort(out->begin(), out->end(), Closer);
}

}  // namespace moodtape::playlist
