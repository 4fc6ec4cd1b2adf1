#include "services/playlist/playlist_service.h"

#include <boost/asio/post.hpp>

#include "platform/base/log.h"
#include "platform/grpc/status.h"
#include "services/emotion/core/labels.h"
#include "services/playlist/track_proto.h"

namespace moodtape::playlist {
namespace {

using platform::ErrorCode;
using platform::MakeError;

void ToProto(MoodPoint p, common::v1::MoodPoint* out) {
  out->set_valence(p.x);
  out->set_arousal(p.y);
}

platform::Result<MoodPoint> FromProto(const v1::Endpoint& e, const char* name) {
  switch (e.endpoint_case()) {
    case v1::Endpoint::kPoint:
      return MoodPoint{e.point().valence(), e.point().arousal()};
    case v1::Endpoint::kEmotion: {
      const int n = static_cast<int>(e.emotion());
      if (n < 1 || n > emotion::kNumEmotions) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string(name) +
                             ".emotion must be one of the 13 emotions (1-13), got " +
                             std::to_string(n));
      }
      const auto point = emotion::EmotionPoint(static_cast<emotion::Emotion>(n));
      return MoodPoint{point.valence, point.arousal};
    }
    case v1::Endpoint::ENDPOINT_NOT_SET:
      break;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(name) + " is required: a point (valence, arousal) or an emotion");
}

std::string_view PlannerName(v1::Planner p) {
  return p == v1::PLANNER_ANGLE_WALK ? "angle_walk" : "mood_walk";
}

}  // namespace

platform::AccessPolicy PlaylistAccessPolicy() {
  platform::AccessPolicy policy;
  policy.Allow("/moodtape.playlist.v1.PlaylistService/*", {"gateway", "worker"});
  policy.Allow("/moodtape.playlist.v1.CatalogService/ImportTracks", {"cli"});
  policy.Allow("/moodtape.playlist.v1.CatalogService/GetCatalog", {"gateway", "worker", "cli"});
  return policy;
}

platform::Result<PlanRequest> FromProto(const v1::PlanRequest& req) {
  PlanRequest out;
  auto start = FromProto(req.start(), "start");
  if (!start.ok()) return start.error();
  auto target = FromProto(req.target(), "target");
  if (!target.ok()) return target.error();
  out.start = *start;
  out.target = *target;
  out.length = req.length() == 0 ? PlanRequest::kDefaultLength : req.length();
  const auto& o = req.options();
  out.options.include_genres.assign(o.include_genres().begin(), o.include_genres().end());
  out.options.exclude_genres.assign(o.exclude_genres().begin(), o.exclude_genres().end());
  out.options.max_tracks_per_artist = o.max_tracks_per_artist();
  out.options.allow_explicit = !o.has_allow_explicit() || o.allow_explicit();
  out.options.seed = o.seed();
  if (req.planner() != v1::PLANNER_UNSPECIFIED && req.planner() != v1::PLANNER_MOOD_WALK &&
      req.planner() != v1::PLANNER_ANGLE_WALK) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "planner must be PLANNER_MOOD_WALK (1) or PLANNER_ANGLE_WALK (2)");
  }
  return out;
}

PlaylistServiceImpl::PlaylistServiceImpl(const CatalogSync& catalog,
                                         platform::MetricsRegistry& metrics)
    : catalog_(catalog),
      plans_(metrics.AddCounter("moodtape_playlist_plans_total",
                                "Plans made, by planner and outcome.", {"planner", "outcome"})),
      plan_seconds_(metrics.AddHistogram(
          "moodtape_playlist_plan_seconds", "Time to plan one playlist (in process).", {"planner"},
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1})) {}

