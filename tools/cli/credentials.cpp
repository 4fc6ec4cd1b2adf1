#include "tools/cli/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace moodtape::cli {
namespace {

using platform::ErrorCode;
using platform::MakeError;

platform::Error SystemError(const std::string& what, const std::string& path) {
  return MakeError(ErrorCode::kFailedPrecondition,
                   what + " " + path + ": " + std::string(std::strerror(errno)));
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

// mkdir -p; every directory this creates gets 0700 (they hold credentials).
platform::Status MakeDirs(const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      return SystemError("cannot use", dir);
    }
    return {};
  }
  if (dir != "/" && dir != ".") {
    platform::Status parent = MakeDirs(Parent(dir));
    if (!parent.ok()) return parent;
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return SystemError("cannot create", dir);
  return {};
}

std::string Field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string CredentialsPath(const char* xdg_config_home, const char* home) {
  std::string base;
  if (xdg_config_home && *xdg_config_home) {
    base = xdg_config_home;
  } else if (home && *home) {
    base = std::string(home) + "/.config";
  } else {
    return "";
  }
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + "/moodtape/credentials.json";
}

platform::Result<std::optional<Credentials>> LoadCredentials(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<Credentials>();
    return SystemError("cannot read", path);
  }
  std::ifstream in(path);
  if (!in) return SystemError("cannot read", path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     path + " is not a credentials file: run moodtape login");
  }
  Credentials c;
  c.gateway = Field(j, "gateway");
  c.username = Field(j, "username");
  c.access_token = Field(j, "access_token");
  c.refresh_token = Field(j, "refresh_token");
  c.access_token_expires_at = Field(j, "access_token_expires_at");
  c.refresh_token_expires_at = Field(j, "refresh_token_expires_at");
  if (c.access_token.empty() || c.refresh_token.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition, path + " holds no tokens: run moodtape login");
  }
  return std::optional<Credentials>(std::move(c));
}

platform::Status SaveCredentials(const std::string& path, const Credentials& c) {
  std::string dir = Parent(path);
  platform::Status made = MakeDirs(dir);
  if (!made.ok()) return made;
  // The moodtape directory is ours: tighten it even if an older version left it wider.
  if (chmod(dir.c_str(), 0700) != 0) return SystemError("cannot restrict", dir);

  nlohmann::json j = {{"gateway", c.gateway},
                      {"username", c.username},
                      {"access_token", c.access_token},
                      {"refresh_token", c.refresh_token},
                      {"access_token_expires_at", c.access_token_expires_at},
                      {"refresh_token_expires_at", c.refresh_token_expires_at}};
  std::string text = j.dump(2) + "\n";
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return SystemError("cannot write", tmp);
  // The umask cannot widen 0600, but a pre-existing file could have another mode.
  bool ok = fchmod(fd, 0600) == 0;
  size_t written = 0;
  while (ok && written < text.size()) {
    ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    written += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  int saved_errno = errno;
  close(fd);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved_errno = errno;
    unlink(tmp.c_str());
    errno = saved_errno;
    return SystemError("cannot write", path);
  }
  return {};
}

platform::Status DeleteCredentials(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return SystemError("cannot delete", path);
  return {};
}

platform::Result<Credentials> CredentialsFromSession(const nlohmann::json& body,
                                                     const std::string& gateway,
                                                     const std::string& username) {
  if (!body.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "the gateway's answer is not a JSON object");
  }
  Credentials c;
  c.gateway = gateway;
  c.username = username;
  if (auto user = body.find("user"); user != body.end() && user->is_object()) {
    std::string name = Field(*user, "username");
    if (!name.empty()) c.username = name;
  }
  c.access_token = Field(body, "access_token");
  c.refresh_token = Field(body, "refresh_token");
  c.access_token_expires_at = Field(body, "access_token_expires_at");
  c.refresh_token_expires_at = Field(body, "refresh_token_expires_at");
  if (c.access_token.empty() || c.refresh_token.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the gateway sent no tokens (does it support X-Token-Delivery: body?)");
  }
  return c;
}

}  // namespace moodtape::cli
