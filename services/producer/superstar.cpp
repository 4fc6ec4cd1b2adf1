#include "services/producer/superstar.h"

#include "legacy/superstar_song_generator.grpc.pb.h"
#include "platform/base/encoding.h"
#include "platform/base/log.h"
#include "platform/base/seed.h"
#include "platform/base/text.h"
#include "platform/grpc/status.h"
#include "platform/grpc/streaming_call.h"
#include "platform/http/server.h"
#include "services/producer/producer_service.h"

namespace moodtape::producer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr size_t kMaxCoverDescriptionChars = 300;
constexpr size_t kMaxArtistChars = 100;
constexpr std::string_view kDefaultArtist = "moodtape";

platform::Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

// The fields the new and the source's messages share (same names in both contracts).
template <typename Request>
SuperstarRequest FromAlbumFields(const Request& req) {
  SuperstarRequest request;
  request.category = req.category();
  request.songs_count = req.songs_count();
  request.songs_theme = req.songs_theme();
  return request;
}

template <typename Album>
void SetCoverUrlAndSongs(const SuperstarAlbum& album, Album* res) {
  res->mutable_cover()->set_url(PngDataUrl(album.thumbnail_png));
  for (const auto& song : album.songs) {
    auto* s = res->add_songs();
    s->set_title(song.title);
    s->set_text(song.text);
  }
}

}  // namespace

std::optional<Genre> GenreOfCategory(int category) {
  switch (category) {
    case superstar::v1::MUSIC_CATEGORY_GANGSTA_RAP:
      return Genre::kGangstaRap;
    case superstar::v1::MUSIC_CATEGORY_HEAVY_METAL:
      return Genre::kHeavyMetal;
    case superstar::v1::MUSIC_CATEGORY_POLISH_DISCO_POLO:
      return Genre::kDiscoPolo;
    case superstar::v1::MUSIC_CATEGORY_POP:
      return Genre::kPop;
    case superstar::v1::MUSIC_CATEGORY_SYNTHWAVE:
      return Genre::kSynthwave;
    case superstar::v1::MUSIC_CATEGORY_BLUES:
      return Genre::kBlues;
    case superstar::v1::MUSIC_CATEGORY_PUNK:
      return Genre::kPunk;
    default:
      return std::nullopt;
  }
}

std::string PngDataUrl(const std::string& png) {
  return "data:image/png;base64," + platform::Base64Encode(png);
}

SuperstarMaker::SuperstarMaker(
    const SongEngine& engine,
    std::shared_ptr<designer::v1::DesignerService::StubInterface> designer,
    std::chrono::milliseconds designer_timeout, platform::MetricsRegistry& metrics)
    : engine_(engine),
      designer_(std::move(designer)),
      designer_timeout_(designer_timeout),
      lyrics_(LyricsCounter(metrics)) {}

platform::Result<SongRequest> SuperstarMaker::FirstSong(const SuperstarRequest& request) const {
  auto genre = GenreOfCategory(request.category);
  if (!genre) return Invalid("field \"category\" is not a MusicCategory (0..6)");
  if (request.songs_count < 1 || request.songs_count > kMaxSongsPerAlbum) {
    return Invalid("field \"songs_count\" must be an integer from 1 to " +
                   std::to_string(kMaxSongsPerAlbum));
  }
  if (!platform::IsValidUtf8(request.songs_theme)) {
    return Invalid("field \"songs_theme\" is not valid UTF-8");
  }
  SongRequest first;
  first.genre = *genre;
  first.theme = std::string(platform::TrimWhitespace(request.songs_theme));
  first.seed = request.seed != 0 ? request.seed : platform::FreshSeed();
  if (auto valid = ValidateSongRequest(first); !valid.ok()) {
    // The source calls the field songs_theme.
    std::string message = valid.error().message;
    if (auto at = message.find("\"theme\""); at != std::string::npos) {
      message.replace(at, 7, "\"songs_theme\"");
    }
    return Invalid(message);
  }
  return first;
}

platform::Status SuperstarMaker::Lyrics(const SuperstarRequest& request,
                                        const std::function<bool(const Song&)>& on_song) const {
  auto first = FirstSong(request);
  if (!first.ok()) return first.error();
  return engine_.WriteAlbum(*first, request.songs_count,
                            [&](Song song, const LyricsOrigin& origin) {
                              RecordLyricsOrigin(lyrics_, origin);
                              return on_song(song);
                            });
}

