// One album in the gateway's documented shapes (a job's result, GET /api/v1/albums/{id} and the
// album job's stage events), shared by the CLI's unit tests and the fake gateway of cli_test.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace moodtape::cli::samples {

// A well-formed asset id (64 lower-case hex), different for every n.
inline std::string SampleAssetId(int n) {
  char tail[8];
  std::snprintf(tail, sizeof tail, "%02x", n & 0xff);
  return std::string(62, 'a') + tail;
}

inline std::string SampleAssetUrl(int n) { return "/api/v1/assets/" + SampleAssetId(n); }

struct SampleSongSpec {
  const char* title;
  const char* lyrics;
  const char* key;
  double tempo_bpm;
  double duration_seconds;
};

inline const SampleSongSpec kSampleSongs[] = {
    {"Iron Sky",
     "[Verse 1]\nSteel wings over the burning town\nNo one left to bring them down\n\n"
     "[Chorus]\nIron sky, iron sky\n",
     "E minor", 140, 191.6},
    {"Ember Crown!", "[Verse 1]\nA crown of embers on her head\n", "A minor", 150, 185.0},
    {"Ashes & Wings", "[Intro]\nAshes fall\n", "D minor", 132, 203.4},
};

// Song `index` (from 0) of the sample album: its ogg, mp3, midi and lrc are assets 10*index+11..14.
inline nlohmann::json SampleWrittenSong(int index) {
  const SampleSongSpec& s = kSampleSongs[index];
  return {{"index", index},           {"title", s.title},
          {"lyrics", s.lyrics},       {"key", s.key},
          {"tempo_bpm", s.tempo_bpm}, {"duration_seconds", s.duration_seconds},
          {"lyrics_by", "builtin"}};
}

inline nlohmann::json SampleSongAssets(int index) {
  int base = 10 * index + 11;
  return {{"ogg", SampleAssetId(base)},
          {"mp3", SampleAssetId(base + 1)},
          {"midi", SampleAssetId(base + 2)},
          {"lrc", SampleAssetId(base + 3)}};
}

inline nlohmann::json SampleCover() {
  return {{"asset_id", SampleAssetId(1)},
          {"thumbnail_asset_id", SampleAssetId(2)},
          {"palette", {"#1a0f0f", "#c0392b"}},
          {"motifs", {"dragon", "fire"}},
          {"designed_by", "builtin"}};
}

// The `succeeded` event's data.result (and the job's result) for the three-song album.
inline nlohmann::json SampleAlbumResult() {
  nlohmann::json songs = nlohmann::json::array();
  for (int i = 0; i < 3; ++i) {
    nlohmann::json song = SampleWrittenSong(i);
    song["assets"] = SampleSongAssets(i);
    songs.push_back(std::move(song));
  }
  return {{"title", "Iron Sky"},
          {"genre", "heavy-metal"},
          {"theme", "dragons and fire"},
          {"cover_description", "a red dragon over a burning city"},
          {"seed", 7},
          {"artist", "ada"},
          {"cover", SampleCover()},
          {"songs", std::move(songs)},
          {"album_id", "alb-1"},
          {"job_id", "job-1"}};
}

// GET /api/v1/albums/{id} for the same album (`with_lyrics` false: as GET /api/v1/albums lists).
inline nlohmann::json SampleStoredAlbum(bool with_lyrics = true) {
  nlohmann::json songs = nlohmann::json::array();
  for (int i = 0; i < 3; ++i) {
    nlohmann::json song = SampleWrittenSong(i);
    if (!with_lyrics) song.erase("lyrics");
    int base = 10 * i + 11;
    song["audio"] = {{"ogg", SampleAssetUrl(base)}, {"mp3", SampleAssetUrl(base + 1)}};
    song["midi"] = SampleAssetUrl(base + 2);
    song["lrc"] = SampleAssetUrl(base + 3);
    songs.push_back(std::move(song));
  }
  return {{"id", "alb-1"},
          {"job_id", "job-1"},
          {"title", "Iron Sky"},
          {"genre", "heavy-metal"},
          {"theme", "dragons and fire"},
          {"cover_description", "a red dragon over a burning city"},
          {"seed", 7},
          {"created_at_ms", 1714564800000},
          {"cover", {{"url", SampleAssetUrl(1)}, {"thumbnail_url", SampleAssetUrl(2)}}},
          {"songs_count", 3},
          {"songs", std::move(songs)}};
}

// The stage data of the album job, in the order the worker publishes it (without the queue's
// running/succeeded events): three song_written, three song_rendered, cover, saved.
inline std::vector<std::pair<std::string, nlohmann::json>> SampleAlbumStages() {
  std::vector<std::pair<std::string, nlohmann::json>> stages;
  for (int i = 0; i < 3; ++i) {
    nlohmann::json data = SampleWrittenSong(i);
    data["songs_count"] = 3;
    stages.emplace_back("song_written", data);
  }
  for (int i = 0; i < 3; ++i) {
    nlohmann::json data = {{"index", i},
                           {"title", kSampleSongs[i].title},
                           {"assets", SampleSongAssets(i)},
                           {"duration_seconds", kSampleSongs[i].duration_seconds}};
    if (i == 0) data["loudness_lufs"] = -14.02;
    stages.emplace_back("song_rendered", data);
  }
  stages.emplace_back("cover", SampleCover());
  stages.emplace_back("saved", nlohmann::json{{"album_id", "alb-1"}});
  return stages;
}

}  // namespace moodtape::cli::samples
