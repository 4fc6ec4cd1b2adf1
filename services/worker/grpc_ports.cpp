#include "services/worker/grpc_ports.h"

#include "moodtape/emotion/v2/emotion_service.grpc.pb.h"
#include "moodtape/playlist/v1/playlist_service.grpc.pb.h"
#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/status.h"
#include "services/emotion/core/labels.h"

namespace moodtape::worker {
namespace {

thread_local std::string current_request_id;

std::unique_ptr<grpc::ClientContext> Context(std::chrono::milliseconds timeout) {
  platform::CallContext parent;
  parent.request_id = current_request_id.empty() ? platform::NewRequestId() : current_request_id;
  parent.trace = platform::ContinueOrStartTrace("");
  return platform::NewClientContext(timeout, &parent);
}

std::string EmotionName(common::v1::Emotion e) {
  const int n = static_cast<int>(e);
  if (n < 1 || n > emotion::kNumEmotions) return "unspecified";
  return std::string(emotion::EmotionName(static_cast<emotion::Emotion>(n)));
}

common::v1::Emotion EmotionNumber(const std::string& name) {
  const auto e = emotion::ParseEmotion(name);
  return e ? static_cast<common::v1::Emotion>(static_cast<int>(*e))
           : common::v1::EMOTION_UNSPECIFIED;
}

Json Point(const common::v1::MoodPoint& p) {
  return {{"valence", p.valence()}, {"arousal", p.arousal()}};
}

void SetPoint(const Json& j, common::v1::MoodPoint* out) {
  out->set_valence(j.value("valence", 0.0));
  out->set_arousal(j.value("arousal", 0.0));
}

bool Fresh(std::chrono::steady_clock::time_point at, std::chrono::milliseconds ttl) {
  return at != std::chrono::steady_clock::time_point{} &&
         std::chrono::steady_clock::now() - at < ttl;
}

}  // namespace

void SetCurrentRequestId(std::string request_id) { current_request_id = std::move(request_id); }

std::unique_ptr<grpc::ClientContext> JobCallContext(std::chrono::milliseconds timeout) {
  return Context(timeout);
}

platform::Result<std::string> GrpcEmotionPort::ModelVersion() {
  {
    std::lock_guard lock(mu_);
    if (Fresh(version_at_, options_.version_ttl)) return version_;
  }
  auto stub = emotion::v2::EmotionService::NewStub(channel_);
  auto ctx = Context(options_.call_timeout);
  emotion::v2::GetModelInfoResponse res;
  const grpc::Status status = stub->GetModelInfo(ctx.get(), {}, &res);
  if (!status.ok()) return platform::FromGrpcStatus(status);
  std::lock_guard lock(mu_);
  version_ = res.model_version();
  version_at_ = std::chrono::steady_clock::now();
  return version_;
}

platform::Result<Json> GrpcEmotionPort::Predict(const std::string& text) {
  auto stub = emotion::v2::EmotionService::NewStub(channel_);
  auto ctx = Context(options_.call_timeout);
  emotion::v2::PredictRequest req;
  req.set_text(text);
  req.set_top_k(5);
  emotion::v2::PredictResponse res;
  const grpc::Status status = stub->Predict(ctx.get(), req, &res);
  if (!status.ok()) return platform::FromGrpcStatus(status);
  const auto& p = res.prediction();
  Json top = Json::array(), scores = Json::array();
  for (const auto& s : p.top()) {
    top.push_back({{"emotion", EmotionName(s.emotion())}, {"probability", s.probability()}});
  }
  for (const auto& s : p.scores()) {
    scores.push_back({{"emotion", EmotionName(s.emotion())}, {"probability", s.probability()}});
  }
  return Json{{"emotion", EmotionName(p.emotion())},
              {"probabilities", std::move(top)},
              {"scores", std::move(scores)},
              {"valence", p.valence()},
              {"arousal", p.arousal()},
              {"start", Point(p.point())},
              {"model_version", p.model_version()}};
}

platform::Result<std::int64_t> GrpcPlaylistPort::CatalogVersion() {
  {
    std::lock_guard lock(mu_);
    if (Fresh(version_at_, options_.version_ttl)) return version_;
  }
  auto stub = playlist::v1::CatalogService::NewStub(channel_);
  auto ctx = Context(options_.call_timeout);
  playlist::v1::GetCatalogResponse res;
  const grpc::Status status = stub->GetCatalog(ctx.get(), {}, &res);
  if (!status.ok()) return platform::FromGrpcStatus(status);
  std::lock_guard lock(mu_);
  version_ = res.version();
  version_at_ = std::chrono::steady_clock::now();
  return version_;
}

platform::Result<Json> GrpcPlaylistPort::Plan(double start_valence, double start_arousal,
                                              const std::string& target_emotion, int length,
                                              const MoodOptions& options) {
  auto stub = playlist::v1::PlaylistService::NewStub(channel_);
  auto ctx = Context(options_.call_timeout);
  playlist::v1::PlanRequest req;
  req.mutable_start()->mutable_point()->set_valence(start_valence);
  req.mutable_start()->mutable_point()->set_arousal(start_arousal);
  req.mutable_target()->set_emotion(EmotionNumber(target_emotion));
  req.set_length(length);
  auto* o = req.mutable_options();
  for (const auto& g : options.include_genres) o->add_include_genres(g);
  for (const auto& g : options.exclude_genres) o->add_exclude_genres(g);
  o->set_max_tracks_per_artist(options.max_tracks_per_artist);
  o->set_allow_explicit(options.allow_explicit);
  o->set_seed(options.seed);
  playlist::v1::PlanResponse res;
  const grpc::Status status = stub->Plan(ctx.get(), req, &res);
  if (!status.ok()) return platform::FromGrpcStatus(status);
  Json tracks = Json::array();
  for (const auto& t : res.tracks()) {
    const auto& track = t.track();
    tracks.push_back({{"position", t.position()},
                      {"id", track.id()},
                      {"title", track.title()},
                      {"artist", track.artist()},
                      {"album", track.album()},
                      {"genre", track.genre()},
                      {"tempo_bpm", track.tempo_bpm()},
                      {"duration_ms", track.duration_ms()},
                      {"point", Point(track.point())},
                      {"waypoint", Point(t.waypoint())},
                      {"waypoint_index", t.waypoint_index()},
                      {"distance", t.distance()}});
  }
  {
    // A plan names the catalogue it came from: keep the remembered version in step.
    std::lock_guard lock(mu_);
    if (res.header().catalog_version() != version_) version_at_ = {};
  }
  return Json{{"start", Point(res.header().start())},
              {"target", Point(res.header().target())},
              {"calm", res.header().calm()},
              {"catalog_version", res.header().catalog_version()},
              {"tracks", std::move(tracks)}};
}

platform::Result<std::string> GrpcHistoryPort::Save(const MoodJob& job, const Json& emotion,
                                                    const Json& playlist) {
  auto stub = store::v1::StoreService::NewStub(channel_);
  auto ctx = Context(options_.call_timeout);
  store::v1::SaveMoodResultRequest req;
  auto* r = req.mutable_result();
  r->set_job_id(job.job_id);
  r->set_user_id(job.user_id);
  r->set_request_text(job.text);
  r->set_desired_emotion(EmotionNumber(job.desired_emotion));
  r->set_predicted_emotion(EmotionNumber(emotion.value("emotion", "")));
  for (const auto& s : emotion.value("scores", Json::array())) {
    auto* score = r->add_probabilities();
    score->set_emotion(EmotionNumber(s.value("emotion", "")));
    score->set_probability(s.value("probability", 0.0));
  }
  SetPoint(playlist.value("start", Json::object()), r->mutable_start_point());
  SetPoint(playlist.value("target", Json::object()), r->mutable_target_point());
  for (const auto& t : playlist.value("tracks", Json::array())) {
    auto* track = r->add_playlist();
    track->set_id(t.value("id", ""));
    track->set_title(t.value("title", ""));
    track->set_artist(t.value("artist", ""));
    track->set_album(t.value("album", ""));
    track->set_genre(t.value("genre", ""));
    track->set_tempo_bpm(t.value("tempo_bpm", 0.0));
    track->set_duration_ms(t.value("duration_ms", 0));
    SetPoint(t.value("point", Json::object()), track->mutable_point());
  }
  store::v1::SaveMoodResultResponse res;
  const grpc::Status status = stub->SaveMoodResult(ctx.get(), req, &res);
  if (!status.ok()) return platform::FromGrpcStatus(status);
  return res.result().id();
}

}  // namespace moodtape::worker
