// The playlist service end to end in one process, over real gRPC with mutual TLS: a real store
// (SQLite in a temporary directory) behind its own gRPC server, the playlist service loading its
// catalogue from it, and clients calling as cli (imports), worker and gateway (plans). Covers the
// client-streaming import (bad tracks reported by line, a cancelled import changing nothing),
// both plan RPCs, every request error, the caller allow-list and picking up a new version.
#include "services/playlist/playlist_service.h"

#include <cmath>
#include <fstream>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "services/emotion/core/labels.h"
#include "services/playlist/track_proto.h"
#include "services/store/store_service.h"
#include "tests/services/playlist/test_catalog.h"
#include "tests/support/test_support.h"

namespace moodtape::playlist {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::TrackAt;

class PlaylistServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new moodtape::testing::TempDir();
    ASSERT_EQ(moodtape::testing::RunCommand(
                  {moodtape::testing::SourceDir() + "/scripts/dev_certs.sh", certs_->path(),
                   "store", "playlist", "cli", "worker", "gateway"}),
              0);
  }
  static void TearDownTestSuite() { delete certs_; }

  static platform::TlsSettings Tls(const std::string& name) {
    return {true, certs_->File("ca.crt"), certs_->File(name + ".crt"), certs_->File(name + ".key")};
  }

  std::unique_ptr<platform::GrpcServer> Serve(const std::string& name,
                                              platform::AccessPolicy policy,
                                              std::vector<grpc::Service*> services) {
    platform::GrpcServerOptions o;
    o.service_name = name;
    o.address = "127.0.0.1:0";
    o.tls = Tls(name);
    o.access = std::move(policy);
    auto server = std::make_unique<platform::GrpcServer>(std::move(o), server_metrics_, nullptr);
    for (auto* s : services) server->AddService(s);
    server->Start();
    return server;
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& caller, const platform::GrpcServer& to,
                                         const std::string& peer) {
    platform::ChannelOptions co;
    co.tls = Tls(caller);
    return platform::ChannelFactory(co, client_metrics_)
        .Create("127.0.0.1:" + std::to_string(to.port()), peer);
  }

  void SetUp() override {
    store::StorageOptions options;
    options.database_url = "sqlite:" + db_.File("store.db");
    storage_ = store::OpenStorage(options);
    store_service_ = std::make_unique<store::StoreServiceImpl>(*storage_);
    store_server_ = Serve("store", store::StoreAccessPolicy(), {store_service_.get()});
    repository_ = std::make_unique<StoreCatalogRepository>(
        Channel("playlist", *store_server_, "store"), 30s, 60s);
    CatalogSyncOptions sync_options;
    sync_options.poll_interval = 1h;  // tests call Sync() themselves
    sync_ = std::make_unique<CatalogSync>(*repository_, sync_options, &server_metrics_);
    auto synced = sync_->Sync();
    ASSERT_TRUE(synced.ok()) << synced.error().message;
    plans_ = std::make_unique<PlaylistServiceImpl>(*sync_, server_metrics_);
    catalog_ = std::make_unique<CatalogServiceImpl>(*sync_, *repository_, server_metrics_);
    server_ = Serve("playlist", PlaylistAccessPolicy(), {plans_.get(), catalog_.get()});
  }

  void TearDown() override {
    // SetUp may have stopped half-way (a failed assertion): shut down what exists.
    if (server_) server_->Shutdown(1s);
    if (store_server_) store_server_->Shutdown(1s);
  }

  std::unique_ptr<v1::CatalogService::Stub> Catalog(const std::string& caller = "cli") {
    return v1::CatalogService::NewStub(Channel(caller, *server_, "playlist"));
  }
  std::unique_ptr<v1::PlaylistService::Stub> Plans(const std::string& caller = "worker") {
    return v1::PlaylistService::NewStub(Channel(caller, *server_, "playlist"));
  }

  // Streams `messages` (each a list of tracks with their lines) as one import.
  grpc::Status Import(const std::vector<std::vector<std::pair<CatalogTrack, int>>>& messages,
                      v1::ImportTracksResponse* res, bool replace = false) {
    auto stub = Catalog();
    auto ctx = platform::NewClientContext(30s);
    auto writer = stub->ImportTracks(ctx.get(), res);
    bool first = true;
    for (const auto& message : messages) {
      v1::ImportTracksRequest req;
      if (first) {
        req.set_mode(replace ? v1::IMPORT_MODE_REPLACE : v1::IMPORT_MODE_MERGE);
        req.set_source("test-file");
        first = false;
      }
      for (const auto& [track, line] : message) {
        auto* t = req.add_tracks();
        ToProto(track, t->mutable_track());
        t->set_line(line);
      }
      if (!writer->Write(req)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // A 7x7 grid of tracks over the plane, two genres, tempo rising slowly along x.
  std::vector<std::pair<CatalogTrack, int>> GridTracks() {
    std::vector<std::pair<CatalogTrack, int>> out;
    int line = 2;
    for (int i = 0; i < 7; ++i) {
      for (int j = 0; j < 7; ++j) {
        const double x = -0.9 + 0.3 * i, y = -0.9 + 0.3 * j;
        const std::string id = "g" + std::to_string(i) + std::to_string(j);
        out.emplace_back(TrackAt(id, x, y, 100 + 2 * i, "", (i + j) % 2 == 0 ? "pop" : "rock"),
                         line++);
      }
    }
    return out;
  }

  void ImportGrid() {
    v1::ImportTracksResponse res;
    const auto tracks = GridTracks();
    ASSERT_TRUE(
        Import({{tracks.begin(), tracks.begin() + 20}, {tracks.begin() + 20, tracks.end()}}, &res)
            .ok());
    ASSERT_EQ(res.accepted(), 49);
  }

  static v1::PlanRequest PointsRequest(double sx, double sy, double tx, double ty, int length) {
    v1::PlanRequest req;
    req.mutable_start()->mutable_point()->set_valence(sx);
    req.mutable_start()->mutable_point()->set_arousal(sy);
    req.mutable_target()->mutable_point()->set_valence(tx);
    req.mutable_target()->mutable_point()->set_arousal(ty);
    req.set_length(length);
    return req;
  }

  grpc::Status Plan(const v1::PlanRequest& req, v1::PlanResponse* res,
                    const std::string& caller = "worker") {
    auto ctx = platform::NewClientContext(5s);
    return Plans(caller)->Plan(ctx.get(), req, res);
  }

  static moodtape::testing::TempDir* certs_;
  moodtape::testing::TempDir db_;
  platform::MetricsRegistry server_metrics_, client_metrics_;
  std::unique_ptr<store::Storage> storage_;
  std::unique_ptr<store::StoreServiceImpl> store_service_;
  std::unique_ptr<platform::GrpcServer> store_server_;
  std::unique_ptr<StoreCatalogRepository> repository_;
  std::unique_ptr<CatalogSync> sync_;
  std::unique_ptr<PlaylistServiceImpl> plans_;
  std::unique_ptr<CatalogServiceImpl> catalog_;
  std::unique_ptr<platform::GrpcServer> server_;
};
moodtape::testing::TempDir* PlaylistServiceTest::certs_ = nullptr;

TEST_F(PlaylistServiceTest, EmptyCatalogueRefusesPlansWithWhatToDo) {
  v1::PlanResponse res;
  const grpc::Status status = Plan(PointsRequest(-0.5, -0.5, 0.5, 0.5, 5), &res);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("moodtape-playlist import"));
}

TEST_F(PlaylistServiceTest, ClientStreamingImportReportsBadTracksByLineAndStoresTheRest) {
  auto good = GridTracks();
  CatalogTrack no_title = TrackAt("nt", 0.1, 0.1);
  no_title.title = "";
  CatalogTrack zero_tempo = TrackAt("zt", 0.2, 0.2, 0);
  CatalogTrack out_of_range = TrackAt("oor", 0.2, 0.2);
  out_of_range.valence = 1.5;
  CatalogTrack duplicate = good[0].first;
  std::vector<std::pair<CatalogTrack, int>> bad = {
      {no_title, 100}, {zero_tempo, 101}, {out_of_range, 102}, {duplicate, 103}};
  v1::ImportTracksResponse res;
  const grpc::Status status = Import({good, bad}, &res);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(res.received(), 53);
  EXPECT_EQ(res.accepted(), 49);
  EXPECT_EQ(res.rejected(), 4);
  std::map<std::string, int64_t> reasons;
  for (const auto& r : res.rejections()) reasons[r.reason()] = r.count();
  EXPECT_EQ(reasons,
            (std::map<std::string, int64_t>{
                {"duplicate_id", 1}, {"malformed", 1}, {"missing_title", 1}, {"zero_tempo", 1}}));
  ASSERT_EQ(res.rejected_tracks_size(), 4);
  EXPECT_EQ(res.rejected_tracks(0).line(), 100);
  EXPECT_EQ(res.rejected_tracks(0).reason(), "missing_title");
  EXPECT_EQ(res.rejected_tracks(2).line(), 102);
  EXPECT_THAT(res.rejected_tracks(2).detail(), HasSubstr("valence"));
  EXPECT_EQ(res.rejected_tracks(3).id(), good[0].first.id);
  EXPECT_EQ(res.catalog_version(), 1);
  EXPECT_EQ(res.catalog_tracks(), 49);

  // Served at once, not at the next poll.
  v1::GetCatalogResponse info;
  auto ctx = platform::NewClientContext(5s);
  ASSERT_TRUE(Catalog("gateway")->GetCatalog(ctx.get(), {}, &info).ok());
  EXPECT_EQ(info.version(), 1);
  EXPECT_EQ(info.tracks(), 49);
  EXPECT_EQ(info.source(), "test-file");
  ASSERT_EQ(info.genres_size(), 2);
}

TEST_F(PlaylistServiceTest, PlanWalksFromStartToTargetWithReasons) {
  ImportGrid();
  v1::PlanResponse res;
  const grpc::Status status = Plan(PointsRequest(-0.9, -0.9, 0.9, 0.9, 7), &res);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(res.tracks_size(), 7);
  EXPECT_EQ(res.header().catalog_version(), 1);
  EXPECT_EQ(res.header().planner(), v1::PLANNER_MOOD_WALK);
  ASSERT_EQ(res.header().waypoints_size(), 7);
  EXPECT_EQ(res.tracks(0).track().id(), "g00");  // exactly at the start
  EXPECT_EQ(res.tracks(6).track().id(), "g66");  // exactly at the target
  std::set<std::string> ids;
  for (int i = 0; i < res.tracks_size(); ++i) {
    const auto& t = res.tracks(i);
    EXPECT_EQ(t.position(), i);
    EXPECT_EQ(t.waypoint_index(), i);
    const double d = std::hypot(t.track().point().valence() - t.waypoint().valence(),
                                t.track().point().arousal() - t.waypoint().arousal());
    EXPECT_NEAR(t.distance(), d, 1e-6);
    EXPECT_FALSE(t.track().title().empty());
    ids.insert(t.track().id());
  }
  EXPECT_EQ(ids.size(), 7u);  // no track twice

  // The same request gives the same plan.
  v1::PlanResponse again;
  ASSERT_TRUE(Plan(PointsRequest(-0.9, -0.9, 0.9, 0.9, 7), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), res.SerializeAsString());
}

TEST_F(PlaylistServiceTest, StreamPlanSendsTheHeaderThenTheSameTracksAsPlan) {
  ImportGrid();
  v1::PlanRequest req;
  req.mutable_start()->set_emotion(common::v1::EMOTION_SADNESS);
  req.mutable_target()->set_emotion(common::v1::EMOTION_HAPPINESS);
  v1::PlanResponse unary;
  ASSERT_TRUE(Plan(req, &unary, "gateway").ok());
  EXPECT_EQ(unary.tracks_size(), 12);  // the default length
  const auto sad = emotion::EmotionPoint(emotion::Emotion::kSadness);
  EXPECT_DOUBLE_EQ(unary.header().start().valence(), sad.valence);
  EXPECT_DOUBLE_EQ(unary.header().start().arousal(), sad.arousal);

  auto ctx = platform::NewClientContext(5s);
  v1::StreamPlanRequest stream_req;
  *stream_req.mutable_request() = req;
  auto reader = Plans()->StreamPlan(ctx.get(), stream_req);
  v1::StreamPlanResponse msg;
  std::vector<v1::StreamPlanResponse> got;
  while (reader->Read(&msg)) got.push_back(msg);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(got.size(), 13u);
  ASSERT_TRUE(got[0].has_header());
  EXPECT_EQ(got[0].header().SerializeAsString(), unary.header().SerializeAsString());
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(got[static_cast<std::size_t>(i) + 1].has_track());
    EXPECT_EQ(got[static_cast<std::size_t>(i) + 1].track().SerializeAsString(),
              unary.tracks(i).SerializeAsString());
  }
}

