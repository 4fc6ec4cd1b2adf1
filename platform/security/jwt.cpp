#include "platform/security/jwt.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>

#include "platform/base/encoding.h"

namespace moodtape::platform {
namespace {

Error Unauthenticated(std::string why) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(why));
}

EVP_PKEY* AsKey(void* p) { return static_cast<EVP_PKEY*>(p); }

// The JWS algorithm a key can verify/sign; "" when unsupported.
std::string AlgForKey(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) &&
        (std::string_view(group) == "prime256v1" || std::string_view(group) == "P-256")) {
      return "ES256";
    }
    return "";
  }
  if (EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) >= 2048) return "RS256";
  return "";
}

std::string BnBytes(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &bn)) return "";
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

// JWS ES256 signatures are r||s (32 bytes each); OpenSSL speaks DER.
std::string DerToRaw(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return "";
  std::string out(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(out.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(out.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return out;
}

std::string RawToDer(std::string_view raw) {
  if (raw.size() != 64) return "";
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  std::string out =
      len > 0 ? std::string(reinterpret_cast<char*>(der), static_cast<size_t>(len)) : "";
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

EVP_PKEY* KeyFromParams(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  if (ctx && params && EVP_PKEY_fromdata_init(ctx) == 1) {
    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return key;
}

std::chrono::system_clock::time_point FromEpoch(int64_t secs) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs));
}

}  // namespace

bool JwtClaims::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

JwtPublicKey::~JwtPublicKey() { EVP_PKEY_free(AsKey(pkey_)); }

Result<std::shared_ptr<JwtPublicKey>> JwtPublicKey::FromPem(std::string kid, std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return MakeError(ErrorCode::kInvalidArgument, "not a PEM public key");
  std::string alg = AlgForKey(key);
  if (alg.empty()) {
    EVP_PKEY_free(key);
    return MakeError(ErrorCode::kInvalidArgument, "unsupported key (use EC P-256 or RSA >= 2048)");
  }
  return std::shared_ptr<JwtPublicKey>(new JwtPublicKey(std::move(kid), alg, key));
}

Result<std::shared_ptr<JwtPublicKey>> JwtPublicKey::FromJwk(const nlohmann::json& jwk) {
  if (!jwk.is_object() || !jwk.contains("kty") || !jwk["kty"].is_string() || !jwk.contains("kid") ||
      !jwk["kid"].is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "JWK needs string kty and kid");
  }
  std::string kty = jwk["kty"], kid = jwk["kid"];
  auto field = [&](const char* name) -> std::optional<std::string> {
    if (!jwk.contains(name) || !jwk[name].is_string()) return std::nullopt;
    return Base64UrlDecode(jwk[name].get<std::string>());
  };
  EVP_PKEY* key = nullptr;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (kty == "EC") {
    auto x = field("x"), y = field("y");
    if (jwk.value("crv", "") != "P-256" || !x || !y || x->size() != 32 || y->size() != 32) {
      OSSL_PARAM_BLD_free(bld);
      return MakeError(ErrorCode::kInvalidArgument, "EC JWK " + kid + " must be P-256 with x, y");
    }
    std::string point = "\x04" + *x + *y;
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    key = KeyFromParams("EC", bld);
  } else if (kty == "RSA") {
    auto n = field("n"), e = field("e");
    if (!n || !e) {
      OSSL_PARAM_BLD_free(bld);
      return MakeError(ErrorCode::kInvalidArgument, "RSA JWK " + kid + " needs n and e");
    }
    BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                             static_cast<int>(n->size()), nullptr);
    BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                             static_cast<int>(e->size()), nullptr);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
    key = KeyFromParams("RSA", bld);
    BN_free(bn_n);
    BN_free(bn_e);
  } else {
    OSSL_PARAM_BLD_free(bld);
    return MakeError(ErrorCode::kUnimplemented, "unsupported JWK kty " + kty);
  }
  OSSL_PARAM_BLD_free(bld);
  if (key == nullptr)
    return MakeError(ErrorCode::kInvalidArgument, "JWK " + kid + " is not a valid key");
  std::string alg = AlgForKey(key);
  if (alg.empty()) {
    EVP_PKEY_free(key);
    return MakeError(ErrorCode::kInvalidArgument, "JWK " + kid + " is too weak");
  }
  return std::shared_ptr<JwtPublicKey>(new JwtPublicKey(kid, alg, key));
}

nlohmann::json JwtPublicKey::ToJwk() const {
  EVP_PKEY* key = AsKey(pkey_);
  nlohmann::json jwk = {{"kid", kid_}, {"alg", alg_}, {"use", "sig"}};
  if (alg_ == "ES256") {
    unsigned char point[65];
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &len);
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = Base64UrlEncode(std::string_view(reinterpret_cast<char*>(point) + 1, 32));
    jwk["y"] = Base64UrlEncode(std::string_view(reinterpret_cast<char*>(point) + 33, 32));
  } else {
    jwk["kty"] = "RSA";
    jwk["n"] = Base64UrlEncode(BnBytes(key, OSSL_PKEY_PARAM_RSA_N));
    jwk["e"] = Base64UrlEncode(BnBytes(key, OSSL_PKEY_PARAM_RSA_E));
  }
  return jwk;
}

