#include "tools/cli/gateway_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/websocket.hpp>

#include <limits>

#include "platform/http/client.h"
#include "tools/cli/render.h"

namespace moodtape::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using platform::ErrorCode;
using platform::MakeError;

// A WebSocket over plain TCP. Every operation is asynchronous and run on a private io_context
// for at most its timeout, so a silent gateway can never hang the CLI.
class BeastJobSocket final : public JobSocket {
 public:
  BeastJobSocket() : ws_(ioc_) {}

  // Connects and upgrades. On a refused upgrade, *status/*body hold the HTTP answer.
  beast::error_code Open(const platform::Url& url, const std::string& path,
                         const std::string& bearer, std::chrono::milliseconds timeout, int* status,
                         std::string* body, std::string* request_id) {
    tcp::resolver resolver(ioc_);
    beast::error_code ec = Run(timeout, [&](auto done) {
      resolver.async_resolve(
          url.host, url.port, [&, done](beast::error_code e, tcp::resolver::results_type r) {
            if (e) return done(e);
            beast::get_lowest_layer(ws_).async_connect(
                r, [done](beast::error_code e2, const tcp::endpoint&) { done(e2); });
          });
    });
    if (ec) return ec;
    ws_.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& req) {
      req.set(http::field::user_agent, "moodtape-cli");
      req.set(http::field::authorization, "Bearer " + bearer);
    }));
    websocket::response_type res;
    std::string host = url.host + ":" + url.port;
    ec = Run(timeout, [&](auto done) {
      ws_.async_handshake(res, host, path, [done](beast::error_code e) { done(e); });
    });
    *status = static_cast<int>(res.result_int());
    *body = res.body();
    auto id = res.find("X-Request-Id");
    if (id != res.end()) *request_id = std::string(id->value());
    return ec;
  }

  platform::Status Send(const std::string& text) override {
    beast::error_code ec = Run(std::chrono::seconds(10), [&](auto done) {
      ws_.async_write(asio::buffer(text), [done](beast::error_code e, size_t) { done(e); });
    });
    if (ec) return MakeError(ErrorCode::kUnavailable, "WebSocket write failed: " + ec.message());
    return {};
  }

  platform::Result<std::string> Read(std::chrono::milliseconds timeout) override {
    buffer_.clear();
    beast::error_code ec = Run(timeout, [&](auto done) {
      ws_.async_read(buffer_, [done](beast::error_code e, size_t) { done(e); });
    });
    if (ec == asio::error::timed_out) {
      return MakeError(ErrorCode::kDeadlineExceeded, "no news from the gateway in time");
    }
    if (ec == websocket::error::closed) {
      std::string reason(ws_.reason().reason.c_str());
      return MakeError(ErrorCode::kCancelled,
                       "the gateway closed the WebSocket" + (reason.empty() ? "" : ": " + reason));
    }
    if (ec) return MakeError(ErrorCode::kCancelled, "the WebSocket broke: " + ec.message());
    return beast::buffers_to_string(buffer_.data());
  }

  ~BeastJobSocket() override {
    if (ws_.is_open()) {
      Run(std::chrono::seconds(1), [&](auto done) {
        ws_.async_close(websocket::close_code::normal, [done](beast::error_code e) { done(e); });
      });
    }
  }

 private:
  // Starts one operation (which must call `done` exactly once) and runs it for at most
  // `timeout`; on timeout the socket is closed so the operation ends with an error.
  template <typename Start>
  beast::error_code Run(std::chrono::milliseconds timeout, Start start) {
    bool finished = false;
    beast::error_code result;
    auto done = [&](beast::error_code e) {
      finished = true;
      result = e;
    };
    ioc_.restart();
    start(done);
    ioc_.run_for(timeout);
    if (!finished) {
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
      ioc_.restart();
      ioc_.run_for(std::chrono::seconds(1));
      return asio::error::timed_out;
    }
    return result;
  }

  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

}  // namespace

GatewayClient::GatewayClient(std::string gateway, std::string credentials_path,
                             std::chrono::milliseconds timeout)
    : gateway_(std::move(gateway)),
      credentials_path_(std::move(credentials_path)),
      timeout_(timeout) {}

platform::Result<GatewayClient::Reply> GatewayClient::Fetch(
    const std::string& method, const std::string& path, const std::optional<nlohmann::json>& body,
    const std::string& bearer, bool tokens_in_body) {
  platform::HttpClientRequest req;
  req.method = method;
  req.url = gateway_ + path;
  req.timeout = timeout_;
  req.headers["Accept"] = "application/json";
  if (body) {
    req.headers["Content-Type"] = "application/json";
    req.body = body->dump();
  }
  if (!bearer.empty()) req.headers["Authorization"] = "Bearer " + bearer;
  if (tokens_in_body) req.headers["X-Token-Delivery"] = "body";
  auto res = platform::HttpFetch(req);
  if (!res.ok()) {
    if (res.error().code == ErrorCode::kInvalidArgument) return res.error();
    return MakeError(ErrorCode::kUnavailable, CannotReachText(gateway_));
  }
  Reply reply;
  reply.status = res->status;
  reply.body = std::move(res->body);
  if (auto it = res->headers.find("x-request-id"); it != res->headers.end()) {
    reply.request_id = it->second;
  }
  if (auto it = res->headers.find("retry-after"); it != res->headers.end()) {
    reply.retry_after = it->second;
  }
  return reply;
}

