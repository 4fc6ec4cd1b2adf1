// The access-token signing keys: ES256 private keys in `<key_dir>/<kid>.pem` (file 0600, directory
// 0700). The newest key (kids start with their UTC creation time, so the greatest kid) signs;
// every key's public part is published to the JWKS file, which other services read to verify
// tokens locally. Rotation adds a key; old keys stay published until their file is deleted, so
// tokens they signed keep verifying until they expire.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "platform/base/clock.h"
#include "platform/base/error.h"
#include "platform/security/jwt.h"

namespace moodtape::auth {

class SigningKeys {
 public:
  // Loads every key in `key_dir`, generating the first one if there is none, and writes the JWKS
  // file. Throws std::runtime_error with the path on any file problem (start-up).
  static std::unique_ptr<SigningKeys> Open(std::string key_dir, std::string jwks_file,
                                           const platform::Clock& clock);

  // Generates a key that signs from now on and republishes the JWKS; returns its kid.
  platform::Result<std::string> Rotate();
  // Re-reads the directory (SIGHUP; e.g. after `moodtape-auth rotate-key` ran beside us).
  platform::Status Reload();

  std::shared_ptr<const platform::JwtSigner> Current() const;
  std::shared_ptr<const platform::JwtKeySet> PublicKeys() const;

  // Each rotation or reload replaces both at once, under this lock.
  struct Snapshot {
    std::shared_ptr<const platform::JwtSigner> signer;
    std::shared_ptr<const platform::JwtKeySet> keys;
  };

 private:
  SigningKeys(std::string key_dir, std::string jwks_file, const platform::Clock& clock)
      : key_dir_(std::move(key_dir)), jwks_file_(std::move(jwks_file)), clock_(clock) {}
  platform::Result<Snapshot> Load() const;
  platform::Result<std::string> AddKey() const;
  platform::Status Publish(const Snapshot& snapshot) const;

  const std::string key_dir_;
  const std::string jwks_file_;
  const platform::Clock& clock_;
  std::mutex rotate_mu_;  // one rotation or reload at a time
  mutable std::mutex mu_;
  Snapshot current_;
};

// Writes `content` to `path` through a temporary file in the same directory and rename(), so a
// reader sees the old file or the new one, never half of one. `mode` applies to the new file.
platform::Status WriteFileAtomically(const std::string& path, const std::string& content,
                                     unsigned mode);

}  // namespace moodtape::auth
