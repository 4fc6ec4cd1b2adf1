#include "services/worker/album_ports.h"

#include "moodtape/designer/v1/designer_service.grpc.pb.h"
#include "moodtape/producer/v1/producer_service.grpc.pb.h"
#include "moodtape/store/v1/album_service.grpc.pb.h"
#include "moodtape/store/v1/asset_service.grpc.pb.h"
#include "platform/base/encoding.h"
#include "platform/base/log.h"
#include "platform/grpc/status.h"

namespace moodtape::worker {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr size_t kUploadChunk = 256 * 1024;
constexpr int64_t kProgressTtlMs = 24LL * 3600 * 1000;

producer::v1::SongSpec Spec(const AlbumJob& job, int index) {
  producer::v1::SongSpec spec;
  spec.set_genre(job.genre);
  spec.set_theme(job.theme);
  spec.set_seed(job.seed);
  spec.set_index(index);
  return spec;
}

std::optional<producer::v1::AudioFormat> FormatOf(const std::string& name) {
  if (name == "ogg") return producer::v1::AUDIO_FORMAT_OGG;
  if (name == "mp3") return producer::v1::AUDIO_FORMAT_MP3;
  if (name == "midi") return producer::v1::AUDIO_FORMAT_MIDI;
  if (name == "lrc") return producer::v1::AUDIO_FORMAT_LRC;
  return std::nullopt;
}

}  // namespace

platform::Result<WrittenSong> GrpcSongsPort::Write(const AlbumJob& job, int index) {
  auto stub = producer::v1::ProducerService::NewStub(channel_);
  producer::v1::WriteSongRequest req;
  *req.mutable_song() = Spec(job, index);
  producer::v1::WriteSongResponse res;
  auto ctx = JobCallContext(options_.call_timeout);
  if (auto status = stub->WriteSong(ctx.get(), req, &res); !status.ok()) {
    return platform::FromGrpcStatus(status);
  }
  const auto& s = res.song();
  WrittenSong song;
  song.index = index;
  song.title = s.title();
  song.lyrics = s.lyrics();
  song.key = s.key();
  song.tempo_bpm = s.tempo_bpm();
  song.duration_seconds = s.duration_seconds();
  song.lyrics_by = s.lyrics_by().empty() ? "builtin" : s.lyrics_by();
  return song;
}

platform::Result<std::vector<RenderedFile>> GrpcSongsPort::Render(
    const AlbumJob& job, const WrittenSong& song, const std::vector<std::string>& formats) {
  auto stub = producer::v1::ProducerService::NewStub(channel_);
  producer::v1::RenderSongRequest req;
  *req.mutable_song() = Spec(job, song.index);
  // The words as written (a text model's are not named by the spec).
  req.set_lyrics(song.lyrics);
  req.set_title(song.title);
  for (const auto& name : formats) {
    auto format = FormatOf(name);
    if (!format) return MakeError(ErrorCode::kInvalidArgument, "unknown format " + name);
    req.add_formats(*format);
  }
  auto ctx = JobCallContext(options_.render_timeout);
  auto reader = stub->RenderSong(ctx.get(), req);
  std::vector<RenderedFile> files;
  producer::v1::RenderSongResponse msg;
  while (reader->Read(&msg)) {
    if (msg.has_header()) {
      if (files.size() >= formats.size()) break;
      RenderedFile file;
      file.format = formats[files.size()];
      file.media_type = msg.header().media_type();
      file.duration_seconds = msg.header().duration_seconds();
      file.loudness_lufs = msg.header().loudness_lufs();
      file.bytes.reserve(static_cast<size_t>(msg.header().size_bytes()));
      files.push_back(std::move(file));
    } else if (!files.empty()) {
      files.back().bytes += msg.chunk();
    }
  }
  if (auto status = reader->Finish(); !status.ok()) return platform::FromGrpcStatus(status);
  if (files.size() != formats.size()) {
    return MakeError(ErrorCode::kInternal, "the producer sent " + std::to_string(files.size()) +
                                               " files for " + std::to_string(formats.size()) +
                                               " formats");
  }
  return files;
}

platform::Result<DesignedCover> GrpcCoverPort::Design(const AlbumJob& job,
                                                      const std::string& title) {
  auto stub = designer::v1::DesignerService::NewStub(channel_);
  designer::v1::DesignCoverRequest req;
  auto* cover = req.mutable_cover();
  cover->set_description(job.cover_description);
  cover->set_genre(job.genre);
  cover->set_title(title);
  cover->set_artist(job.artist);
  cover->set_seed(job.seed);
  designer::v1::DesignCoverResponse res;
  auto ctx = JobCallContext(options_.render_timeout);
  if (auto status = stub->DesignCover(ctx.get(), req, &res); !status.ok()) {
    return platform::FromGrpcStatus(status);
  }
  DesignedCover out;
  out.png = res.png();
  out.thumbnail_png = res.thumbnail_png();
  out.palette.assign(res.palette().begin(), res.palette().end());
  out.motifs.assign(res.motifs().begin(), res.motifs().end());
  out.designed_by = res.designed_by().empty() ? "builtin" : res.designed_by();
  return out;
}

