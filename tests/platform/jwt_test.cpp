#include "platform/security/jwt.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <gtest/gtest.h>

#include <fstream>

#include "platform/base/encoding.h"
#include "platform/security/user_tokens.h"
#include "tests/support/test_support.h"

namespace moodtape::platform {
namespace {

using namespace std::chrono_literals;

nlohmann::json ClaimsAt(const Clock& clock, int64_t ttl = 900) {
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  return {{"iss", "moodtape"}, {"sub", "u1"},        {"iat", now},
          {"exp", now + ttl},  {"roles", {"admin"}}, {"jti", "t1"}};
}

std::shared_ptr<JwtKeySet> KeysOf(const JwtSigner& signer) {
  auto keys = std::make_shared<JwtKeySet>();
  keys->Add(signer.PublicKey());
  return keys;
}

TEST(JwtTest, Es256SignAndVerify) {
  ManualClock clock;
  auto signer = JwtSigner::GenerateEs256("k1");
  JwtVerifier verifier(KeysOf(*signer), "moodtape", &clock);
  auto claims = verifier.Verify(signer->Sign(ClaimsAt(clock)));
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->subject, "u1");
  EXPECT_EQ(claims->token_id, "t1");
  EXPECT_EQ(claims->key_id, "k1");
  EXPECT_TRUE(claims->HasRole("admin"));
}

TEST(JwtTest, PrivateKeyPemRoundTrip) {
  ManualClock clock;
  auto signer = JwtSigner::GenerateEs256("k1");
  auto again = JwtSigner::FromPrivateKeyPem("k1", signer->PrivateKeyPem());
  ASSERT_TRUE(again.ok());
  JwtVerifier verifier(KeysOf(*signer), "moodtape", &clock);
  EXPECT_TRUE(verifier.Verify((*again)->Sign(ClaimsAt(clock))).ok());
}

TEST(JwtTest, JwksRoundTripVerifies) {
  ManualClock clock;
  auto signer = JwtSigner::GenerateEs256("rot-1");
  nlohmann::json jwks = KeysOf(*signer)->ToJwks();
  EXPECT_EQ(jwks["keys"][0]["kty"], "EC");
  EXPECT_EQ(jwks["keys"][0]["crv"], "P-256");
  EXPECT_FALSE(jwks["keys"][0].contains("d"));  // never the private part
  auto parsed = JwtKeySet::FromJwks(jwks);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  JwtVerifier verifier(*parsed, "moodtape", &clock);
  EXPECT_TRUE(verifier.Verify(signer->Sign(ClaimsAt(clock))).ok());
}

TEST(JwtTest, Rs256KeyFromPemAndJwk) {
  EVP_PKEY* rsa = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, rsa, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(rsa);

  ManualClock clock;
  auto signer = JwtSigner::FromPrivateKeyPem("rsa-1", pem);
  ASSERT_TRUE(signer.ok());
  auto jwks = KeysOf(**signer)->ToJwks();
  EXPECT_EQ(jwks["keys"][0]["alg"], "RS256");
  auto parsed = JwtKeySet::FromJwks(jwks);
  ASSERT_TRUE(parsed.ok());
  JwtVerifier verifier(*parsed, "moodtape", &clock);
  EXPECT_TRUE(verifier.Verify((*signer)->Sign(ClaimsAt(clock))).ok());
}

TEST(JwtTest, RejectsEveryBadToken) {
  ManualClock clock;
  auto signer = JwtSigner::GenerateEs256("k1");
  JwtVerifier verifier(KeysOf(*signer), "moodtape", &clock);
  auto reason = [&](const std::string& token) {
    auto r = verifier.Verify(token);
    EXPECT_FALSE(r.ok()) << token;
    if (r.ok()) return std::string();
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    return r.error().message;
  };
  std::string good = signer->Sign(ClaimsAt(clock));
  EXPECT_EQ(reason("a.b"), "malformed token");
  EXPECT_EQ(reason("a.b.c.d"), "malformed token");
  EXPECT_EQ(reason("!!!.###.$$$"), "malformed token");
  EXPECT_EQ(reason(Base64UrlEncode(R"({"alg":"none","kid":"k1"})") + "." +
                   Base64UrlEncode(ClaimsAt(clock).dump()) + "."),
            "unsupported token algorithm");
  EXPECT_EQ(reason(Base64UrlEncode(R"({"alg":"HS256","kid":"k1"})") + "." +
                   Base64UrlEncode(ClaimsAt(clock).dump()) + ".c2ln"),
            "unsupported token algorithm");
  EXPECT_EQ(reason(Base64UrlEncode(R"({"alg":"RS256","kid":"k1"})") + "." +
                   Base64UrlEncode(ClaimsAt(clock).dump()) + ".c2ln"),
            "token algorithm does not match its key");
  EXPECT_EQ(reason(JwtSigner::GenerateEs256("k2")->Sign(ClaimsAt(clock))), "unknown token key");
  EXPECT_EQ(reason(JwtSigner::GenerateEs256("k1")->Sign(ClaimsAt(clock))), "bad token signature");
  std::string tampered = good;
  tampered[good.find('.') + 3] ^= 1;
  EXPECT_NE(reason(tampered), "");
  auto wrong_iss = ClaimsAt(clock);
  wrong_iss["iss"] = "evil";
  EXPECT_EQ(reason(signer->Sign(wrong_iss)), "wrong token issuer");
  auto no_exp = ClaimsAt(clock);
  no_exp.erase("exp");
  EXPECT_EQ(reason(signer->Sign(no_exp)), "token has no expiry");
  auto no_sub = ClaimsAt(clock);
  no_sub.erase("sub");
  EXPECT_EQ(reason(signer->Sign(no_sub)), "token has no subject");
  auto future = ClaimsAt(clock);
  future["nbf"] = future["iat"].get<int64_t>() + 3600;
  EXPECT_EQ(reason(signer->Sign(future)), "token not yet valid");
  EXPECT_EQ(reason(std::string(9000, 'a')), "token too long");
}

TEST(JwtTest, ExpiryHonoursLeeway) {
  ManualClock clock;
  auto signer = JwtSigner::GenerateEs256("k1");
  JwtVerifier verifier(KeysOf(*signer), "moodtape", &clock, 30s);
  std::string token = signer->Sign(ClaimsAt(clock, 60));
  clock.Advance(80s);  // past exp, within leeway
  EXPECT_TRUE(verifier.Verify(token).ok());
  clock.Advance(20s);
  auto r = verifier.Verify(token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "token expired");
}

TEST(JwtTest, KeyRotationKeepsOldTokensUntilKeyIsDropped) {
  ManualClock clock;
  auto old_key = JwtSigner::GenerateEs256("old");
  auto new_key = JwtSigner::GenerateEs256("new");
  JwtVerifier verifier(KeysOf(*old_key), "moodtape", &clock);
  std::string old_token = old_key->Sign(ClaimsAt(clock));
  auto both = std::make_shared<JwtKeySet>();
  both->Add(old_key->PublicKey());
  both->Add(new_key->PublicKey());
  verifier.SetKeys(both);
  EXPECT_TRUE(verifier.Verify(old_token).ok());
  EXPECT_TRUE(verifier.Verify(new_key->Sign(ClaimsAt(clock))).ok());
  verifier.SetKeys(KeysOf(*new_key));
  EXPECT_FALSE(verifier.Verify(old_token).ok());
}

TEST(JwtTest, MalformedJwksIsAnError) {
  EXPECT_FALSE(JwtKeySet::FromJwks(nlohmann::json::array()).ok());
  EXPECT_FALSE(
      JwtKeySet::FromJwks(
          {{"keys", {{{"kty", "EC"}, {"kid", "x"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}}}}})
          .ok());
  // Key types we do not use are skipped, not fatal.
  auto skipped =
      JwtKeySet::FromJwks({{"keys", {{{"kty", "oct"}, {"kid", "h"}, {"k", "c2VjcmV0"}}}}});
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ((*skipped)->size(), 0u);
}

TEST(UserTokensTest, LoadsAndReloadsTheJwksFile) {
  moodtape::testing::TempDir dir;
  UserTokenSettings settings;
  settings.jwks_file = dir.File("jwks.json");
  auto signer = JwtSigner::GenerateEs256("k1");
  nlohmann::json claims = {{"iss", "moodtape"}, {"sub", "u"}, {"exp", 4102444800}};

  auto missing = LoadUserTokenVerifier(settings);  // auth has not published keys yet
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE((*missing)->Verify(signer->Sign(claims)).ok());

  std::ofstream(settings.jwks_file) << KeysOf(*signer)->ToJwks().dump();
  EXPECT_TRUE(ReloadUserTokenKeys(**missing, settings).ok());
  EXPECT_TRUE((*missing)->Verify(signer->Sign(claims)).ok());

  std::ofstream(settings.jwks_file) << "{not json";
  EXPECT_FALSE(ReloadUserTokenKeys(**missing, settings).ok());
  EXPECT_TRUE((*missing)->Verify(signer->Sign(claims)).ok());  // old keys kept
  EXPECT_FALSE(LoadUserTokenVerifier(settings).ok());
}

TEST(EncodingTest, Base64UrlRoundTrip) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                       "foobar", std::string("\0\xff\xfe", 3)}) {
    auto d = Base64UrlDecode(Base64UrlEncode(s));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(Base64UrlDecode("a+b/"));
  EXPECT_FALSE(Base64UrlDecode("abcde"));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_EQ(SecureRandomBytes(32).size(), 32u);
}

}  // namespace
}  // namespace moodtape::platform
