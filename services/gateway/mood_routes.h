// The mood-job routes of the gateway: submitting a mood (POST /api/v1/moods -> a "mood" job on
// the Redis Streams queue), reading a job, the user's history (moodtape.store.v1), and the
// dead-letter admin routes. Glue only: input and output shapes live in core/mood_requests.h.
// Handlers run on the HTTP worker pool, so Redis and gRPC calls block.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/config.h"
#include "platform/http_server.h"
#include "platform/job_queue.h"
#include "platform/metrics.h"
#include "platform/redis_client.h"
#include "services/gateway/request_auth.h"

namespace moodtape::gateway {

struct MoodSettings {
  int64_t rate_limit = 30;                        // [gateway] mood_rate_limit per window
  std::chrono::milliseconds rate_window{60000};   // [gateway] mood_rate_window_ms
  int64_t busy_retry_after_s = 5;                 // [gateway] busy_retry_after_s (503s)
  std::chrono::milliseconds store_timeout{3000};  // [gateway] store_timeout_ms
};

// Reads [gateway] mood_rate_limit, mood_rate_window_ms, busy_retry_after_s, store_timeout_ms.
MoodSettings ReadMoodSettings(platform::Config& config);

class MoodRoutes {
 public:
  // `queue`, `redis` and `metrics` must outlive the routes; `store` may be null (history then
  // answers 503).
  MoodRoutes(MoodSettings settings, platform::JobQueue& queue, platform::RedisClient& redis,
             std::shared_ptr<RequestAuthenticator> auth,
             std::shared_ptr<store::v1::StoreService::StubInterface> store,
             platform::MetricsRegistry& metrics);

  // Adds the routes (exact paths and prefixes under /api/v1/, so they win over the /api/
  // fallback). `this` must outlive the server's handlers.
  void Register(platform::HttpServer& server);

  platform::HttpResponse Submit(const platform::HttpRequest& request);
  platform::HttpResponse GetJob(const platform::HttpRequest& request);
  platform::HttpResponse History(const platform::HttpRequest& request);
  platform::HttpResponse ListDeadLetters(const platform::HttpRequest& request);
  platform::HttpResponse GetDeadLetter(const platform::HttpRequest& request);
  platform::HttpResponse ReplayDeadLetter(const platform::HttpRequest& request);
  platform::HttpResponse PurgeDeadLetters(const platform::HttpRequest& request);

  // The Redis key counting one user's submissions in the current window.
  std::string RateKey(std::string_view user) const;

 private:
  // Counts a submission against the user's window; ok, or kResourceExhausted with the seconds
  // to wait in *retry_after_s, or kUnavailable.
  platform::Status ChargeRateLimit(const std::string& user, int64_t* retry_after_s);
  // An error of the queue/Redis as the HTTP answer (503 + Retry-After while Redis is down or
  // the queue is full; 404 for kNotFound; 500 with a generic message, detail logged).
  platform::HttpResponse QueueFailure(const platform::Error& error,
                                      const platform::HttpRequest& request, std::string_view what);
  platform::HttpResponse Busy(std::string message, const platform::HttpRequest& request) const;
  // Claims of an admin, or the 401/403 answer.
  platform::Result<platform::JwtClaims> RequireAdmin(const platform::HttpRequest& request,
                                                     bool state_changing) const;
  platform::Counter& Submissions(std::string_view outcome);

  const MoodSettings settings_;
  platform::JobQueue& queue_;
  platform::RedisClient& redis_;
  std::shared_ptr<RequestAuthenticator> auth_;
  std::shared_ptr<store::v1::StoreService::StubInterface> store_;
  platform::Family<platform::Counter>& submissions_;
};

}  // namespace moodtape::gateway