platform::Result<std::string> GrpcAlbumStorePort::PutAsset(const std::string& owner,
                                                           const std::string& media_type,
                                                           const std::string& bytes) {
  auto stub = store::v1::AssetService::NewStub(channel_);
  store::v1::PutAssetResponse res;
  auto ctx = JobCallContext(options_.render_timeout);
  auto writer = stub->PutAsset(ctx.get(), &res);
  store::v1::PutAssetRequest header;
  header.mutable_header()->set_owner_user_id(owner);
  header.mutable_header()->set_media_type(media_type);
  header.mutable_header()->set_size_bytes(static_cast<int64_t>(bytes.size()));
  // The digest lets the store check the bytes end to end, and lets it accept a re-upload of
  // bytes the user already holds even when their quota is full (a retried album job).
  header.mutable_header()->set_sha256(platform::Sha256Hex(bytes));
  bool sent = writer->Write(header);
  for (size_t at = 0; sent && at < bytes.size(); at += kUploadChunk) {
    store::v1::PutAssetRequest chunk;
    chunk.set_chunk(bytes.substr(at, kUploadChunk));
    sent = writer->Write(chunk);
  }
  writer->WritesDone();
  if (auto status = writer->Finish(); !status.ok()) return platform::FromGrpcStatus(status);
  return res.asset().asset_id();
}

platform::Result<std::string> GrpcAlbumStorePort::SaveAlbum(const AlbumJob& job,
                                                            const Json& album) {
  auto stub = store::v1::AlbumService::NewStub(channel_);
  store::v1::SaveAlbumRequest req;
  auto* a = req.mutable_album();
  a->set_owner_user_id(job.user_id);
  a->set_job_id(job.job_id);
  a->set_title(album.value("title", ""));
  a->set_genre(job.genre);
  a->set_theme(job.theme);
  a->set_cover_description(job.cover_description);
  a->set_seed(job.seed);
  const Json cover = album.value("cover", Json::object());
  a->set_cover_asset_id(cover.value("asset_id", ""));
  a->set_cover_thumbnail_asset_id(cover.value("thumbnail_asset_id", ""));
  for (const auto& s : album.value("songs", Json::array())) {
    auto* song = a->add_songs();
    song->set_index(s.value("index", 0));
    song->set_title(s.value("title", ""));
    song->set_lyrics(s.value("lyrics", ""));
    song->set_key(s.value("key", ""));
    song->set_tempo_bpm(s.value("tempo_bpm", 0.0));
    song->set_duration_seconds(s.value("duration_seconds", 0.0));
    song->set_lyrics_by(s.value("lyrics_by", "builtin"));
    const Json assets = s.value("assets", Json::object());
    song->set_ogg_asset_id(assets.value("ogg", ""));
    song->set_mp3_asset_id(assets.value("mp3", ""));
    song->set_midi_asset_id(assets.value("midi", ""));
    song->set_lrc_asset_id(assets.value("lrc", ""));
  }
  store::v1::SaveAlbumResponse res;
  auto ctx = JobCallContext(options_.call_timeout);
  if (auto status = stub->SaveAlbum(ctx.get(), req, &res); !status.ok()) {
    return platform::FromGrpcStatus(status);
  }
  return res.album().id();
}

std::string RedisProgressPort::Key(const std::string& job_id) const {
  return prefix_ + "jobs:album_progress:" + job_id;
}

Json RedisProgressPort::Load(const std::string& job_id) {
  auto reply = redis_.Command({"GET", Key(job_id)});
  if (!reply.ok() || !reply->is_string()) return Json::object();
  Json j = Json::parse(reply->str(), nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json::object();
}

void RedisProgressPort::Store(const std::string& job_id, const Json& progress) {
  auto reply =
      redis_.Command({"SET", Key(job_id), progress.dump(), "PX", std::to_string(kProgressTtlMs)});
  if (!reply.ok()) {
    platform::LogWarn("album progress not saved; a retry would redo work",
                      {{"job_id", job_id}, {"error", reply.error().message}});
  }
}

void RedisProgressPort::Clear(const std::string& job_id) {
  // A failure only leaves the key to its TTL.
  (void)redis_.Command({"DEL", Key(job_id)});
}

}  // namespace moodtape::worker
