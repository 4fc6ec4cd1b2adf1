// The account routes over real HTTP against real processes: the built moodtape-store (SQLite in
// a temporary directory), moodtape-auth and moodtape-gateway with mutual TLS (certificates from
// scripts/dev_certs.sh), and a real redis-server. Each test starts its own stack on free ports.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "platform/base/encoding.h"
#include "platform/security/jwt.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace moodtape::gateway {
namespace {

using ::moodtape::testing::BinaryDir;
using ::moodtape::testing::ChildProcess;
using ::moodtape::testing::FreePort;
using ::moodtape::testing::RedisServerProcess;
using ::moodtape::testing::RunCommand;
using ::moodtape::testing::SourceDir;
using ::moodtape::testing::TempDir;
using ::moodtape::testing::WaitUntil;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string Loopback(int port) { return "127.0.0.1:" + std::to_string(port); }

struct Reply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, in order

  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
  std::vector<std::string> SetCookies() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : headers) {
      if (k == "set-cookie") out.push_back(v);
    }
    return out;
  }
  // The Set-Cookie line for `name`, "" if none.
  std::string SetCookie(const std::string& name) const {
    for (const auto& c : SetCookies()) {
      if (c.rfind(name + "=", 0) == 0) return c;
    }
    return "";
  }
  // The value a Set-Cookie line gives `name`.
  std::string CookieValue(const std::string& name) const {
    std::string line = SetCookie(name);
    if (line.empty()) return "";
    line = line.substr(name.size() + 1);
    return line.substr(0, line.find(';'));
  }
  nlohmann::json Json() const {
    return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  }
};

Reply Call(int port, const std::string& method, const std::string& target,
           const std::string& body = "", const std::map<std::string, std::string>& headers = {}) {
  moodtape::testing::HttpReply r = moodtape::testing::HttpExchange(
      method, port, target, body, headers, std::chrono::seconds(20));
  Reply reply;
  reply.status = r.status;
  reply.body = std::move(r.body);
  reply.headers = std::move(r.headers);
  return reply;
}

const std::map<std::string, std::string> kBodyTokens = {{"X-Token-Delivery", "body"}};

std::string SignUpBody(const std::string& username, const std::string& password) {
  return nlohmann::json{
      {"username", username}, {"email", username + "@example.com"}, {"password", password}}
      .dump();
}

std::string LoginBody(const std::string& login, const std::string& password) {
  return nlohmann::json{{"login", login}, {"password", password}}.dump();
}

constexpr const char* kPassword = "correct horse battery staple";

class AccountRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("MOODTAPE_CONFIG");
    std::string out;
    ASSERT_EQ(RunCommand({SourceDir() + "/scripts/dev_certs.sh", work_.File("certs"), "gateway",
                          "auth", "store"},
                         &out),
              0)
        << out;
    std::filesystem::create_directories(work_.File("static"));
    redis_ = std::make_unique<RedisServerProcess>();
    env_ = {{"MOODTAPE_TLS_CERT_DIR", work_.File("certs")},
            {"MOODTAPE_REDIS_HOST", "127.0.0.1"},
            {"MOODTAPE_REDIS_PORT", std::to_string(redis_->port())},
            {"MOODTAPE_STORE_GRPC_ADDRESS", Loopback(FreePort())},
            {"MOODTAPE_STORE_ADMIN_ADDRESS", Loopback(store_admin_)},
            {"MOODTAPE_STORE_DATABASE_URL", "sqlite:" + work_.File("store.db")},
            {"MOODTAPE_AUTH_GRPC_ADDRESS", Loopback(FreePort())},
            {"MOODTAPE_AUTH_ADMIN_ADDRESS", Loopback(auth_admin_)},
            {"MOODTAPE_AUTH_SIGNING_KEY_DIR", work_.File("signing")},
            {"MOODTAPE_JWT_JWKS_FILE", work_.File("jwks.json")},
            {"MOODTAPE_GATEWAY_HTTP_ADDRESS", Loopback(http_)},
            {"MOODTAPE_GATEWAY_ADMIN_ADDRESS", Loopback(gateway_admin_)},
            {"MOODTAPE_GATEWAY_STATIC_DIR", work_.File("static")},
            {"MOODTAPE_GATEWAY_MAX_BODY_BYTES", "4096"}};
    // The gateway starts first on purpose: it has no JWKS yet and must pick auth's keys up on
    // the first token with an unknown key id.
    gateway_ = Start("moodtape-gateway", gateway_admin_);
    store_ = Start("moodtape-store", store_admin_);
    auth_ = Start("moodtape-auth", auth_admin_);
  }

  std::unique_ptr<ChildProcess> Start(const std::string& binary, int admin_port) {
    auto child =
        std::make_unique<ChildProcess>(std::vector<std::string>{BinaryDir() + "/bin/" + binary},
                                       env_, work_.File(binary + ".log"), work_.path());
    bool ready = WaitUntil(
        [&] { return !child->Running() || Call(admin_port, "GET", "/readyz").status == 200; }, 30s);
    EXPECT_TRUE(ready && child->Running()) << binary << " not ready:\n" << child->ReadLog();
    return child;
  }

  std::string Logs() const {
    std::string out;
    for (const auto* c : {gateway_.get(), auth_.get(), store_.get()}) {
      if (c) out += c->ReadLog() + "\n----\n";
    }
    return out;
  }

  Reply Post(const std::string& path, const std::string& body,
             std::map<std::string, std::string> headers = {}) {
    if (!headers.count("Content-Type")) headers["Content-Type"] = "application/json";
    return Call(http_, "POST", path, body, headers);
  }
  Reply Get(const std::string& path, const std::map<std::string, std::string>& headers = {}) {
    return Call(http_, "GET", path, "", headers);
  }

  // Signs up `username` with cookies; returns the reply.
  Reply SignUp(const std::string& username) {
    return Post("/api/v1/auth/signup", SignUpBody(username, kPassword));
  }

  void ExpectBadRequest(const Reply& r, const std::string& needle) {
    EXPECT_EQ(r.status, 400) << r.body;
    auto j = r.Json();
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["error"]["code"], "invalid_argument") << r.body;
    EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr(needle));
    EXPECT_FALSE(j["error"]["request_id"].get<std::string>().empty());
    EXPECT_EQ(j["error"]["request_id"], r.Header("x-request-id"));
  }

  TempDir work_;
  int http_ = FreePort();
  int gateway_admin_ = FreePort();
  int auth_admin_ = FreePort();
  int store_admin_ = FreePort();
  std::unique_ptr<RedisServerProcess> redis_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<ChildProcess> gateway_, store_, auth_;
};

std::string Cookie(const std::string& name, const std::string& value) { return name + "=" + value; }

