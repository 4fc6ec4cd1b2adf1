// The StoreService over real mutual TLS: an in-process GrpcServer (port 0) with the service's own
// AccessPolicy, certificates from scripts/dev_certs.sh, and clients calling as auth, worker and
// gateway. Checks who may call what and that the adapter maps errors and payloads faithfully.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/call_context.h"
#include "platform/grpc_channel.h"
#include "platform/grpc_server.h"
#include "services/store/store_service.h"
#include "tests/support/test_support.h"

namespace moodtape::store {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class StoreServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new moodtape::testing::TempDir();
    std::string script = moodtape::testing::SourceDir() + "/scripts/dev_certs.sh";
    ASSERT_EQ(moodtape::testing::RunCommand(
                  {script, certs_->path(), "store", "auth", "worker", "gateway"}),
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
    service_ = std::make_unique<StoreServiceImpl>(*storage_);
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

}  // namespace
}  // namespace moodtape::store