platform::Result<SuperstarAlbum> SuperstarMaker::Make(const SuperstarRequest& request,
                                                      const platform::CallContext* parent,
                                                      const std::atomic<bool>* cancel) const {
  auto first = FirstSong(request);
  if (!first.ok()) return first.error();
  if (!platform::IsValidUtf8(request.cover_description)) {
    return Invalid("field \"cover_description\" is not valid UTF-8");
  }
  const std::string description(platform::TrimWhitespace(request.cover_description));
  if (platform::CountCodePoints(description) > kMaxCoverDescriptionChars) {
    return Invalid("field \"cover_description\" is longer than 300 characters");
  }
  std::string artist(platform::TrimWhitespace(request.artist));
  if (artist.empty()) artist = std::string(kDefaultArtist);
  if (!platform::IsValidUtf8(artist) || platform::CountCodePoints(artist) > kMaxArtistChars) {
    return Invalid("field \"artist\" must be UTF-8 of at most 100 characters");
  }

  SuperstarAlbum album;
  album.seed = first->seed;
  auto written =
      engine_.WriteAlbum(*first, request.songs_count, [&](Song song, const LyricsOrigin& origin) {
        RecordLyricsOrigin(lyrics_, origin);
        album.songs.push_back({song.lyrics.title, LyricsText(song.lyrics)});
        return cancel == nullptr || !cancel->load();
      });
  if (!written.ok()) return written.error();
  album.title = album.songs.front().title;

  if (!designer_) {
    return MakeError(ErrorCode::kUnavailable, "no designer is configured for covers");
  }
  designer::v1::DesignCoverRequest req;
  auto* cover = req.mutable_cover();
  cover->set_description(description);
  cover->set_genre(std::string(GenreId(first->genre)));
  cover->set_title(album.title);
  cover->set_artist(artist);
  cover->set_seed(album.seed);
  designer::v1::DesignCoverResponse res;
  auto ctx = platform::NewClientContext(designer_timeout_, parent);
  grpc::Status status = designer_->DesignCover(ctx.get(), req, &res);
  if (!status.ok()) {
    platform::Error error = platform::FromGrpcStatus(status);
    if (error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kDeadlineExceeded) {
      return MakeError(ErrorCode::kUnavailable,
                       "the designer (album covers) is unavailable; try again shortly");
    }
    return error;
  }
  album.cover_png = res.png();
  album.thumbnail_png = res.thumbnail_png();
  return album;
}

grpc::ServerWriteReactor<superstar::v1::GenerateLyricsResponse>* SongGeneratorImpl::GenerateLyrics(
    grpc::CallbackServerContext* ctx, const superstar::v1::GenerateLyricsRequest* req) {
  using Response = superstar::v1::GenerateLyricsResponse;
  return platform::RunStreaming<Response>(
      pool_, ctx, [this, req](platform::StreamSink<Response>& out) -> platform::Status {
        SuperstarRequest request = FromAlbumFields(*req);
        request.seed = req->seed();
        return maker_.Lyrics(request, [&](const Song& song) {
          Response r;
          r.set_title(song.lyrics.title);
          r.set_text(LyricsText(song.lyrics));
          r.set_index(song.request.index_in_album);
          r.set_seed(song.request.seed);
          return !out.cancelled().load() && out.Send(std::move(r));
        });
      });
}

grpc::ServerUnaryReactor* SongGeneratorImpl::MakeMeSuperstar(
    grpc::CallbackServerContext* ctx, const superstar::v1::MakeMeSuperstarRequest* req,
    superstar::v1::MakeMeSuperstarResponse* res) {
  return pool_.Run(ctx, [this, ctx, req, res]() -> platform::Status {
    SuperstarRequest request = FromAlbumFields(*req);
    request.cover_description = req->cover_description();
    request.seed = req->seed();
    request.artist = req->artist();
    auto call = platform::CallContextOf(ctx);
    auto album = maker_.Make(request, call.get(), nullptr);
    if (!album.ok()) return album.error();
    res->set_title(album->title);
    res->set_seed(album->seed);
    SetCoverUrlAndSongs(*album, res);
    res->mutable_cover()->set_png(album->cover_png);
    res->mutable_cover()->set_thumbnail_png(album->thumbnail_png);
    return platform::Status::Ok();
  });
}

// ----- the source's own contract -------------------------------------------------------------

platform::AccessPolicy LegacyAccessPolicy() {
  platform::AccessPolicy policy;
  policy.Allow("/SongGenerator/*", {"*"});
  return policy;
}

bool IsLoopbackAddress(const std::string& host_port) {
  auto parsed = platform::ParseHostPort(host_port);
  if (!parsed) return false;
  const std::string& host = parsed->host;
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

namespace {

class LegacySongGenerator final : public ::SongGenerator::CallbackService {
 public:
  LegacySongGenerator(const SuperstarMaker& maker, platform::BlockingCallPool& pool)
      : maker_(maker), pool_(pool) {}

  grpc::ServerUnaryReactor* make_me_superstar(grpc::CallbackServerContext* ctx,
                                              const ::MakeMeSuperstarRequest* req,
                                              ::Album* res) override {
    return pool_.Run(ctx, [this, ctx, req, res]() -> platform::Status {
      SuperstarRequest request = FromAlbumFields(*req);
      request.cover_description = req->cover_description();
      auto call = platform::CallContextOf(ctx);
      auto album = maker_.Make(request, call.get(), nullptr);
      if (!album.ok()) return album.error();
      SetCoverUrlAndSongs(*album, res);
      return platform::Status::Ok();
    });
  }

  grpc::ServerWriteReactor<::Song>* generate_lyrics(grpc::CallbackServerContext* ctx,
                                                    const ::LyricsRequest* req) override {
    return platform::RunStreaming<::Song>(
        pool_, ctx, [this, req](platform::StreamSink<::Song>& out) -> platform::Status {
          SuperstarRequest request = FromAlbumFields(*req);
          return maker_.Lyrics(request, [&](const producer::Song& song) {
            ::Song s;
            s.set_title(song.lyrics.title);
            s.set_text(LyricsText(song.lyrics));
            return !out.cancelled().load() && out.Send(std::move(s));
          });
        });
  }

 private:
  const SuperstarMaker& maker_;
  platform::BlockingCallPool& pool_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeLegacySongGenerator(const SuperstarMaker& maker,
                                                       platform::BlockingCallPool& pool) {
  return std::make_unique<LegacySongGenerator>(maker, pool);
}

}  // namespace moodtape::producer
