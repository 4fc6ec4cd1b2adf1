// AuthService end to end over real mutual TLS: an in-process store (SQLite in a temporary
// directory) behind its own gRPC server, a real redis-server for the throttle counters, and the
// auth gRPC server with its AccessPolicy; clients call as the gateway and as other services.
#include <optional>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "moodtape/auth/v1/auth_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "platform/grpc/status.h"
#include "platform/redis/client.h"
#include "services/auth/auth_service.h"
#include "services/auth/redis_attempt_counter.h"
#include "services/store/store_service.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace moodtape::auth {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kPassword = "correct horse battery";

class AuthServiceTest : public ::testing::Test {
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
    // The store, as in production: its own server and policy; auth reaches it with its cert.
    store::StorageOptions storage;
    storage.database_url = "sqlite:" + dir_.File("store.db");
    storage_ = store::OpenStorage(storage);
    store_service_ = std::make_unique<store::StoreServiceImpl>(*storage_);
    store_server_ = StartServer("store", store::StoreAccessPolicy(), store_service_.get(), nullptr);
    platform::ChannelOptions auth_identity;
    auth_identity.tls = Tls("auth");
    auth_channels_ = std::make_unique<platform::ChannelFactory>(auth_identity, client_metrics_);
    store_stub_ = store::v1::StoreService::NewStub(
        auth_channels_->Create("127.0.0.1:" + std::to_string(store_server_->port()), "store"));

    platform::RedisSettings redis_settings;
    redis_settings.port = redis_.port();
    redis_client_ = std::make_unique<platform::RedisClient>(redis_settings);
    ASSERT_TRUE(redis_client_->Command({"FLUSHALL"}).ok());
    attempts_ = std::make_unique<RedisAttemptCounter>(*redis_client_);
    throttle_ = std::make_unique<LoginThrottle>(settings_.throttle, *attempts_,
                                                platform::SystemClock::Instance());
    keys_ = SigningKeys::Open(dir_.File("signing"), dir_.File("jwks.json"),
                              platform::SystemClock::Instance());
    verifier_ = std::make_shared<platform::JwtVerifier>(keys_->PublicKeys(), "moodtape");
    service_ = std::make_unique<AuthServiceImpl>(settings_, *store_stub_, *throttle_, Hasher(),
                                                 *keys_, platform::SystemClock::Instance());
    auth_server_ = StartServer("auth", AuthAccessPolicy(), service_.get(), verifier_);
  }

  void TearDown() override {
    auth_server_->Shutdown(1s);
    store_server_->Shutdown(1s);
  }

  static const PasswordHasher& Hasher() {
    static const PasswordHasher hasher(Argon2Limits::MinimumForTests());
    return hasher;
  }

  std::unique_ptr<platform::GrpcServer> StartServer(
      const std::string& name, platform::AccessPolicy policy, grpc::Service* service,
      std::shared_ptr<const platform::JwtVerifier> jwt) {
    platform::GrpcServerOptions options;
    options.service_name = name;
    options.address = "127.0.0.1:0";
    options.tls = Tls(name);
    options.access = std::move(policy);
    options.jwt = std::move(jwt);
    auto server = std::make_unique<platform::GrpcServer>(std::move(options), metrics_, nullptr);
    server->AddService(service);
    server->Start();
    return server;
  }

  // An AuthService stub calling as `caller` (the CN of its client certificate).
  std::unique_ptr<v1::AuthService::Stub> As(const std::string& caller) {
    platform::ChannelOptions options;
    options.tls = Tls(caller);
    factories_.push_back(std::make_unique<platform::ChannelFactory>(options, client_metrics_));
    return v1::AuthService::NewStub(
        factories_.back()->Create("127.0.0.1:" + std::to_string(auth_server_->port()), "auth"));
  }

  template <typename Call>
  static grpc::Status Do(Call&& call) {
    auto ctx = platform::NewClientContext(10s);
    return call(ctx.get());
  }

  grpc::Status Login(v1::AuthService::Stub& gw, const std::string& login,
                     const std::string& password, v1::LoginResponse* res,
                     std::optional<std::chrono::milliseconds>* retry_after = nullptr) {
    v1::LoginRequest req;
    req.set_login(login);
    req.set_password(password);
    req.set_client_address("192.0.2.10");
    auto ctx = platform::NewClientContext(10s);
    grpc::Status status = gw.Login(ctx.get(), req, res);
    // The wait travels as a standard google.rpc.RetryInfo detail.
    if (retry_after != nullptr) *retry_after = platform::FromGrpcStatus(status).retry_after;
    return status;
  }

  grpc::Status Refresh(v1::AuthService::Stub& gw, const std::string& token,
                       v1::RefreshResponse* res) {
    v1::RefreshRequest req;
    req.set_refresh_token(token);
    return Do([&](grpc::ClientContext* c) { return gw.Refresh(c, req, res); });
  }

  static moodtape::testing::TempDir* certs_;
  moodtape::testing::TempDir dir_;
  moodtape::testing::RedisServerProcess redis_;
  AuthSettings settings_;
  platform::MetricsRegistry metrics_;
  platform::MetricsRegistry client_metrics_;
  std::unique_ptr<store::Storage> storage_;
  std::unique_ptr<store::StoreServiceImpl> store_service_;
  std::unique_ptr<platform::GrpcServer> store_server_;
  std::unique_ptr<platform::ChannelFactory> auth_channels_;
  std::unique_ptr<store::v1::StoreService::Stub> store_stub_;
  std::unique_ptr<platform::RedisClient> redis_client_;
  std::unique_ptr<RedisAttemptCounter> attempts_;
  std::unique_ptr<LoginThrottle> throttle_;
  std::unique_ptr<SigningKeys> keys_;
  std::shared_ptr<platform::JwtVerifier> verifier_;
  std::unique_ptr<AuthServiceImpl> service_;
  std::unique_ptr<platform::GrpcServer> auth_server_;
  std::vector<std::unique_ptr<platform::ChannelFactory>> factories_;
};