TEST_F(PlaylistServiceTest, AngleWalkIsAvailableAsTheBaseline) {
  ImportGrid();
  auto req = PointsRequest(-0.9, -0.9, 0.9, 0.9, 5);
  req.set_planner(v1::PLANNER_ANGLE_WALK);
  v1::PlanResponse res;
  ASSERT_TRUE(Plan(req, &res).ok());
  EXPECT_EQ(res.header().planner(), v1::PLANNER_ANGLE_WALK);
  EXPECT_EQ(res.tracks_size(), 5);
  EXPECT_EQ(res.tracks(0).track().id(), "g00");
}

TEST_F(PlaylistServiceTest, OptionsReachThePlanner) {
  ImportGrid();
  auto req = PointsRequest(-0.9, -0.9, 0.9, 0.9, 6);
  req.mutable_options()->add_include_genres("rock");
  v1::PlanResponse res;
  ASSERT_TRUE(Plan(req, &res).ok());
  for (const auto& t : res.tracks()) EXPECT_EQ(t.track().genre(), "rock");

  req.mutable_options()->set_seed(7);
  v1::PlanResponse seeded;
  ASSERT_TRUE(Plan(req, &seeded).ok());
  v1::PlanResponse seeded_again;
  ASSERT_TRUE(Plan(req, &seeded_again).ok());
  EXPECT_EQ(seeded.SerializeAsString(), seeded_again.SerializeAsString());
}

