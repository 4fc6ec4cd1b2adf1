#include "services/gateway/album_routes.h"

#include "platform/base/log.h"
#include "platform/base/seed.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/status.h"
#include "services/gateway/core/asset_requests.h"
#include "services/gateway/core/mood_requests.h"
#include "services/worker/core/album_job.h"

namespace moodtape::gateway {

using nlohmann::json;
using platform::ErrorCode;
using platform::ErrorResponse;
using platform::HttpResponse;
using platform::MakeError;

namespace {

constexpr std::string_view kNoSuchAlbum = "no such album";
constexpr std::string_view kNoSuchAsset = "no such file";

HttpResponse NotFound(std::string_view what, const platform::HttpRequest& request) {
  return ErrorFor(ErrorCode::kNotFound, std::string(what), request);
}

std::string AssetUrl(const std::string& id) {
  return id.empty() ? std::string() : "/api/v1/assets/" + id;
}

}  // namespace

json AlbumJson(const store::v1::StoredAlbum& a, bool with_lyrics) {
  json songs = json::array();
  for (const auto& s : a.songs()) {
    json song = {
        {"index", s.index()},
        {"title", s.title()},
        {"key", s.key()},
        {"tempo_bpm", s.tempo_bpm()},
        {"duration_seconds", s.duration_seconds()},
        {"lyrics_by", s.lyrics_by()},
        {"audio", {{"ogg", AssetUrl(s.ogg_asset_id())}, {"mp3", AssetUrl(s.mp3_asset_id())}}},
        {"midi", AssetUrl(s.midi_asset_id())},
        {"lrc", AssetUrl(s.lrc_asset_id())}};
    if (with_lyrics) song["lyrics"] = s.lyrics();
    songs.push_back(std::move(song));
  }
  return {{"id", a.id()},
          {"job_id", a.job_id()},
          {"title", a.title()},
          {"genre", a.genre()},
          {"theme", a.theme()},
          {"cover_description", a.cover_description()},
          {"seed", a.seed()},
          {"created_at_ms", a.created_at_unix_ms()},
          {"cover",
           {{"url", AssetUrl(a.cover_asset_id())},
            {"thumbnail_url", AssetUrl(a.cover_thumbnail_asset_id())}}},
          {"songs_count", a.songs_size()},
          {"songs", std::move(songs)}};
}

AlbumSettings ReadAlbumSettings(platform::Config& config) {
  AlbumSettings s;
  s.rate.limit = config.Int("gateway", "album_rate_limit", s.rate.limit, 1, 1000000);
  s.rate.window = config.Millis("gateway", "album_rate_window_ms", 3600000, 1000, 7LL * 86400000);
  s.store_timeout = config.Millis("gateway", "store_timeout_ms", 3000, 100, 60000);
  s.asset_timeout = config.Millis("gateway", "asset_timeout_ms", 30000, 100, 600000);
  s.producer_timeout = config.Millis("gateway", "producer_timeout_ms", 3000, 100, 60000);
  s.busy_retry_after = std::chrono::seconds(
      config.Int("gateway", "busy_retry_after_s", s.busy_retry_after.count(), 1, 3600));
  return s;
}

AlbumRoutes::AlbumRoutes(AlbumSettings settings, platform::JobQueue& queue,
                         platform::RedisClient& redis,
                         std::shared_ptr<store::v1::AlbumService::StubInterface> albums,
                         std::shared_ptr<store::v1::AssetService::StubInterface> assets,
                         std::shared_ptr<producer::v1::ProducerService::StubInterface> producer)
    : settings_(std::move(settings)),
      queue_(queue),
      limiter_(redis),
      albums_(std::move(albums)),
      assets_(std::move(assets)),
      producer_(std::move(producer)) {}

void AlbumRoutes::Register(RouteTable& routes) {
  auto user = [this](auto method) {
    return [this, method](const Request& r, const Claims& c) { return (this->*method)(r, c); };
  };
  routes.Anyone("GET", "/api/v1/genres", [this](const Request& r) { return Genres(r); });
  routes.User("POST", "/api/v1/albums", user(&AlbumRoutes::Submit), {.json_body = true});
  routes.User("GET", "/api/v1/albums", user(&AlbumRoutes::List));
  routes.User("GET", "/api/v1/albums/{id}", user(&AlbumRoutes::Get));
  routes.User("DELETE", "/api/v1/albums/{id}", user(&AlbumRoutes::Delete));
  routes.User("GET", "/api/v1/assets/{id}", user(&AlbumRoutes::Asset));
}

std::string AlbumRoutes::RateKey(std::string_view user) const {
  return queue_.options().key_prefix + "gateway:album_rate:" + std::string(user);
}

HttpResponse AlbumRoutes::Genres(const Request& request) {
  {
    std::lock_guard lock(genres_mu_);
    if (!genres_.is_null()) return platform::JsonResponse(200, {{"genres", genres_}});
  }
  producer::v1::ListGenresResponse res;
  platform::CallContext parent = CallContextFor(request);
  auto ctx = platform::NewClientContext(settings_.producer_timeout, &parent);
  if (auto status = producer_->ListGenres(ctx.get(), {}, &res); !status.ok()) {
    return DownstreamFailure(platform::FromGrpcStatus(status), request, "the producer",
                             settings_.busy_retry_after);
  }
  json genres = json::array();
  for (const auto& g : res.genres()) {
    genres.push_back({{"id", g.id()},
                      {"name", g.name()},
                      {"description", g.description()},
                      {"min_tempo_bpm", g.min_tempo_bpm()},
                      {"max_tempo_bpm", g.max_tempo_bpm()}});
  }
  std::lock_guard lock(genres_mu_);
  genres_ = genres;
  HttpResponse out = platform::JsonResponse(200, {{"genres", genres_}});
  out.SetHeader("Cache-Control", "public, max-age=300");
  return out;
}

HttpResponse AlbumRoutes::Submit(const Request& request, const Claims& user) {
  auto key = ParseIdempotencyKey(request.Header("idempotency-key"));
  if (!key.ok()) return ErrorResponse(key.error(), request.request_id);
  auto album = worker::ParseAlbumRequest(request.body);
  if (!album.ok()) return ErrorResponse(album.error(), request.request_id);

  platform::Status charged = limiter_.Charge(RateKey(user.subject), settings_.rate);
  if (!charged.ok()) {
    if (charged.error().code == ErrorCode::kResourceExhausted) {
      HttpResponse res = ErrorResponse(
          MakeError(ErrorCode::kResourceExhausted,
                    "too many albums: at most " + std::to_string(settings_.rate.limit) + " every " +
                        std::to_string(settings_.rate.window.count() / 60000) + " minutes"),
          request.request_id);
      SetRetryAfter(res, *charged.error().retry_after);
      return res;
    }
    return DownstreamFailure(charged.error(), request, "the job queue", settings_.busy_retry_after);
  }
  // The seed is fixed before the job is queued, so every attempt makes the same songs.
  const uint64_t seed = album->has_seed ? album->seed : platform::FreshSeed();
  // The name on the cover: the user's, from the token auth signed.
  std::string artist = user.payload.is_object() ? user.payload.value("username", "") : "";
  if (artist.empty()) artist = "moodtape";
  platform::EnqueueOptions options;
  options.owner = user.subject;
  options.idempotency_key = *key;
  auto enqueued =
      queue_.Enqueue(worker::kAlbumJobType,
                     worker::AlbumJobPayload(*album, seed, artist, request.request_id), options);
  if (!enqueued.ok()) {
    if (enqueued.error().code == ErrorCode::kResourceExhausted) {
      HttpResponse res = ErrorResponse(
          MakeError(ErrorCode::kUnavailable, "too many jobs are waiting; try again later"),
          request.request_id);
      SetRetryAfter(res, settings_.busy_retry_after);
      return res;
    }
    return DownstreamFailure(enqueued.error(), request, "the job queue",
                             settings_.busy_retry_after);
  }
  return NoStore(platform::JsonResponse(202, {{"job_id", enqueued->job_id},
                                              {"state", "queued"},
                                              {"duplicate", enqueued->duplicate},
                                              {"seed", seed},
                                              {"status_url", "/api/v1/jobs/" + enqueued->job_id},
                                              {"ws_url", "/api/v1/ws"}}));
}

HttpResponse AlbumRoutes::List(const Request& request, const Claims& user) {
  auto limit = ParseLimit(request.Query("limit"), 20, 1, 100);
  if (!limit.ok()) return ErrorResponse(limit.error(), request.request_id);
  store::v1::ListAlbumsRequest req;
  req.set_owner_user_id(user.subject);
  req.set_page_size(*limit);
  req.set_page_token(request.Query("cursor").value_or(""));
  store::v1::ListAlbumsResponse res;
  platform::CallContext parent = CallContextFor(request);
  auto ctx = platform::NewClientContext(settings_.store_timeout, &parent);
  if (auto status = albums_->ListAlbums(ctx.get(), req, &res); !status.ok()) {
    platform::Error error = platform::FromGrpcStatus(status);
    if (error.code == ErrorCode::kInvalidArgument) {
      return ErrorResponse(
          MakeError(ErrorCode::kInvalidArgument, "query parameter \"cursor\" is not valid"),
          request.request_id);
    }
    return DownstreamFailure(error, request, "albums", settings_.busy_retry_after);
  }
  json items = json::array();
  for (const auto& a : res.albums()) items.push_back(AlbumJson(a, /*with_lyrics=*/false));
  return NoStore(platform::JsonResponse(
      200, {{"items", std::move(items)}, {"next_cursor", res.next_page_token()}}));
}

HttpResponse AlbumRoutes::Get(const Request& request, const Claims& user) {
  const std::string& id = request.PathParam("id");
  if (!LooksLikeJobId(id)) return NotFound(kNoSuchAlbum, request);
  store::v1::GetAlbumRequest req;
  req.set_album_id(id);
  req.set_owner_user_id(user.subject);
  store::v1::GetAlbumResponse res;
  platform::CallContext parent = CallContextFor(request);
  auto ctx = platform::NewClientContext(settings_.store_timeout, &parent);
  if (auto status = albums_->GetAlbum(ctx.get(), req, &res); !status.ok()) {
    platform::Error error = platform::FromGrpcStatus(status);
    if (error.code == ErrorCode::kNotFound) return NotFound(kNoSuchAlbum, request);
    return DownstreamFailure(error, request, "albums", settings_.busy_retry_after);
  }
  return NoStore(platform::JsonResponse(200, AlbumJson(res.album(), /*with_lyrics=*/true)));
}

HttpResponse AlbumRoutes::Delete(const Request& request, const Claims& user) {
  const std::string& id = request.PathParam("id");
  if (!LooksLikeJobId(id)) return NotFound(kNoSuchAlbum, request);
  store::v1::DeleteAlbumRequest req;
  req.set_album_id(id);
  req.set_owner_user_id(user.subject);
  store::v1::DeleteAlbumResponse res;
  platform::CallContext parent = CallContextFor(request);
  auto ctx = platform::NewClientContext(settings_.store_timeout, &parent);
  if (auto status = albums_->DeleteAlbum(ctx.get(), req, &res); !status.ok()) {
    platform::Error error = platform::FromGrpcStatus(status);
    if (error.code == ErrorCode::kNotFound) return NotFound(kNoSuchAlbum, request);
    return DownstreamFailure(error, request, "albums", settings_.busy_retry_after);
  }
  platform::LogInfo("album deleted", {{"request_id", request.request_id},
                                      {"album_id", id},
                                      {"deleted_assets", res.deleted_assets()}});
  return NoStore(platform::JsonResponse(
      200, {{"album_id", id}, {"deleted", true}, {"deleted_assets", res.deleted_assets()}}));
}

HttpResponse AlbumRoutes::Asset(const Request& request, const Claims& user) {
  const std::string& id = request.PathParam("id");
  if (!LooksLikeAssetId(id)) return NotFound(kNoSuchAsset, request);
  platform::CallContext parent = CallContextFor(request);

  // Reads [offset, offset+length) (length 0: to the end); the info arrives first.
  auto fetch = [&](int64_t offset, int64_t length, store::v1::AssetInfo* info,
                   std::string* bytes) -> grpc::Status {
    store::v1::GetAssetRequest req;
    req.set_asset_id(id);
    req.set_owner_user_id(user.subject);
    req.set_offset(offset);
    req.set_length(length);
    auto ctx = platform::NewClientContext(settings_.asset_timeout, &parent);
    auto reader = assets_->GetAsset(ctx.get(), req);
    store::v1::GetAssetResponse msg;
    while (reader->Read(&msg)) {
      if (msg.has_info()) {
        *info = msg.info();
      } else if (bytes != nullptr) {
        *bytes += msg.chunk();
      }
    }
    return reader->Finish();
  };
  auto failed = [&](const grpc::Status& status) {
    platform::Error error = platform::FromGrpcStatus(status);
    if (error.code == ErrorCode::kNotFound) return NotFound(kNoSuchAsset, request);
    return DownstreamFailure(error, request, "files", settings_.busy_retry_after);
  };

  // First the info (and the owner check): one byte, so a 304 or a range costs no transfer.
  store::v1::AssetInfo info;
  if (auto status = fetch(0, 1, &info, nullptr); !status.ok()) return failed(status);
  const std::string etag = AssetETag(info.asset_id());
  auto common = [&](HttpResponse& res) {
    res.SetHeader("ETag", etag);
    // Content-addressed: the same URL never changes, but it is this user's file only.
    res.SetHeader("Cache-Control", "private, max-age=31536000, immutable");
    res.SetHeader("Accept-Ranges", "bytes");
    if (request.Query("download") == "1") {
      res.SetHeader("Content-Disposition", "attachment; filename=\"" +
                                               DownloadName(info.asset_id(), info.media_type(),
                                                            request.Query("name").value_or("")) +
                                               "\"");
    }
  };
  if (MatchesIfNoneMatch(request.Header("if-none-match"), etag)) {
    HttpResponse res;
    res.status = 304;
    res.content_type.clear();
    common(res);
    return res;
  }
  const int64_t size = info.size_bytes();
  const RangeDecision range = DecideRange(request.Header("range"), size);
  if (range.kind == RangeKind::kUnsatisfiable) {
    HttpResponse res = ErrorResponse(
        MakeError(ErrorCode::kInvalidArgument,
                  "the range starts past the end of the file (" + std::to_string(size) + " bytes)"),
        request.request_id);
    res.status = 416;
    res.SetHeader("Content-Range", UnsatisfiedContentRange(size));
    return res;
  }
  HttpResponse res;
  res.content_type = info.media_type();
  const int64_t offset = range.kind == RangeKind::kSatisfiable ? range.range.start : 0;
  const int64_t length = range.kind == RangeKind::kSatisfiable ? range.range.length : 0;
  if (auto status = fetch(offset, length, &info, &res.body); !status.ok()) return failed(status);
  if (range.kind == RangeKind::kSatisfiable) {
    res.status = 206;
    res.SetHeader("Content-Range", ContentRange(range.range, size));
  }
  common(res);
  return res;
}

}  // namespace moodtape::gateway