moodtape::testing::TempDir* AuthServiceTest::certs_ = nullptr;

TEST_F(AuthServiceTest, SignUpLoginRefreshReuseLogout) {
  auto gw = As("gateway");

  v1::SignUpRequest signup;
  signup.set_username("Alice");
  signup.set_email("alice@example.org");
  signup.set_password(kPassword);
  signup.set_client_address("192.0.2.10");
  v1::SignUpResponse created;
  grpc::Status status = Do([&](grpc::ClientContext* c) { return gw->SignUp(c, signup, &created); });
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.user().username(), "alice");
  EXPECT_THAT(created.user().roles(), ::testing::ElementsAre("user"));  // admin: make-admin only
  EXPECT_EQ(storage_->CountUsers().value(), 1);

  // A duplicate, and a rule broken: clear messages.
  signup.set_email("other@example.org");
  v1::SignUpResponse dup;
  status = Do([&](grpc::ClientContext* c) { return gw->SignUp(c, signup, &dup); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(status.error_message(), "username is taken");
  signup.set_username("bob");
  signup.set_password("short");
  status = Do([&](grpc::ClientContext* c) { return gw->SignUp(c, signup, &dup); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("at least 10 characters"));

  v1::LoginResponse login;
  status = Login(*gw, "ALICE@example.org", kPassword, &login);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto claims = verifier_->Verify(login.session().access_token());
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->subject, created.user().id());
  EXPECT_TRUE(claims->HasRole("user"));

  // GetUser from the forwarded bearer token (verified before the handler runs).
  v1::GetUserResponse me;
  status = Do([&](grpc::ClientContext* c) {
    c->AddMetadata("authorization", "Bearer " + login.session().access_token());
    return gw->GetUser(c, v1::GetUserRequest(), &me);
  });
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.user().id(), created.user().id());
  status = Do([&](grpc::ClientContext* c) { return gw->GetUser(c, v1::GetUserRequest(), &me); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  status = Do([&](grpc::ClientContext* c) {
    c->AddMetadata("authorization", "Bearer " + login.session().access_token() + "x");
    return gw->GetUser(c, v1::GetUserRequest(), &me);
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // Rotation, then reuse of the first token revokes the family.
  v1::RefreshResponse r1, r2, reuse;
  ASSERT_TRUE(Refresh(*gw, login.session().refresh_token(), &r1).ok());
  EXPECT_NE(r1.session().refresh_token(), login.session().refresh_token());
  EXPECT_TRUE(verifier_->Verify(r1.session().access_token()).ok());
  status = Refresh(*gw, login.session().refresh_token(), &reuse);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("already used"));
  EXPECT_EQ(Refresh(*gw, r1.session().refresh_token(), &r2).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Log-out ends a fresh session.
  ASSERT_TRUE(Login(*gw, "alice", kPassword, &login).ok());
  v1::LogoutRequest logout;
  logout.set_refresh_token(login.session().refresh_token());
  v1::LogoutResponse out;
  ASSERT_TRUE(Do([&](grpc::ClientContext* c) { return gw->Logout(c, logout, &out); }).ok());
  EXPECT_EQ(Refresh(*gw, login.session().refresh_token(), &r2).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthServiceTest, LockOutIsCountedInRedis) {
  auto gw = As("gateway");
  v1::SignUpRequest signup;
  signup.set_username("carol");
  signup.set_email("carol@example.org");
  signup.set_password(kPassword);
  v1::SignUpResponse created;
  ASSERT_TRUE(Do([&](grpc::ClientContext* c) { return gw->SignUp(c, signup, &created); }).ok());

  v1::LoginResponse res;
  for (int i = 0; i < 5; ++i) {
    grpc::Status wrong = Login(*gw, "carol", "wrong password!", &res);
    EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(wrong.error_message(), "wrong username/email or password");
  }
  grpc::Status unknown = Login(*gw, "nobody", "wrong password!", &res);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unknown.error_message(), "wrong username/email or password");

  std::optional<std::chrono::milliseconds> retry_after;
  grpc::Status locked = Login(*gw, "carol", kPassword, &res, &retry_after);
  EXPECT_EQ(locked.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(locked.error_message(), HasSubstr("try again in"));
  ASSERT_TRUE(retry_after.has_value());
  EXPECT_GT(retry_after->count(), 0);
  EXPECT_LE(retry_after->count(), 60000);

  const std::string scope = "user:" + created.user().id();
  auto count = redis_client_->Command({"GET", RedisAttemptCounter::FailKey(scope)});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->str(), "5");
  auto ttl = redis_client_->Command({"PTTL", RedisAttemptCounter::LockKey(scope)});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer(), 60000);
  EXPECT_EQ(redis_client_->Command({"GET", RedisAttemptCounter::FailKey("ip:192.0.2.10")})->str(),
            "6");
}

TEST_F(AuthServiceTest, OnlyTheGatewayCallsAccountsAndAnyServiceReadsTheKeys) {
  auto worker = As("worker");
  v1::LoginResponse res;
  EXPECT_EQ(Login(*worker, "alice", kPassword, &res).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SignUpRequest signup;
  signup.set_username("mallory");
  signup.set_email("mallory@example.org");
  signup.set_password(kPassword);
  v1::SignUpResponse created;
  EXPECT_EQ(
      Do([&](grpc::ClientContext* c) { return worker->SignUp(c, signup, &created); }).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(storage_->CountUsers().value(), 0);

  v1::GetJwksResponse jwks;
  ASSERT_TRUE(Do([&](grpc::ClientContext* c) {
                return worker->GetJwks(c, v1::GetJwksRequest(), &jwks);
              }).ok());
  auto parsed = nlohmann::json::parse(jwks.jwks_json());
  ASSERT_EQ(parsed["keys"].size(), 1u);
  EXPECT_EQ(parsed["keys"][0]["kid"], keys_->Current()->kid());
  EXPECT_EQ(nlohmann::json::parse(moodtape::testing::ReadFile(dir_.File("jwks.json"))), parsed);
}

}  // namespace
}  // namespace moodtape::auth
