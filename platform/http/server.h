// The one HTTP/1.1 server (Boost.Beast) of moodtape: the gateway's REST + WebSocket front door
// and every service's admin endpoint.
//
// Asio I/O threads only parse and write; every handler runs on a separate worker pool because
// handlers make blocking gRPC/Redis calls, and the response is posted back to the connection's
// strand. Limits (body, header, read timeout, idle timeout, connections) are enforced before a
// handler sees anything. Each request gets an X-Request-Id, a W3C trace context, one JSON access
// log line and the http_* metrics; errors always have the same JSON shape.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"
#include "platform/base/log.h"
#include "platform/observability/metrics.h"
#include "platform/observability/trace.h"

namespace moodtape::platform {

struct HostPort {
  std::string host;  // "127.0.0.1", "0.0.0.0", "::1", "localhost"
  int port = 0;      // 0..65535 (0 = any free port)
};

// Parses "host:port" or "[v6]:port". Returns nullopt for anything else, so a start-up config
// check can name the key.
std::optional<HostPort> ParseHostPort(std::string_view address);

struct HttpServerOptions {
  std::string address = "127.0.0.1:0";
  int io_threads = 1;
  int worker_threads = 4;
  size_t max_body_bytes = 1 << 20;     // larger -> 413
  size_t max_header_bytes = 16 << 10;  // request line + headers larger -> 431
  // A kept-alive connection may wait this long for its next request.
  std::chrono::milliseconds idle_timeout{60000};
  // Once a request starts arriving it must be complete within this (slowloris); also bounds
  // writing a response to a slow reader.
  std::chrono::milliseconds read_timeout{10000};
  size_t max_connections = 1024;  // further connections are closed at once
  // The admin endpoint logs scrapes at debug so /metrics every 15 s does not flood the log.
  LogLevel access_log_level = LogLevel::kInfo;

  size_t websocket_max_message_bytes = 64 << 10;
  size_t websocket_send_queue = 256;  // messages queued per session before it is closed
  std::chrono::milliseconds websocket_ping_interval{30000};
  std::chrono::milliseconds websocket_close_timeout{2000};
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path + "?" + query
  std::string path;    // target without the query, still percent-encoded (so %2F stays distinct)
  std::map<std::string, std::string> query;    // decoded; the first of repeated keys wins
  std::map<std::string, std::string> headers;  // names lower-cased; repeated headers joined ", "
  std::string body;
  std::string request_id;      // the caller's X-Request-Id if acceptable, else a new one
  TraceContext trace;          // continues the caller's traceparent or starts a trace
  std::string remote_address;  // "ip:port" of the peer
  std::string route;           // the matched route pattern ("/api/v1/jobs/{id}", "/assets/*")
  std::map<std::string, std::string> path_params;  // "{id}" -> its percent-decoded value

  // Header value by lower-case name, "" when absent.
  const std::string& Header(std::string_view lower_name) const;
  // A path parameter of the matched pattern ("id" for "/api/v1/jobs/{id}"), "" when absent.
  const std::string& PathParam(std::string_view name) const;
  // Query parameter, nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  HttpResponse& SetHeader(std::string name, std::string value);
  const std::string* FindHeader(std::string_view name) const;  // case-insensitive
};

HttpResponse JsonResponse(int status, const nlohmann::json& body);
HttpResponse TextResponse(int status, std::string body,
                          std::string content_type = "text/plain; charset=utf-8");
// {"error": {"code": ErrorCodeName, "message", "request_id"}} with HttpStatusFor(code).
HttpResponse ErrorResponse(const Error& error, const std::string& request_id);

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// One accepted WebSocket connection. Send and Close are thread-safe and never block.
class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  // Queues a text message. Returns false when the session is closed or its send queue is full;
  // a full queue closes the session (1008 policy violation): a client that does not read must
  // never slow the others down or grow memory without bound.
  virtual bool Send(std::string text) = 0;
  // Starts the close handshake; the socket is dropped if the peer does not answer in time.
  virtual void Close(uint16_t code = 1000, std::string reason = "") = 0;
  virtual bool IsOpen() const = 0;
  // The upgrade request (request id, trace, remote address, headers) for logs and lookups.
  virtual const HttpRequest& UpgradeRequest() const = 0;
};

// What an upgrade handler decides after seeing the HTTP request (authentication goes here).
struct WebSocketUpgrade {
  // Set: the upgrade is refused with this HTTP response (e.g. ErrorResponse(kUnauthenticated)).
  std::optional<HttpResponse> refusal;
  // Callbacks of the accepted session. They run on the worker pool, one at a time per session,
  // in order: on_open, on_message..., on_close. Reading pauses while on_message runs.
  std::function<void(const std::shared_ptr<WebSocketSession>&)> on_open;
  std::function<void(const std::shared_ptr<WebSocketSession>&, const std::string& text)> on_message;
  std::function<void(const std::shared_ptr<WebSocketSession>&)> on_close;

  static WebSocketUpgrade Refuse(HttpResponse response) {
    WebSocketUpgrade u;
    u.refusal = std::move(response);
    return u;
  }
};

using WebSocketHandler = std::function<WebSocketUpgrade(const HttpRequest&)>;

class HttpServer {
 public:
  // Matches any method in Handle/HandlePrefix.
  static constexpr std::string_view kAnyMethod = "*";

  // Metrics go to `metrics`, which must outlive the server.
  HttpServer(HttpServerOptions options, MetricsRegistry& metrics);
  ~HttpServer();  // Stop() with no grace if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes may be added before or after Start(). `path` is exact ("/api/v1/health") or has
  // `{name}` segments ("/api/v1/jobs/{id}", read with HttpRequest::PathParam); the most literal
  // matching pattern wins, patterns beat prefixes, and the longest prefix wins among prefixes. A
  // path whose pattern matches but not the method gets 405 with Allow. Throws
  // std::invalid_argument for a malformed pattern.
  void Handle(std::string method, std::string path, HttpHandler handler);
  // Prefix route; its metrics/log label is prefix + "*".
  void HandlePrefix(std::string method, std::string prefix, HttpHandler handler);
  // A GET route that upgrades to a WebSocket; a plain GET there gets 426.
  void HandleWebSocket(std::string path, WebSocketHandler handler);

  // Binds and starts the threads. Throws std::runtime_error when the address is invalid or
  // cannot be bound.
  void Start();
  // Stops accepting, closes idle connections and WebSockets ("going away"), lets in-flight
  // requests finish until `deadline`, then drops what is left. Idempotent.
  void Stop(std::chrono::steady_clock::time_point deadline);

  int Port() const;             // the bound port (after Start)
  std::string Address() const;  // "host:port" actually bound

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace moodtape::platform
