// The CLI's connection to the gateway: REST calls through platform::HttpFetch, file downloads
// and the job WebSocket through Boost.Beast. Calls that need a login carry the stored access
// token as "Authorization: Bearer"; a 401 triggers one refresh with the stored refresh token (the
// new pair is saved) and one retry. Every error comes back as a message ready to show the user.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"
#include "tools/cli/credentials.h"

namespace moodtape::cli {

// An open job WebSocket. Not thread-safe; one per command.
class JobSocket {
 public:
  virtual ~JobSocket() = default;
  virtual platform::Status Send(const std::string& text) = 0;
  // The next text message; kCancelled when the gateway closed the socket, kDeadlineExceeded
  // after `timeout` without a message.
  virtual platform::Result<std::string> Read(std::chrono::milliseconds timeout) = 0;
};

class GatewayClient {
 public:
  GatewayClient(std::string gateway, std::string credentials_path,
                std::chrono::milliseconds timeout = std::chrono::seconds(15));

  const std::string& gateway() const { return gateway_; }
  const std::string& credentials_path() const { return credentials_path_; }

  // A call without credentials (sign-up, log-in, log-out). A non-2xx answer is an error.
  platform::Result<nlohmann::json> Call(const std::string& method, const std::string& path,
                                        const std::optional<nlohmann::json>& body,
                                        bool tokens_in_body = false);

  // A call with the stored access token (refreshed once on 401).
  platform::Result<nlohmann::json> AuthedCall(const std::string& method, const std::string& path,
                                              const std::optional<nlohmann::json>& body = {});

  // Opens `path` (e.g. /api/v1/ws) as a WebSocket with the stored access token.
  platform::Result<std::unique_ptr<JobSocket>> OpenSocket(const std::string& path);

  // GETs `path` (a file, e.g. /api/v1/assets/<id>) with the stored access token (refreshed once
  // on 401) and streams the body into `file` (created or truncated), so files of any size pass
  // without being held in memory. The client's timeout bounds each step (connect, each read),
  // not the whole transfer. The number of bytes written; on an error `file` may hold part of
  // the body (the caller writes to a temporary name).
  platform::Result<uint64_t> Download(const std::string& path, const std::string& file);

 private:
  struct Reply {
    int status = 0;
    std::string body;
    std::string request_id;
    std::string retry_after;
  };
  platform::Result<Reply> Fetch(const std::string& method, const std::string& path,
                                const std::optional<nlohmann::json>& body,
                                const std::string& bearer, bool tokens_in_body);
  platform::Result<Credentials> LoadLogin();
  // Exchanges the refresh token for a new pair and saves it; kUnauthenticated with
  // kLoginExpiredText when the gateway refuses it.
  platform::Result<Credentials> Refresh(const Credentials& old);
  platform::Error ErrorFor(const Reply& reply) const;
  // One download attempt with `bearer`; a refusal comes back as *refused (status != 0).
  platform::Result<uint64_t> DownloadWith(const std::string& path, const std::string& file,
                                          const std::string& bearer, Reply* refused);

  std::string gateway_;
  std::string credentials_path_;
  std::chrono::milliseconds timeout_;
};

}  // namespace moodtape::cli