bool JwtPublicKey::VerifySignature(std::string_view input, std::string_view signature) const {
  std::string sig(signature);
  if (alg_ == "ES256") {
    sig = RawToDer(signature);
    if (sig.empty()) return false;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, AsKey(pkey_)) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

void JwtKeySet::Add(std::shared_ptr<JwtPublicKey> key) { keys_.push_back(std::move(key)); }

std::shared_ptr<JwtPublicKey> JwtKeySet::Find(std::string_view kid) const {
  for (const auto& k : keys_) {
    if (k->kid() == kid) return k;
  }
  return nullptr;
}

Result<std::shared_ptr<JwtKeySet>> JwtKeySet::FromJwks(const nlohmann::json& jwks) {
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
    return MakeError(ErrorCode::kInvalidArgument, "JWKS must be {\"keys\": [...]}");
  }
  auto set = std::make_shared<JwtKeySet>();
  for (const auto& jwk : jwks["keys"]) {
    auto key = JwtPublicKey::FromJwk(jwk);
    if (!key.ok()) {
      if (key.error().code == ErrorCode::kUnimplemented) continue;
      return key.error();
    }
    set->Add(std::move(key).value());
  }
  return set;
}

nlohmann::json JwtKeySet::ToJwks() const {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : keys_) keys.push_back(k->ToJwk());
  return {{"keys", keys}};
}

JwtVerifier::JwtVerifier(std::shared_ptr<const JwtKeySet> keys, std::string issuer,
                         const Clock* clock, std::chrono::seconds leeway)
    : keys_(std::move(keys)), issuer_(std::move(issuer)), clock_(clock), leeway_(leeway) {}

void JwtVerifier::SetKeys(std::shared_ptr<const JwtKeySet> keys) {
  std::lock_guard lock(mu_);
  keys_ = std::move(keys);
}

Result<JwtClaims> JwtVerifier::Verify(std::string_view token) const {
  if (token.size() > 8192) return Unauthenticated("token too long");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Unauthenticated("malformed token");
  }
  auto header_raw = Base64UrlDecode(token.substr(0, dot1));
  auto payload_raw = Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!header_raw || !payload_raw || !signature) return Unauthenticated("malformed token");
  auto header = nlohmann::json::parse(*header_raw, nullptr, false);
  auto payload = nlohmann::json::parse(*payload_raw, nullptr, false);
  if (!header.is_object() || !payload.is_object()) return Unauthenticated("malformed token");
  if (!header.contains("alg") || !header["alg"].is_string())
    return Unauthenticated("malformed token");
  std::string alg = header["alg"];
  if (alg != "ES256" && alg != "RS256") return Unauthenticated("unsupported token algorithm");
  if (!header.contains("kid") || !header["kid"].is_string())
    return Unauthenticated("token has no key id");

  std::shared_ptr<const JwtKeySet> keys;
  {
    std::lock_guard lock(mu_);
    keys = keys_;
  }
  auto key = keys ? keys->Find(header["kid"].get<std::string>()) : nullptr;
  if (!key) return Unauthenticated("unknown token key");
  if (key->alg() != alg) return Unauthenticated("token algorithm does not match its key");
  if (!key->VerifySignature(token.substr(0, dot2), *signature))
    return Unauthenticated("bad token signature");

  JwtClaims claims;
  claims.key_id = key->kid();
  claims.payload = payload;
  claims.issuer = payload.value("iss", "");
  if (claims.issuer != issuer_) return Unauthenticated("wrong token issuer");
  if (!payload.contains("exp") || !payload["exp"].is_number_integer()) {
    return Unauthenticated("token has no expiry");
  }
  claims.expires_at = FromEpoch(payload["exp"].get<int64_t>());
  auto now = clock_->Now();
  if (now > claims.expires_at + leeway_) return Unauthenticated("token expired");
  if (payload.contains("nbf") && payload["nbf"].is_number_integer() &&
      now + leeway_ < FromEpoch(payload["nbf"].get<int64_t>())) {
    return Unauthenticated("token not yet valid");
  }
  if (payload.contains("iat") && payload["iat"].is_number_integer()) {
    claims.issued_at = FromEpoch(payload["iat"].get<int64_t>());
  }
  if (!payload.contains("sub") || !payload["sub"].is_string() ||
      payload["sub"].get<std::string>().empty()) {
    return Unauthenticated("token has no subject");
  }
  claims.subject = payload["sub"];
  claims.token_id = payload.contains("jti") && payload["jti"].is_string()
                        ? payload["jti"].get<std::string>()
                        : "";
  if (payload.contains("roles") && payload["roles"].is_array()) {
    for (const auto& r : payload["roles"]) {
      if (r.is_string()) claims.roles.push_back(r);
    }
  }
  return claims;
}

JwtSigner::~JwtSigner() { EVP_PKEY_free(AsKey(pkey_)); }

Result<std::unique_ptr<JwtSigner>> JwtSigner::FromPrivateKeyPem(std::string kid,
                                                                std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return MakeError(ErrorCode::kInvalidArgument, "not a PEM private key");
  std::string alg = AlgForKey(key);
  if (alg.empty()) {
    EVP_PKEY_free(key);
    return MakeError(ErrorCode::kInvalidArgument, "unsupported key (use EC P-256 or RSA >= 2048)");
  }
  return std::unique_ptr<JwtSigner>(new JwtSigner(std::move(kid), alg, key));
}

std::unique_ptr<JwtSigner> JwtSigner::GenerateEs256(std::string kid) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  return std::unique_ptr<JwtSigner>(new JwtSigner(std::move(kid), "ES256", key));
}

std::string JwtSigner::PrivateKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, AsKey(pkey_), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

std::shared_ptr<JwtPublicKey> JwtSigner::PublicKey() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, AsKey(pkey_));
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return std::move(JwtPublicKey::FromPem(kid_, pem)).value();
}

std::string JwtSigner::Sign(const nlohmann::json& payload) const {
  nlohmann::json header = {{"alg", alg_}, {"typ", "JWT"}, {"kid", kid_}};
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, AsKey(pkey_)) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) == 1) {
    sig.resize(len);
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (alg_ == "ES256") sig = DerToRaw(sig);
  return input + "." + Base64UrlEncode(sig);
}

}  // namespace moodtape::platform
