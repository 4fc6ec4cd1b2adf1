// The album routes of the gateway: the genres (from the producer), submitting an album (an
// `album` job on the queue, defined in services/worker/core/album_job.h), the user's albums (the
// store's AlbumService) and their files (the store's AssetService, with ETag and byte ranges so
// audio players can seek). Glue only: shapes in core/asset_requests.h, callers in the RouteTable,
// failures through DownstreamFailure. Handlers run on the HTTP worker pool, so calls block.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "moodtape/producer/v1/producer_service.grpc.pb.h"
#include "moodtape/store/v1/album_service.grpc.pb.h"
#include "moodtape/store/v1/asset_service.grpc.pb.h"
#include "platform/base/config.h"
#include "platform/jobs/queue.h"
#include "platform/observability/metrics.h"
#include "platform/redis/rate_limiter.h"
#include "services/gateway/routes.h"

namespace moodtape::gateway {

struct AlbumSettings {
  // [gateway] album_rate_limit per album_rate_window_ms: albums take minutes of CPU each.
  platform::RateLimit rate{10, std::chrono::milliseconds(3600000)};
  std::chrono::milliseconds store_timeout{3000};     // [gateway] store_timeout_ms
  std::chrono::milliseconds asset_timeout{30000};    // [gateway] asset_timeout_ms: one file
  std::chrono::milliseconds producer_timeout{3000};  // [gateway] producer_timeout_ms (genres)
  std::chrono::seconds busy_retry_after{5};          // [gateway] busy_retry_after_s
};

// Reads [gateway] album_rate_limit, album_rate_window_ms, asset_timeout_ms, producer_timeout_ms
// (and the shared store_timeout_ms, busy_retry_after_s).
AlbumSettings ReadAlbumSettings(platform::Config& config);

class AlbumRoutes {
 public:
  AlbumRoutes(AlbumSettings settings, platform::JobQueue& queue, platform::RedisClient& redis,
              std::shared_ptr<store::v1::AlbumService::StubInterface> albums,
              std::shared_ptr<store::v1::AssetService::StubInterface> assets,
              std::shared_ptr<producer::v1::ProducerService::StubInterface> producer);

  // GET /api/v1/genres, POST/GET /api/v1/albums, GET/DELETE /api/v1/albums/{id},
  // GET /api/v1/assets/{id}.
  void Register(RouteTable& routes);

  std::string RateKey(std::string_view user) const;

 private:
  using Request = platform::HttpRequest;
  using Response = platform::HttpResponse;
  using Claims = platform::JwtClaims;

  Response Genres(const Request& request);
  Response Submit(const Request& request, const Claims& user);
  Response List(const Request& request, const Claims& user);
  Response Get(const Request& request, const Claims& user);
  Response Delete(const Request& request, const Claims& user);
  Response Asset(const Request& request, const Claims& user);

  const AlbumSettings settings_;
  platform::JobQueue& queue_;
  platform::RedisRateLimiter limiter_;
  std::shared_ptr<store::v1::AlbumService::StubInterface> albums_;
  std::shared_ptr<store::v1::AssetService::StubInterface> assets_;
  std::shared_ptr<producer::v1::ProducerService::StubInterface> producer_;
  // The genre list changes only with a new producer: kept after the first answer.
  std::mutex genres_mu_;
  nlohmann::json genres_;
};

// An album as the API shows it: asset ids become /api/v1/assets/<id> URLs; `with_lyrics` false for
// list items.
nlohmann::json AlbumJson(const store::v1::StoredAlbum& album, bool with_lyrics);

}  // namespace moodtape::gateway
