#include "platform/base/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace moodtape::platform {
namespace {

Error CannotWrite(const std::string& path, int error) {
  return MakeError(ErrorCode::kFailedPrecondition,
                   "cannot write " + path + ": " + std::string(std::strerror(error)));
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::filesystem::path target(path);
  const std::string temp = (target.parent_path() / ("." + target.filename().string() + "." +
                                                    std::to_string(getpid()) + ".part"))
                               .string();
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return CannotWrite(path, errno);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      close(fd);
      std::remove(temp.c_str());
      return CannotWrite(path, error);
    }
    written += static_cast<size_t>(n);
  }
  // On the disk before the rename, so after a crash the name holds the old file or the new one.
  if (fsync(fd) != 0 || close(fd) != 0) {
    const int error = errno;
    std::remove(temp.c_str());
    return CannotWrite(path, error);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temp.c_str());
    return CannotWrite(path, error);
  }
  return {};
}

}  // namespace moodtape::platform