platform::Result<v1::PlanResponse> PlaylistServiceImpl::MakePlan(const v1::PlanRequest& req) const {
  const std::string planner_name(PlannerName(req.planner()));
  auto fail = [&](platform::Error e) -> platform::Result<v1::PlanResponse> {
    plans_.WithLabels({planner_name, std::string(platform::ErrorCodeName(e.code))}).Inc();
    return e;
  };
  auto request = FromProto(req);
  if (!request.ok()) return fail(request.error());
  const auto served = catalog_.Current();
  if (served == nullptr || served->index->size() == 0) {
    return fail(MakeError(ErrorCode::kFailedPrecondition,
                          "the catalogue is empty: import tracks first (moodtape-playlist import "
                          "FILE, or CatalogService/ImportTracks)"));
  }
  const auto started = std::chrono::steady_clock::now();
  const TrackIndex& index = *served->index;
  platform::Result<::moodtape::playlist::Plan> plan = req.planner() == v1::PLANNER_ANGLE_WALK
                                                          ? AngleWalkPlanner(index).Plan(*request)
                                                          : PlaylistPlanner(index).Plan(*request);
  if (!plan.ok()) return fail(plan.error());
  plan_seconds_.WithLabels({planner_name})
      .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  plans_.WithLabels({planner_name, "OK"}).Inc();

  v1::PlanResponse res;
  auto* header = res.mutable_header();
  ToProto(request->start, header->mutable_start());
  ToProto(request->target, header->mutable_target());
  header->set_length(static_cast<int>(plan->tracks.size()));
  for (const MoodPoint& w : plan->waypoints) ToProto(w, header->add_waypoints());
  header->set_calm(plan->calm);
  header->set_catalog_version(served->version.version);
  header->set_planner(req.planner() == v1::PLANNER_ANGLE_WALK ? v1::PLANNER_ANGLE_WALK
                                                              : v1::PLANNER_MOOD_WALK);
  int position = 0;
  for (const PlannedTrack& t : plan->tracks) {
    auto* out = res.add_tracks();
    out->set_position(position++);
    playlist::ToProto(index.tracks()[t.track], out->mutable_track());
    out->set_waypoint_index(t.waypoint_index);
    ToProto(t.waypoint, out->mutable_waypoint());
    out->set_distance(t.distance);
  }
  return res;
}

grpc::ServerUnaryReactor* PlaylistServiceImpl::Plan(grpc::CallbackServerContext* ctx,
                                                    const v1::PlanRequest* req,
                                                    v1::PlanResponse* res) {
  // Planning is pure CPU, well under a millisecond: it runs on the gRPC thread.
  auto* reactor = ctx->DefaultReactor();
  auto plan = MakePlan(*req);
  if (!plan.ok()) {
    reactor->Finish(platform::ToGrpcStatus(plan.error()));
  } else {
    *res = std::move(plan).value();
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerWriteReactor<v1::StreamPlanResponse>* PlaylistServiceImpl::StreamPlan(
    grpc::CallbackServerContext*, const v1::StreamPlanRequest* req) {
  // Header first, then one message per track; the next write starts when the last is done.
  class Writer final : public grpc::ServerWriteReactor<v1::StreamPlanResponse> {
   public:
    explicit Writer(platform::Result<v1::PlanResponse> plan) : plan_(std::move(plan)) {
      if (!plan_.ok()) {
        Finish(platform::ToGrpcStatus(plan_.error()));
        return;
      }
      *message_.mutable_header() = plan_->header();
      StartWrite(&message_);
    }
    void OnWriteDone(bool ok) override {
      if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      if (next_ == plan_->tracks_size()) return Finish(grpc::Status::OK);
      *message_.mutable_track() = plan_->tracks(next_++);
      StartWrite(&message_);
    }
    void OnDone() override { delete this; }

   private:
    platform::Result<v1::PlanResponse> plan_;
    v1::StreamPlanResponse message_;
    int next_ = 0;
  };
  return new Writer(MakePlan(req->request()));
}

// One client-streamed import: every message's tracks go through the core's admission rules as
// they arrive (only admitted tracks are kept); when the client closes its side, the admitted set is
// written to the store in one transaction on the import pool, the catalogue is reloaded, and the
// summary is sent. A client that cancels or breaks the stream leaves the store untouched.
class CatalogServiceImpl::ImportReactor final
    : public grpc::ServerReadReactor<v1::ImportTracksRequest> {
 public:
  ImportReactor(CatalogServiceImpl& service, grpc::CallbackServerContext* ctx,
                v1::ImportTracksResponse* res)
      : service_(service), ctx_(ctx), res_(res) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // A failed read is either the client's clean half-close or a cancelled/broken call; gRPC
      // marks the call cancelled before reporting the read, so this tells them apart. Only a
      // clean end of stream may write.
      if (ctx_->IsCancelled()) {
        return Finish(
            grpc::Status(grpc::StatusCode::CANCELLED, "import cancelled; nothing stored"));
      }
      boost::asio::post(service_.import_pool_, [this] { Finish(Store()); });
      return;
    }
    if (first_) {
      first_ = false;
      mode_ =
          request_.mode() == v1::IMPORT_MODE_REPLACE ? ImportMode::kReplace : ImportMode::kMerge;
      source_ = request_.source().empty() ? "import" : request_.source();
    }
    if (request_.tracks_size() > kMaxTracksPerMessage) {
      return Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "at most " + std::to_string(kMaxTracksPerMessage) +
                                     " tracks per message, got " +
                                     std::to_string(request_.tracks_size())));
    }
    received_ += request_.tracks_size();
    if (received_ > kMaxTracksPerImport) {
      return Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "an import holds at most " + std::to_string(kMaxTracksPerImport) +
                                     " tracks: split the file and import with merge"));
    }
    for (const auto& sourced : request_.tracks()) {
      CatalogTrack track = FromProto(sourced.track());
      if (track.source.empty()) track.source = source_;
      const std::string id = track.id;
      std::string detail;
      const std::string_view reason =
          admit_.Offer(std::move(track), static_cast<std::size_t>(sourced.line()), &detail);
      if (!reason.empty() &&
          res_->rejected_tracks_size() < static_cast<int>(kMaxReportedRejections)) {
        auto* r = res_->add_rejected_tracks();
        r->set_line(sourced.line());
        r->set_id(id);
        r->set_reason(std::string(reason));
        r->set_detail(detail);
      }
    }
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  grpc::Status Store() {
    ImportResult admitted = admit_.Take();
    res_->set_received(received_);
    res_->set_accepted(static_cast<std::int64_t>(admitted.report.accepted));
    res_->set_rejected(static_cast<std::int64_t>(admitted.report.RejectedTotal()));
    for (const auto& [reason, count] : admitted.report.rejected) {
      auto* r = res_->add_rejections();
      r->set_reason(reason);
      r->set_count(static_cast<std::int64_t>(count));
    }
    if (admitted.tracks.empty() && mode_ == ImportMode::kReplace) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "no track was accepted, and a replace would empty the catalogue: "
                          "fix the rejected tracks or import with merge");
    }
    auto stored = service_.repository_.Import(mode_, std::nullopt, source_, admitted.tracks);
    if (!stored.ok()) {
      service_.imported_.WithLabels({"error"}).Inc();
      platform::LogWarn("catalogue import failed", {{"error", stored.error().message}});
      return platform::ToGrpcStatus(stored.error());
    }
    service_.imported_.WithLabels({"ok"}).Inc();
    res_->set_catalog_version(stored->version);
    res_->set_catalog_tracks(stored->track_count);
    // Serve the new version now rather than at the next poll.
    if (auto synced = service_.catalog_.Sync(); !synced.ok()) {
      platform::LogWarn("catalogue stored but not reloaded yet; the next poll retries",
                        {{"error", synced.error().message}});
    }
    platform::LogInfo("catalogue imported", {{"source", source_},
                                             {"received", received_},
                                             {"accepted", res_->accepted()},
                                             {"rejected", res_->rejected()},
                                             {"version", stored->version}});
    return grpc::Status::OK;
  }

  CatalogServiceImpl& service_;
  grpc::CallbackServerContext* ctx_;
  v1::ImportTracksResponse* res_;
  v1::ImportTracksRequest request_;
  CatalogAdmitter admit_;
  bool first_ = true;
  ImportMode mode_ = ImportMode::kMerge;
  std::string source_;
  std::int64_t received_ = 0;
};

