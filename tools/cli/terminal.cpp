#include "tools/cli/terminal.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace moodtape::cli {
namespace {

void StripNewline(std::string& line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
}

}  // namespace

platform::Result<std::string> ReadPassword(bool from_stdin, const std::string& prompt) {
  using platform::ErrorCode;
  using platform::MakeError;
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line) && line.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "--password-stdin: standard input is empty");
    }
    StripNewline(line);
    if (line.empty()) return MakeError(ErrorCode::kInvalidArgument, "the password is empty");
    return line;
  }
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "no terminal to ask for the password: use --password-stdin");
  }
  (void)!write(fd, prompt.data(), prompt.size());
  termios old{};
  bool restore = tcgetattr(fd, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c = 0;
  while (read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (restore) tcsetattr(fd, TCSAFLUSH, &old);
  close(fd);
  StripNewline(line);
  if (line.empty()) return MakeError(ErrorCode::kInvalidArgument, "the password is empty");
  return line;
}

}  // namespace moodtape::cli
