// The album pipeline one `album` job runs: write every song (publishing `song_written` as each
// is ready), render each (Ogg, MP3, MIDI, timed lyrics), store the files as assets (publishing
// `song_rendered`), draw the cover and store it (`cover`), save the album once per job (`saved`).
// The peers are ports, so unit tests drive it without a network; grpc_ports.h implements them.
//
// A retried job redoes nothing it finished: what was stored is remembered per job (ProgressPort),
// assets are content-addressed (the same song gives the same bytes and the same asset id), and
// the store saves one album per job id.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"
#include "services/worker/core/album_job.h"
#include "services/worker/core/job_events.h"

namespace moodtape::worker {

// What the producer wrote for one song of the album.
struct WrittenSong {
  int index = 0;
  std::string title;
  std::string lyrics;  // "[Label]" sections as the producer prints them
  std::string key;
  double tempo_bpm = 0;
  double duration_seconds = 0;
  std::string lyrics_by = "builtin";
};

struct RenderedFile {
  std::string format;      // "ogg", "mp3", "midi", "lrc"
  std::string media_type;  // "audio/ogg", ...
  std::string bytes;
  double duration_seconds = 0;
  double loudness_lufs = 0;
};

struct DesignedCover {
  std::string png;
  std::string thumbnail_png;
  std::vector<std::string> palette;
  std::vector<std::string> motifs;
  std::string designed_by = "builtin";
};

// The producer: song `index` of the album named by (genre, theme, seed), and its files.
class SongsPort {
 public:
  virtual ~SongsPort() = default;
  virtual platform::Result<WrittenSong> Write(const AlbumJob& job, int index) = 0;
  // The song sung with `song.lyrics` (so a text model's words are the ones rendered), one file per
  // format, rendered once.
  virtual platform::Result<std::vector<RenderedFile>> Render(
      const AlbumJob& job, const WrittenSong& song, const std::vector<std::string>& formats) = 0;
};

// The designer: the album's cover.
class CoverPort {
 public:
  virtual ~CoverPort() = default;
  virtual platform::Result<DesignedCover> Design(const AlbumJob& job, const std::string& title) = 0;
};

// The store: files (content-addressed) and the album (once per job).
class AlbumStorePort {
 public:
  virtual ~AlbumStorePort() = default;
  // The asset id (sha256 of the bytes).
  virtual platform::Result<std::string> PutAsset(const std::string& owner,
                                                 const std::string& media_type,
                                                 const std::string& bytes) = 0;
  // Saves `album` (the shape of AlbumJson below) for the job; the album id.
  virtual platform::Result<std::string> SaveAlbum(const AlbumJob& job, const Json& album) = 0;
};

// What a job has finished, kept across its attempts (Redis in the service; best effort: a lost
// record only costs redoing work).
class ProgressPort {
 public:
  virtual ~ProgressPort() = default;
  virtual Json Load(const std::string& job_id) = 0;  // {} when nothing is known
  virtual void Store(const std::string& job_id, const Json& progress) = 0;
  // After the album is saved: a redelivery then finds the saved album through the store.
  virtual void Clear(const std::string& job_id) = 0;
};

// True when the job should stop (the worker drains, or lost the job): the pipeline returns
// kUnavailable so the queue redoes it elsewhere.
using StopFn = std::function<bool()>;

// The formats every song is stored in.
inline const std::vector<std::string>& AlbumSongFormats() {
  static const std::vector<std::string> kFormats = {"ogg", "mp3", "midi", "lrc"};
  return kFormats;
}

class AlbumPipeline {
 public:
  AlbumPipeline(SongsPort& songs, CoverPort& cover, AlbumStorePort& store, ProgressPort& progress)
      : songs_(songs), cover_(cover), store_(store), progress_(progress) {}

  // The result JSON the job stores: {"album_id", "title", "songs": [...], "cover": {...}}.
  platform::Result<Json> Run(const AlbumJob& job, const PublishFn& publish,
                             const StopFn& stop = nullptr);

 private:
  SongsPort& songs_;
  CoverPort& cover_;
  AlbumStorePort& store_;
  ProgressPort& progress_;
};

}  // namespace moodtape::worker
