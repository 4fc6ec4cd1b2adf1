// The files `moodtape album --out DIR` writes, decided from the album's JSON alone: their names
// ("01-iron-sky.ogg"), which gateway asset each one is, and the text of lyrics.md. No I/O, so
// names and contents are unit tested; the command only downloads and renames.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace moodtape::cli {

inline constexpr const char* kLyricsFileName = "lyrics.md";
inline constexpr const char* kCoverFileName = "cover.png";

struct AlbumFile {
  std::string name;        // "01-iron-sky.ogg", a plain file name (no '/')
  std::string asset_path;  // "/api/v1/assets/<64 hex>"
};

struct AlbumFilePlan {
  std::vector<AlbumFile> downloads;  // the cover, then each song's .ogg, .mp3 and .mid
  // What the album names no valid asset for, as a sentence each ("song 2 has no mp3").
  std::vector<std::string> missing;
};

// "Iron Sky!" -> "iron-sky": ASCII letters and digits lower-cased, every other ASCII run becomes
// one '-', letters beyond ASCII kept as they are; at most 60 bytes; "song" when nothing is left.
std::string TitleSlug(std::string_view title);

// The song's people-facing number (the gateway counts from 0), else `fallback`.
int SongNumber(const nlohmann::json& song, int fallback);

// Accepts both shapes the gateway gives an album: a job's result (songs[].assets.{ogg,mp3,midi}
// and cover.asset_id as ids) and GET /api/v1/albums/{id} (songs[].audio.{ogg,mp3}, songs[].midi
// and cover.url as /api/v1/assets/<id> URLs). Anything else in those places is never fetched.
AlbumFilePlan PlanAlbumFiles(const nlohmann::json& album);

// lyrics.md: "# <album title>", then "## <n>. <song title>" and the song's lyrics for each song.
// Lyric lines end in a Markdown hard break (two spaces) so a viewer keeps them apart.
std::string LyricsMarkdown(const nlohmann::json& album);

}  // namespace moodtape::cli