TEST_F(PlaylistServiceTest, BadRequestsSayWhatToChange) {
  ImportGrid();
  struct Case {
    v1::PlanRequest req;
    grpc::StatusCode code;
    std::string says;
  };
  std::vector<Case> cases;
  {
    v1::PlanRequest r = PointsRequest(0, 0, 0.5, 0.5, 5);
    r.clear_start();
    cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "start is required"});
  }
  {
    v1::PlanRequest r = PointsRequest(0, 0, 0.5, 0.5, 5);
    r.mutable_target()->set_emotion(static_cast<common::v1::Emotion>(42));
    cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "target.emotion"});
  }
  cases.push_back({PointsRequest(0, 0, 0.5, 0.5, 51), grpc::StatusCode::INVALID_ARGUMENT, "50"});
  cases.push_back({PointsRequest(0, 0, 0.5, 0.5, 2), grpc::StatusCode::INVALID_ARGUMENT, "3"});
  cases.push_back({PointsRequest(1.5, 0, 0.5, 0.5, 5), grpc::StatusCode::INVALID_ARGUMENT, ""});
  {
    v1::PlanRequest r = PointsRequest(-0.9, -0.9, 0.9, 0.9, 30);
    r.mutable_options()->add_include_genres("rock");
    cases.push_back({r, grpc::StatusCode::FAILED_PRECONDITION, "include more genres"});
  }
  {
    v1::PlanRequest r = PointsRequest(-0.9, -0.9, 0.9, 0.9, 5);
    r.set_planner(static_cast<v1::Planner>(9));
    cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "planner"});
  }
  for (const auto& c : cases) {
    v1::PlanResponse res;
    const grpc::Status status = Plan(c.req, &res);
    EXPECT_EQ(status.error_code(), c.code)
        << c.req.ShortDebugString() << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.says)) << c.req.ShortDebugString();
  }
  // A failed StreamPlan fails before sending anything.
  auto ctx = platform::NewClientContext(5s);
  v1::StreamPlanRequest bad;
  *bad.mutable_request() = PointsRequest(0, 0, 0.5, 0.5, 51);
  auto reader = Plans()->StreamPlan(ctx.get(), bad);
  v1::StreamPlanResponse msg;
  EXPECT_FALSE(reader->Read(&msg));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PlaylistServiceTest, CloseStartAndTargetGiveACalmPlaylist) {
  ImportGrid();
  v1::PlanResponse res;
  ASSERT_TRUE(Plan(PointsRequest(0, 0, 0.1, 0.05, 12), &res).ok());
  EXPECT_TRUE(res.header().calm());
  EXPECT_LE(res.tracks_size(), 6);
  EXPECT_GE(res.tracks_size(), 3);
}

