#include "services/gateway/mood_routes.h"

#include "platform/base/log.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/status.h"
#include "services/emotion/core/labels.h"
#include "services/gateway/core/mood_requests.h"
#include "services/worker/core/mood_job.h"

namespace moodtape::gateway {

using nlohmann::json;
using platform::ErrorCode;
using platform::ErrorResponse;
using platform::HttpResponse;
using platform::MakeError;

namespace {

constexpr std::string_view kNoSuchJob = "no such job";
constexpr std::string_view kNoSuchDeadLetter = "no such dead letter";

json PointJson(const common::v1::MoodPoint& p) {
  return {{"valence", p.valence()}, {"arousal", p.arousal()}};
}

json HistoryItemJson(const store::v1::MoodResult& r) {
  json playlist = json::array();
  for (const auto& t : r.playlist()) {
    playlist.push_back({{"id", t.id()},
                        {"title", t.title()},
                        {"artist", t.artist()},
                        {"genre", t.genre()},
                        {"tempo_bpm", t.tempo_bpm()},
                        {"point", PointJson(t.point())}});
  }
  return {{"job_id", r.job_id()},
          {"text", r.request_text()},
          {"desired_emotion", std::string(emotion::EmotionNameForValue(r.desired_emotion()))},
          {"predicted_emotion", std::string(emotion::EmotionNameForValue(r.predicted_emotion()))},
          {"start", PointJson(r.start_point())},
          {"target", PointJson(r.target_point())},
          {"playlist", std::move(playlist)},
          {"created_at_ms", r.created_at_unix_ms()}};
}

bool ValidJobType(std::string_view type) {
  if (type.empty() || type.size() > 64) return false;
  for (char c : type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

MoodSettings ReadMoodSettings(platform::Config& config) {
  MoodSettings s;
  s.rate.limit = config.Int("gateway", "mood_rate_limit", s.rate.limit, 1, 1000000);
  s.rate.window = config.Millis("gateway", "mood_rate_window_ms", 60000, 1000, 86400000);
  s.busy_retry_after = std::chrono::seconds(
      config.Int("gateway", "busy_retry_after_s", s.busy_retry_after.count(), 1, 3600));
  s.store_timeout = config.Millis("gateway", "store_timeout_ms", 3000, 100, 60000);
  return s;
}

MoodRoutes::MoodRoutes(MoodSettings settings, platform::JobQueue& queue,
                       platform::RedisClient& redis,
                       std::shared_ptr<store::v1::StoreService::StubInterface> store,
                       platform::MetricsRegistry& metrics)
    : settings_(std::move(settings)),
      queue_(queue),
      limiter_(redis),
      store_(std::move(store)),
      submissions_(metrics.AddCounter(
          "moodtape_gateway_mood_submissions_total",
          "POST /api/v1/moods by outcome (accepted, duplicate, rate_limited, queue_full, "
          "unavailable, invalid)",
          {"outcome"})) {
  for (auto outcome :
       {"accepted", "duplicate", "rate_limited", "queue_full", "unavailable", "invalid"}) {
    Submissions(outcome);  // every series exists from the start, at 0
  }
}

platform::Counter& MoodRoutes::Submissions(std::string_view outcome) {
  return submissions_.WithLabels({outcome});
}

void MoodRoutes::Register(RouteTable& routes) {
  auto bind = [this](auto method) {
    return [this, method](const Request& r, const Claims& c) { return (this->*method)(r, c); };
  };
  routes.User("POST", "/api/v1/moods", bind(&MoodRoutes::Submit), {.json_body = true});
  routes.User("GET", "/api/v1/jobs/{id}", bind(&MoodRoutes::GetJob));
  routes.User("GET", "/api/v1/history", bind(&MoodRoutes::History));
  routes.Admin("GET", "/api/v1/admin/dead-letters", bind(&MoodRoutes::ListDeadLetters));
  routes.Admin("DELETE", "/api/v1/admin/dead-letters", bind(&MoodRoutes::PurgeDeadLetters));
  routes.Admin("GET", "/api/v1/admin/dead-letters/{id}", bind(&MoodRoutes::GetDeadLetter));
  routes.Admin("POST", "/api/v1/admin/dead-letters/{id}/replay",
               bind(&MoodRoutes::ReplayDeadLetter));
}

std::string MoodRoutes::RateKey(std::string_view user) const {
  return queue_.options().key_prefix + "gateway:mood_rate:" + std::string(user);
}

HttpResponse MoodRoutes::QueueFailure(const platform::Error& error, const Request& request) const {
  if (error.code == ErrorCode::kResourceExhausted) {
    HttpResponse res =
        ErrorFor(ErrorCode::kUnavailable, "too many jobs are waiting; try again later", request);
    SetRetryAfter(res, settings_.busy_retry_after);
    return res;
  }
  if (error.code == ErrorCode::kNotFound) {
    return ErrorFor(ErrorCode::kNotFound, std::string(kNoSuchJob), request);
  }
  return DownstreamFailure(error, request, "the job queue", settings_.busy_retry_after);
}

HttpResponse MoodRoutes::Submit(const Request& request, const Claims& user) {
  auto key = ParseIdempotencyKey(request.Header("idempotency-key"));
  if (!key.ok()) {
    Submissions("invalid").Inc();
    return ErrorResponse(key.error(), request.request_id);
  }
  auto mood = worker::ParseMoodRequest(request.body);
  if (!mood.ok()) {
    Submissions("invalid").Inc();
    return ErrorResponse(mood.error(), request.request_id);
  }

  platform::Status charged = limiter_.Charge(RateKey(user.subject), settings_.rate);
  if (!charged.ok()) {
    if (charged.error().code == ErrorCode::kResourceExhausted) {
      Submissions("rate_limited").Inc();
      const auto wait = *charged.error().retry_after;
      HttpResponse res =
          ErrorFor(ErrorCode::kResourceExhausted,
                   "too many moods: at most " + std::to_string(settings_.rate.limit) + " every " +
                       std::to_string(settings_.rate.window.count() / 1000) + " s; try again in " +
                       std::to_string(RetryAfterSeconds(wait.count())) + " s",
                   request);
      SetRetryAfter(res, wait);
      return res;
    }
    Submissions("unavailable").Inc();
    return QueueFailure(charged.error(), request);
  }

  platform::EnqueueOptions options;
  options.owner = user.subject;
  options.idempotency_key = *key;
  auto enqueued = queue_.Enqueue(worker::kMoodJobType,
                                 worker::MoodJobPayload(*mood, request.request_id), options);
  if (!enqueued.ok()) {
    Submissions(enqueued.error().code == ErrorCode::kResourceExhausted ? "queue_full"
                                                                       : "unavailable")
        .Inc();
    return QueueFailure(enqueued.error(), request);
  }
  Submissions(enqueued->duplicate ? "duplicate" : "accepted").Inc();
  // A duplicate reports the first job's current state.
  std::string state = "queued";
  if (enqueued->duplicate) {
    auto job = queue_.GetJob(enqueued->job_id);
    if (job.ok()) state = std::string(platform::JobStateName(job->state));
  }
  return NoStore(platform::JsonResponse(202, {{"job_id", enqueued->job_id},
                                              {"state", state},
                                              {"duplicate", enqueued->duplicate},
                                              {"status_url", "/api/v1/jobs/" + enqueued->job_id},
                                              {"ws_url", "/api/v1/ws"}}));
}

HttpResponse MoodRoutes::GetJob(const Request& request, const Claims& user) {
  const std::string& id = request.PathParam("id");
  if (!LooksLikeJobId(id)) return ErrorFor(ErrorCode::kNotFound, std::string(kNoSuchJob), request);
  auto job = queue_.GetJob(id);
  if (!job.ok()) return QueueFailure(job.error(), request);
  // Someone else's job is answered exactly like an unknown one.
  if (job->owner != user.subject) {
    return ErrorFor(ErrorCode::kNotFound, std::string(kNoSuchJob), request);
  }
  return NoStore(platform::JsonResponse(200, JobJson(*job)));
}

HttpResponse MoodRoutes::History(const Request& request, const Claims& user) {
  auto limit = ParseLimit(request.Query("limit"), 20, 1, 100);
  if (!limit.ok()) return ErrorResponse(limit.error(), request.request_id);
  if (!store_) {
    return DownstreamFailure(MakeError(ErrorCode::kUnavailable, "no store configured"), request,
                             "history", settings_.busy_retry_after);
  }

  store::v1::ListMoodHistoryRequest req;
  req.set_user_id(user.subject);
  req.set_page_size(*limit);
  req.set_page_token(request.Query("cursor").value_or(""));
  store::v1::ListMoodHistoryResponse resp;
  platform::CallContext parent = CallContextFor(request);
  parent.user = user;
  auto call = platform::NewClientContext(settings_.store_timeout, &parent);
  grpc::Status status = store_->ListMoodHistory(call.get(), req, &resp);
  if (!status.ok()) {
    platform::Error error = platform::FromGrpcStatus(status);
    // The only argument the caller controls that the store judges is the cursor.
    if (error.code == ErrorCode::kInvalidArgument) {
      return ErrorFor(ErrorCode::kInvalidArgument, "query parameter \"cursor\" is not valid",
                      request);
    }
    return DownstreamFailure(error, request, "history", settings_.busy_retry_after);
  }
  json items = json::array();
  for (const auto& r : resp.results()) items.push_back(HistoryItemJson(r));
  return NoStore(platform::JsonResponse(
      200, {{"items", std::move(items)}, {"next_cursor", resp.next_page_token()}}));
}

HttpResponse MoodRoutes::ListDeadLetters(const Request& request, const Claims&) {
  std::string type = request.Query("type").value_or(std::string(worker::kMoodJobType));
  if (!ValidJobType(type)) {
    return ErrorFor(ErrorCode::kInvalidArgument, "query parameter \"type\" is not a job type",
                    request);
  }
  auto limit = ParseLimit(request.Query("limit"), 50, 1, 1000);
  if (!limit.ok()) return ErrorResponse(limit.error(), request.request_id);
  auto page = queue_.ListDeadLetters(type, static_cast<size_t>(*limit),
                                     request.Query("cursor").value_or(""));
  if (!page.ok()) {
    if (page.error().code == ErrorCode::kInvalidArgument) {
      return ErrorFor(ErrorCode::kInvalidArgument, "query parameter \"cursor\" is not valid",
                      request);
    }
    return QueueFailure(page.error(), request);
  }
  json items = json::array();
  for (const auto& letter : page->letters) items.push_back(DeadLetterJson(letter));
  return NoStore(platform::JsonResponse(
      200, {{"items", std::move(items)}, {"next_cursor", page->next_cursor}}));
}

HttpResponse MoodRoutes::GetDeadLetter(const Request& request, const Claims&) {
  const std::string& id = request.PathParam("id");
  if (!LooksLikeJobId(id)) {
    return ErrorFor(ErrorCode::kNotFound, std::string(kNoSuchDeadLetter), request);
  }
  auto letter = queue_.GetDeadLetter(id);
  if (!letter.ok()) {
    if (letter.error().code == ErrorCode::kNotFound) {
      return ErrorFor(ErrorCode::kNotFound, std::string(kNoSuchDeadLetter), request);
    }
    return QueueFailure(letter.error(), request);
  }
  return NoStore(platform::JsonResponse(200, DeadLetterJson(*letter)));
}

HttpResponse MoodRoutes::ReplayDeadLetter(const Request& request, const Claims& admin) {
  const std::string& id = request.PathParam("id");
  if (!LooksLikeJobId(id)) {
    return ErrorFor(ErrorCode::kNotFound, std::string(kNoSuchDeadLetter), request);
  }
  platform::Status replayed = queue_.ReplayDeadLetter(id);
  if (!replayed.ok()) {
    if (replayed.error().code == ErrorCode::kNotFound) {
      return ErrorFor(ErrorCode::kNotFound, std::string(kNoSuchDeadLetter), request);
    }
    return QueueFailure(replayed.error(), request);
  }
  platform::LogInfo("dead letter replayed",
                    {{"request_id", request.request_id}, {"job_id", id}, {"by", admin.subject}});
  return NoStore(platform::JsonResponse(202, {{"job_id", id}, {"state", "queued"}}));
}

HttpResponse MoodRoutes::PurgeDeadLetters(const Request& request, const Claims& admin) {
  auto type = request.Query("type");
  if (!type || !ValidJobType(*type)) {
    return ErrorFor(ErrorCode::kInvalidArgument,
                    "query parameter \"type\" is required and must be a job type", request);
  }
  auto purged = queue_.PurgeDeadLetters(*type);
  if (!purged.ok()) return QueueFailure(purged.error(), request);
  platform::LogInfo("dead letters purged", {{"request_id", request.request_id},
                                            {"type", *type},
                                            {"purged", *purged},
                                            {"by", admin.subject}});
  return NoStore(platform::JsonResponse(200, {{"purged", *purged}}));
}

}  // namespace moodtape::gateway
