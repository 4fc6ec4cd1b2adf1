// The `album` job: what a user asks for (a genre, a song count, a theme, a cover description and
// an optional seed), its limits, and the one parser both sides use, as mood_job.h does for moods:
// the gateway parses POST /api/v1/albums with ParseAlbumRequest and enqueues AlbumJobPayload; the
// worker reads it back with ParseAlbumJob through the same field rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/base/error.h"

namespace moodtape::worker {

inline constexpr std::string_view kAlbumJobType = "album";

inline constexpr int kMinAlbumSongs = 1;
inline constexpr int kMaxAlbumSongs = 10;
inline constexpr size_t kMaxAlbumThemeChars = 200;
inline constexpr size_t kMaxCoverDescriptionChars = 300;
inline constexpr size_t kMaxArtistChars = 100;

struct AlbumRequest {
  std::string genre;  // a producer genre id ("heavy-metal"), as ParseGenre normalises it
  int songs_count = 1;
  std::string theme;              // trimmed, 1..200 characters
  std::string cover_description;  // trimmed, 0..300 characters
  // The album's seed: the same seed gives the same album. Absent from a request: the gateway
  // picks one before enqueuing, so a retried job makes the same songs.
  uint64_t seed = 0;
  bool has_seed = false;
};

struct AlbumJob : AlbumRequest {
  std::string job_id;
  std::string user_id;
  std::string artist;  // the name on the cover: the user's name, from their token
  std::string request_id;
};

// The body of POST /api/v1/albums: {"genre", "songs_count", "theme", "cover_description"?,
// "seed"?}. kInvalidArgument naming the field (an unknown genre lists the known ones).
platform::Result<AlbumRequest> ParseAlbumRequest(std::string_view body);

// The payload: the request with its seed (required here) plus "artist" and "request_id".
std::string AlbumJobPayload(const AlbumRequest& request, uint64_t seed, std::string_view artist,
                            std::string_view request_id);

platform::Result<AlbumJob> ParseAlbumJob(const std::string& job_id, const std::string& owner,
                                         std::string_view payload_json);

}  // namespace moodtape::worker