TEST_F(PlaylistServiceTest, CallersOutsideTheAllowListAreDenied) {
  ImportGrid();
  // The gateway may plan but not import; the cli may import but not plan.
  v1::ImportTracksResponse import_res;
  auto ctx = platform::NewClientContext(5s);
  auto writer = Catalog("gateway")->ImportTracks(ctx.get(), &import_res);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::PlanResponse res;
  EXPECT_EQ(Plan(PointsRequest(0, 0, 0.5, 0.5, 5), &res, "cli").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Plan(PointsRequest(0, 0, 0.5, 0.5, 5), &res, "store").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PlaylistServiceTest, CancelledImportLeavesThePreviousCatalogue) {
  ImportGrid();
  {
    auto stub = Catalog();
    grpc::ClientContext ctx;
    v1::ImportTracksResponse res;
    auto writer = stub->ImportTracks(&ctx, &res);
    v1::ImportTracksRequest req;
    req.set_mode(v1::IMPORT_MODE_REPLACE);
    for (int i = 0; i < 10; ++i)
      ToProto(TrackAt("new" + std::to_string(i), 0, 0), req.add_tracks()->mutable_track());
    ASSERT_TRUE(writer->Write(req));
    ctx.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // Nothing changed in the store or in what is served.
  auto version = repository_->Version();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->version, 1);
  EXPECT_EQ(version->track_count, 49);
  ASSERT_TRUE(sync_->Sync().ok());
  EXPECT_EQ(sync_->Current()->index->size(), 49u);
}

TEST_F(PlaylistServiceTest, ReplaceImportBumpsTheVersionAndPlansUseIt) {
  ImportGrid();
  std::vector<std::pair<CatalogTrack, int>> small;
  for (int i = 0; i < 5; ++i)
    small.emplace_back(TrackAt("s" + std::to_string(i), -0.8 + 0.4 * i, 0), i + 2);
  v1::ImportTracksResponse res;
  ASSERT_TRUE(Import({small}, &res, /*replace=*/true).ok());
  EXPECT_EQ(res.catalog_version(), 2);
  EXPECT_EQ(res.catalog_tracks(), 5);
  v1::PlanResponse plan;
  ASSERT_TRUE(Plan(PointsRequest(-0.8, 0, 0.8, 0, 5), &plan).ok());
  EXPECT_EQ(plan.header().catalog_version(), 2);
  EXPECT_EQ(plan.tracks(0).track().id(), "s0");
  EXPECT_EQ(plan.tracks(4).track().id(), "s4");
}

TEST_F(PlaylistServiceTest, SyncPicksUpAnImportMadeElsewhere) {
  ImportGrid();
  // Another replica imports straight into the store.
  auto other = repository_->Import(ImportMode::kMerge, std::nullopt, "elsewhere",
                                   {TrackAt("extra", 0.95, 0.95)});
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(sync_->Current()->version.version, 1);
  auto swapped = sync_->Sync();
  ASSERT_TRUE(swapped.ok());
  EXPECT_TRUE(*swapped);
  EXPECT_EQ(sync_->Current()->version.version, 2);
  EXPECT_EQ(sync_->Current()->index->size(), 50u);
  auto again = sync_->Sync();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);  // same version: nothing reloaded
}

