// The producer's gRPC adapter over the SongEngine: moodtape.producer.v1.ProducerService
// (WriteSong, RenderSong, ListGenres); the source project's contract is in superstar.h.
// Proto <-> core only. Writing and
// rendering are CPU work, so every call but ListGenres runs on the service's bounded pool, never
// on a gRPC callback thread; a cancelled call stops its work.
#pragma once

#include <atomic>
#include <memory>

#include "moodtape/producer/v1/producer_service.grpc.pb.h"
#include "platform/grpc/auth.h"
#include "platform/grpc/blocking_call_pool.h"
#include "platform/observability/metrics.h"
#include "services/producer/core/song_engine.h"

namespace moodtape::producer {

// Songs for the worker (album jobs) and the `cli` identity; the genre list for the gateway too.
platform::AccessPolicy ProducerAccessPolicy();

// The request's song, validated: kInvalidArgument naming the field (an unknown genre, a theme
// that is empty, over 200 characters or not UTF-8, an index outside 0..9).
platform::Result<SongRequest> FromProto(const v1::SongSpec& spec);
void ToProto(const Song& song, const LyricsOrigin& origin, v1::WrittenSong* out);

struct ProducerServiceOptions {
  int threads = 2;  // [producer] render_threads: songs written or rendered at once
  int queue = 8;    // [producer] render_queue: calls waiting for one of those threads
};

class ProducerServiceImpl final : public v1::ProducerService::CallbackService {
 public:
  // `engine` and `metrics` must outlive the service.
  ProducerServiceImpl(const SongEngine& engine, platform::BlockingCallPool& pool,
                      platform::MetricsRegistry& metrics);

  grpc::ServerUnaryReactor* WriteSong(grpc::CallbackServerContext* ctx,
                                      const v1::WriteSongRequest* req,
                                      v1::WriteSongResponse* res) override;
  grpc::ServerWriteReactor<v1::RenderSongResponse>* RenderSong(
      grpc::CallbackServerContext* ctx, const v1::RenderSongRequest* req) override;
  grpc::ServerUnaryReactor* ListGenres(grpc::CallbackServerContext* ctx,
                                       const v1::ListGenresRequest* req,
                                       v1::ListGenresResponse* res) override;

 private:
  const SongEngine& engine_;
  platform::BlockingCallPool& pool_;
  platform::Family<platform::Histogram>& render_seconds_;
  platform::Family<platform::Counter>& lyrics_;
};

// Counts who wrote a song's lyrics (moodtape_producer_lyrics_total{by,outcome}) and logs a
// warning when a text model's answer was not used.
void RecordLyricsOrigin(platform::Family<platform::Counter>& lyrics, const LyricsOrigin& origin);
platform::Family<platform::Counter>& LyricsCounter(platform::MetricsRegistry& metrics);

}  // namespace moodtape::producer
