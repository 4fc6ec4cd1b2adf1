// The track catalogue: one CatalogTrack per song with its place in the mood plane, and the
// readers that turn a CSV (the default Spotify catalogue) or JSON Lines stream into tracks.
// Readers are plain functions over an istream so the store, the CLI and tests share them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::playlist {

// A point in the mood plane: x = valence, y = arousal, both in [-1, 1].
struct MoodPoint {
  double x = 0;
  double y = 0;
};

double Distance(MoodPoint a, MoodPoint b);

// Whether a track is marked explicit. The default catalogue carries no flag (kUnknown).
enum class ExplicitFlag : std::uint8_t { kUnknown, kClean, kExplicit };

struct CatalogTrack {
  std::string id;
  std::string title;
  std::string artist;
  std::string album;
  std::string genre;
  std::int64_t duration_ms = 0;
  double tempo = 0;         // BPM
  int key = -1;             // pitch class 0-11, -1 unknown
  int mode = -1;            // 1 major, 0 minor, -1 unknown
  double valence = 0;       // 0-1
  double energy = 0;        // 0-1, used as arousal
  double danceability = 0;  // 0-1
  ExplicitFlag explicit_flag = ExplicitFlag::kUnknown;
  std::string source;  // where the row came from, e.g. "spotify_songs"

  // x = 2·valence − 1, y = 2·energy − 1.
  MoodPoint Point() const { return {2 * valence - 1, 2 * energy - 1}; }
};

// A row that could not be parsed at all, with its 1-based line number in the input.
struct RowProblem {
  std::size_t line = 0;
  std::string reason;
};

// What an import did. Rejection reasons (keys of `rejected`): "malformed", "missing_id",
// "missing_title", "missing_artist", "zero_tempo", "duplicate_id".
struct ImportReport {
  std::size_t rows = 0;  // data rows seen (header and blank lines excluded)
  std::size_t accepted = 0;
  std::map<std::string, std::size_t> rejected;
  std::vector<RowProblem> problems;  // malformed rows, at most kMaxReportedProblems of them

  static constexpr std::size_t kMaxReportedProblems = 100;
  std::size_t RejectedTotal() const;
};

struct ImportResult {
  std::vector<CatalogTrack> tracks;  // deduplicated by id, first valid occurrence wins
  std::vector<std::size_t> lines;    // lines[i]: the 1-based line tracks[i] started on (0: none)
  ImportReport report;
};

// The import rules for tracks parsed elsewhere (the readers below use it too; so does the
// client-streaming import, whose tracks arrive already parsed): a value out of range is
// "malformed"; a missing id/title/artist ("" or "NA") or a zero tempo is dropped and counted; the
// first valid occurrence of an id wins.
class CatalogAdmitter {
 public:
  // Returns the rejection reason (a key of ImportReport::rejected), or "" when admitted.
  // `detail` receives a sentence for a person when the track is rejected.
  std::string_view Offer(CatalogTrack track, std::size_t line, std::string* detail = nullptr);
  // A row that could not be parsed into a track at all.
  void Malformed(std::size_t line, std::string reason);
  void CountRow() { ++result_.report.rows; }
  ImportResult Take() { return std::move(result_); }

 private:
  ImportResult result_;
  std::unordered_set<std::string> seen_;
};

// The feature ranges every reader shares: an error text, or "" when the values are in range.
std::string CheckTrackRanges(const CatalogTrack& track);

// CSV with a header naming at least track_id, track_name, track_artist, valence, energy, tempo
// (the spotify_songs.csv columns; album, genre, key, mode, danceability, duration_ms and
// explicit are optional). RFC 4180 quoting, quoted newlines allowed. "NA" or an empty field
// counts as missing. Fails only when the header lacks a required column.
platform::Result<ImportResult> ReadCatalogCsv(std::istream& in, std::string_view source);

// One JSON object per line: {"id","title","artist","album","genre","duration_ms","tempo","key",
// "mode","valence","energy","danceability","explicit"}; id, title, artist, valence, energy and
// tempo are required. Never fails as a whole; bad lines are counted and reported.
ImportResult ReadCatalogJsonLines(std::istream& in, std::string_view source);

}  // namespace moodtape::playlist
