// The gateway's account decisions without a network: body parsing and validation, cookies,
// where credentials come from, the CSRF rule.
#include "services/gateway/core/account_requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace moodtape::gateway {
namespace {

using platform::ErrorCode;
using ::testing::HasSubstr;

TEST(ParseSignUpBodyTest, AcceptsTheThreeFields) {
  auto in = ParseSignUpBody(R"({"username":"ada","email":"ada@example.com","password":"pw"})");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->username, "ada");
  EXPECT_EQ(in->email, "ada@example.com");
  EXPECT_EQ(in->password, "pw");
}

TEST(ParseSignUpBodyTest, SqlMetaCharactersAreJustText) {
  auto in = ParseSignUpBody(
      R"({"username":"x'; DROP TABLE users;--","email":"a@b.c","password":"p\"w"})");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->username, "x'; DROP TABLE users;--");  // auth's rules refuse it, not the parser
  EXPECT_EQ(in->password, "p\"w");
}

void ExpectInvalid(const platform::Result<SignUpInput>& r, const std::string& needle) {
  ASSERT_FALSE(r.ok()) << "expected an error containing " << needle;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr(needle));
}

TEST(ParseSignUpBodyTest, RefusesEveryKindOfBadInputNamingTheField) {
  ExpectInvalid(ParseSignUpBody(""), "empty");
  ExpectInvalid(ParseSignUpBody("{\"username\":"), "not valid JSON");
  ExpectInvalid(ParseSignUpBody("[1,2]"), "JSON object");
  ExpectInvalid(ParseSignUpBody(R"({"email":"a@b.c","password":"p"})"), "\"username\"");
  ExpectInvalid(ParseSignUpBody(R"({"username":7,"email":"a@b.c","password":"p"})"),
                "\"username\" must be a string, not a number");
  ExpectInvalid(ParseSignUpBody(R"({"username":"ada","email":null,"password":"p"})"),
                "\"email\" must be a string, not null");
  ExpectInvalid(ParseSignUpBody(R"({"username":"ada","email":"a@b.c","password":""})"),
                "\"password\" must not be empty");
  ExpectInvalid(ParseSignUpBody(R"({"username":"ada","email":"a@b.c","pasword":"p"})"),
                "unknown field \"pasword\"");
  ExpectInvalid(ParseSignUpBody(R"({"username":"ada","email":"a@b.c","password":")" +
                                std::string(kMaxPasswordBytes + 1, 'x') + "\"}"),
                "\"password\" is longer than 1024 bytes");
  ExpectInvalid(ParseSignUpBody("{\"username\":\"a\xff\",\"email\":\"a@b.c\",\"password\":\"p\"}"),
                "field \"username\" is not valid UTF-8");
  ExpectInvalid(ParseSignUpBody(R"({"username":"a\u0000b","email":"a@b.c","password":"p"})"),
                "NUL");
}

TEST(ParseSignUpBodyTest, InvalidUtf8NamesTheFieldWhenItCan) {
  auto in = ParseSignUpBody("{\"username\":\"ada\",\"password\":\"p\xc3\x28w\",\"email\":\"e\"}");
  ASSERT_FALSE(in.ok());
  EXPECT_THAT(in.error().message, HasSubstr("field \"password\" is not valid UTF-8 (byte 31)"));
  auto top = ParseSignUpBody("\xff{}");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().message, "request body is not valid UTF-8 (byte 0)");
}

TEST(ParseLoginBodyTest, NeedsLoginAndPassword) {
  auto ok = ParseLoginBody(R"({"login":"ada@example.com","password":"pw"})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->login, "ada@example.com");
  auto missing = ParseLoginBody(R"({"login":"ada"})");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("field \"password\" is required"));
  auto wrong = ParseLoginBody(R"({"login":["ada"],"password":"pw"})");
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.error().message, HasSubstr("\"login\" must be a string, not an array"));
}

TEST(ParseRefreshTokenBodyTest, EmptyMeansCookieOtherwiseTheField) {
  auto empty = ParseRefreshTokenBody("  \n");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());
  auto given = ParseRefreshTokenBody(R"({"refresh_token":"abc"})");
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->value(), "abc");
  EXPECT_FALSE(ParseRefreshTokenBody(R"({"refresh_token":1})").ok());
  EXPECT_FALSE(ParseRefreshTokenBody("{}").ok());
  EXPECT_FALSE(ParseRefreshTokenBody("nope").ok());
}

