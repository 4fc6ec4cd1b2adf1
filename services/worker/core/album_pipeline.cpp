#include "services/worker/core/album_pipeline.h"

namespace moodtape::worker {
namespace {

using platform::ErrorCode;
using platform::MakeError;

Json SongJson(const WrittenSong& s) {
  return {{"index", s.index},         {"title", s.title},
          {"lyrics", s.lyrics},       {"key", s.key},
          {"tempo_bpm", s.tempo_bpm}, {"duration_seconds", s.duration_seconds},
          {"lyrics_by", s.lyrics_by}};
}

WrittenSong SongFromJson(const Json& j) {
  WrittenSong s;
  s.index = j.value("index", 0);
  s.title = j.value("title", "");
  s.lyrics = j.value("lyrics", "");
  s.key = j.value("key", "");
  s.tempo_bpm = j.value("tempo_bpm", 0.0);
  s.duration_seconds = j.value("duration_seconds", 0.0);
  s.lyrics_by = j.value("lyrics_by", "builtin");
  return s;
}

platform::Error Stopped() {
  return MakeError(ErrorCode::kUnavailable, "the worker is stopping; the job continues elsewhere");
}

}  // namespace

platform::Result<Json> AlbumPipeline::Run(const AlbumJob& job, const PublishFn& publish,
                                          const StopFn& stop) {
  auto stopping = [&] { return stop && stop(); };
  // What earlier attempts finished: written songs, each song's assets, the cover's.
  Json progress = progress_.Load(job.job_id);
  if (!progress.is_object()) progress = Json::object();
  if (!progress.contains("songs")) progress["songs"] = Json::object();
  if (!progress.contains("assets")) progress["assets"] = Json::object();
  if (!progress.contains("loudness")) progress["loudness"] = Json::object();
  auto remember = [&] { progress_.Store(job.job_id, progress); };

  // 1. Every song's words first, so the listener sees the whole album take shape quickly.
  std::vector<WrittenSong> songs;
  for (int i = 0; i < job.songs_count; ++i) {
    const std::string key = std::to_string(i);
    WrittenSong song;
    if (progress["songs"].contains(key)) {
      song = SongFromJson(progress["songs"][key]);
    } else {
      if (stopping()) return Stopped();
      auto written = songs_.Write(job, i);
      if (!written.ok()) return written.error();
      song = std::move(written).value();
      progress["songs"][key] = SongJson(song);
      remember();
    }
    Json event = SongJson(song);
    event["songs_count"] = job.songs_count;
    publish("song_written", event);
    songs.push_back(std::move(song));
  }

  // 2. Each song's files, stored as assets: the slow part (rendering), one song at a time.
  Json album_songs = Json::array();
  for (const auto& song : songs) {
    const std::string key = std::to_string(song.index);
    Json assets = progress["assets"].value(key, Json());
    if (!assets.is_object()) {
      if (stopping()) return Stopped();
      auto files = songs_.Render(job, song, AlbumSongFormats());
      if (!files.ok()) return files.error();
      assets = Json::object();
      for (const auto& file : *files) {
        auto id = store_.PutAsset(job.user_id, file.media_type, file.bytes);
        if (!id.ok()) return id.error();
        assets[file.format] = *id;
        if (file.format == "ogg") progress["loudness"][key] = file.loudness_lufs;
      }
      progress["assets"][key] = assets;
      remember();
    }
    Json rendered = {{"index", song.index},
                     {"title", song.title},
                     {"assets", assets},
                     {"duration_seconds", song.duration_seconds}};
    // Kept with the progress, so a retried job's event still says how loud the song is.
    if (const Json loudness = progress["loudness"].value(key, Json()); loudness.is_number()) {
      rendered["loudness_lufs"] = loudness;
    }
    publish("song_rendered", rendered);
    Json stored = SongJson(song);
    stored["assets"] = assets;
    album_songs.push_back(std::move(stored));
  }

  // 3. The cover, named after the title track.
  const std::string title = songs.front().title;
  Json cover = progress.value("cover", Json());
  if (!cover.is_object()) {
    if (stopping()) return Stopped();
    auto designed = cover_.Design(job, title);
    if (!designed.ok()) return designed.error();
    auto image = store_.PutAsset(job.user_id, "image/png", designed->png);
    if (!image.ok()) return image.error();
    auto thumbnail = store_.PutAsset(job.user_id, "image/png", designed->thumbnail_png);
    if (!thumbnail.ok()) return thumbnail.error();
    cover = {{"asset_id", *image},
             {"thumbnail_asset_id", *thumbnail},
             {"palette", designed->palette},
             {"motifs", designed->motifs},
             {"designed_by", designed->designed_by}};
    progress["cover"] = cover;
    remember();
  }
  publish("cover", cover);

  // 4. The album, once per job (the store settles a retry).
  Json album = {{"title", title},     {"genre", job.genre},
                {"theme", job.theme}, {"cover_description", job.cover_description},
                {"seed", job.seed},   {"artist", job.artist},
                {"cover", cover},     {"songs", album_songs}};
  auto album_id = store_.SaveAlbum(job, album);
  if (!album_id.ok()) return album_id.error();
  progress_.Clear(job.job_id);
  publish("saved", {{"album_id", *album_id}});
  album["album_id"] = *album_id;
  album["job_id"] = job.job_id;
  return album;
}

}  // namespace moodtape::worker