TEST_F(PlaylistServiceTest, DefaultCatalogueIsImportedOnlyIntoAnEmptyStore) {
  moodtape::testing::TempDir dir;
  {
    std::ofstream csv(dir.File("default.csv"));
    csv << "track_id,track_name,track_artist,valence,energy,tempo\n"
           "a,Song A,Artist A,0.1,0.1,100\n"
           "b,Song B,Artist B,0.5,0.5,110\n"
           "b,Song B again,Artist B,0.5,0.5,110\n"
           "c,,Artist C,0.9,0.9,120\n"
           "d,Song D,Artist D,0.9,0.9,0\n";
  }
  CatalogSyncOptions options;
  options.poll_interval = 1h;
  options.default_catalog = dir.File("default.csv");
  CatalogSync first(*repository_, options);
  ASSERT_TRUE(first.Sync().ok());
  EXPECT_EQ(first.Current()->version.version, 1);
  EXPECT_EQ(first.Current()->index->size(), 2u);  // duplicate, no title, zero tempo dropped

  // A store that has a catalogue keeps it: the default is not imported again.
  ImportGrid();
  CatalogSync second(*repository_, options);
  ASSERT_TRUE(second.Sync().ok());
  EXPECT_EQ(second.Current()->version.version, 2);
  EXPECT_EQ(second.Current()->index->size(), 51u);
}

TEST_F(PlaylistServiceTest, AMissingDefaultCatalogueMeansAnEmptyCatalogueNotAFailedStart) {
  moodtape::testing::TempDir dir;
  CatalogSyncOptions options;
  options.poll_interval = 1h;
  options.default_catalog = dir.File("no-such-file.csv");
  CatalogSync sync(*repository_, options);
  auto synced = sync.Sync();
  ASSERT_TRUE(synced.ok()) << synced.error().message;
  ASSERT_NE(sync.Current(), nullptr);
  EXPECT_EQ(sync.Current()->version.version, 0);
  EXPECT_EQ(sync.Current()->index->size(), 0u);
  // An import later is picked up as usual.
  ImportGrid();
  ASSERT_TRUE(sync.Sync().ok());
  EXPECT_EQ(sync.Current()->index->size(), 49u);
}

}  // namespace
}  // namespace moodtape::playlist
