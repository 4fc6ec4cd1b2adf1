// Argon2id password hashes through libsodium (crypto_pwhash_str). The encoded hash carries its
// own salt and parameters, so verification works for hashes made with older limits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "platform/base/error.h"

namespace moodtape::auth {

struct Argon2Limits {
  unsigned long long ops = 0;  // passes (crypto_pwhash_OPSLIMIT_*)
  size_t memory_bytes = 0;     // (crypto_pwhash_MEMLIMIT_*)
  // libsodium's INTERACTIVE limits: 2 passes over 64 MiB, about 50-100 ms on one core. This is
  // the level libsodium recommends for on-line log-ins; SENSITIVE (1 GiB) would let a handful of
  // concurrent log-ins exhaust the machine.
  static Argon2Limits Interactive();
  // The minimum (1 pass, 8 KiB): for tests only, where hundreds of hashes must be cheap.
  static Argon2Limits MinimumForTests();
};

class PasswordHasher {
 public:
  // Throws std::runtime_error if libsodium cannot initialise (start-up).
  explicit PasswordHasher(Argon2Limits limits);
  // kInternal when out of memory.
  platform::Result<std::string> Hash(std::string_view password) const;
  bool Verify(std::string_view password, const std::string& encoded_hash) const;
  // Spends the time a real Verify would, for log-ins of unknown accounts (hides which exist).
  void VerifyDummy(std::string_view password) const;

 private:
  Argon2Limits limits_;
  std::string dummy_hash_;
};

}  // namespace moodtape::auth
