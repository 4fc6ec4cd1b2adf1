#include "services/auth/core/password_hasher.h"

#include <sodium.h>

#include <stdexcept>

namespace moodtape::auth {

Argon2Limits Argon2Limits::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

Argon2Limits Argon2Limits::MinimumForTests() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

PasswordHasher::PasswordHasher(Argon2Limits limits) : limits_(limits) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  // A hash of a random password with the same limits, so a dummy verify costs what a real one
  // does.
  char random[33];
  randombytes_buf(random, 32);
  random[32] = '\0';
  auto dummy = Hash(std::string_view(random, 32));
  if (!dummy.ok()) throw std::runtime_error("cannot compute the dummy password hash");
  dummy_hash_ = *dummy;
}

platform::Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), limits_.ops,
                            limits_.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return platform::MakeError(platform::ErrorCode::kInternal, "argon2id: out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view password, const std::string& encoded_hash) const {
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) const {
  // The outcome is irrelevant (it is always a mismatch); only the time spent matters.
  [[maybe_unused]] int mismatch =
      crypto_pwhash_str_verify(dummy_hash_.c_str(), password.data(), password.size());
}

}  // namespace moodtape::auth
