// The bytes of one upload while its stream arrives: counted and hashed as they come, and held in
// memory up to kMemoryBytes, beyond that in an unnamed temporary file. So a 64 MiB upload costs
// disk rather than memory, and nothing reaches the database until the whole stream is there and
// checked (Storage::PutAsset then writes it in one short transaction).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "services/store/core/storage.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace moodtape::store {

// SHA-256 over bytes given in pieces.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view bytes);
  // The digest as 64 lower-case hex characters; call once, after the last Update.
  std::string FinishHex();

 private:
  evp_md_ctx_st* ctx_;
};

class AssetUpload {
 public:
  // Small assets (timed lyrics, MIDI, thumbnails) never touch the disk.
  static constexpr int64_t kMemoryBytes = StorageLimits::kAssetChunkBytes;

  // `spool_dir`: where the unnamed file goes once the bytes outgrow memory; "" = the system's
  // temporary directory ($TMPDIR, else /tmp).
  AssetUpload(AssetHeader header, std::string spool_dir);
  // Closing the file deletes it: it never had a name (or lost it at once).
  ~AssetUpload();
  AssetUpload(const AssetUpload&) = delete;
  AssetUpload& operator=(const AssetUpload&) = delete;

  // Creates (and drops) one spool file, so a spool directory that cannot hold uploads stops
  // start-up instead of failing the first large upload. kUnavailable names the directory.
  static Status CheckSpoolDir(const std::string& spool_dir);

  const AssetHeader& header() const { return header_; }
  int64_t received_bytes() const { return received_; }

  // Adds the next bytes of the stream. kInvalidArgument once more arrive than the header's
  // size_bytes; kUnavailable when the spool file cannot be created or written (detail logged).
  Status Append(std::string_view bytes);
  // Ends the stream and computes the digest. kInvalidArgument when fewer bytes arrived than the
  // header's size_bytes.
  Status Finish();
  bool finished() const { return finished_; }

  // After a successful Finish: the SHA-256 of the bytes (lower-case hex), and whether it equals
  // the header's (true when the header gave none).
  const std::string& sha256() const { return sha256_; }
  bool MatchesHeaderSha256() const;

  // `n` bytes from `offset` of what arrived. Throws std::runtime_error on an I/O error (the
  // storage turns it into an internal error).
  std::string ReadAt(int64_t offset, int64_t n) const;

 private:
  Status Spill();  // moves memory_ to a new unnamed file

  const AssetHeader header_;
  const std::string spool_dir_;
  Sha256Hasher hasher_;
  std::string memory_;  // the bytes while they fit kMemoryBytes
  int fd_ = -1;         // the spool file once they do not
  int64_t received_ = 0;
  bool finished_ = false;
  std::string sha256_;
};

}  // namespace moodtape::store
