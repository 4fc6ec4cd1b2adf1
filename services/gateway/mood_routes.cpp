#include "services/gateway/mood_routes.h"

#include "platform/call_context.h"
#include "platform/grpc_status.h"
#include "platform/log.h"
#include "services/gateway/core/mood_requests.h"

namespace moodtape::gateway {

using nlohmann::json;
using platform::ErrorCode;
using platform::ErrorResponse;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::MakeError;

namespace {

constexpr std::string_view kJobsPrefix = "/api/v1/jobs/";
constexpr std::string_view kDeadLettersPath = "/api/v1/admin/dead-letters";
constexpr std::string_view kDeadLettersPrefix = "/api/v1/admin/dead-letters/";
constexpr std::string_view kReplaySuffix = "/replay";
constexpr std::string_view kNoSuchJob = "no such job";
constexpr std::string_view kNoSuchDeadLetter = "no such dead letter";

// Fixed window per user: the first submission of a window creates the counter with the
// window's expiry; the reply is {count, milliseconds left in the window}.
constexpr std::string_view kRateScript = R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
)lua";

HttpResponse NoStore(HttpResponse res) {
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

HttpResponse Error(ErrorCode code, std::string message, const HttpRequest& request) {
  return ErrorResponse(MakeError(code, std::move(message)), request.request_id);
}

platform::CallContext CallContextFor(const HttpRequest& request) {
  platform::CallContext ctx;
  ctx.request_id = request.request_id;
  ctx.trace = request.trace;
  return ctx;
}

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
          {"desired_emotion", std::string(EmotionNameForValue(r.desired_emotion()))},
          {"predicted_emotion", std::string(EmotionNameForValue(r.predicted_emotion()))},
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
  s.rate_limit = config.Int("gateway", "mood_rate_limit", s.rate_limit, 1, 1000000);
  s.rate_window = config.Millis("gateway", "mood_rate_window_ms", 60000, 1000, 86400000);
  s.busy_retry_after_s = config.Int("gateway", "busy_retry_after_s", s.busy_retry_after_s, 1, 3600);
  s.store_timeout = config.Millis("gateway", "store_timeout_ms", 3000, 100, 60000);
  return s;
}

MoodRoutes::MoodRoutes(MoodSettings settings, platform::JobQueue& queue,
                       platform::RedisClient& redis, std::shared_ptr<RequestAuthenticator> auth,
                       std::shared_ptr<store::v1::StoreService::StubInterface> store,
                       platform::MetricsRegistry& metrics)
    : settings_(std::move(settings)),
      queue_(queue),
      redis_(redis),
      auth_(std::move(auth)),
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

void MoodRoutes::Register(platform::HttpServer& server) {
  server.Handle("POST", "/api/v1/moods", [this](const HttpRequest& r) { return Submit(r); });
  server.HandlePrefix("GET", std::string(kJobsPrefix),
                      [this](const HttpRequest& r) { return GetJob(r); });
  server.Handle("GET", "/api/v1/history", [this](const HttpRequest& r) { return History(r); });
  server.Handle("GET", std::string(kDeadLettersPath),
                [this](const HttpRequest& r) { return ListDeadLetters(r); });
  server.Handle("DELETE", std::string(kDeadLettersPath),
                [this](const HttpRequest& r) { return PurgeDeadLetters(r); });
  server.HandlePrefix("GET", std::string(kDeadLettersPrefix),
                      [this](const HttpRequest& r) { return GetDeadLetter(r); });
  server.HandlePrefix("POST", std::string(kDeadLettersPrefix),
                      [this](const HttpRequest& r) { return ReplayDeadLetter(r); });
}

std::string MoodRoutes::RateKey(std::string_view user) const {
  return queue_.options().key_prefix + "gateway:mood_rate:" + std::string(user);
}

platform::Status MoodRoutes::ChargeRateLimit(const std::string& user, int64_t* retry_after_s) {
  auto reply = redis_.Command({"EVAL", std::string(kRateScript), "1", RateKey(user),
                               std::to_string(settings_.rate_window.count())});
  if (!reply.ok()) return reply.error();
  const auto& e = reply->elements();
  if (!reply->is_array() || e.size() != 2 || !e[0].is_integer() || !e[1].is_integer()) {
    return MakeError(ErrorCode::kInternal, "unexpected rate-limit reply");
  }
  if (e[0].integer() <= settings_.rate_limit) return platform::Status();
  *retry_after_s = RetryAfterSeconds(e[1].integer());
  return MakeError(ErrorCode::kResourceExhausted, "rate limited");
}

HttpResponse MoodRoutes::Busy(std::string message, const HttpRequest& request) const {
  HttpResponse res = Error(ErrorCode::kUnavailable, std::move(message), request);
  res.SetHeader("Retry-After", std::to_string(settings_.busy_retry_after_s));
  return res;
}

HttpResponse MoodRoutes::QueueFailure(const platform::Error& error, const HttpRequest& request,
                                      std::string_view what) {
  switch (error.code) {
    case ErrorCode::kUnavailable:
      platform::LogWarn("job queue unavailable", {{"request_id", request.request_id},
                                                  {"what", std::string(what)},
                                                  {"error", error.message}});
      return Busy("the job queue is unavailable; try again shortly", request);
    case ErrorCode::kResourceExhausted:
      return Busy("too many mood jobs are waiting; try again later", request);
    case ErrorCode::kNotFound:
      return Error(ErrorCode::kNotFound, std::string(kNoSuchJob), request);
    case ErrorCode::kInvalidArgument:
      return ErrorResponse(error, request.request_id);
    default:
      platform::LogError("job queue call failed", {{"request_id", request.request_id},
                                                   {"what", std::string(what)},
                                                   {"error", error.message}});
      return Error(ErrorCode::kInternal, "internal error", request);
  }
}

HttpResponse MoodRoutes::Submit(const HttpRequest& request) {
  auto claims = auth_->Authenticate(request, /*state_changing=*/true);
  if (!claims.ok()) return ErrorResponse(claims.error(), request.request_id);
  auto key = ParseIdempotencyKey(request.Header("idempotency-key"));
  if (!key.ok()) {
    Submissions("invalid").Inc();
    return ErrorResponse(key.error(), request.request_id);
  }
  auto mood = ParseMoodRequest(request.body);
  if (!mood.ok()) {
    Submissions("invalid").Inc();
    return ErrorResponse(mood.error(), request.request_id);
  }
  const std::string& user = claims->subject;

  int64_t retry_after_s = 0;
  platform::Status charged = ChargeRateLimit(user, &retry_after_s);
  if (!charged.ok()) {
    if (charged.error().code == ErrorCode::kResourceExhausted) {
      Submissions("rate_limited").Inc();
      HttpResponse res =
          Error(ErrorCode::kResourceExhausted,
                "too many moods: at most " + std::to_string(settings_.rate_limit) + " every " +
                    std::to_string(settings_.rate_window.count() / 1000) + " s; try again in " +
                    std::to_string(retry_after_s) + " s",
                request);
      res.SetHeader("Retry-After", std::to_string(retry_after_s));
      return res;
    }
    Submissions("unavailable").Inc();
    return QueueFailure(charged.error(), request, "rate limit");
  }

  platform::EnqueueOptions options;
  options.owner = user;
  options.idempotency_key = *key;
  auto enqueued = queue_.Enqueue(kMoodJobType, MoodJobPayload(*mood, request.request_id), options);
  if (!enqueued.ok()) {
    Submissions(enqueued.error().code == ErrorCode::kResourceExhausted ? "queue_full"
                                                                       : "unavailable")
        .Inc();
    return QueueFailure(enqueued.error(), request, "enqueue");
  }
  Submissions(enqueued->duplicate ? "duplicate" : "accepted").Inc();
  // A duplicate reports the first job's current state.
  std::string state = "queued";
  if (enqueued->duplicate) {
    auto job = queue_.GetJob(enqueued->job_id);
    if (job.ok()) state = std::string(platform::JobStateName(job->state));
  }
  return NoStore(
      platform::JsonResponse(202, {{"job_id", enqueued->job_id},
                                   {"state", state},
                                   {"duplicate", enqueued->duplicate},
                                   {"status_url", std::string(kJobsPrefix) + enqueued->job_id},
                                   {"ws_url", "/api/v1/ws"}}));
}

HttpResponse MoodRoutes::GetJob(const HttpRequest& request) {
  auto claims = auth_->Authenticate(request, /*state_changing=*/false);
  if (!claims.ok()) return ErrorResponse(claims.error(), request.request_id);
  std::string id = request.path.substr(kJobsPrefix.size());
  if (!LooksLikeJobId(id)) return Error(ErrorCode::kNotFound, std::string(kNoSuchJob), request);
  auto job = queue_.GetJob(id);
  if (!job.ok()) return QueueFailure(job.error(), request, "get job");
  // Someone else's job is answered exactly like an unknown one.
  if (job->owner != claims->subject) {
    return Error(ErrorCode::kNotFound, std::string(kNoSuchJob), request);
  }
  return NoStore(platform::JsonResponse(200, JobJson(*job)));
}

HttpResponse MoodRoutes::History(const HttpRequest& request) {
  auto claims = auth_->Authenticate(request, /*state_changing=*/false);
  if (!claims.ok()) return ErrorResponse(claims.error(), request.request_id);
  auto limit = ParseLimit(request.Query("limit"), 20, 1, 100);
  if (!limit.ok()) return ErrorResponse(limit.error(), request.request_id);
  if (!store_) return Busy("history is unavailable right now", request);

  store::v1::ListMoodHistoryRequest req;
  req.set_user_id(claims->subject);
  req.set_page_size(*limit);
  req.set_page_token(request.Query("cursor").value_or(""));
  store::v1::ListMoodHistoryResponse resp;
  platform::CallContext parent = CallContextFor(request);
  parent.user = *claims;
  auto call = platform::NewClientContext(settings_.store_timeout, &parent);
  grpc::Status status = store_->ListMoodHistory(call.get(), req, &resp);
  if (!status.ok()) {
    switch (status.error_code()) {
      case grpc::StatusCode::INVALID_ARGUMENT:
        return Error(ErrorCode::kInvalidArgument, "query parameter \"cursor\" is not valid",
                     request);
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        platform::LogWarn("store unavailable",
                          {{"request_id", request.request_id}, {"error", status.error_message()}});
        return Busy("history is unavailable right now; try again shortly", request);
      default:
        platform::LogError("ListMoodHistory failed",
                           {{"request_id", request.request_id},
                            {"code", static_cast<int>(status.error_code())},
                            {"error", status.error_message()}});
        return Error(ErrorCode::kInternal, "internal error", request);
    }
  }
  json items = json::array();
  for (const auto& r : resp.results()) items.push_back(HistoryItemJson(r));
  return NoStore(platform::JsonResponse(
      200, {{"items", std::move(items)}, {"next_cursor", resp.next_page_token()}}));
}

platform::Result<platform::JwtClaims> MoodRoutes::RequireAdmin(const HttpRequest& request,
                                                               bool state_changing) const {
  auto claims = auth_->Authenticate(request, state_changing);
  if (!claims.ok()) return claims.error();
  if (!claims->HasRole("admin")) {
    return MakeError(ErrorCode::kPermissionDenied, "this needs the admin role");
  }
  return claims;
}

HttpResponse MoodRoutes::ListDeadLetters(const HttpRequest& request) {
  auto admin = RequireAdmin(request, /*state_changing=*/false);
  if (!admin.ok()) return ErrorResponse(admin.error(), request.request_id);
  std::string type = request.Query("type").value_or(std::string(kMoodJobType));
  if (!ValidJobType(type)) {
    return Error(ErrorCode::kInvalidArgument, "query parameter \"type\" is not a job type",
                 request);
  }
  auto limit = ParseLimit(request.Query("limit"), 50, 1, 1000);
  if (!limit.ok()) return ErrorResponse(limit.error(), request.request_id);
  auto page = queue_.ListDeadLetters(type, static_cast<size_t>(*limit),
                                     request.Query("cursor").value_or(""));
  if (!page.ok()) {
    if (page.error().code == ErrorCode::kInvalidArgument) {
      return Error(ErrorCode::kInvalidArgument, "query parameter \"cursor\" is not valid", request);
    }
    return QueueFailure(page.error(), request, "list dead letters");
  }
  json items = json::array();
  for (const auto& letter : page->letters) items.push_back(DeadLetterJson(letter));
  return NoStore(platform::JsonResponse(
      200, {{"items", std::move(items)}, {"next_cursor", page->next_cursor}}));
}

HttpResponse MoodRoutes::GetDeadLetter(const HttpRequest& request) {
  auto admin = RequireAdmin(request, /*state_changing=*/false);
  if (!admin.ok()) return ErrorResponse(admin.error(), request.request_id);
  std::string id = request.path.substr(kDeadLettersPrefix.size());
  if (!LooksLikeJobId(id)) {
    return Error(ErrorCode::kNotFound, std::string(kNoSuchDeadLetter), request);
  }
  auto letter = queue_.GetDeadLetter(id);
  if (!letter.ok()) {
    if (letter.error().code == ErrorCode::kNotFound) {
      return Error(ErrorCode::kNotFound, std::string(kNoSuchDeadLetter), request);
    }
    return QueueFailure(letter.error(), request, "get dead letter");
  }
  return NoStore(platform::JsonResponse(200, DeadLetterJson(*letter)));
}

HttpResponse MoodRoutes::ReplayDeadLetter(const HttpRequest& request) {
  auto admin = RequireAdmin(request, /*state_changing=*/true);
  if (!admin.ok()) return ErrorResponse(admin.error(), request.request_id);
  std::string rest = request.path.substr(kDeadLettersPrefix.size());
  if (rest.size() <= kReplaySuffix.size() ||
      rest.compare(rest.size() - kReplaySuffix.size(), kReplaySuffix.size(), kReplaySuffix) != 0) {
    return Error(ErrorCode::kNotFound, "unknown API endpoint", request);
  }
  std::string id = rest.substr(0, rest.size() - kReplaySuffix.size());
  if (!LooksLikeJobId(id)) {
    return Error(ErrorCode::kNotFound, std::string(kNoSuchDeadLetter), request);
  }
  platform::Status replayed = queue_.ReplayDeadLetter(id);
  if (!replayed.ok()) {
    if (replayed.error().code == ErrorCode::kNotFound) {
      return Error(ErrorCode::kNotFound, std::string(kNoSuchDeadLetter), request);
    }
    return QueueFailure(replayed.error(), request, "replay dead letter");
  }
  platform::LogInfo("dead letter replayed",
                    {{"request_id", request.request_id}, {"job_id", id}, {"by", admin->subject}});
  return NoStore(platform::JsonResponse(202, {{"job_id", id}, {"state", "queued"}}));
}

HttpResponse MoodRoutes::PurgeDeadLetters(const HttpRequest& request) {
  auto admin = RequireAdmin(request, /*state_changing=*/true);
  if (!admin.ok()) return ErrorResponse(admin.error(), request.request_id);
  auto type = request.Query("type");
  if (!type || !ValidJobType(*type)) {
    return Error(ErrorCode::kInvalidArgument,
                 "query parameter \"type\" is required and must be a job type", request);
  }
  auto purged = queue_.PurgeDeadLetters(*type);
  if (!purged.ok()) return QueueFailure(purged.error(), request, "purge dead letters");
  platform::LogInfo("dead letters purged", {{"request_id", request.request_id},
                                            {"type", *type},
                                            {"purged", *purged},
                                            {"by", admin->subject}});
  return NoStore(platform::JsonResponse(200, {{"purged", *purged}}));
}

}  // namespace moodtape::gateway
