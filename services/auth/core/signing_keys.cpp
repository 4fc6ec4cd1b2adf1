#include "services/auth/core/signing_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "platform/base/encoding.h"
#include "platform/base/log.h"

namespace moodtape::auth {
namespace {

namespace fs = std::filesystem;
using platform::ErrorCode;
using platform::MakeError;

platform::Error FileError(const std::string& what, const std::string& path) {
  return MakeError(ErrorCode::kInternal, what + " " + path + ": " + std::strerror(errno));
}

bool IsKid(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// "20250101T120000123Z-a1b2c3" (UTC to the millisecond): sorts by creation time; the random
// suffix keeps two processes rotating in the same millisecond from writing the same file.
std::string NewKid(const platform::Clock& clock) {
  auto now = clock.Now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof(millis), "%03dZ", static_cast<int>(((ms % 1000) + 1000) % 1000));
  return std::string(buf) + millis + "-" + platform::HexEncode(platform::SecureRandomBytes(3));
}

}  // namespace

platform::Status WriteFileAtomically(const std::string& path, const std::string& content,
                                     unsigned mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return FileError("cannot create", tmp);
  ::fchmod(fd, mode);  // the umask must not widen or narrow what we asked for
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto error = FileError("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return error;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    auto error = FileError("cannot flush", tmp);
    ::unlink(tmp.c_str());
    return error;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto error = FileError("cannot rename onto", path);
    ::unlink(tmp.c_str());
    return error;
  }
  return platform::Status::Ok();
}

std::unique_ptr<SigningKeys> SigningKeys::Open(std::string key_dir, std::string jwks_file,
                                               const platform::Clock& clock) {
  std::unique_ptr<SigningKeys> keys(
      new SigningKeys(std::move(key_dir), std::move(jwks_file), clock));
  std::error_code ec;
  fs::create_directories(keys->key_dir_, ec);
  if (ec) throw std::runtime_error("cannot create " + keys->key_dir_ + ": " + ec.message());
  // Private keys: owner only, whatever the umask made of the directory.
  fs::permissions(keys->key_dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) throw std::runtime_error("cannot chmod 0700 " + keys->key_dir_ + ": " + ec.message());
  fs::path jwks_dir = fs::path(keys->jwks_file_).parent_path();
  if (!jwks_dir.empty()) fs::create_directories(jwks_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + jwks_dir.string() + ": " + ec.message());

  auto status = keys->Reload();
  if (!status.ok()) throw std::runtime_error(status.error().message);
  return keys;
}

platform::Result<SigningKeys::Snapshot> SigningKeys::Load() const {
  std::map<std::string, std::string> pems;  // kid -> pem, ordered so the last is the newest
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(key_dir_, ec)) {
    const fs::path& p = entry.path();
    if (p.extension() != ".pem" || !entry.is_regular_file()) continue;
    std::string kid = p.stem().string();
    if (!IsKid(kid)) continue;
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return MakeError(ErrorCode::kInternal, "cannot read signing key " + p.string());
    pems[kid] = ss.str();
  }
  if (ec) return MakeError(ErrorCode::kInternal, "cannot list " + key_dir_ + ": " + ec.message());
  if (pems.empty()) return MakeError(ErrorCode::kNotFound, "no signing key in " + key_dir_);

  auto set = std::make_shared<platform::JwtKeySet>();
  std::shared_ptr<const platform::JwtSigner> newest;
  for (const auto& [kid, pem] : pems) {
    auto signer = platform::JwtSigner::FromPrivateKeyPem(kid, pem);
    if (!signer.ok()) {
      return MakeError(ErrorCode::kInternal,
                       "signing key " + key_dir_ + "/" + kid + ".pem: " + signer.error().message);
    }
    set->Add((*signer)->PublicKey());
    newest = std::shared_ptr<const platform::JwtSigner>(std::move(signer).value());
  }
  return Snapshot{newest, set};
}

platform::Result<std::string> SigningKeys::AddKey() const {
  std::string kid = NewKid(clock_);
  auto signer = platform::JwtSigner::GenerateEs256(kid);
  auto status = WriteFileAtomically(key_dir_ + "/" + kid + ".pem", signer->PrivateKeyPem(), 0600);
  if (!status.ok()) return status.error();
  platform::LogInfo("signing key created", {{"kid", kid}, {"key_dir", key_dir_}});
  return kid;
}

platform::Status SigningKeys::Publish(const Snapshot& snapshot) const {
  // Public keys only; readable by the other services.
  return WriteFileAtomically(jwks_file_, snapshot.keys->ToJwks().dump(2) + "\n", 0644);
}

platform::Status SigningKeys::Reload() {
  std::lock_guard rotate(rotate_mu_);
  auto snapshot = Load();
  if (!snapshot.ok() && snapshot.error().code == ErrorCode::kNotFound) {
    auto kid = AddKey();  // first start
    if (!kid.ok()) return kid.error();
    snapshot = Load();
  }
  if (!snapshot.ok()) return snapshot.error();
  auto published = Publish(*snapshot);
  if (!published.ok()) return published;
  {
    std::lock_guard lock(mu_);
    current_ = *snapshot;
  }
  platform::LogInfo("signing keys loaded", {{"signing_kid", snapshot->signer->kid()},
                                            {"keys", snapshot->keys->size()},
                                            {"jwks_file", jwks_file_}});
  return platform::Status::Ok();
}

platform::Result<std::string> SigningKeys::Rotate() {
  std::string kid;
  {
    std::lock_guard rotate(rotate_mu_);
    auto added = AddKey();
    if (!added.ok()) return added.error();
    kid = *added;
  }
  auto status = Reload();
  if (!status.ok()) return status.error();
  return kid;
}

std::shared_ptr<const platform::JwtSigner> SigningKeys::Current() const {
  std::lock_guard lock(mu_);
  return current_.signer;
}

std::shared_ptr<const platform::JwtKeySet> SigningKeys::PublicKeys() const {
  std::lock_guard lock(mu_);
  return current_.keys;
}

}  // namespace moodtape::auth
