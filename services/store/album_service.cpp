#include "services/store/album_service.h"

#include <string>

#include "platform/base/error.h"

namespace moodtape::store {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr const char* kService = "/moodtape.store.v1.AlbumService/";

void ToProto(const AlbumSong& s, v1::StoredSong* out) {
  out->set_index(s.index);
  out->set_title(s.title);
  out->set_lyrics(s.lyrics);
  out->set_key(s.key);
  out->set_tempo_bpm(s.tempo_bpm);
  out->set_duration_seconds(s.duration_seconds);
  out->set_ogg_asset_id(s.ogg_asset_id);
  out->set_mp3_asset_id(s.mp3_asset_id);
  out->set_midi_asset_id(s.midi_asset_id);
  out->set_lrc_asset_id(s.lrc_asset_id);
  out->set_lyrics_by(s.lyrics_by);
}

void ToProto(const Album& a, v1::StoredAlbum* out) {
  out->set_id(a.id);
  out->set_owner_user_id(a.owner_user_id);
  out->set_job_id(a.job_id);
  out->set_title(a.title);
  out->set_genre(a.genre);
  out->set_theme(a.theme);
  out->set_cover_description(a.cover_description);
  out->set_seed(a.seed);
  out->set_cover_asset_id(a.cover_asset_id);
  out->set_cover_thumbnail_asset_id(a.cover_thumbnail_asset_id);
  for (const auto& s : a.songs) ToProto(s, out->add_songs());
  out->set_created_at_unix_ms(a.created_at_ms);
}

// id and created_at are the store's to assign, so incoming ones are ignored.
Album FromProto(const v1::StoredAlbum& in) {
  Album a;
  a.owner_user_id = in.owner_user_id();
  a.job_id = in.job_id();
  a.title = in.title();
  a.genre = in.genre();
  a.theme = in.theme();
  a.cover_description = in.cover_description();
  a.seed = in.seed();
  a.cover_asset_id = in.cover_asset_id();
  a.cover_thumbnail_asset_id = in.cover_thumbnail_asset_id();
  for (const auto& s : in.songs()) {
    a.songs.push_back(AlbumSong{s.index(), s.title(), s.lyrics(), s.key(), s.tempo_bpm(),
                                s.duration_seconds(), s.ogg_asset_id(), s.mp3_asset_id(),
                                s.midi_asset_id(), s.lrc_asset_id(), s.lyrics_by()});
  }
  return a;
}

}  // namespace

void AllowAlbumCallers(platform::AccessPolicy& policy) {
  policy.Allow(std::string(kService) + "SaveAlbum", {"worker"});
  policy.Allow(std::string(kService) + "GetAlbum", {"gateway", "worker"});
  policy.Allow(std::string(kService) + "ListAlbums", {"gateway"});
  policy.Allow(std::string(kService) + "DeleteAlbum", {"gateway"});
}

grpc::ServerUnaryReactor* AlbumServiceImpl::SaveAlbum(grpc::CallbackServerContext* ctx,
                                                      const v1::SaveAlbumRequest* req,
                                                      v1::SaveAlbumResponse* res) {
  return pool_.Run(ctx, [this, req, res]() -> platform::Status {
    if (!req->has_album()) return MakeError(ErrorCode::kInvalidArgument, "album is required");
    auto saved = storage_.SaveAlbum(FromProto(req->album()));
    if (!saved.ok()) return saved.error();
    ToProto(saved->album, res->mutable_album());
    res->set_created(saved->created);
    return platform::Status::Ok();
  });
}

grpc::ServerUnaryReactor* AlbumServiceImpl::GetAlbum(grpc::CallbackServerContext* ctx,
                                                     const v1::GetAlbumRequest* req,
                                                     v1::GetAlbumResponse* res) {
  return pool_.Run(ctx, [this, req, res]() -> platform::Status {
    auto album = storage_.GetAlbum(req->owner_user_id(), req->album_id());
    if (!album.ok()) return album.error();
    ToProto(*album, res->mutable_album());
    return platform::Status::Ok();
  });
}

grpc::ServerUnaryReactor* AlbumServiceImpl::ListAlbums(grpc::CallbackServerContext* ctx,
                                                       const v1::ListAlbumsRequest* req,
                                                       v1::ListAlbumsResponse* res) {
  return pool_.Run(ctx, [this, req, res]() -> platform::Status {
    auto page = storage_.ListAlbums(req->owner_user_id(), req->page_size(), req->page_token());
    if (!page.ok()) return page.error();
    for (const auto& album : page->albums) ToProto(album, res->add_albums());
    res->set_next_page_token(page->next_cursor);
    return platform::Status::Ok();
  });
}

grpc::ServerUnaryReactor* AlbumServiceImpl::DeleteAlbum(grpc::CallbackServerContext* ctx,
                                                        const v1::DeleteAlbumRequest* req,
                                                        v1::DeleteAlbumResponse* res) {
  return pool_.Run(ctx, [this, req, res]() -> platform::Status {
    auto released = storage_.DeleteAlbum(req->owner_user_id(), req->album_id());
    if (!released.ok()) return released.error();
    res->set_deleted_assets(static_cast<int32_t>(*released));
    return platform::Status::Ok();
  });
}

}  // namespace moodtape::store
