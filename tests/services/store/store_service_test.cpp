// The store's gRPC services (StoreService, AssetService, AlbumService) over real mutual TLS: an
// in-process GrpcServer (port 0) with the store's own AccessPolicy, certificates from
// scripts/dev_certs.sh, and clients calling as auth, worker, gateway and playlist. Checks who may
// call what and that the adapters map errors and payloads faithfully.
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <random>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "moodtape/store/v1/album_service.grpc.pb.h"
#include "moodtape/store/v1/asset_service.grpc.pb.h"
#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/base/encoding.h"
#include "platform/grpc/blocking_call_pool.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "services/store/album_service.h"
#include "services/store/asset_service.h"
#include "services/store/store_service.h"
#include "tests/support/test_support.h"

namespace moodtape::store {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Forwards to the real storage; lets a test act just before the service reads a catalogue page.
class HookedStorage final : public Storage {
 public:
  explicit HookedStorage(Storage& inner) : inner_(inner) {}
  std::function<void(int call)> before_page;

  Result<User> CreateUser(const NewUser& u) override { return inner_.CreateUser(u); }
  Result<User> GetUserById(const std::string& id) override { return inner_.GetUserById(id); }
  Result<User> GetUserByLogin(const std::string& l) override { return inner_.GetUserByLogin(l); }
  Result<int64_t> CountUsers() override { return inner_.CountUsers(); }
  Result<User> SetUserRoles(const std::string& id, const std::vector<std::string>& r) override {
    return inner_.SetUserRoles(id, r);
  }
  Result<RefreshToken> StoreRefreshToken(const NewRefreshToken& t) override {
    return inner_.StoreRefreshToken(t);
  }
  Result<RefreshToken> GetRefreshToken(const std::string& h) override {
    return inner_.GetRefreshToken(h);
  }
  Result<RefreshToken> RotateRefreshToken(const std::string& o, const std::string& n,
                                          int64_t e) override {
    return inner_.RotateRefreshToken(o, n, e);
  }
  Result<int64_t> RevokeTokenFamily(const std::string& f) override {
    return inner_.RevokeTokenFamily(f);
  }
  Result<int64_t> RevokeUserTokens(const std::string& u) override {
    return inner_.RevokeUserTokens(u);
  }
  Result<SavedMoodResult> SaveMoodResult(const MoodResult& m) override {
    return inner_.SaveMoodResult(m);
  }
  Result<MoodHistoryPage> ListMoodHistory(const std::string& u, int n,
                                          const std::string& c) override {
    return inner_.ListMoodHistory(u, n, c);
  }
  Result<MoodResult> GetMoodResult(const std::string& u, const std::string& j) override {
    return inner_.GetMoodResult(u, j);
  }
  Result<ImportedCatalog> ImportCatalog(const CatalogImport& i) override {
    return inner_.ImportCatalog(i);
  }
  Result<CatalogInfo> GetCatalogInfo() override { return inner_.GetCatalogInfo(); }
  Result<CatalogPage> ListCatalogPage(const std::string& after, int limit) override {
    ++page_calls_;
    if (before_page) before_page(page_calls_);
    return inner_.ListCatalogPage(after, limit);
  }
  Status CheckAssetHeader(const AssetHeader& h) override { return inner_.CheckAssetHeader(h); }
  Result<PutAssetResult> PutAsset(const AssetUpload& u) override { return inner_.PutAsset(u); }
  Result<AssetInfo> GetAssetInfo(const std::string& o, const std::string& a) override {
    return inner_.GetAssetInfo(o, a);
  }
  Result<std::string> ReadAssetBytes(const std::string& o, const std::string& a, int64_t offset,
                                     int64_t max_bytes) override {
    return inner_.ReadAssetBytes(o, a, offset, max_bytes);
  }
  Result<AssetUsage> GetAssetUsage(const std::string& o) override {
    return inner_.GetAssetUsage(o);
  }
  Result<SavedAlbum> SaveAlbum(const Album& a) override { return inner_.SaveAlbum(a); }
  Result<Album> GetAlbum(const std::string& o, const std::string& a) override {
    return inner_.GetAlbum(o, a);
  }
  Result<AlbumPage> ListAlbums(const std::string& o, int n, const std::string& c) override {
    return inner_.ListAlbums(o, n, c);
  }
  Result<int64_t> DeleteAlbum(const std::string& o, const std::string& a) override {
    return inner_.DeleteAlbum(o, a);
  }

 private:
  Storage& inner_;
  int page_calls_ = 0;
};

class StoreServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new moodtape::testing::TempDir();
    std::string script = moodtape::testing::SourceDir() + "/scripts/dev_certs.sh";
    ASSERT_EQ(moodtape::testing::RunCommand(
                  {script, certs_->path(), "store", "auth", "worker", "gateway", "playlist"}),
              0);
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  static platform::TlsSettings Tls(const std::string& name) {
    return {true, certs_->File("ca.crt"), certs_->File(name + ".crt"), certs_->File(name + ".key")};
  }

  void SetUp() override {
    StorageOptions options;
    options.database_url = "sqlite:" + db_dir_.File("store.db");
    options.assets.quota_bytes = kQuotaBytes;
    storage_ = OpenStorage(options);
    hooked_ = std::make_unique<HookedStorage>(*storage_);
    pool_ = std::make_unique<platform::BlockingCallPool>("store", 4, &metrics_, 16);
    service_ = std::make_unique<StoreServiceImpl>(*hooked_);
    assets_ = std::make_unique<AssetServiceImpl>(*hooked_, *pool_, spool_dir_.path());
    albums_ = std::make_unique<AlbumServiceImpl>(*hooked_, *pool_);
    platform::GrpcServerOptions server_options;
    server_options.service_name = "store";
    server_options.address = "127.0.0.1:0";
    server_options.tls = Tls("store");
    server_options.access = StoreAccessPolicy();
    server_ = std::make_unique<platform::GrpcServer>(std::move(server_options), metrics_, nullptr);
    server_->AddService(service_.get());
    server_->AddService(assets_.get());
    server_->AddService(albums_.get());
    server_->Start();
  }

  void TearDown() override { server_->Shutdown(1s); }