TEST(CookieTest, ParsesTheCookieHeader) {
  auto c = ParseCookieHeader("a=1; mt_access=tok.en.sig;mt_refresh=\"r\"; bad; a=2");
  EXPECT_EQ(c["a"], "1");  // first wins
  EXPECT_EQ(c["mt_access"], "tok.en.sig");
  EXPECT_EQ(c["mt_refresh"], "r");
  EXPECT_EQ(c.count("bad"), 0u);
  EXPECT_TRUE(ParseCookieHeader("").empty());
}

TEST(CookieTest, SetCookieHasTheSecurityAttributes) {
  EXPECT_EQ(SetCookieValue("mt_access", "t", {"/", 900, false}),
            "mt_access=t; Path=/; Max-Age=900; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SetCookieValue("mt_refresh", "r", {"/api/v1/auth", 2592000, true}),
            "mt_refresh=r; Path=/api/v1/auth; Max-Age=2592000; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(ClearCookieValue("mt_refresh", "/api/v1/auth", false),
            "mt_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(MaxAgeSeconds(1'000'900'000, 1'000'000'000), 900);
  EXPECT_EQ(MaxAgeSeconds(5, 10), 0);
}

TEST(CredentialTest, BearerWinsOverTheCookie) {
  auto bearer = AccessCredential("Bearer abc", "mt_access=cookie");
  ASSERT_TRUE(bearer.ok());
  EXPECT_EQ(bearer->source, CredentialSource::kBearer);
  EXPECT_EQ(bearer->token, "abc");
  auto lower = AccessCredential("bearer  xyz ", "");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->token, "xyz");
  auto cookie = AccessCredential("", "x=1; mt_access=c");
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(cookie->source, CredentialSource::kCookie);
  EXPECT_EQ(cookie->token, "c");
  auto none = AccessCredential("", "x=1");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->source, CredentialSource::kNone);
  auto basic = AccessCredential("Basic Zm9vOmJhcg==", "");
  ASSERT_FALSE(basic.ok());
  EXPECT_EQ(basic.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(AccessCredential("Bearer ", "").ok());
}

TEST(CredentialTest, RefreshTokenFromBodyOrCookie) {
  auto body = RefreshCredential(R"({"refresh_token":"b"})", "mt_refresh=c");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->source, CredentialSource::kBearer);
  EXPECT_EQ(body->token, "b");
  auto cookie = RefreshCredential("", "mt_refresh=c");
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(cookie->source, CredentialSource::kCookie);
  EXPECT_EQ(cookie->token, "c");
  auto none = RefreshCredential("", "");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->source, CredentialSource::kNone);
  EXPECT_FALSE(RefreshCredential("{bad", "mt_refresh=c").ok());
}

TEST(CsrfTest, OnlyCookieCredentialsNeedTheHeader) {
  EXPECT_TRUE(CheckCsrf(CredentialSource::kBearer, "").ok());
  EXPECT_TRUE(CheckCsrf(CredentialSource::kNone, "").ok());
  EXPECT_TRUE(CheckCsrf(CredentialSource::kCookie, "moodtape").ok());
  auto missing = CheckCsrf(CredentialSource::kCookie, "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(missing.error().message, HasSubstr("X-Requested-With: moodtape"));
  EXPECT_FALSE(CheckCsrf(CredentialSource::kCookie, "XMLHttpRequest").ok());
}

TEST(TokenDeliveryTest, BodyCookieOrRefused) {
  EXPECT_FALSE(WantsTokensInBody("").value());
  EXPECT_FALSE(WantsTokensInBody("cookie").value());
  EXPECT_TRUE(WantsTokensInBody("Body").value());
  auto bad = WantsTokensInBody("json");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("X-Token-Delivery"));
}

TEST(ClientIpTest, StripsThePort) {
  EXPECT_EQ(ClientIp("127.0.0.1:5555"), "127.0.0.1");
  EXPECT_EQ(ClientIp("[::1]:80"), "::1");
  EXPECT_EQ(ClientIp("::1"), "::1");
  EXPECT_EQ(ClientIp("10.0.0.1"), "10.0.0.1");
}

TEST(FormatRfc3339Test, Utc) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1'795'333'060'123), "2026-11-22T07:37:40.123Z");
}

}  // namespace
}  // namespace moodtape::gateway
