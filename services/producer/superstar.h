// The source project's contract, twice: moodtape.superstar.v1.SongGenerator on the producer's
// mTLS listener (GenerateLyrics, MakeMeSuperstar), and the source's own package-less
// SongGenerator (generate_lyrics, make_me_superstar) on a separate listener with server-side TLS
// only, so the source's unchanged clients work (see LegacyListener below). Both share the same
// album making: songs from the SongEngine, the cover from the designer (producer -> designer over
// mTLS).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "moodtape/designer/v1/designer_service.grpc.pb.h"
#include "moodtape/superstar/v1/song_generator.grpc.pb.h"
#include "platform/grpc/auth.h"
#include "platform/grpc/blocking_call_pool.h"
#include "platform/grpc/call_context.h"
#include "platform/observability/metrics.h"
#include "services/producer/core/song_engine.h"

namespace moodtape::producer {

// The genre of a MusicCategory number (the source's 0..2, moodtape's 3..6); nullopt otherwise.
std::optional<Genre> GenreOfCategory(int category);

// What MakeMeSuperstar asks for, in the source's terms.
struct SuperstarRequest {
  int category = 0;
  int songs_count = 0;
  std::string songs_theme;
  std::string cover_description;
  uint64_t seed = 0;  // 0: a fresh one
  std::string artist;
};

struct SuperstarSong {
  std::string title;
  std::string text;
};

struct SuperstarAlbum {
  std::string title;  // the first song's (the title track)
  uint64_t seed = 0;
  std::vector<SuperstarSong> songs;
  std::string cover_png;      // 1024x1024
  std::string thumbnail_png;  // 256x256
};

// The cover's data: URL ("data:image/png;base64,...").
std::string PngDataUrl(const std::string& png);

// Writes the album and asks the designer for its cover. kInvalidArgument naming the source's
// field (category, songs_count, songs_theme, cover_description, artist); the designer's errors
// as they are (kUnavailable when it cannot be reached); kCancelled when `cancel` is set.
class SuperstarMaker {
 public:
  SuperstarMaker(const SongEngine& engine,
                 std::shared_ptr<designer::v1::DesignerService::StubInterface> designer,
                 std::chrono::milliseconds designer_timeout, platform::MetricsRegistry& metrics);

  platform::Result<SuperstarAlbum> Make(const SuperstarRequest& request,
                                        const platform::CallContext* parent,
                                        const std::atomic<bool>* cancel) const;
  // GenerateLyrics: the songs one by one as each is written; `on_song` false stops.
  platform::Status Lyrics(const SuperstarRequest& request,
                          const std::function<bool(const Song&)>& on_song) const;

 private:
  platform::Result<SongRequest> FirstSong(const SuperstarRequest& request) const;

  const SongEngine& engine_;
  std::shared_ptr<designer::v1::DesignerService::StubInterface> designer_;
  std::chrono::milliseconds designer_timeout_;
  platform::Family<platform::Counter>& lyrics_;
};

class SongGeneratorImpl final : public superstar::v1::SongGenerator::CallbackService {
 public:
  SongGeneratorImpl(const SuperstarMaker& maker, platform::BlockingCallPool& pool)
      : maker_(maker), pool_(pool) {}

  grpc::ServerWriteReactor<superstar::v1::GenerateLyricsResponse>* GenerateLyrics(
      grpc::CallbackServerContext* ctx, const superstar::v1::GenerateLyricsRequest* req) override;
  grpc::ServerUnaryReactor* MakeMeSuperstar(grpc::CallbackServerContext* ctx,
                                            const superstar::v1::MakeMeSuperstarRequest* req,
                                            superstar::v1::MakeMeSuperstarResponse* res) override;

 private:
  const SuperstarMaker& maker_;
  platform::BlockingCallPool& pool_;
};

// The source's own wire contract on its own listener ([producer] legacy_address): server-side TLS
// with the dev CA (the source's clients trust a CA and have no certificate), and, when the
// listener is reachable beyond loopback, a moodtape user token on every call.
struct LegacySettings {
  std::string address = "127.0.0.1:50057";  // [producer] legacy_address; "" = off
};

// Everyone may call the source's methods on that listener; the token rule decides there.
platform::AccessPolicy LegacyAccessPolicy();
// True for loopback hosts (127.0.0.0/8, ::1, localhost).
bool IsLoopbackAddress(const std::string& host_port);

// The source's service, adapted over the same SuperstarMaker.
std::unique_ptr<grpc::Service> MakeLegacySongGenerator(const SuperstarMaker& maker,
                                                       platform::BlockingCallPool& pool);

}  // namespace moodtape::producer