  // A channel that calls as `caller` (the CN of its client certificate).
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& caller) {
    platform::ChannelOptions options;
    options.tls = Tls(caller);
    factories_.push_back(std::make_unique<platform::ChannelFactory>(options, client_metrics_));
    return factories_.back()->Create("127.0.0.1:" + std::to_string(server_->port()), "store");
  }
  std::unique_ptr<v1::StoreService::Stub> As(const std::string& caller) {
    return v1::StoreService::NewStub(ChannelAs(caller));
  }
  std::unique_ptr<v1::AssetService::Stub> AssetsAs(const std::string& caller) {
    return v1::AssetService::NewStub(ChannelAs(caller));
  }
  std::unique_ptr<v1::AlbumService::Stub> AlbumsAs(const std::string& caller) {
    return v1::AlbumService::NewStub(ChannelAs(caller));
  }

  std::string CreateUser(v1::StoreService::Stub& auth, const std::string& name) {
    v1::CreateUserRequest req;
    req.set_username(name);
    req.set_email(name + "@example.org");
    req.set_password_hash("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
    v1::CreateUserResponse res;
    auto ctx = platform::NewClientContext(5s);
    grpc::Status status = auth.CreateUser(ctx.get(), req, &res);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return res.user().id();
  }

  static v1::SaveMoodResultRequest MoodRequest(const std::string& user_id,
                                               const std::string& job_id) {
    v1::SaveMoodResultRequest req;
    auto* r = req.mutable_result();
    r->set_job_id(job_id);
    r->set_user_id(user_id);
    r->set_request_text("exhausted after exams, nothing matters");
    r->set_desired_emotion(common::v1::EMOTION_ENTHUSIASM);
    r->set_predicted_emotion(common::v1::EMOTION_SADNESS);
    auto* p = r->add_probabilities();
    p->set_emotion(common::v1::EMOTION_SADNESS);
    p->set_probability(0.75);
    r->mutable_start_point()->set_valence(-0.6);
    r->mutable_start_point()->set_arousal(-0.2);
    r->mutable_target_point()->set_valence(0.7);
    r->mutable_target_point()->set_arousal(0.6);
    auto* t = r->add_playlist();
    t->set_id("track-1");
    t->set_title("Here Comes the Sun");
    t->set_tempo_bpm(129.5);
    t->mutable_point()->set_valence(0.5);
    return req;
  }

  // Small enough for a test to run into: two 5 MiB assets do not fit.
  static constexpr int64_t kQuotaBytes = 8 * 1024 * 1024;

  static moodtape::testing::TempDir* certs_;
  moodtape::testing::TempDir db_dir_;
  moodtape::testing::TempDir spool_dir_;
  platform::MetricsRegistry metrics_;
  platform::MetricsRegistry client_metrics_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<HookedStorage> hooked_;
  std::unique_ptr<platform::BlockingCallPool> pool_;
  std::unique_ptr<StoreServiceImpl> service_;
  std::unique_ptr<AssetServiceImpl> assets_;
  std::unique_ptr<AlbumServiceImpl> albums_;
  std::unique_ptr<platform::GrpcServer> server_;
  std::vector<std::unique_ptr<platform::ChannelFactory>> factories_;
};

moodtape::testing::TempDir* StoreServiceTest::certs_ = nullptr;