TEST_F(AccountRoutesTest, SignUpLoginMeRefreshLogoutWithCookies) {
  Reply signup = SignUp("ada");
  ASSERT_EQ(signup.status, 201) << signup.body << Logs();
  auto user = signup.Json()["user"];
  EXPECT_EQ(user["username"], "ada");
  EXPECT_EQ(user["email"], "ada@example.com");
  EXPECT_FALSE(signup.Json().contains("access_token"));  // cookies, not the body
  EXPECT_THAT(signup.SetCookie("mt_access"),
              ::testing::MatchesRegex("mt_access=[^;]+; Path=/; Max-Age=(89[0-9]|900); HttpOnly; "
                                      "SameSite=Strict"));
  EXPECT_THAT(signup.SetCookie("mt_refresh"),
              ::testing::MatchesRegex("mt_refresh=[^;]+; Path=/api/v1/auth; "
                                      "Max-Age=259(1[0-9]{3}|2000); HttpOnly; SameSite=Strict"));

  Reply dup = SignUp("ada");
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_THAT(dup.body, HasSubstr("taken"));

  Reply login = Post("/api/v1/auth/login", LoginBody("ADA@example.com", kPassword));
  ASSERT_EQ(login.status, 200) << login.body;
  std::string access = login.CookieValue("mt_access");
  std::string refresh = login.CookieValue("mt_refresh");
  ASSERT_FALSE(access.empty());
  ASSERT_FALSE(refresh.empty());

  Reply me = Get("/api/v1/me", {{"Cookie", Cookie("mt_access", access)}});
  ASSERT_EQ(me.status, 200) << me.body << Logs();
  auto j = me.Json();
  EXPECT_EQ(j["username"], "ada");
  EXPECT_EQ(j["email"], "ada@example.com");
  EXPECT_EQ(j["id"], user["id"]);
  EXPECT_TRUE(j["roles"].is_array());
  EXPECT_THAT(j["created_at"].get<std::string>(), ::testing::EndsWith("Z"));
  EXPECT_FALSE(j.contains("password_hash"));

  // Refresh rotates: new cookies; the old refresh cookie is then refused.
  Reply rotated =
      Post("/api/v1/auth/refresh", "",
           {{"Cookie", Cookie("mt_refresh", refresh)}, {"X-Requested-With", "moodtape"}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string refresh2 = rotated.CookieValue("mt_refresh");
  std::string access2 = rotated.CookieValue("mt_access");
  ASSERT_FALSE(refresh2.empty());
  EXPECT_NE(refresh2, refresh);
  EXPECT_EQ(Get("/api/v1/me", {{"Cookie", Cookie("mt_access", access2)}}).status, 200);

  Reply reused =
      Post("/api/v1/auth/refresh", "",
           {{"Cookie", Cookie("mt_refresh", refresh)}, {"X-Requested-With", "moodtape"}});
  EXPECT_EQ(reused.status, 401) << reused.body;
  EXPECT_THAT(reused.SetCookie("mt_refresh"), HasSubstr("Max-Age=0"));
  // Reuse revoked the family, so the rotated token is dead too.
  EXPECT_EQ(Post("/api/v1/auth/refresh", "",
                 {{"Cookie", Cookie("mt_refresh", refresh2)}, {"X-Requested-With", "moodtape"}})
                .status,
            401);

  // A fresh session, then log-out clears both cookies and revokes the refresh token.
  Reply again = Post("/api/v1/auth/login", LoginBody("ada", kPassword));
  ASSERT_EQ(again.status, 200) << again.body;
  std::string refresh3 = again.CookieValue("mt_refresh");
  Reply logout =
      Post("/api/v1/auth/logout", "",
           {{"Cookie", Cookie("mt_refresh", refresh3)}, {"X-Requested-With", "moodtape"}});
  ASSERT_EQ(logout.status, 200) << logout.body;
  EXPECT_EQ(logout.SetCookie("mt_access"),
            "mt_access=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(logout.SetCookie("mt_refresh"),
            "mt_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict");
  // The browser now has no cookie: /me is 401; the revoked refresh token is refused.
  EXPECT_EQ(Get("/api/v1/me").status, 401);
  EXPECT_EQ(Post("/api/v1/auth/refresh", "",
                 {{"Cookie", Cookie("mt_refresh", refresh3)}, {"X-Requested-With", "moodtape"}})
                .status,
            401);
}

TEST_F(AccountRoutesTest, CookiePostsWithoutTheCsrfHeaderAre403AndChangeNothing) {
  Reply login = SignUp("grace");
  ASSERT_EQ(login.status, 201) << login.body << Logs();
  std::string refresh = login.CookieValue("mt_refresh");
  for (const char* path : {"/api/v1/auth/refresh", "/api/v1/auth/logout"}) {
    Reply r = Post(path, "", {{"Cookie", Cookie("mt_refresh", refresh)}});
    EXPECT_EQ(r.status, 403) << path << " " << r.body;
    EXPECT_THAT(r.body, HasSubstr("X-Requested-With: moodtape"));
    EXPECT_TRUE(r.SetCookies().empty());
  }
  // Neither request reached auth: the refresh token still works once.
  EXPECT_EQ(Post("/api/v1/auth/refresh", "",
                 {{"Cookie", Cookie("mt_refresh", refresh)}, {"X-Requested-With", "moodtape"}})
                .status,
            200);
}

TEST_F(AccountRoutesTest, BearerClientsGetTokensInTheBody) {
  Reply signup = Post("/api/v1/auth/signup", SignUpBody("linus", kPassword), kBodyTokens);
  ASSERT_EQ(signup.status, 201) << signup.body << Logs();
  EXPECT_TRUE(signup.SetCookies().empty());
  auto j = signup.Json();
  EXPECT_EQ(j["token_type"], "Bearer");
  std::string access = j["access_token"];
  std::string refresh = j["refresh_token"];
  ASSERT_FALSE(access.empty());
  ASSERT_FALSE(refresh.empty());

  Reply me = Get("/api/v1/me", {{"Authorization", "Bearer " + access}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json()["username"], "linus");

  // No CSRF header needed: the token is in the body, not a cookie.
  Reply rotated =
      Post("/api/v1/auth/refresh", nlohmann::json{{"refresh_token", refresh}}.dump(), kBodyTokens);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string refresh2 = rotated.Json()["refresh_token"];
  EXPECT_NE(refresh2, refresh);
  EXPECT_EQ(Post("/api/v1/auth/refresh", nlohmann::json{{"refresh_token", refresh}}.dump()).status,
            401);

  Reply login = Post("/api/v1/auth/login", LoginBody("linus", kPassword), kBodyTokens);
  ASSERT_EQ(login.status, 200) << login.body;
  std::string refresh3 = login.Json()["refresh_token"];
  EXPECT_EQ(Post("/api/v1/auth/logout", nlohmann::json{{"refresh_token", refresh3}}.dump()).status,
            200);
  EXPECT_EQ(Post("/api/v1/auth/refresh", nlohmann::json{{"refresh_token", refresh3}}.dump()).status,
            401);
}

TEST_F(AccountRoutesTest, ForgedTamperedAndExpiredTokensAre401) {
  Reply signup = Post("/api/v1/auth/signup", SignUpBody("mallory", kPassword), kBodyTokens);
  ASSERT_EQ(signup.status, 201) << signup.body << Logs();
  std::string token = signup.Json()["access_token"];
  auto me = [&](const std::string& t) {
    return Get("/api/v1/me", {{"Authorization", "Bearer " + t}});
  };
  ASSERT_EQ(me(token).status, 200);

  size_t dot1 = token.find('.');
  size_t dot2 = token.rfind('.');
  auto header = nlohmann::json::parse(*platform::Base64UrlDecode(token.substr(0, dot1)));
  auto payload =
      nlohmann::json::parse(*platform::Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1)));

  // A flipped signature character.
  std::string tampered = token;
  tampered[dot2 + 5] = tampered[dot2 + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(me(tampered).status, 401);

  // A changed payload (another user, admin role) under the original signature.
  auto forged_payload = payload;
  forged_payload["sub"] = "someone-else";
  forged_payload["roles"] = {"admin"};
  std::string forged = token.substr(0, dot1) + "." +
                       platform::Base64UrlEncode(forged_payload.dump()) + token.substr(dot2);
  EXPECT_EQ(me(forged).status, 401);

  // alg: none.
  auto none_header = header;
  none_header["alg"] = "none";
  std::string none = platform::Base64UrlEncode(none_header.dump()) + "." +
                     token.substr(dot1 + 1, dot2 - dot1 - 1) + ".";
  Reply r = me(none);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(me(platform::Base64UrlEncode(none_header.dump()) + "." +
               token.substr(dot1 + 1, dot2 - dot1 - 1))
                .status,
            401);

  // Expired, and signed with auth's real key (so only the expiry is wrong).
  std::string kid = header["kid"];
  std::string pem = moodtape::testing::ReadFile(work_.File("signing/" + kid + ".pem"));
  ASSERT_FALSE(pem.empty());
  auto signer = platform::JwtSigner::FromPrivateKeyPem(kid, pem);
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  auto expired_payload = payload;
  expired_payload["iat"] = payload["iat"].get<int64_t>() - 7200;
  expired_payload["nbf"] = payload["iat"].get<int64_t>() - 7200;
  expired_payload["exp"] = payload["iat"].get<int64_t>() - 3600;
  Reply expired = me((*signer)->Sign(expired_payload));
  EXPECT_EQ(expired.status, 401) << expired.body;
  EXPECT_THAT(expired.body, HasSubstr("expired"));
  // The same key with a fresh expiry works (the check above was the expiry, not the key).
  EXPECT_EQ(me((*signer)->Sign(payload)).status, 200);

  EXPECT_EQ(Get("/api/v1/me", {{"Authorization", "Basic YTpi"}}).status, 401);
  EXPECT_EQ(Get("/api/v1/me", {{"Cookie", "mt_access=garbage"}}).status, 401);
  EXPECT_EQ(Get("/api/v1/me").status, 401);
}

TEST_F(AccountRoutesTest, BadInputIs400NamingTheProblemAndNothingIsCreated) {
  ExpectBadRequest(Post("/api/v1/auth/signup", "{\"username\": \"ada\","), "not valid JSON");
  ExpectBadRequest(Post("/api/v1/auth/signup",
                        R"({"username":42,"email":"a@example.com","password":"long enough pw"})"),
                   "\"username\" must be a string");
  ExpectBadRequest(Post("/api/v1/auth/signup", R"({"username":"ada","password":"long enough"})"),
                   "field \"email\" is required");
  ExpectBadRequest(
      Post(
          "/api/v1/auth/signup",
          "{\"username\":\"ad\xc3\x28\",\"email\":\"a@example.com\",\"password\":\"long pw!!!!\"}"),
      "field \"username\" is not valid UTF-8");
  ExpectBadRequest(Post("/api/v1/auth/signup",
                        R"({"username":"ada","email":"a@example.com","password":"long enough!",)"
                        R"("admin":true})"),
                   "unknown field \"admin\"");
  ExpectBadRequest(Post("/api/v1/auth/login", "[]"), "JSON object");
  ExpectBadRequest(Post("/api/v1/auth/login", R"({"login":"ada","password":null})"),
                   "\"password\" must be a string");
  ExpectBadRequest(Post("/api/v1/auth/refresh", R"({"refresh_token":5})"), "refresh_token");
  ExpectBadRequest(Post("/api/v1/auth/signup", SignUpBody("ada", kPassword),
                        {{"X-Token-Delivery", "telepathy"}}),
                   "X-Token-Delivery");
  // Auth's own rules come back as 400 too, with its message.
  ExpectBadRequest(Post("/api/v1/auth/signup", SignUpBody("x'; DROP TABLE users;--", kPassword)),
                   "username");
  ExpectBadRequest(Post("/api/v1/auth/signup", SignUpBody("shorty", "short")), "password");

  Reply big = Post("/api/v1/auth/signup", std::string(5000, ' '));
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_TRUE(big.Json().contains("error")) << big.body;

  // None of that created an account: the name is still free.
  EXPECT_EQ(SignUp("ada").status, 201);
}

TEST_F(AccountRoutesTest, WrongPasswordsLockTheAccountWith429AndRetryAfter) {
  ASSERT_EQ(SignUp("eve").status, 201) << Logs();
  for (int i = 0; i < 5; ++i) {
    Reply r = Post("/api/v1/auth/login", LoginBody("eve", "wrong password " + std::to_string(i)));
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_THAT(r.body, HasSubstr("wrong username/email or password"));
  }
  Reply locked = Post("/api/v1/auth/login", LoginBody("eve", "wrong password 5"));
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(locked.Json()["error"]["code"], "resource_exhausted");
  int retry_after = std::atoi(locked.Header("retry-after").c_str());
  EXPECT_GT(retry_after, 0) << locked.Header("retry-after");
  EXPECT_LE(retry_after, 60);
  // Even the right password waits out the lock-out.
  EXPECT_EQ(Post("/api/v1/auth/login", LoginBody("eve", kPassword)).status, 429);
}

TEST_F(AccountRoutesTest, AuthUnreachableIs503) {
  auth_->Stop();
  Reply r = Post("/api/v1/auth/login", LoginBody("ada", kPassword));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.Json()["error"]["code"], "unavailable");
  EXPECT_THAT(r.body, HasSubstr("unavailable"));
}

TEST_F(AccountRoutesTest, NoSignUpBecomesAdminNotEvenTheFirst) {
  // On a freshly exposed server the first account could be a stranger's; admin comes only from
  // `moodtape-auth make-admin`.
  Reply first = Post("/api/v1/auth/signup", SignUpBody("first", kPassword), kBodyTokens);
  ASSERT_EQ(first.status, 201) << first.body << Logs();
  EXPECT_EQ(first.Json()["user"]["roles"], nlohmann::json::array({"user"}));
  Reply dead_letters =
      Get("/api/v1/admin/dead-letters",
          {{"Authorization", "Bearer " + first.Json()["access_token"].get<std::string>()}});
  EXPECT_EQ(dead_letters.status, 403) << dead_letters.body;
}

TEST_F(AccountRoutesTest, JsonRoutesRefuseFormBodiesSoACrossSiteFormCannotLogAnyoneIn) {
  ASSERT_EQ(SignUp("mallory").status, 201) << Logs();
  // A cross-site <form enctype="text/plain"> can send a body that parses as JSON, but never with
  // Content-Type: application/json.
  const std::string body = LoginBody("mallory", kPassword);
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""}) {
    Reply r = Call(http_, "POST", "/api/v1/auth/login", body, {{"Content-Type", type}});
    EXPECT_EQ(r.status, 415) << type << " " << r.body;
    EXPECT_TRUE(r.SetCookies().empty()) << type;
    EXPECT_THAT(r.body, HasSubstr("application/json"));
    EXPECT_FALSE(r.Json()["error"]["request_id"].get<std::string>().empty());
  }
  Reply signup = Call(http_, "POST", "/api/v1/auth/signup", SignUpBody("eve2", kPassword),
                      {{"Content-Type", "text/plain;charset=UTF-8"}});
  EXPECT_EQ(signup.status, 415);
  // Parameters and case are fine on the right type.
  Reply ok = Call(http_, "POST", "/api/v1/auth/login", body,
                  {{"Content-Type", "Application/JSON; charset=utf-8"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(AccountRoutesTest, ASignUpFloodIsRateLimitedAndEveryOtherRouteKeepsAnswering) {
  Reply first = Post("/api/v1/auth/signup", SignUpBody("steady", kPassword), kBodyTokens);
  ASSERT_EQ(first.status, 201) << first.body << Logs();
  const std::string bearer = "Bearer " + first.Json()["access_token"].get<std::string>();

  // 8 threads x 5 sign-ups from one address (the gateway's default allows 5 per 10 minutes),
  // while another thread reads /health and /me. Bounded in count; every call has a timeout.
  std::atomic<int> created{0}, limited{0}, busy{0}, other{0};
  std::atomic<bool> missing_retry_after{false};
  std::mutex mu;
  std::string a_refused_name;
  std::vector<std::thread> flood;
  for (int t = 0; t < 8; ++t) {
    flood.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string name = "flood" + std::to_string(t) + "x" + std::to_string(i);
        Reply r = Post("/api/v1/auth/signup", SignUpBody(name, kPassword));
        if (r.status == 201) {
          ++created;
        } else if (r.status == 429) {
          ++limited;
          if (r.Header("retry-after").empty()) missing_retry_after = true;
          std::lock_guard<std::mutex> lock(mu);
          a_refused_name = name;
        } else if (r.status == 503 && !r.Header("retry-after").empty()) {
          ++busy;  // more password calls in flight than max_password_calls: refused, not queued
        } else {
          ++other;
        }
      }
    });
  }
  int health_ok = 0, me_ok = 0;
  for (int i = 0; i < 20; ++i) {
    health_ok += Get("/api/v1/health").status == 200 ? 1 : 0;
    me_ok += Get("/api/v1/me", {{"Authorization", bearer}}).status == 200 ? 1 : 0;
  }
  for (auto& t : flood) t.join();

  EXPECT_EQ(health_ok, 20);
  EXPECT_EQ(me_ok, 20);
  EXPECT_LE(created.load(), 4);  // 5 per address per window, one already used by "steady"
  EXPECT_GE(limited.load(), 36);
  EXPECT_EQ(created.load() + limited.load() + busy.load(), 40);
  EXPECT_EQ(other.load(), 0) << Logs();
  EXPECT_FALSE(missing_retry_after.load());
  // Nothing half-done: a refused sign-up created no account.
  ASSERT_FALSE(a_refused_name.empty());
  EXPECT_EQ(Post("/api/v1/auth/login", LoginBody(a_refused_name, kPassword)).status, 401);
}

}  // namespace
}  // namespace moodtape::gateway
