// The StoreService over real mutual TLS: an in-process GrpcServer (port 0) with the service's own
// AccessPolicy, certificates from scripts/dev_certs.sh, and clients calling as auth, worker and
// gateway. Checks who may call what and that the adapter maps errors and payloads faithfully.
#include <cstdio>
#include <functional>
#include <optional>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
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
    storage_ = OpenStorage(options);
    hooked_ = std::make_unique<HookedStorage>(*storage_);
    service_ = std::make_unique<StoreServiceImpl>(*hooked_);
    platform::GrpcServerOptions server_options;
    server_options.service_name = "store";
    server_options.address = "127.0.0.1:0";
    server_options.tls = Tls("store");
    server_options.access = StoreAccessPolicy();
    server_ = std::make_unique<platform::GrpcServer>(std::move(server_options), metrics_, nullptr);
    server_->AddService(service_.get());
    server_->Start();
  }

  void TearDown() override { server_->Shutdown(1s); }

  // A stub that calls as `caller` (the CN of its client certificate).
  std::unique_ptr<v1::StoreService::Stub> As(const std::string& caller) {
    platform::ChannelOptions options;
    options.tls = Tls(caller);
    factories_.push_back(std::make_unique<platform::ChannelFactory>(options, client_metrics_));
    return v1::StoreService::NewStub(
        factories_.back()->Create("127.0.0.1:" + std::to_string(server_->port()), "store"));
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

  static moodtape::testing::TempDir* certs_;
  moodtape::testing::TempDir db_dir_;
  platform::MetricsRegistry metrics_;
  platform::MetricsRegistry client_metrics_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<HookedStorage> hooked_;
  std::unique_ptr<StoreServiceImpl> service_;
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

}  // namespace
}  // namespace moodtape::store