platform::Error GatewayClient::ErrorFor(const Reply& reply) const {
  ErrorCode code = reply.status == 401   ? ErrorCode::kUnauthenticated
                   : reply.status == 403 ? ErrorCode::kPermissionDenied
                   : reply.status == 404 ? ErrorCode::kNotFound
                   : reply.status >= 500 ? ErrorCode::kUnavailable
                                         : ErrorCode::kFailedPrecondition;
  return MakeError(code,
                   GatewayErrorText(reply.status, reply.body, reply.request_id, reply.retry_after));
}

namespace {

platform::Result<nlohmann::json> JsonBody(const std::string& body) {
  if (body.empty()) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return MakeError(ErrorCode::kInternal, "the gateway's answer is not JSON");
  }
  return j;
}

}  // namespace

platform::Result<nlohmann::json> GatewayClient::Call(const std::string& method,
                                                     const std::string& path,
                                                     const std::optional<nlohmann::json>& body,
                                                     bool tokens_in_body) {
  auto reply = Fetch(method, path, body, "", tokens_in_body);
  if (!reply.ok()) return reply.error();
  if (reply->status < 200 || reply->status >= 300) return ErrorFor(*reply);
  return JsonBody(reply->body);
}

platform::Result<Credentials> GatewayClient::LoadLogin() {
  if (credentials_path_.empty()) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "neither XDG_CONFIG_HOME nor HOME is set: cannot find your login");
  }
  auto loaded = LoadCredentials(credentials_path_);
  if (!loaded.ok()) return loaded.error();
  if (!loaded->has_value()) return MakeError(ErrorCode::kUnauthenticated, kNotLoggedInText);
  return std::move(**loaded);
}

platform::Result<Credentials> GatewayClient::Refresh(const Credentials& old) {
  auto reply = Fetch("POST", "/api/v1/auth/refresh",
                     nlohmann::json{{"refresh_token", old.refresh_token}}, "", true);
  if (!reply.ok()) return reply.error();
  if (reply->status == 400 || reply->status == 401 || reply->status == 403) {
    return MakeError(ErrorCode::kUnauthenticated, kLoginExpiredText);
  }
  if (reply->status < 200 || reply->status >= 300) return ErrorFor(*reply);
  auto body = JsonBody(reply->body);
  if (!body.ok()) return body.error();
  auto fresh =
      CredentialsFromSession(*body, old.gateway.empty() ? gateway_ : old.gateway, old.username);
  if (!fresh.ok()) return fresh.error();
  platform::Status saved = SaveCredentials(credentials_path_, *fresh);
  if (!saved.ok()) return saved.error();
  return fresh;
}

platform::Result<nlohmann::json> GatewayClient::AuthedCall(
    const std::string& method, const std::string& path, const std::optional<nlohmann::json>& body) {
  auto creds = LoadLogin();
  if (!creds.ok()) return creds.error();
  auto reply = Fetch(method, path, body, creds->access_token, false);
  if (!reply.ok()) return reply.error();
  if (reply->status == 401) {
    auto fresh = Refresh(*creds);
    if (!fresh.ok()) return fresh.error();
    reply = Fetch(method, path, body, fresh->access_token, false);
    if (!reply.ok()) return reply.error();
    if (reply->status == 401) return MakeError(ErrorCode::kUnauthenticated, kLoginExpiredText);
  }
  if (reply->status < 200 || reply->status >= 300) return ErrorFor(*reply);
  return JsonBody(reply->body);
}

