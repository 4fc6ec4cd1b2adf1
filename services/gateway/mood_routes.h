// The mood-job routes of the gateway: submitting a mood (POST /api/v1/moods -> a "mood" job on
// the Redis Streams queue), reading a job, the user's history (moodtape.store.v1), and the
// dead-letter admin routes. Glue only: the request is parsed by the job's own definition
// (services/worker/core/mood_job.h), output shapes live in core/mood_requests.h, who may call a
// route is declared in the RouteTable, and failures map through DownstreamFailure.
// Handlers run on the HTTP worker pool, so Redis and gRPC calls block.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/base/config.h"
#include "platform/http/server.h"
#include "platform/jobs/queue.h"
#include "platform/observability/metrics.h"
#include "platform/redis/client.h"
#include "platform/redis/rate_limiter.h"
#include "platform/security/jwt.h"
#include "services/gateway/routes.h"

namespace moodtape::gateway {

struct MoodSettings {
  platform::RateLimit rate{30, std::chrono::milliseconds(60000)};  // [gateway] mood_rate_limit,
                                                                   // mood_rate_window_ms
  std::chrono::seconds busy_retry_after{5};       // [gateway] busy_retry_after_s (503s)
  std::chrono::milliseconds store_timeout{3000};  // [gateway] store_timeout_ms
};

// Reads [gateway] mood_rate_limit, mood_rate_window_ms, busy_retry_after_s, store_timeout_ms.
MoodSettings ReadMoodSettings(platform::Config& config);

class MoodRoutes {
 public:
  // `queue`, `redis` and `metrics` must outlive the routes; `store` may be null (history then
  // answers 503).
  MoodRoutes(MoodSettings settings, platform::JobQueue& queue, platform::RedisClient& redis,
             std::shared_ptr<store::v1::StoreService::StubInterface> store,
             platform::MetricsRegistry& metrics);

  // Adds POST /api/v1/moods, GET /api/v1/jobs/{id}, GET /api/v1/history and the admin
  // dead-letter routes. `this` must outlive the server's handlers.
  void Register(RouteTable& routes);

  // The Redis key counting one user's submissions in the current window.
  std::string RateKey(std::string_view user) const;

 private:
  using Request = platform::HttpRequest;
  using Response = platform::HttpResponse;
  using Claims = platform::JwtClaims;

  Response Submit(const Request& request, const Claims& user);
  Response GetJob(const Request& request, const Claims& user);
  Response History(const Request& request, const Claims& user);
  Response ListDeadLetters(const Request& request, const Claims& admin);
  Response GetDeadLetter(const Request& request, const Claims& admin);
  Response ReplayDeadLetter(const Request& request, const Claims& admin);
  Response PurgeDeadLetters(const Request& request, const Claims& admin);

  // A queue or Redis failure: DownstreamFailure with "the job queue", except a full queue, which
  // is the server's capacity rather than the caller's rate: 503 + Retry-After.
  Response QueueFailure(const platform::Error& error, const Request& request) const;
  platform::Counter& Submissions(std::string_view outcome);

  const MoodSettings settings_;
  platform::JobQueue& queue_;
  platform::RedisRateLimiter limiter_;
  std::shared_ptr<store::v1::StoreService::StubInterface> store_;
  platform::Family<platform::Counter>& submissions_;
};

}  // namespace moodtape::gateway
