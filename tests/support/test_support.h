// Helpers for hermetic tests: temporary directories, free loopback ports, child processes that
// are ended by PID, and polling with a deadline instead of sleeping for readiness.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace moodtape::testing {

// The source tree and build tree (set by CTest through MOODTAPE_SOURCE_DIR/_BINARY_DIR).
std::string SourceDir();
std::string BinaryDir();

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int FreePort();

// Polls `ready` every few milliseconds until it returns true or `timeout` passes.
bool WaitUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout);

// A child process started with execvp; stdout and stderr go to `log_file` (or /dev/null).
// The destructor sends SIGTERM, then SIGKILL after a grace period, to this PID only.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {},
               std::string log_file = "", std::string working_dir = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  // Sends `sig` to the child (only if it is still ours and running).
  void Signal(int sig);
  // Waits up to `timeout` for exit; returns the exit status (as from waitpid) or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  // SIGTERM, wait `grace`, then SIGKILL. Returns the wait status.
  int Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  const std::string& log_file() const { return log_file_; }
  std::string ReadLog() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string log_file_;
};

// Runs a command to completion (bounded by `timeout`), returns its exit code, or -1 on timeout.
// Output goes to *output when given.
int RunCommand(const std::vector<std::string>& argv, std::string* output = nullptr,
               std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Reads a whole file ("" if missing).
std::string ReadFile(const std::string& path);

// One HTTP/1.1 exchange over loopback (no keep-alive, chunked bodies decoded). Keeps every
// response header line in order (names lower-cased), so repeated ones such as Set-Cookie survive.
struct HttpReply {
  int status = 0;  // 0: no connection or no HTTP answer
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The first value of a header, "" if absent.
  std::string Header(const std::string& name) const;
};
HttpReply HttpExchange(const std::string& method, int port, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& request_headers = {},
                       std::chrono::seconds timeout = std::chrono::seconds(10));

// HttpExchange with the first value of each header in a map: returns the status, fills body and
// headers when given.
int HttpRequest(const std::string& method, int port, const std::string& target,
                const std::string& body = "", std::string* response_body = nullptr,
                std::map<std::string, std::string>* response_headers = nullptr,
                const std::map<std::string, std::string>& request_headers = {});

}  // namespace moodtape::testing
