// JSON Web Tokens for end users: ES256 (P-256) or RS256, identified by key id ("kid").
// The auth service signs; every other service verifies locally with the public keys (JWKS), so
// no request needs a round trip to auth. The algorithm is fixed by the key, never taken from the
// token, which rules out "alg: none" and key-confusion attacks.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/clock.h"
#include "platform/base/error.h"

namespace moodtape::platform {

struct JwtClaims {
  std::string subject;             // "sub": the user id
  std::string issuer;              // "iss"
  std::string token_id;            // "jti"
  std::string key_id;              // the header's "kid"
  std::vector<std::string> roles;  // "roles", e.g. ["admin"]
  std::chrono::system_clock::time_point issued_at;
  std::chrono::system_clock::time_point expires_at;
  nlohmann::json payload;  // everything, for claims the platform does not name
  bool HasRole(std::string_view role) const;
};

// A public key that verifies one algorithm.
class JwtPublicKey {
 public:
  ~JwtPublicKey();
  JwtPublicKey(const JwtPublicKey&) = delete;
  JwtPublicKey& operator=(const JwtPublicKey&) = delete;
  static Result<std::shared_ptr<JwtPublicKey>> FromPem(std::string kid, std::string_view pem);
  static Result<std::shared_ptr<JwtPublicKey>> FromJwk(const nlohmann::json& jwk);
  const std::string& kid() const { return kid_; }
  const std::string& alg() const { return alg_; }
  nlohmann::json ToJwk() const;
  bool VerifySignature(std::string_view signing_input, std::string_view signature) const;

 private:
  JwtPublicKey(std::string kid, std::string alg, void* pkey)
      : kid_(std::move(kid)), alg_(std::move(alg)), pkey_(pkey) {}
  std::string kid_;
  std::string alg_;  // "ES256" or "RS256"
  void* pkey_;       // EVP_PKEY*, kept opaque so OpenSSL headers stay out of this header
};

// The keys a verifier trusts. Replaced as a whole on rotation.
class JwtKeySet {
 public:
  void Add(std::shared_ptr<JwtPublicKey> key);
  std::shared_ptr<JwtPublicKey> Find(std::string_view kid) const;
  size_t size() const { return keys_.size(); }
  // {"keys": [...]}; unknown key types are skipped, malformed ones are an error.
  static Result<std::shared_ptr<JwtKeySet>> FromJwks(const nlohmann::json& jwks);
  nlohmann::json ToJwks() const;

 private:
  std::vector<std::shared_ptr<JwtPublicKey>> keys_;
};

class JwtVerifier {
 public:
  JwtVerifier(std::shared_ptr<const JwtKeySet> keys, std::string issuer,
              const Clock* clock = &SystemClock::Instance(),
              std::chrono::seconds leeway = std::chrono::seconds(30));
  // kUnauthenticated with a short reason ("token expired", "bad signature", ...) on failure.
  Result<JwtClaims> Verify(std::string_view token) const;
  // Key rotation: new calls use the new set; calls in progress keep the old one.
  void SetKeys(std::shared_ptr<const JwtKeySet> keys);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const JwtKeySet> keys_;
  const std::string issuer_;
  const Clock* clock_;
  const std::chrono::seconds leeway_;
};

class JwtSigner {
 public:
  ~JwtSigner();
  JwtSigner(const JwtSigner&) = delete;
  JwtSigner& operator=(const JwtSigner&) = delete;
  // PEM private key (EC P-256 -> ES256, RSA -> RS256).
  static Result<std::unique_ptr<JwtSigner>> FromPrivateKeyPem(std::string kid,
                                                              std::string_view pem);
  // A fresh EC P-256 key (auth generates one on first start; tests use it too).
  static std::unique_ptr<JwtSigner> GenerateEs256(std::string kid);
  std::string PrivateKeyPem() const;
  std::shared_ptr<JwtPublicKey> PublicKey() const;
  // Signs the payload as is (the caller sets iss, sub, iat, exp...).
  std::string Sign(const nlohmann::json& payload) const;
  const std::string& kid() const { return kid_; }

 private:
  JwtSigner(std::string kid, std::string alg, void* pkey)
      : kid_(std::move(kid)), alg_(std::move(alg)), pkey_(pkey) {}
  std::string kid_;
  std::string alg_;
  void* pkey_;
};

}  // namespace moodtape::platform
