#include "services/store/core/asset_upload.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "platform/base/encoding.h"
#include "platform/base/log.h"

namespace moodtape::store {
namespace {

using platform::ErrorCode;
using platform::MakeError;

// An unnamed file in `dir` (O_TMPFILE), or on file systems without it a named one removed at
// once; either way it disappears when closed, even if the process dies.
int OpenSpoolFile(const std::string& dir) {
  std::error_code ec;
  const std::string where = dir.empty() ? std::filesystem::temp_directory_path(ec).string() : dir;
  if (where.empty()) return -1;
  int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string pattern = where + "/moodtape-upload-XXXXXX";
  fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(pattern.c_str());
  return fd;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

char LowerHex(char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("cannot start a SHA-256 digest");
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(ctx_); }

void Sha256Hasher::Update(std::string_view bytes) {
  EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
}

std::string Sha256Hasher::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_, digest, &length);
  return platform::HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

Status AssetUpload::CheckSpoolDir(const std::string& spool_dir) {
  const int fd = OpenSpoolFile(spool_dir);
  if (fd < 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot create upload spool files in " +
                         (spool_dir.empty() ? std::string("the temporary directory") : spool_dir) +
                         ": " + std::strerror(errno));
  }
  ::close(fd);
  return Status::Ok();
}

AssetUpload::AssetUpload(AssetHeader header, std::string spool_dir)
    : header_(std::move(header)), spool_dir_(std::move(spool_dir)) {}

AssetUpload::~AssetUpload() {
  if (fd_ >= 0) ::close(fd_);
}

Status AssetUpload::Append(std::string_view bytes) {
  if (finished_) return MakeError(ErrorCode::kInvalidArgument, "the upload has ended");
  if (static_cast<int64_t>(bytes.size()) > header_.size_bytes - received_) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the stream carries more than the header's size_bytes (" +
                         std::to_string(header_.size_bytes) + "); nothing was stored");
  }
  hasher_.Update(bytes);
  received_ += static_cast<int64_t>(bytes.size());
  if (fd_ < 0 && static_cast<int64_t>(memory_.size() + bytes.size()) <= kMemoryBytes) {
    memory_.append(bytes);
    return Status::Ok();
  }
  if (fd_ < 0) {
    if (auto spilled = Spill(); !spilled.ok()) return spilled;
  }
  if (!WriteAll(fd_, bytes)) {
    platform::LogError("cannot write an upload's spool file", {{"error", std::strerror(errno)}});
    return MakeError(ErrorCode::kUnavailable, "the store cannot buffer uploads now; try again");
  }
  return Status::Ok();
}

Status AssetUpload::Spill() {
  fd_ = OpenSpoolFile(spool_dir_);
  if (fd_ < 0) {
    platform::LogError("cannot create an upload's spool file",
                       {{"dir", spool_dir_.empty() ? "(temporary directory)" : spool_dir_},
                        {"error", std::strerror(errno)}});
    return MakeError(ErrorCode::kUnavailable, "the store cannot buffer uploads now; try again");
  }
  if (!WriteAll(fd_, memory_)) {
    platform::LogError("cannot write an upload's spool file", {{"error", std::strerror(errno)}});
    return MakeError(ErrorCode::kUnavailable, "the store cannot buffer uploads now; try again");
  }
  std::string().swap(memory_);  // give the buffer back, not just empty it
  return Status::Ok();
}

Status AssetUpload::Finish() {
  if (finished_) return Status::Ok();
  if (received_ != header_.size_bytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the stream ended after " + std::to_string(received_) + " of " +
                         std::to_string(header_.size_bytes) + " bytes; nothing was stored");
  }
  sha256_ = hasher_.FinishHex();
  finished_ = true;
  return Status::Ok();
}

bool AssetUpload::MatchesHeaderSha256() const {
  if (header_.sha256.empty()) return true;
  if (header_.sha256.size() != sha256_.size()) return false;
  for (size_t i = 0; i < sha256_.size(); ++i) {
    if (LowerHex(header_.sha256[i]) != sha256_[i]) return false;
  }
  return true;
}

std::string AssetUpload::ReadAt(int64_t offset, int64_t n) const {
  if (offset < 0 || n < 0 || offset + n > received_)
    throw std::runtime_error("read past the end of an upload");
  if (fd_ < 0) return memory_.substr(static_cast<size_t>(offset), static_cast<size_t>(n));
  std::string out(static_cast<size_t>(n), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t got = ::pread(fd_, out.data() + done, out.size() - done,
                          static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      throw std::runtime_error(std::string("cannot read an upload's spool file: ") +
                               (got < 0 ? std::strerror(errno) : "it is shorter than written"));
    done += static_cast<size_t>(got);
  }
  return out;
}

}  // namespace moodtape::store