CatalogServiceImpl::CatalogServiceImpl(CatalogSync& catalog, CatalogRepository& repository,
                                       platform::MetricsRegistry& metrics)
    : catalog_(catalog),
      repository_(repository),
      imported_(metrics.AddCounter("moodtape_playlist_imports_total",
                                   "Catalogue imports by outcome.", {"outcome"})) {}

CatalogServiceImpl::~CatalogServiceImpl() { import_pool_.join(); }

grpc::ServerReadReactor<v1::ImportTracksRequest>* CatalogServiceImpl::ImportTracks(
    grpc::CallbackServerContext* ctx, v1::ImportTracksResponse* res) {
  return new ImportReactor(*this, ctx, res);
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCatalog(grpc::CallbackServerContext* ctx,
                                                         const v1::GetCatalogRequest*,
                                                         v1::GetCatalogResponse* res) {
  auto* reactor = ctx->DefaultReactor();
  const auto served = catalog_.Current();
  if (served != nullptr) {
    res->set_version(served->version.version);
    res->set_tracks(static_cast<std::int64_t>(served->index->size()));
    res->set_loaded_at_unix_ms(served->loaded_at_ms);
    res->set_source(served->version.source);
    const auto& genres = served->index->genres();
    for (std::size_t g = 0; g < genres.size(); ++g) {
      const auto id = static_cast<std::uint16_t>(g);
      const std::size_t n =
          served->index->CountGenre(id, false) + served->index->CountGenre(id, true);
      if (n == 0) continue;
      auto* out = res->add_genres();
      out->set_genre(genres[g]);
      out->set_tracks(static_cast<std::int64_t>(n));
    }
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace moodtape::playlist