TEST_F(StoreServiceTest, AuthCanCreateUsersAndTheGatewayCannot) {
  auto auth = As("auth");
  std::string id = CreateUser(*auth, "alice");
  EXPECT_EQ(id.size(), 32u);

  v1::CreateUserRequest req;
  req.set_username("ALICE");
  req.set_email("other@example.org");
  req.set_password_hash("h");
  v1::CreateUserResponse res;
  auto ctx = platform::NewClientContext(5s);
  grpc::Status dup = auth->CreateUser(ctx.get(), req, &res);
  EXPECT_EQ(dup.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(dup.error_message(), "username is taken");

  auto gateway = As("gateway");
  req.set_username("mallory");
  req.set_email("mallory@example.org");
  auto ctx2 = platform::NewClientContext(5s);
  EXPECT_EQ(gateway->CreateUser(ctx2.get(), req, &res).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetUserByLoginRequest by_login;
  by_login.set_login("alice");
  v1::GetUserByLoginResponse user;
  auto ctx3 = platform::NewClientContext(5s);
  EXPECT_EQ(gateway->GetUserByLogin(ctx3.get(), by_login, &user).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto worker = As("worker");
  auto ctx4 = platform::NewClientContext(5s);
  EXPECT_EQ(worker->GetUserByLogin(ctx4.get(), by_login, &user).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  auto ctx5 = platform::NewClientContext(5s);
  ASSERT_TRUE(auth->GetUserByLogin(ctx5.get(), by_login, &user).ok());
  EXPECT_EQ(user.user().id(), id);
  EXPECT_EQ(user.user().password_hash(), "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
  v1::CountUsersResponse count;
  auto ctx6 = platform::NewClientContext(5s);
  ASSERT_TRUE(auth->CountUsers(ctx6.get(), v1::CountUsersRequest(), &count).ok());
  EXPECT_EQ(count.count(), 1);
  EXPECT_EQ(storage_->CountUsers().value(), 1);  // the gateway's attempt wrote nothing
}

TEST_F(StoreServiceTest, RefreshTokenRotationOverGrpc) {
  auto auth = As("auth");
  std::string id = CreateUser(*auth, "bob");
  const std::string h1(64, 'a'), h2(64, 'b'), h3(64, 'c');
  v1::StoreRefreshTokenRequest store;
  store.set_token_hash(h1);
  store.set_user_id(id);
  store.set_family_id("fam-1");
  store.set_expires_at_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   (std::chrono::system_clock::now() + 24h).time_since_epoch())
                                   .count());
  v1::StoreRefreshTokenResponse stored;
  auto c1 = platform::NewClientContext(5s);
  ASSERT_TRUE(auth->StoreRefreshToken(c1.get(), store, &stored).ok());

  v1::RotateRefreshTokenRequest rotate;
  rotate.set_old_token_hash(h1);
  rotate.set_new_token_hash(h2);
  rotate.set_new_expires_at_unix_ms(store.expires_at_unix_ms());
  v1::RotateRefreshTokenResponse rotated;
  auto c2 = platform::NewClientContext(5s);
  ASSERT_TRUE(auth->RotateRefreshToken(c2.get(), rotate, &rotated).ok());
  EXPECT_EQ(rotated.token().family_id(), "fam-1");
  rotate.set_new_token_hash(h3);
  auto c3 = platform::NewClientContext(5s);
  grpc::Status reuse = auth->RotateRefreshToken(c3.get(), rotate, &rotated);
  EXPECT_EQ(reuse.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(reuse.error_message(), "refresh token was already used");

  v1::RevokeTokenFamilyRequest revoke;
  revoke.set_family_id("fam-1");
  v1::RevokeTokenFamilyResponse revoked;
  auto c4 = platform::NewClientContext(5s);
  ASSERT_TRUE(auth->RevokeTokenFamily(c4.get(), revoke, &revoked).ok());
  EXPECT_EQ(revoked.revoked_count(), 2);

  auto worker = As("worker");
  auto c5 = platform::NewClientContext(5s);
  EXPECT_EQ(worker->RevokeTokenFamily(c5.get(), revoke, &revoked).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(StoreServiceTest, WorkerSavesHistoryAndTheGatewayReadsIt) {
  auto auth = As("auth");
  auto worker = As("worker");
  auto gateway = As("gateway");
  std::string user = CreateUser(*auth, "carol");
  std::string other = CreateUser(*auth, "dave");

  v1::SaveMoodResultResponse saved;
  auto c1 = platform::NewClientContext(5s);
  ASSERT_TRUE(worker->SaveMoodResult(c1.get(), MoodRequest(user, "job-1"), &saved).ok());
  EXPECT_TRUE(saved.created());
  EXPECT_EQ(saved.result().playlist_size(), 1);
  auto c2 = platform::NewClientContext(5s);
  ASSERT_TRUE(worker->SaveMoodResult(c2.get(), MoodRequest(user, "job-1"), &saved).ok());
  EXPECT_FALSE(saved.created());  // a redelivered job
  auto c3 = platform::NewClientContext(5s);
  EXPECT_EQ(gateway->SaveMoodResult(c3.get(), MoodRequest(user, "job-2"), &saved).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto c3b = platform::NewClientContext(5s);
  EXPECT_EQ(auth->SaveMoodResult(c3b.get(), MoodRequest(user, "job-2"), &saved).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ListMoodHistoryRequest list;
  list.set_user_id(user);
  list.set_page_size(10);
  v1::ListMoodHistoryResponse page;
  auto c4 = platform::NewClientContext(5s);
  ASSERT_TRUE(gateway->ListMoodHistory(c4.get(), list, &page).ok());
  ASSERT_EQ(page.results_size(), 1);
  EXPECT_TRUE(page.next_page_token().empty());
  const auto& r = page.results(0);
  EXPECT_EQ(r.job_id(), "job-1");
  EXPECT_EQ(r.desired_emotion(), common::v1::EMOTION_ENTHUSIASM);
  EXPECT_EQ(r.predicted_emotion(), common::v1::EMOTION_SADNESS);
  ASSERT_EQ(r.probabilities_size(), 1);
  EXPECT_EQ(r.probabilities(0).probability(), 0.75);
  EXPECT_EQ(r.start_point().valence(), -0.6);
  EXPECT_EQ(r.target_point().arousal(), 0.6);
  ASSERT_EQ(r.playlist_size(), 1);
  EXPECT_EQ(r.playlist(0).title(), "Here Comes the Sun");
  EXPECT_EQ(r.playlist(0).tempo_bpm(), 129.5);
  EXPECT_EQ(r.playlist(0).point().valence(), 0.5);

  v1::GetMoodResultRequest get;
  get.set_user_id(other);
  get.set_job_id("job-1");
  v1::GetMoodResultResponse got;
  auto c5 = platform::NewClientContext(5s);
  EXPECT_EQ(gateway->GetMoodResult(c5.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_user_id(user);
  auto c6 = platform::NewClientContext(5s);
  ASSERT_TRUE(worker->GetMoodResult(c6.get(), get, &got).ok());
  EXPECT_EQ(got.result().request_text(), "exhausted after exams, nothing matters");

  list.set_page_token("not-a-cursor!");
  auto c7 = platform::NewClientContext(5s);
  grpc::Status bad = gateway->ListMoodHistory(c7.get(), list, &page);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("page_token"));
  auto c8 = platform::NewClientContext(5s);
  EXPECT_EQ(auth->ListMoodHistory(c8.get(), list, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(StoreServiceTest, InvalidRequestsGetMessagesAPersonCanActOn) {
  auto auth = As("auth");
  auto worker = As("worker");
  std::string user = CreateUser(*auth, "erin");
  auto expect_invalid = [&](v1::SaveMoodResultRequest req, const std::string& fragment) {
    v1::SaveMoodResultResponse res;
    auto ctx = platform::NewClientContext(5s);
    grpc::Status s = worker->SaveMoodResult(ctx.get(), req, &res);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << fragment;
    EXPECT_THAT(s.error_message(), HasSubstr(fragment));
  };
  expect_invalid(v1::SaveMoodResultRequest(), "result is required");
  auto req = MoodRequest(user, "job-x");
  req.mutable_result()->set_desired_emotion(common::v1::EMOTION_UNSPECIFIED);
  expect_invalid(req, "desired_emotion must be one of the 13 emotions");
  req = MoodRequest(user, "job-x");
  req.mutable_result()->clear_start_point();
  expect_invalid(req, "start_point is required");
  req = MoodRequest(user, "job-x");
  req.mutable_result()->set_job_id("");
  expect_invalid(req, "job_id is required");

  v1::CreateUserRequest create;
  create.set_username("frank");
  create.set_email("not-an-email");
  create.set_password_hash("h");
  v1::CreateUserResponse created;
  auto ctx = platform::NewClientContext(5s);
  grpc::Status s = auth->CreateUser(ctx.get(), create, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "email must look like name@example.org");
}

// ---- The catalogue ----

common::v1::Track ProtoTrack(int n) {
  common::v1::Track t;
  char id[16];
  std::snprintf(id, sizeof(id), "t%06d", n);
  t.set_id(id);
  t.set_title("Title " + std::to_string(n));
  t.set_artist("Artist " + std::to_string(n % 40));
  t.set_album("Album");
  t.set_genre("rock");
  t.set_duration_ms(200'000 + n);
  t.set_tempo_bpm(90 + n % 60);
  t.set_key(n % 12);
  t.set_mode(n % 2);
  t.set_valence((n % 11) / 10.0);
  t.set_energy((n % 5) / 4.0);
  t.set_danceability(0.5);
  t.set_content_rating(static_cast<common::v1::ContentRating>(n % 3));
  t.set_source("spotify_songs");
  return t;
}

// One client-streamed import: `batches` messages of tracks numbered from `first`.
grpc::Status Import(v1::StoreService::Stub& stub, std::vector<std::vector<int>> batches,
                    v1::CatalogImportMode mode, v1::ImportCatalogResponse* res,
                    std::optional<int64_t> expected_version = std::nullopt) {
  auto ctx = platform::NewClientContext(30s);
  auto writer = stub.ImportCatalog(ctx.get(), res);
  bool first = true;
  for (const auto& batch : batches) {
    v1::ImportCatalogRequest req;
    if (first) {
      req.set_mode(mode);
      req.set_source("import-test");
      if (expected_version) req.set_expected_version(*expected_version);
      first = false;
    }
    for (int n : batch) *req.add_tracks() = ProtoTrack(n);
    if (!writer->Write(req)) break;  // the server finished early; Finish says why
  }
  writer->WritesDone();
  return writer->Finish();
}

std::vector<int> Numbers(int from, int to) {
  std::vector<int> out;
  for (int n = from; n < to; ++n) out.push_back(n);
  return out;
}

struct CatalogRead {
  grpc::Status status;
  std::vector<v1::ListCatalogTracksResponse> messages;
  std::vector<common::v1::Track> tracks;
};

CatalogRead ReadCatalog(v1::StoreService::Stub& stub, int batch_size) {
  CatalogRead out;
  auto ctx = platform::NewClientContext(30s);
  v1::ListCatalogTracksRequest req;
  req.set_batch_size(batch_size);
  auto reader = stub.ListCatalogTracks(ctx.get(), req);
  v1::ListCatalogTracksResponse msg;
  while (reader->Read(&msg)) {
    for (const auto& t : msg.tracks()) out.tracks.push_back(t);
    out.messages.push_back(msg);
  }
  out.status = reader->Finish();
  return out;
}

v1::CatalogInfo CatalogInfoOf(v1::StoreService::Stub& stub) {
  v1::GetCatalogInfoResponse res;
  auto ctx = platform::NewClientContext(5s);
  grpc::Status status = stub.GetCatalogInfo(ctx.get(), v1::GetCatalogInfoRequest(), &res);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return res.catalog();
}

TEST_F(StoreServiceTest, PlaylistStreamsAnImportAndReadsItBackAcrossBatches) {
  auto playlist = As("playlist");
  v1::ImportCatalogResponse res;
  grpc::Status status =
      Import(*playlist, {Numbers(0, 1000), Numbers(1000, 2000), Numbers(2000, 2500)},
             v1::CATALOG_IMPORT_MODE_REPLACE, &res);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(res.tracks_written(), 2500);
  EXPECT_EQ(res.catalog().version(), 1);
  EXPECT_EQ(res.catalog().track_count(), 2500);
  EXPECT_EQ(res.catalog().source(), "import-test");
  EXPECT_GT(res.catalog().updated_at_unix_ms(), 0);
  v1::CatalogInfo info = CatalogInfoOf(*playlist);
  EXPECT_EQ(info.SerializeAsString(), res.catalog().SerializeAsString());

  CatalogRead read = ReadCatalog(*playlist, 1000);
  ASSERT_TRUE(read.status.ok()) << read.status.error_message();
  ASSERT_EQ(read.messages.size(), 3u);
  for (const auto& m : read.messages) EXPECT_EQ(m.catalog().version(), 1);
  ASSERT_EQ(read.tracks.size(), 2500u);
  for (int n = 0; n < 2500; ++n) {
    const auto& t = read.tracks[n];
    common::v1::Track want = ProtoTrack(n);
    ASSERT_EQ(t.id(), want.id());
    EXPECT_EQ(t.title(), want.title());
    EXPECT_EQ(t.tempo_bpm(), want.tempo_bpm());
    EXPECT_EQ(t.key(), want.key());
    EXPECT_EQ(t.content_rating(), want.content_rating());
    EXPECT_EQ(t.explicit_content(), want.content_rating() == common::v1::CONTENT_RATING_EXPLICIT);
    EXPECT_DOUBLE_EQ(t.point().valence(), 2 * want.valence() - 1);
    EXPECT_DOUBLE_EQ(t.point().arousal(), 2 * want.energy() - 1);
  }

  // batch_size 0 means 1000; an exact multiple of the batch ends without an empty message.
  CatalogRead by_default = ReadCatalog(*playlist, 0);
  ASSERT_TRUE(by_default.status.ok());
  EXPECT_EQ(by_default.messages.size(), 3u);
  CatalogRead exact = ReadCatalog(*playlist, 500);
  ASSERT_TRUE(exact.status.ok());
  EXPECT_EQ(exact.messages.size(), 5u);
  EXPECT_EQ(exact.tracks.size(), 2500u);
  EXPECT_EQ(ReadCatalog(*playlist, 5001).status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // An explicit_content-only client still gets EXPLICIT back.
  auto ctx = platform::NewClientContext(5s);
  v1::ImportCatalogResponse merged;
  auto writer = playlist->ImportCatalog(ctx.get(), &merged);
  v1::ImportCatalogRequest req;
  req.set_mode(v1::CATALOG_IMPORT_MODE_MERGE);
  req.set_expected_version(1);
  auto* t = req.add_tracks();
  *t = ProtoTrack(3000);
  t->set_content_rating(common::v1::CONTENT_RATING_UNSPECIFIED);
  t->set_explicit_content(true);
  ASSERT_TRUE(writer->Write(req));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(merged.catalog().version(), 2);
  EXPECT_EQ(merged.catalog().track_count(), 2501);
  CatalogRead after = ReadCatalog(*playlist, 5000);
  EXPECT_EQ(after.tracks.back().content_rating(), common::v1::CONTENT_RATING_EXPLICIT);
  EXPECT_TRUE(after.tracks.back().explicit_content());
}

TEST_F(StoreServiceTest, EmptyCatalogueIsOneMessageAtVersionZero) {
  auto playlist = As("playlist");
  CatalogRead read = ReadCatalog(*playlist, 10);
  ASSERT_TRUE(read.status.ok()) << read.status.error_message();
  ASSERT_EQ(read.messages.size(), 1u);
  EXPECT_EQ(read.messages[0].catalog().version(), 0);
  EXPECT_TRUE(read.tracks.empty());
}

TEST_F(StoreServiceTest, BadImportsAreRefusedAndWriteNothing) {
  auto playlist = As("playlist");
  v1::ImportCatalogResponse res;
  ASSERT_TRUE(Import(*playlist, {Numbers(0, 10)}, v1::CATALOG_IMPORT_MODE_MERGE, &res).ok());

  grpc::Status oversized = Import(*playlist, {Numbers(100, 200), Numbers(200, 5201)},
                                  v1::CATALOG_IMPORT_MODE_REPLACE, &res);
  EXPECT_EQ(oversized.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(oversized.error_message(), HasSubstr("message 2 of the import holds 5001 tracks"));

  grpc::Status stale =
      Import(*playlist, {Numbers(100, 200)}, v1::CATALOG_IMPORT_MODE_REPLACE, &res, 0);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(stale.error_message(),
            "the catalogue changed (version 1, expected 0); nothing was imported");

  // A bad track in a later message: the whole import is refused, naming its position.
  auto ctx = platform::NewClientContext(5s);
  auto writer = playlist->ImportCatalog(ctx.get(), &res);
  v1::ImportCatalogRequest req;
  req.set_mode(v1::CATALOG_IMPORT_MODE_REPLACE);
  for (int n : Numbers(100, 1100)) *req.add_tracks() = ProtoTrack(n);
  ASSERT_TRUE(writer->Write(req));
  req.Clear();
  for (int n : Numbers(1100, 1200)) *req.add_tracks() = ProtoTrack(n);
  req.mutable_tracks(49)->set_energy(2);
  ASSERT_TRUE(writer->Write(req));
  writer->WritesDone();
  grpc::Status bad = writer->Finish();
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("track 1050 of the import (id 't001149'): energy"));

  v1::CatalogInfo info = CatalogInfoOf(*playlist);
  EXPECT_EQ(info.version(), 1);
  EXPECT_EQ(info.track_count(), 10);
  EXPECT_EQ(ReadCatalog(*playlist, 100).tracks.size(), 10u);
}

TEST_F(StoreServiceTest, AnImportTheClientCancelsLeavesTheOldCatalogue) {
  auto playlist = As("playlist");
  v1::ImportCatalogResponse res;
  ASSERT_TRUE(Import(*playlist, {Numbers(0, 300)}, v1::CATALOG_IMPORT_MODE_REPLACE, &res).ok());

  auto ctx = platform::NewClientContext(10s);
  v1::ImportCatalogResponse second;
  auto writer = playlist->ImportCatalog(ctx.get(), &second);
  v1::ImportCatalogRequest req;
  req.set_mode(v1::CATALOG_IMPORT_MODE_REPLACE);
  req.set_source("half");
  for (int batch = 0; batch < 3; ++batch) {
    req.clear_tracks();
    for (int n : Numbers(1000 + batch * 1000, 2000 + batch * 1000))
      *req.add_tracks() = ProtoTrack(n);
    ASSERT_TRUE(writer->Write(req));
    req.clear_mode();
  }
  ctx->TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // The client never half-closed, so the server can only have seen a cancelled stream.
  v1::CatalogInfo info = CatalogInfoOf(*playlist);
  EXPECT_EQ(info.version(), 1);
  EXPECT_EQ(info.track_count(), 300);
  EXPECT_EQ(info.source(), "import-test");
  CatalogRead read = ReadCatalog(*playlist, 1000);
  ASSERT_TRUE(read.status.ok());
  ASSERT_EQ(read.tracks.size(), 300u);
  EXPECT_EQ(read.tracks.front().id(), "t000000");
  EXPECT_EQ(read.tracks.back().id(), "t000299");
}

TEST_F(StoreServiceTest, AnImportLandingMidReadAbortsTheRead) {
  auto playlist = As("playlist");
  v1::ImportCatalogResponse res;
  ASSERT_TRUE(Import(*playlist, {Numbers(0, 30)}, v1::CATALOG_IMPORT_MODE_REPLACE, &res).ok());
  hooked_->before_page = [&](int call) {
    if (call == 2) {
      CatalogImport more;
      more.tracks.push_back({"zz", "Late", "Someone", "", "", 0, 100, -1, -1, 0.5, 0.5, 0.5,
                             ContentRating::kUnknown, ""});
      ASSERT_TRUE(storage_->ImportCatalog(more).ok());
    }
  };
  CatalogRead read = ReadCatalog(*playlist, 10);
  EXPECT_EQ(read.status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(read.status.error_message(),
            "the catalogue changed while it was being read (version 1 -> 2); read it again");
  EXPECT_EQ(read.messages.size(), 1u);
  hooked_->before_page = nullptr;
  CatalogRead again = ReadCatalog(*playlist, 10);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.tracks.size(), 31u);
}

TEST_F(StoreServiceTest, OnlyThePlaylistServiceMayTouchTheCatalogue) {
  for (const char* caller : {"gateway", "worker", "auth"}) {
    auto stub = As(caller);
    v1::GetCatalogInfoResponse info;
    auto c1 = platform::NewClientContext(5s);
    EXPECT_EQ(stub->GetCatalogInfo(c1.get(), v1::GetCatalogInfoRequest(), &info).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
    EXPECT_EQ(ReadCatalog(*stub, 10).status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << caller;
    v1::ImportCatalogResponse res;
    EXPECT_EQ(Import(*stub, {Numbers(0, 5)}, v1::CATALOG_IMPORT_MODE_MERGE, &res).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
  }
  EXPECT_EQ(storage_->GetCatalogInfo()->version, 0);
  // And the playlist service gets nothing else.
  auto playlist = As("playlist");
  v1::CountUsersResponse count;
  auto ctx = platform::NewClientContext(5s);
  EXPECT_EQ(playlist->CountUsers(ctx.get(), v1::CountUsersRequest(), &count).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ---- Assets ----

std::string SomeBytes(size_t n, uint32_t seed) {
  std::mt19937 random(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

struct Upload {
  grpc::Status status;
  v1::PutAssetResponse response;
};

// Streams a header and then `bytes` in `chunk`-sized messages. `sent` cuts the stream short;
// `cancel_after` cancels it after that many chunks instead of half-closing.
Upload PutAsset(v1::AssetService::Stub& stub, const v1::AssetHeader& header,
                const std::string& bytes, size_t chunk = 1 << 20,
                std::optional<size_t> sent = std::nullopt,
                std::optional<int> cancel_after = std::nullopt) {
  Upload out;
  auto ctx = platform::NewClientContext(30s);
  auto writer = stub.PutAsset(ctx.get(), &out.response);
  v1::PutAssetRequest req;
  *req.mutable_header() = header;
  bool open = writer->Write(req);
  const size_t end = sent.value_or(bytes.size());
  int chunks = 0;
  for (size_t at = 0; open && at < end; at += chunk) {
    if (cancel_after && chunks == *cancel_after) {
      ctx->TryCancel();
      out.status = writer->Finish();
      return out;
    }
    req.set_chunk(bytes.substr(at, std::min(chunk, end - at)));
    open = writer->Write(req);  // false: the server finished early; Finish says why
    ++chunks;
  }
  if (open) writer->WritesDone();
  out.status = writer->Finish();
  return out;
}

v1::AssetHeader Header(const std::string& owner, const std::string& bytes,
                       const std::string& media_type = "audio/ogg", bool with_sha = true) {
  v1::AssetHeader h;
  h.set_owner_user_id(owner);
  h.set_media_type(media_type);
  h.set_size_bytes(static_cast<int64_t>(bytes.size()));
  if (with_sha) h.set_sha256(platform::Sha256Hex(bytes));
  return h;
}

struct Download {
  grpc::Status status;
  std::optional<v1::AssetInfo> info;
  std::string bytes;
  size_t messages = 0;
  size_t largest_chunk = 0;
  bool info_first = true;
};

Download GetAsset(v1::AssetService::Stub& stub, const std::string& owner, const std::string& id,
                  int64_t offset = 0, int64_t length = 0) {
  Download out;
  auto ctx = platform::NewClientContext(30s);
  v1::GetAssetRequest req;
  req.set_owner_user_id(owner);
  req.set_asset_id(id);
  req.set_offset(offset);
  req.set_length(length);
  auto reader = stub.GetAsset(ctx.get(), req);
  v1::GetAssetResponse msg;
  while (reader->Read(&msg)) {
    ++out.messages;
    if (msg.has_info()) {
      if (out.messages != 1) out.info_first = false;
      out.info = msg.info();
    } else {
      out.bytes += msg.chunk();
      out.largest_chunk = std::max(out.largest_chunk, msg.chunk().size());
    }
  }
  out.status = reader->Finish();
  return out;
}

long long MillisSince(std::chrono::steady_clock::time_point start) {
  return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - start)
                                    .count());
}

TEST_F(StoreServiceTest, TheWorkerUploadsAnAssetAndTheGatewayStreamsItBack) {
  std::string user = CreateUser(*As("auth"), "uma");
  auto worker = AssetsAs("worker");
  auto gateway = AssetsAs("gateway");
  const std::string bytes = SomeBytes(5 * 1024 * 1024 + 321, 1);

  auto started = std::chrono::steady_clock::now();
  Upload put = PutAsset(*worker, Header(user, bytes), bytes);
  const long long put_ms = MillisSince(started);
  ASSERT_TRUE(put.status.ok()) << put.status.error_message();
  EXPECT_TRUE(put.response.created());
  EXPECT_EQ(put.response.asset().asset_id(), platform::Sha256Hex(bytes));
  EXPECT_EQ(put.response.asset().media_type(), "audio/ogg");
  EXPECT_EQ(put.response.asset().size_bytes(), static_cast<int64_t>(bytes.size()));
  EXPECT_GT(put.response.asset().created_at_unix_ms(), 0);

  started = std::chrono::steady_clock::now();
  Download got = GetAsset(*gateway, user, put.response.asset().asset_id());
  const long long get_ms = MillisSince(started);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  ASSERT_TRUE(got.info.has_value());
  EXPECT_TRUE(got.info_first);
  EXPECT_EQ(got.info->SerializeAsString(), put.response.asset().SerializeAsString());
  EXPECT_TRUE(got.bytes == bytes) << "the bytes streamed back differ";
  EXPECT_EQ(got.largest_chunk, 64u * 1024);
  EXPECT_EQ(got.messages, 1 + (bytes.size() + 65535) / 65536);
  std::printf(
      "[ measure  ] 5 MiB asset over gRPC (mTLS, SQLite): upload %lld ms, download %lld ms\n",
      put_ms, get_ms);
  RecordProperty("grpc_put_5mib_ms", std::to_string(put_ms));
  RecordProperty("grpc_get_5mib_ms", std::to_string(get_ms));

  // A retried upload, in other chunk sizes, stores nothing new.
  Upload again = PutAsset(*worker, Header(user, bytes), bytes, 300 * 1024);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_FALSE(again.response.created());
  EXPECT_EQ(storage_->GetAssetUsage(user)->used_bytes, static_cast<int64_t>(bytes.size()));
  // The worker may read it too.
  EXPECT_TRUE(GetAsset(*worker, user, put.response.asset().asset_id(), 0, 10).status.ok());
}

TEST_F(StoreServiceTest, RangesAreCutAtTheEndAndAStartPastItIsOutOfRange) {
  std::string user = CreateUser(*As("auth"), "vera");
  auto worker = AssetsAs("worker");
  const std::string bytes = SomeBytes(600 * 1024 + 5, 2);
  Upload put = PutAsset(*worker, Header(user, bytes, "audio/mpeg"), bytes);
  ASSERT_TRUE(put.status.ok()) << put.status.error_message();
  const std::string id = put.response.asset().asset_id();
  const auto size = static_cast<int64_t>(bytes.size());

  Download first = GetAsset(*worker, user, id, 0, 1);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(first.bytes, bytes.substr(0, 1));
  EXPECT_EQ(first.info->size_bytes(), size);  // the info describes the asset, not the range

  const int64_t middle = 256 * 1024 - 1000;  // across a stored chunk's end
  Download mid = GetAsset(*worker, user, id, middle, 200 * 1000);
  ASSERT_TRUE(mid.status.ok()) << mid.status.error_message();
  EXPECT_TRUE(mid.bytes == bytes.substr(middle, 200 * 1000));

  Download tail = GetAsset(*worker, user, id, size - 3, 1000);
  ASSERT_TRUE(tail.status.ok()) << tail.status.error_message();
  EXPECT_EQ(tail.bytes, bytes.substr(size - 3));

  Download at_end = GetAsset(*worker, user, id, size, 0);
  EXPECT_EQ(at_end.status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(at_end.status.error_message(), "offset " + std::to_string(size) +
                                               " is at or past the end of the asset (" +
                                               std::to_string(size) + " bytes)");
  EXPECT_EQ(at_end.messages, 0u);
  EXPECT_EQ(GetAsset(*worker, user, id, size + 100, 1).status.error_code(),
            grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(GetAsset(*worker, user, id, -1, 0).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GetAsset(*worker, user, id, 0, -1).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(StoreServiceTest, ABadOrBrokenUploadStoresNothing) {
  std::string user = CreateUser(*As("auth"), "wade");
  auto worker = AssetsAs("worker");
  const std::string bytes = SomeBytes(2 * 1024 * 1024 + 17, 3);
  auto expect = [&](const Upload& u, grpc::StatusCode code, const std::string& fragment) {
    EXPECT_EQ(u.status.error_code(), code) << fragment << ": " << u.status.error_message();
    EXPECT_THAT(u.status.error_message(), HasSubstr(fragment));
  };

  v1::AssetHeader wrong_sha = Header(user, bytes);
  wrong_sha.set_sha256(platform::Sha256Hex("something else"));
  expect(PutAsset(*worker, wrong_sha, bytes), grpc::StatusCode::DATA_LOSS,
         "not " + wrong_sha.sha256() + " as the header says; nothing was stored");
  expect(PutAsset(*worker, Header(user, bytes), bytes, 1 << 20, bytes.size() - 1),
         grpc::StatusCode::INVALID_ARGUMENT,
         "the stream ended after 2097168 of 2097169 bytes; nothing was stored");
  v1::AssetHeader small = Header(user, bytes.substr(0, 100));
  expect(PutAsset(*worker, small, bytes, 1000), grpc::StatusCode::INVALID_ARGUMENT,
         "more than the header's size_bytes (100)");
  expect(PutAsset(*worker, Header(user, bytes, "image/jpeg"), bytes),
         grpc::StatusCode::INVALID_ARGUMENT, "media_type must be one of");
  expect(PutAsset(*worker, Header(user, bytes), bytes, (1 << 20) + 1),
         grpc::StatusCode::INVALID_ARGUMENT, "a chunk holds at most 1048576");
  expect(PutAsset(*worker, Header("0123456789abcdef0123456789abcdef", bytes), bytes),
         grpc::StatusCode::FAILED_PRECONDITION, "no such user");

  // A stream without a header, and a second header.
  {
    v1::PutAssetResponse res;
    auto ctx = platform::NewClientContext(10s);
    auto writer = worker->PutAsset(ctx.get(), &res);
    v1::PutAssetRequest req;
    req.set_chunk("bytes first");
    writer->Write(req);
    writer->WritesDone();
    expect({writer->Finish(), res}, grpc::StatusCode::INVALID_ARGUMENT,
           "the first message must be the header");
  }
  {
    v1::PutAssetResponse res;
    auto ctx = platform::NewClientContext(10s);
    auto writer = worker->PutAsset(ctx.get(), &res);
    v1::PutAssetRequest req;
    *req.mutable_header() = Header(user, bytes);
    writer->Write(req);
    writer->Write(req);
    writer->WritesDone();
    expect({writer->Finish(), res}, grpc::StatusCode::INVALID_ARGUMENT,
           "message 2 of the upload is a header");
  }
  {
    v1::PutAssetResponse res;
    auto ctx = platform::NewClientContext(10s);
    auto writer = worker->PutAsset(ctx.get(), &res);
    writer->WritesDone();
    expect({writer->Finish(), res}, grpc::StatusCode::INVALID_ARGUMENT,
           "the upload must start with a header");
  }
  // A client that goes away half-way.
  Upload cancelled = PutAsset(*worker, Header(user, bytes), bytes, 256 * 1024, std::nullopt, 3);
  EXPECT_EQ(cancelled.status.error_code(), grpc::StatusCode::CANCELLED);

  EXPECT_EQ(storage_->GetAssetUsage(user)->used_bytes, 0);
  EXPECT_EQ(storage_->GetAssetInfo(user, platform::Sha256Hex(bytes)).error().code,
            platform::ErrorCode::kNotFound);
  // And the same bytes, sent properly, are fine.
  EXPECT_TRUE(PutAsset(*worker, Header(user, bytes), bytes).status.ok());
}

TEST_F(StoreServiceTest, TheQuotaRefusesAnUploadBeforeItsBytesAreSent) {
  std::string user = CreateUser(*As("auth"), "xena");
  auto worker = AssetsAs("worker");
  const std::string a = SomeBytes(5 * 1024 * 1024, 4);
  const std::string b = SomeBytes(5 * 1024 * 1024, 5);
  ASSERT_TRUE(PutAsset(*worker, Header(user, a), a).status.ok());
  Upload over = PutAsset(*worker, Header(user, b), b);
  EXPECT_EQ(over.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(over.status.error_message(),
            "the asset quota is 8388608 bytes and 5242880 are in use; this asset needs 5242880 "
            "more; nothing was stored");
  EXPECT_EQ(storage_->GetAssetUsage(user)->used_bytes, 5 * 1024 * 1024);
  // Bytes the owner holds pass the same check when the header names them: nothing new would be
  // stored. Without the sha256 the store cannot know that before the bytes arrive.
  Upload again = PutAsset(*worker, Header(user, a), a);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_FALSE(again.response.created());
  EXPECT_EQ(PutAsset(*worker, Header(user, a, "audio/ogg", false), a).status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(StoreServiceTest, AnotherUsersAssetIsNotFoundLikeAnUnknownOne) {
  auto auth = As("auth");
  std::string owner = CreateUser(*auth, "yara");
  std::string other = CreateUser(*auth, "zack");
  auto worker = AssetsAs("worker");
  const std::string bytes = SomeBytes(1000, 6);
  ASSERT_TRUE(PutAsset(*worker, Header(owner, bytes, "image/png"), bytes).status.ok());
  Download theirs = GetAsset(*worker, other, platform::Sha256Hex(bytes));
  Download unknown = GetAsset(*worker, owner, platform::Sha256Hex("never uploaded"));
  EXPECT_EQ(theirs.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(theirs.status.error_message(), unknown.status.error_message());
  EXPECT_EQ(theirs.messages, 0u);
}

TEST_F(StoreServiceTest, OnlyTheWorkerUploadsAndOnlyTheGatewayAndWorkerDownload) {
  std::string user = CreateUser(*As("auth"), "abel");
  const std::string bytes = SomeBytes(1000, 7);
  for (const char* caller : {"gateway", "auth", "playlist"}) {
    auto stub = AssetsAs(caller);
    EXPECT_EQ(PutAsset(*stub, Header(user, bytes), bytes).status.error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
  }
  EXPECT_EQ(storage_->GetAssetUsage(user)->used_bytes, 0);
  ASSERT_TRUE(PutAsset(*AssetsAs("worker"), Header(user, bytes), bytes).status.ok());
  for (const char* caller : {"auth", "playlist"}) {
    EXPECT_EQ(GetAsset(*AssetsAs(caller), user, platform::Sha256Hex(bytes)).status.error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
  }
  EXPECT_TRUE(GetAsset(*AssetsAs("gateway"), user, platform::Sha256Hex(bytes)).status.ok());
}

// ---- Albums ----

class AlbumServiceTest : public StoreServiceTest {
 protected:
  // Uploads `text` as the worker and returns its id.
  std::string Asset(const std::string& owner, const std::string& text,
                    const std::string& media_type = "audio/ogg") {
    Upload put = PutAsset(*AssetsAs("worker"), Header(owner, text, media_type), text);
    EXPECT_TRUE(put.status.ok()) << put.status.error_message();
    return put.response.asset().asset_id();
  }

  v1::SaveAlbumRequest AlbumRequest(const std::string& owner, const std::string& job) {
    v1::SaveAlbumRequest req;
    auto* a = req.mutable_album();
    a->set_owner_user_id(owner);
    a->set_job_id(job);
    a->set_title("Night Bus");
    a->set_genre("synthpop");
    a->set_theme("the city after midnight");
    a->set_cover_description("neon on wet asphalt");
    a->set_seed(18'446'744'073'709'551'557ULL);
    a->set_cover_asset_id(Asset(owner, "cover of " + job, "image/png"));
    a->set_cover_thumbnail_asset_id(Asset(owner, "thumb of " + job, "image/png"));
    for (int i = 0; i < 2; ++i) {
      auto* s = a->add_songs();
      const std::string tag = job + "/" + std::to_string(i);
      s->set_index(i);
      s->set_title("Track " + std::to_string(i));
      s->set_lyrics("[Verse]\nlights go by\n[Chorus]\nride on");
      s->set_key("F# major");
      s->set_tempo_bpm(118);
      s->set_duration_seconds(200.5);
      s->set_ogg_asset_id(Asset(owner, "ogg " + tag));
      s->set_mp3_asset_id(Asset(owner, "mp3 " + tag, "audio/mpeg"));
      s->set_midi_asset_id(Asset(owner, "midi " + tag, "audio/midi"));
      s->set_lrc_asset_id(Asset(owner, "lrc " + tag, "text/plain; charset=utf-8"));
      s->set_lyrics_by("builtin");
    }
    return req;
  }
};

TEST_F(AlbumServiceTest, TheWorkerSavesAnAlbumAndTheGatewayListsReadsAndDeletesIt) {
  auto auth = As("auth");
  std::string user = CreateUser(*auth, "bea");
  std::string other = CreateUser(*auth, "cody");
  auto worker = AlbumsAs("worker");
  auto gateway = AlbumsAs("gateway");

  v1::SaveAlbumRequest req = AlbumRequest(user, "album-job-1");
  v1::SaveAlbumResponse saved;
  auto c1 = platform::NewClientContext(5s);
  ASSERT_TRUE(worker->SaveAlbum(c1.get(), req, &saved).ok());
  EXPECT_TRUE(saved.created());
  EXPECT_EQ(saved.album().id().size(), 32u);
  EXPECT_GT(saved.album().created_at_unix_ms(), 0);
  v1::StoredAlbum expected = req.album();
  expected.set_id(saved.album().id());
  expected.set_created_at_unix_ms(saved.album().created_at_unix_ms());
  EXPECT_EQ(saved.album().SerializeAsString(), expected.SerializeAsString());

  v1::SaveAlbumResponse again;
  auto c2 = platform::NewClientContext(5s);
  ASSERT_TRUE(worker->SaveAlbum(c2.get(), req, &again).ok());
  EXPECT_FALSE(again.created());  // a retried job
  EXPECT_EQ(again.album().id(), saved.album().id());

  v1::ListAlbumsRequest list;
  list.set_owner_user_id(user);
  list.set_page_size(10);
  v1::ListAlbumsResponse page;
  auto c3 = platform::NewClientContext(5s);
  ASSERT_TRUE(gateway->ListAlbums(c3.get(), list, &page).ok());
  ASSERT_EQ(page.albums_size(), 1);
  EXPECT_TRUE(page.next_page_token().empty());
  EXPECT_EQ(page.albums(0).songs(1).mp3_asset_id(), req.album().songs(1).mp3_asset_id());
  EXPECT_TRUE(page.albums(0).songs(0).lyrics().empty());

  v1::GetAlbumRequest get;
  get.set_owner_user_id(user);
  get.set_album_id(saved.album().id());
  v1::GetAlbumResponse got;
  auto c4 = platform::NewClientContext(5s);
  ASSERT_TRUE(gateway->GetAlbum(c4.get(), get, &got).ok());
  EXPECT_EQ(got.album().SerializeAsString(), expected.SerializeAsString());
  auto c5 = platform::NewClientContext(5s);
  EXPECT_TRUE(worker->GetAlbum(c5.get(), get, &got).ok());
  get.set_owner_user_id(other);
  auto c6 = platform::NewClientContext(5s);
  EXPECT_EQ(gateway->GetAlbum(c6.get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::DeleteAlbumRequest del;
  del.set_owner_user_id(other);
  del.set_album_id(saved.album().id());
  v1::DeleteAlbumResponse deleted;
  auto c7 = platform::NewClientContext(5s);
  EXPECT_EQ(gateway->DeleteAlbum(c7.get(), del, &deleted).error_code(),
            grpc::StatusCode::NOT_FOUND);
  del.set_owner_user_id(user);
  auto c8 = platform::NewClientContext(5s);
  ASSERT_TRUE(gateway->DeleteAlbum(c8.get(), del, &deleted).ok());
  EXPECT_EQ(deleted.deleted_assets(), 10);  // cover, thumbnail, 2 x (ogg, mp3, midi, lrc)
  EXPECT_EQ(storage_->GetAssetUsage(user)->used_bytes, 0);
  auto c9 = platform::NewClientContext(5s);
  ASSERT_TRUE(gateway->ListAlbums(c9.get(), list, &page).ok());
  EXPECT_EQ(page.albums_size(), 0);
}

TEST_F(AlbumServiceTest, AnAlbumNamingAMissingAssetIsAFailedPrecondition) {
  std::string user = CreateUser(*As("auth"), "dora");
  auto worker = AlbumsAs("worker");
  v1::SaveAlbumRequest req = AlbumRequest(user, "album-job-2");
  const std::string missing = platform::Sha256Hex("a cover nobody uploaded");
  req.mutable_album()->set_cover_thumbnail_asset_id(missing);
  v1::SaveAlbumResponse res;
  auto c1 = platform::NewClientContext(5s);
  grpc::Status status = worker->SaveAlbum(c1.get(), req, &res);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "asset " + missing +
                                        " (cover_thumbnail_asset_id) is not one of this user's "
                                        "assets; upload it first");
  auto c2 = platform::NewClientContext(5s);
  EXPECT_EQ(worker->SaveAlbum(c2.get(), v1::SaveAlbumRequest(), &res).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(storage_->ListAlbums(user, 10, "")->albums.empty());
}

TEST_F(AlbumServiceTest, EachAlbumMethodAdmitsOnlyItsCallers) {
  std::string user = CreateUser(*As("auth"), "emil");
  v1::SaveAlbumRequest save = AlbumRequest(user, "album-job-3");
  v1::SaveAlbumResponse saved;
  for (const char* caller : {"gateway", "auth", "playlist"}) {
    auto ctx = platform::NewClientContext(5s);
    EXPECT_EQ(AlbumsAs(caller)->SaveAlbum(ctx.get(), save, &saved).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
  }
  auto c0 = platform::NewClientContext(5s);
  ASSERT_TRUE(AlbumsAs("worker")->SaveAlbum(c0.get(), save, &saved).ok());

  v1::ListAlbumsRequest list;
  list.set_owner_user_id(user);
  v1::ListAlbumsResponse page;
  v1::DeleteAlbumRequest del;
  del.set_owner_user_id(user);
  del.set_album_id(saved.album().id());
  v1::DeleteAlbumResponse deleted;
  v1::GetAlbumRequest get;
  get.set_owner_user_id(user);
  get.set_album_id(saved.album().id());
  v1::GetAlbumResponse got;
  for (const char* caller : {"worker", "auth", "playlist"}) {
    auto stub = AlbumsAs(caller);
    auto c1 = platform::NewClientContext(5s);
    EXPECT_EQ(stub->ListAlbums(c1.get(), list, &page).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
    auto c2 = platform::NewClientContext(5s);
    EXPECT_EQ(stub->DeleteAlbum(c2.get(), del, &deleted).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
  }
  for (const char* caller : {"auth", "playlist"}) {
    auto c3 = platform::NewClientContext(5s);
    EXPECT_EQ(AlbumsAs(caller)->GetAlbum(c3.get(), get, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller;
  }
  EXPECT_TRUE(storage_->GetAlbum(user, saved.album().id()).ok());  // nobody deleted it
}

}  // namespace
}  // namespace moodtape::store