platform::Result<uint64_t> GatewayClient::DownloadWith(const std::string& path,
                                                       const std::string& file,
                                                       const std::string& bearer, Reply* refused) {
  auto url = platform::ParseUrl(gateway_);
  if (!url) return MakeError(ErrorCode::kInvalidArgument, "bad gateway URL " + gateway_);
  if (url->scheme != "http") {
    return MakeError(ErrorCode::kUnimplemented, "downloading over https is not supported yet");
  }
  std::string base = url->target == "/" ? "" : url->target;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  // Runs one asynchronous step for at most the client's timeout, so a large file may take as
  // long as it keeps moving while a stalled transfer still ends.
  auto step = [&](auto start) {
    beast::error_code ec;
    stream.expires_after(timeout_);
    start(ec);
    ioc.restart();
    ioc.run_for(timeout_ + std::chrono::seconds(1));
    if (!ioc.stopped()) {  // only the resolver ignores the stream's deadline
      resolver.cancel();
      stream.cancel();
      ioc.run();
      return beast::error_code(asio::error::timed_out);
    }
    return ec;
  };
  beast::error_code ec = step([&](beast::error_code& result) {
    resolver.async_resolve(
        url->host, url->port, [&](beast::error_code e, tcp::resolver::results_type r) {
          if (e) {
            result = e;
            return;
          }
          stream.async_connect(r, [&](beast::error_code e2, const tcp::endpoint&) { result = e2; });
        });
  });
  if (ec) return MakeError(ErrorCode::kUnavailable, CannotReachText(gateway_));

  http::request<http::empty_body> req{http::verb::get, base + path, 11};
  req.set(http::field::host, url->host + ":" + url->port);
  req.set(http::field::user_agent, "moodtape-cli");
  req.set(http::field::authorization, "Bearer " + bearer);
  req.set(http::field::connection, "close");
  ec = step([&](beast::error_code& result) {
    http::async_write(stream, req, [&](beast::error_code e, size_t) { result = e; });
  });
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> head;
  // Beast checks Content-Length against the limit with the header already; songs are megabytes
  // and go to disk, so the disk is the limit. (Not boost::none: Boost 1.74 compares a length
  // with an empty optional as "greater" and refuses every body.)
  constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();
  head.body_limit(kNoLimit);
  if (!ec) {
    ec = step([&](beast::error_code& result) {
      http::async_read_header(stream, buffer, head,
                              [&](beast::error_code e, size_t) { result = e; });
    });
  }
  if (ec) {
    return MakeError(ErrorCode::kUnavailable, "the gateway did not answer: " + ec.message());
  }

  const auto& header = head.get();
  const int status = static_cast<int>(header.result_int());
  if (status < 200 || status >= 300) {
    // An error answer is JSON text: read it (bounded) for the gateway's message.
    http::response_parser<http::string_body> answer(std::move(head));
    answer.body_limit(1 << 20);
    ec = step([&](beast::error_code& result) {
      http::async_read(stream, buffer, answer, [&](beast::error_code e, size_t) { result = e; });
    });
    refused->status = status;
    refused->body = answer.get().body();
    if (auto it = answer.get().find("X-Request-Id"); it != answer.get().end()) {
      refused->request_id = std::string(it->value());
    }
    if (auto it = answer.get().find(http::field::retry_after); it != answer.get().end()) {
      refused->retry_after = std::string(it->value());
    }
    return MakeError(ErrorCode::kFailedPrecondition, "refused");
  }

  http::response_parser<http::file_body> body(std::move(head));
  body.body_limit(kNoLimit);
  body.get().body().open(file.c_str(), beast::file_mode::write, ec);
  if (ec) {
    return MakeError(ErrorCode::kFailedPrecondition, "cannot write " + file + ": " + ec.message());
  }
  while (!body.is_done()) {
    ec = step([&](beast::error_code& result) {
      http::async_read_some(stream, buffer, body, [&](beast::error_code e, size_t) { result = e; });
    });
    if (ec) {
      return MakeError(ErrorCode::kUnavailable, "the download broke off: " + ec.message());
    }
  }
  uint64_t size = body.get().body().file().size(ec);
  if (ec) {
    return MakeError(ErrorCode::kFailedPrecondition, "cannot write " + file + ": " + ec.message());
  }
  body.get().body().close();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return size;
}

platform::Result<uint64_t> GatewayClient::Download(const std::string& path,
                                                   const std::string& file) {
  auto creds = LoadLogin();
  if (!creds.ok()) return creds.error();
  Reply refused;
  auto size = DownloadWith(path, file, creds->access_token, &refused);
  if (refused.status == 401) {
    auto fresh = Refresh(*creds);
    if (!fresh.ok()) return fresh.error();
    refused = Reply();
    size = DownloadWith(path, file, fresh->access_token, &refused);
    if (refused.status == 401) return MakeError(ErrorCode::kUnauthenticated, kLoginExpiredText);
  }
  if (refused.status != 0) return ErrorFor(refused);
  return size;
}

platform::Result<std::unique_ptr<JobSocket>> GatewayClient::OpenSocket(const std::string& path) {
  auto url = platform::ParseUrl(gateway_);
  if (!url) return MakeError(ErrorCode::kInvalidArgument, "bad gateway URL " + gateway_);
  if (url->scheme != "http") {
    return MakeError(ErrorCode::kUnimplemented,
                     "following a job over https (wss) is not supported yet");
  }
  std::string base = url->target == "/" ? "" : url->target;
  auto creds = LoadLogin();
  if (!creds.ok()) return creds.error();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto socket = std::make_unique<BeastJobSocket>();
    Reply refused;
    beast::error_code ec = socket->Open(*url, base + path, creds->access_token, timeout_,
                                        &refused.status, &refused.body, &refused.request_id);
    if (!ec) return std::unique_ptr<JobSocket>(std::move(socket));
    if (ec != websocket::error::upgrade_declined) {
      return MakeError(ErrorCode::kUnavailable, CannotReachText(gateway_));
    }
    if (refused.status != 401) return ErrorFor(refused);
    if (attempt == 1) return MakeError(ErrorCode::kUnauthenticated, kLoginExpiredText);
    auto fresh = Refresh(*creds);
    if (!fresh.ok()) return fresh.error();
    creds = std::move(fresh);
  }
  return MakeError(ErrorCode::kUnauthenticated, kLoginExpiredText);
}

}  // namespace moodtape::cli
