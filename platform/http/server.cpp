#include "platform/http/server.h"

#include "platform/http/route_pattern.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "platform/base/text.h"

namespace moodtape::platform {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void ParseQuery(std::string_view query, std::map<std::string, std::string>* out) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), PlusMeans::kSpace);
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), PlusMeans::kSpace);
    if (key && value) out->emplace(std::move(*key), std::move(*value));
  }
}

// Metric label for a method: only the standard ones, so a client cannot invent label values.
std::string MethodLabel(std::string_view method) {
  static const char* const kKnown[] = {"GET",   "HEAD",    "POST",    "PUT",  "DELETE",
                                       "PATCH", "OPTIONS", "CONNECT", "TRACE"};
  for (const char* m : kKnown) {
    if (method == m) return m;
  }
  return "other";
}

// Beast 1.74 has its own string_view type.
std::string_view SV(beast::string_view s) { return {s.data(), s.size()}; }

bool HasLineBreak(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos ||
         s.find('\0') != std::string_view::npos;
}

constexpr std::string_view kUnmatchedRoute = "unmatched";
constexpr size_t kMaxLoggedPathChars = 512;
constexpr size_t kMaxLingerBytes = 8 << 20;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Request / response helpers

const std::string& HttpRequest::Header(std::string_view lower_name) const {
  static const std::string kEmpty;
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? kEmpty : it->second;
}

const std::string& HttpRequest::PathParam(std::string_view name) const {
  static const std::string kEmpty;
  auto it = path_params.find(std::string(name));
  return it == path_params.end() ? kEmpty : it->second;
}

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

HttpResponse& HttpResponse::SetHeader(std::string name, std::string value) {
  std::string lower = Lower(name);
  for (auto& [k, v] : headers) {
    if (Lower(k) == lower) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

const std::string* HttpResponse::FindHeader(std::string_view name) const {
  std::string lower = Lower(name);
  for (const auto& [k, v] : headers) {
    if (Lower(k) == lower) return &v;
  }
  return nullptr;
}

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse res;
  res.status = status;
  res.content_type = "application/json";
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

HttpResponse TextResponse(int status, std::string body, std::string content_type) {
  HttpResponse res;
  res.status = status;
  res.content_type = std::move(content_type);
  res.body = std::move(body);
  return res;
}

HttpResponse ErrorResponse(const Error& error, const std::string& request_id) {
  return JsonResponse(HttpStatusFor(error.code),
                      {{"error",
                        {{"code", std::string(ErrorCodeName(error.code))},
                         {"message", error.message},
                         {"request_id", request_id}}}});
}

std::optional<HostPort> ParseHostPort(std::string_view address) {
  HostPort out;
  std::string_view port_text;
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return std::nullopt;
    }
    out.host = std::string(address.substr(1, close - 1));
    port_text = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    out.host = std::string(address.substr(0, colon));
    port_text = address.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) return std::nullopt;  // bare IPv6 needs []
  }
  if (out.host.empty() || port_text.empty() || port_text.size() > 5) return std::nullopt;
  for (char c : out.host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '_')) {
      return std::nullopt;
    }
  }
  int port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return std::nullopt;
  out.port = port;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Server internals

namespace {

struct Route {
  std::string method;
  RoutePattern pattern;
  std::string label;  // the pattern, or pattern + "*" for a prefix: bounded metric labels
  HttpHandler handler;
  WebSocketHandler websocket;
};

struct RouteMatch {
  std::shared_ptr<const Route> route;
  std::map<std::string, std::string> params;
  std::string allow;  // non-empty: the path exists but not for this method (405)
};

}  // namespace

class Connection;

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, MetricsRegistry& metrics)
      : options_(std::move(options)),
        ioc_(std::make_unique<asio::io_context>()),
        requests_total_(metrics.AddCounter("http_requests_total", "HTTP requests handled.",
                                           {"method", "route", "code"})),
        duration_(metrics.AddHistogram("http_request_duration_seconds",
                                       "Time from a complete request to its written response.",
                                       {"method", "route"})),
        in_flight_(
            metrics.AddGauge("http_requests_in_flight", "HTTP requests read but not yet answered.")
                .WithLabels(std::vector<std::string>{})),
        connections_open_(metrics.AddGauge("http_connections_open", "Open HTTP connections.")
                              .WithLabels(std::vector<std::string>{})),
        websockets_open_(metrics.AddGauge("websocket_connections_open", "Open WebSocket sessions.")
                             .WithLabels(std::vector<std::string>{})),
        websocket_messages_(metrics.AddCounter("websocket_messages_total",
                                               "WebSocket messages by direction.", {"direction"})),
        websocket_in_(websocket_messages_.WithLabels({"in"})),
        websocket_out_(websocket_messages_.WithLabels({"out"})) {}

  ~Impl();

  void AddRoute(Route route) {
    route.label = route.pattern.text() + (route.pattern.prefix() ? "*" : "");
    std::unique_lock lock(routes_mu_);
    routes_.push_back(std::make_shared<const Route>(std::move(route)));
  }

  // Exact and parameterised patterns first: among those matching the path, the most specific
  // (most literal segments) with this method wins; if some match but none has the method, 405.
  // Only when no such pattern matches do prefixes apply, the longest first.
  RouteMatch Match(const std::string& method, const std::string& path) const {
    std::shared_lock lock(routes_mu_);
    RouteMatch match;
    std::vector<std::string> methods;
    int best = -1;
    for (const auto& r : routes_) {
      if (r->pattern.prefix()) continue;
      std::map<std::string, std::string> params;
      if (!r->pattern.Match(path, &params)) continue;
      methods.push_back(r->method);
      const bool method_ok = r->method == method || r->method == HttpServer::kAnyMethod;
      if (method_ok && r->pattern.literal_segments() > best) {
        best = r->pattern.literal_segments();
        match.route = r;
        match.params = std::move(params);
      }
    }
    if (match.route) return match;
    if (methods.empty()) {
      size_t longest = 0;
      for (const auto& r : routes_) {
        if (r->pattern.prefix() && r->pattern.Match(path, nullptr)) {
          longest = std::max(longest, r->pattern.text().size());
        }
      }
      for (const auto& r : routes_) {
        if (!r->pattern.prefix() || r->pattern.text().size() != longest ||
            !r->pattern.Match(path, nullptr)) {
          continue;
        }
        if (r->method == method || r->method == HttpServer::kAnyMethod) {
          match.route = r;
          return match;
        }
        methods.push_back(r->method);
      }
    }
    std::sort(methods.begin(), methods.end());
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    for (const auto& m : methods) match.allow += (match.allow.empty() ? "" : ", ") + m;
    return match;
  }

  // One access-log line and the request metrics.
  void Record(std::string_view method, std::string_view route, std::string_view path, int status,
              size_t bytes, SteadyTime start, const std::string& request_id,
              const std::string& trace_id, const std::string& remote) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string method_label = MethodLabel(method);
    std::string route_label(route);
    requests_total_.WithLabels({method_label, route_label, std::to_string(status)}).Inc();
    duration_.WithLabels({method_label, route_label}).Observe(seconds);
    if (!LogEnabled(options_.access_log_level)) return;
    LogFields fields = {{"method", method_label},
                        {"route", route_label},
                        {"path", std::string(path.substr(0, kMaxLoggedPathChars))},
                        {"status", status},
                        {"duration_ms", static_cast<int64_t>(seconds * 1e6) / 1000.0},
                        {"bytes", bytes},
                        {"request_id", request_id},
                        {"trace_id", trace_id},
                        {"remote", remote}};
    Log(options_.access_log_level, "http request", fields);
  }

  uint64_t Register(std::weak_ptr<Connection> connection) {
    std::lock_guard lock(connections_mu_);
    uint64_t id = next_connection_id_++;
    connections_.emplace(id, std::move(connection));
    return id;
  }

  void Deregister(uint64_t id) {
    std::lock_guard lock(connections_mu_);
    connections_.erase(id);
    connections_cv_.notify_all();
  }

  size_t ConnectionCount() {
    std::lock_guard lock(connections_mu_);
    return connections_.size();
  }

  std::vector<std::shared_ptr<Connection>> Connections() {
    std::vector<std::weak_ptr<Connection>> weak;
    {
      std::lock_guard lock(connections_mu_);
      for (const auto& [id, c] : connections_) weak.push_back(c);
    }
    // Locked outside the mutex: dropping the last reference runs a destructor that deregisters.
    std::vector<std::shared_ptr<Connection>> out;
    for (auto& w : weak) {
      if (auto c = w.lock()) out.push_back(std::move(c));
    }
    return out;
  }

  bool WaitForNoConnections(SteadyTime deadline) {
    std::unique_lock lock(connections_mu_);
    return connections_cv_.wait_until(lock, deadline, [this] { return connections_.empty(); });
  }

  void Start();
  void Stop(SteadyTime deadline);
  void DoAccept();

  const HttpServerOptions options_;
  std::unique_ptr<asio::io_context> ioc_;
  std::unique_ptr<asio::thread_pool> workers_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<asio::steady_timer> accept_retry_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> io_threads_;
  std::atomic<bool> stopping_{false};
  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool stopped_ = false;
  std::string bound_host_;
  int bound_port_ = 0;

  mutable std::shared_mutex routes_mu_;
  std::vector<std::shared_ptr<const Route>> routes_;

  std::mutex connections_mu_;
  std::condition_variable connections_cv_;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;
  uint64_t next_connection_id_ = 1;

  Family<Counter>& requests_total_;
  Family<Histogram>& duration_;
  Gauge& in_flight_;
  Gauge& connections_open_;
  Gauge& websockets_open_;
  Family<Counter>& websocket_messages_;
  Counter& websocket_in_;
  Counter& websocket_out_;
};

namespace {
using Impl = HttpServer::Impl;
}

// A connection the server can reach at stop time. Registered by the creator after make_shared.
class Connection {
 public:
  explicit Connection(Impl& server) : server_(server) {}
  virtual ~Connection() {
    if (id_ != 0) server_.Deregister(id_);
  }
  void SetId(uint64_t id) { id_ = id; }
  // Thread-safe: the server is stopping (finish what is in flight, then close).
  virtual void OnServerStop() = 0;
  // Thread-safe: drop the socket now.
  virtual void ForceClose() = 0;

 protected:
  Impl& server_;

 private:
  uint64_t id_ = 0;
};

namespace {

// Counts a request from the moment it is read until its response is written (or abandoned).
class InFlight {
 public:
  explicit InFlight(Gauge& gauge) : gauge_(gauge) { gauge_.Inc(); }
  ~InFlight() { gauge_.Dec(); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  Gauge& gauge_;
};

HttpResponse RunHandler(const HttpHandler& handler, const HttpRequest& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    LogError("http handler threw",
             {{"request_id", request.request_id}, {"route", request.route}, {"error", e.what()}});
  } catch (...) {
    LogError("http handler threw", {{"request_id", request.request_id},
                                    {"route", request.route},
                                    {"error", "unknown exception"}});
  }
  return ErrorResponse(MakeError(ErrorCode::kInternal, "internal error"), request.request_id);
}

// ---------------------------------------------------------------------------------------------
// WebSocket session

class WsSession final : public Connection,
                        public WebSocketSession,
                        public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(Impl& server, beast::tcp_stream&& stream, std::shared_ptr<HttpRequest> request,
            WebSocketUpgrade callbacks)
      : Connection(server),
        ws_(std::move(stream)),
        request_(std::move(request)),
        callbacks_(std::move(callbacks)),
        callback_strand_(asio::make_strand(*server.workers_)),
        close_timer_(ws_.get_executor()) {}

  ~WsSession() override {
    if (opened_) server_.websockets_open_.Dec();
  }

  void Accept(std::shared_ptr<http::request<http::string_body>> upgrade,
              std::shared_ptr<InFlight> in_flight, SteadyTime start) {
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = server_.options_.websocket_close_timeout;
    timeouts.idle_timeout = server_.options_.websocket_ping_interval;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(server_.options_.websocket_max_message_bytes);
    std::string request_id = request_->request_id;
    ws_.set_option(websocket::stream_base::decorator(
        [request_id](websocket::response_type& res) { res.set("X-Request-Id", request_id); }));
    ws_.async_accept(*upgrade, [self = shared_from_this(), upgrade, in_flight,
                                start](beast::error_code ec) mutable {
      const HttpRequest& r = *self->request_;
      self->server_.Record(r.method, r.route, r.path, ec ? 400 : 101, 0, start, r.request_id,
                           r.trace.trace_id, r.remote_address);
      in_flight.reset();
      if (ec) return;
      self->opened_ = true;
      self->open_ = true;
      self->server_.websockets_open_.Inc();
      if (self->server_.stopping_) self->Close(1001, "server shutting down");
      asio::post(self->callback_strand_, [self] {
        if (self->callbacks_.on_open) self->RunCallback([&] { self->callbacks_.on_open(self); });
        asio::post(self->ws_.get_executor(), [self] { self->DoRead(); });
      });
    });
  }

  bool Send(std::string text) override {
    if (!open_.load()) return false;
    size_t queued = queued_.fetch_add(1) + 1;
    if (queued > server_.options_.websocket_send_queue) {
      queued_.fetch_sub(1);
      LogWarn("websocket send queue full, closing session",
              {{"request_id", request_->request_id}, {"remote", request_->remote_address}});
      Close(static_cast<uint16_t>(websocket::close_code::policy_error), "send queue overflow");
      return false;
    }
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->queue_.push_back(std::move(text));
      self->DoWrite();
    });
    return true;
  }

  void Close(uint16_t code, std::string reason) override {
    open_ = false;
    asio::post(ws_.get_executor(),
               [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
                 self->StartClose(code, std::move(reason));
               });
  }

  bool IsOpen() const override { return open_.load(); }
  const HttpRequest& UpgradeRequest() const override { return *request_; }

  void OnServerStop() override {
    Close(static_cast<uint16_t>(websocket::close_code::going_away), "server shutting down");
  }

  void ForceClose() override {
    asio::post(ws_.get_executor(),
               [self = shared_from_this()] { beast::get_lowest_layer(self->ws_).close(); });
  }

 private:
  template <typename F>
  void RunCallback(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      LogError("websocket handler threw",
               {{"request_id", request_->request_id}, {"error", e.what()}});
      Close(static_cast<uint16_t>(websocket::close_code::internal_error), "internal error");
    } catch (...) {
      LogError("websocket handler threw", {{"request_id", request_->request_id}});
      Close(static_cast<uint16_t>(websocket::close_code::internal_error), "internal error");
    }
  }

  void DoRead() {
    if (ended_) return;
    ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->End();
        return;
      }
      self->server_.websocket_in_.Inc();
      std::string text = beast::buffers_to_string(self->read_buffer_.data());
      self->read_buffer_.consume(self->read_buffer_.size());
      // Reading resumes only after the handler returns: a flooding client is slowed by TCP, not
      // buffered in our memory.
      asio::post(self->callback_strand_, [self, text = std::move(text)] {
        if (self->callbacks_.on_message) {
          self->RunCallback([&] { self->callbacks_.on_message(self, text); });
        }
        asio::post(self->ws_.get_executor(), [self] { self->DoRead(); });
      });
    });
  }

  void DoWrite() {
    if (writing_ || queue_.empty() || ended_) return;
    if (closing_) {
      queued_.fetch_sub(queue_.size());
      queue_.clear();
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->writing_ = false;
                      self->queue_.pop_front();
                      self->queued_.fetch_sub(1);
                      if (ec) {
                        beast::get_lowest_layer(self->ws_).close();
                        return;
                      }
                      self->server_.websocket_out_.Inc();
                      if (self->closing_) {
                        self->SendCloseFrame();
                        return;
                      }
                      self->DoWrite();
                    });
  }

  void StartClose(uint16_t code, std::string reason) {
    if (closing_ || ended_) return;
    closing_ = true;
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    queued_.fetch_sub(queue_.size() - (writing_ ? 1 : 0));
    if (writing_) {
      queue_.erase(queue_.begin() + 1, queue_.end());
    } else {
      queue_.clear();
    }
    // A peer that never reads blocks the pending write and the close frame behind it; the timer
    // bounds how long the socket lives after we decided to close.
    close_timer_.expires_after(server_.options_.websocket_close_timeout);
    close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) beast::get_lowest_layer(self->ws_).close();
    });
    if (!writing_) SendCloseFrame();
  }

  void SendCloseFrame() {
    if (close_sent_ || ended_) return;
    close_sent_ = true;
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) {
      beast::get_lowest_layer(self->ws_).close();
    });
  }

  void End() {
    if (ended_) return;
    ended_ = true;
    open_ = false;
    close_timer_.cancel();
    beast::get_lowest_layer(ws_).close();
    asio::post(callback_strand_, [self = shared_from_this()] {
      if (self->callbacks_.on_close) self->RunCallback([&] { self->callbacks_.on_close(self); });
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<HttpRequest> request_;
  WebSocketUpgrade callbacks_;
  asio::strand<asio::thread_pool::executor_type> callback_strand_;
  asio::steady_timer close_timer_;
  beast::flat_buffer read_buffer_;
  std::deque<std::string> queue_;  // strand only
  std::atomic<size_t> queued_{0};  // messages accepted by Send and not yet written
  std::atomic<bool> open_{false};
  bool opened_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool ended_ = false;
  websocket::close_reason close_reason_;
};

// ---------------------------------------------------------------------------------------------
// HTTP session: one TCP connection, requests answered in order.

class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Impl& server, tcp::socket socket) : Connection(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_ =
          ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
      remote_ += ":" + std::to_string(ep.port());
    }
    server_.connections_open_.Inc();
  }

  ~HttpSession() override { server_.connections_open_.Dec(); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  void OnServerStop() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      // Idle keep-alive connections go now; a busy one closes after its response.
      if (!self->busy_ && !self->upgraded_) self->stream_.close();
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->upgraded_) self->stream_.close();
    });
  }

 private:
  const HttpServerOptions& options() const { return server_.options_; }

  void WaitForRequest() {
    busy_ = false;
    if (server_.stopping_) {
      Shutdown();
      return;
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    parser_->body_limit(options().max_body_bytes);
    if (buffer_.size() > 0) {
      ReadRequest();
      return;
    }
    // Waiting for the first byte of the next request is governed by the idle timeout; once it
    // arrives the whole request must come within the read timeout.
    stream_.expires_after(first_ ? options().read_timeout : options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec) {
                                self->Shutdown();
                                return;
                              }
                              self->ReadRequest();
                            });
  }

  void ReadRequest() {
    first_ = false;
    busy_ = true;
    stream_.expires_after(options().read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) {
      OnRead(ec);
      return;
    }
    auto& msg = parser_->get();
    auto expect = msg[http::field::expect];
    if (!parser_->is_done() && beast::iequals(expect, "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code ec2, size_t) {
                          if (ec2) {
                            self->Shutdown();
                            return;
                          }
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) {
      if (ec == http::error::body_limit) {
        SendFatal(
            413, "request body larger than " + std::to_string(options().max_body_bytes) + " bytes");
      } else if (ec == http::error::header_limit) {
        SendFatal(431, "request header fields too large");
      } else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        SendFatal(400, "malformed HTTP request");
      } else {
        Shutdown();  // peer closed, timeout or reset: nobody to answer
      }
      return;
    }
    start_ = std::chrono::steady_clock::now();
    auto& msg = parser_->get();
    auto request = std::make_shared<HttpRequest>();
    request->method = std::string(msg.method_string());
    request->target = std::string(msg.target());
    size_t qmark = request->target.find('?');
    request->path = request->target.substr(0, qmark);
    if (qmark != std::string::npos) {
      ParseQuery(std::string_view(request->target).substr(qmark + 1), &request->query);
    }
    for (const auto& field : msg) {
      std::string name = Lower(SV(field.name_string()));
      auto [it, inserted] = request->headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    auto rid = request->headers.find(std::string(kRequestIdKey));
    request->request_id =
        rid == request->headers.end() ? NewRequestId() : SanitizeRequestId(rid->second);
    request->trace = ContinueOrStartTrace(request->Header(kTraceparentKey));
    request->remote_address = remote_;
    request->body = std::move(msg.body());
    version_ = msg.version();
    bool keep_alive = msg.keep_alive();

    if (request->path.empty() || request->path.front() != '/') {
      request->route = std::string(kUnmatchedRoute);
      Write(ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "request target must be a path"),
                          request->request_id),
            request, false, std::make_shared<InFlight>(server_.in_flight_));
      return;
    }

    RouteMatch match = server_.Match(request->method, request->path);
    auto in_flight = std::make_shared<InFlight>(server_.in_flight_);
    if (!match.route) {
      request->route = std::string(kUnmatchedRoute);
      HttpResponse res;
      if (match.allow.empty()) {
        res = ErrorResponse(
            MakeError(ErrorCode::kNotFound, "no route for " + request->path.substr(0, 200)),
            request->request_id);
      } else {
        res = ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                                      "method " + MethodLabel(request->method) + " not allowed"),
                            request->request_id);
        res.status = 405;
        res.SetHeader("Allow", match.allow);
      }
      Write(std::move(res), request, keep_alive, std::move(in_flight));
      return;
    }
    request->route = match.route->label;
    request->path_params = std::move(match.params);

    if (match.route->websocket) {
      if (!websocket::is_upgrade(msg)) {
        HttpResponse res = ErrorResponse(
            MakeError(ErrorCode::kInvalidArgument, "this path needs a WebSocket upgrade"),
            request->request_id);
        res.status = 426;
        res.SetHeader("Upgrade", "websocket");
        Write(std::move(res), request, keep_alive, std::move(in_flight));
        return;
      }
      auto upgrade = std::make_shared<http::request<http::string_body>>(parser_->release());
      upgrade->body().clear();
      DispatchUpgrade(match.route, request, upgrade, std::move(in_flight));
      return;
    }

    // The handler may block (gRPC, Redis): it runs on the worker pool, never on this I/O thread.
    asio::post(*server_.workers_, [self = shared_from_this(), route = match.route, request,
                                   keep_alive, in_flight]() mutable {
      HttpResponse res = RunHandler(route->handler, *request);
      asio::post(self->stream_.get_executor(),
                 [self, request, keep_alive, in_flight, res = std::move(res)]() mutable {
                   self->Write(std::move(res), request, keep_alive, std::move(in_flight));
                 });
    });
  }

  void DispatchUpgrade(std::shared_ptr<const Route> route, std::shared_ptr<HttpRequest> request,
                       std::shared_ptr<http::request<http::string_body>> upgrade,
                       std::shared_ptr<InFlight> in_flight) {
    asio::post(*server_.workers_, [self = shared_from_this(), route, request, upgrade,
                                   in_flight]() mutable {
      WebSocketUpgrade decision;
      try {
        decision = route->websocket(*request);
      } catch (const std::exception& e) {
        LogError("websocket upgrade handler threw",
                 {{"request_id", request->request_id}, {"error", e.what()}});
        decision = WebSocketUpgrade::Refuse(
            ErrorResponse(MakeError(ErrorCode::kInternal, "internal error"), request->request_id));
      }
      asio::post(self->stream_.get_executor(), [self, request, upgrade, in_flight,
                                                decision = std::move(decision)]() mutable {
        if (decision.refusal) {
          self->Write(std::move(*decision.refusal), request, false, std::move(in_flight));
          return;
        }
        if (self->server_.stopping_) {
          self->Write(ErrorResponse(MakeError(ErrorCode::kUnavailable, "server shutting down"),
                                    request->request_id),
                      request, false, std::move(in_flight));
          return;
        }
        self->upgraded_ = true;
        auto ws = std::make_shared<WsSession>(self->server_, std::move(self->stream_), request,
                                              std::move(decision));
        ws->SetId(self->server_.Register(ws));
        ws->Accept(upgrade, std::move(in_flight), self->start_);
      });
    });
  }

  void Write(HttpResponse res, std::shared_ptr<HttpRequest> request, bool keep_alive,
             std::shared_ptr<InFlight> in_flight) {
    keep_alive = keep_alive && !server_.stopping_;
    auto msg = std::make_shared<http::response<http::string_body>>();
    msg->version(version_ == 10 ? 10 : 11);
    msg->result(static_cast<unsigned>(res.status));
    if (!res.content_type.empty()) msg->set(http::field::content_type, res.content_type);
    for (const auto& [name, value] : res.headers) {
      if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
        LogWarn("dropped response header with a line break",
                {{"request_id", request->request_id}, {"route", request->route}});
        continue;
      }
      msg->insert(name, value);
    }
    msg->set("X-Request-Id", request->request_id);
    msg->body() = std::move(res.body);
    msg->keep_alive(keep_alive);
    msg->prepare_payload();
    size_t bytes = msg->body().size();
    int status = res.status;
    stream_.expires_after(options().read_timeout);
    http::async_write(stream_, *msg,
                      [self = shared_from_this(), msg, request, keep_alive, in_flight, bytes,
                       status](beast::error_code ec, size_t) mutable {
                        self->server_.Record(request->method, request->route, request->path, status,
                                             bytes, self->start_, request->request_id,
                                             request->trace.trace_id, request->remote_address);
                        in_flight.reset();
                        if (ec || !keep_alive) {
                          self->Shutdown();
                          return;
                        }
                        self->WaitForRequest();
                      });
  }

  // An error found while reading: answer once, then close without reading further requests.
  void SendFatal(int status, std::string message) {
    start_ = std::chrono::steady_clock::now();
    auto request = std::make_shared<HttpRequest>();
    request->route = std::string(kUnmatchedRoute);
    request->remote_address = remote_;
    request->request_id = NewRequestId();
    if (parser_ && parser_->is_header_done()) {
      const auto& msg = parser_->get();
      request->method = std::string(msg.method_string());
      request->target = std::string(msg.target());
      request->path = request->target.substr(0, request->target.find('?'));
      auto rid = msg.find(beast::string_view(kRequestIdKey.data(), kRequestIdKey.size()));
      if (rid != msg.end()) request->request_id = SanitizeRequestId(SV(rid->value()));
    }
    ErrorCode code = status == 400 ? ErrorCode::kInvalidArgument : ErrorCode::kResourceExhausted;
    HttpResponse res = ErrorResponse(MakeError(code, std::move(message)), request->request_id);
    res.status = status;
    lingering_ = true;
    Write(std::move(res), request, false, std::make_shared<InFlight>(server_.in_flight_));
  }

  void Shutdown() {
    if (upgraded_) return;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!lingering_) {
      stream_.close();
      return;
    }
    // The client may still be sending the body we refused; read and discard it for a moment so
    // closing does not reset the connection before it has read our error response.
    lingering_ = false;
    stream_.expires_after(std::chrono::seconds(1));
    Drain();
  }

  void Drain() {
    drain_buffer_.resize(4096);
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxLingerBytes) {
                                self->stream_.close();
                                return;
                              }
                              self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_;
  SteadyTime start_ = std::chrono::steady_clock::now();
  unsigned version_ = 11;
  bool first_ = true;
  bool busy_ = false;
  bool upgraded_ = false;
  bool lingering_ = false;
  std::vector<char> drain_buffer_;
  size_t drained_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Server lifecycle

HttpServer::Impl::~Impl() {
  Stop(std::chrono::steady_clock::now());
  // Pending handlers own sessions, and sessions touch this object when they die: destroy them
  // while every member is still alive.
  workers_.reset();
  accept_retry_.reset();
  acceptor_.reset();
  ioc_.reset();
}

void HttpServer::Impl::Start() {
  std::lock_guard lock(lifecycle_mu_);
  if (started_) throw std::logic_error("HttpServer::Start called twice");
  auto hp = ParseHostPort(options_.address);
  if (!hp) {
    throw std::runtime_error("http: invalid listen address '" + options_.address +
                             "' (want host:port)");
  }
  tcp::endpoint endpoint;
  try {
    tcp::resolver resolver(*ioc_);
    auto results = resolver.resolve(hp->host, std::to_string(hp->port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service);
    if (results.empty()) throw std::runtime_error("no address");
    endpoint = results.begin()->endpoint();
    acceptor_ = std::make_unique<tcp::acceptor>(asio::make_strand(*ioc_));
    acceptor_->open(endpoint.protocol());
    acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind(endpoint);
    acceptor_->listen(asio::socket_base::max_listen_connections);
    bound_port_ = acceptor_->local_endpoint().port();
  } catch (const std::exception& e) {
    throw std::runtime_error("http: cannot listen on " + options_.address + ": " + e.what());
  }
  auto addr = endpoint.address();
  bound_host_ = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  accept_retry_ = std::make_unique<asio::steady_timer>(acceptor_->get_executor());
  workers_ = std::make_unique<asio::thread_pool>(std::max(1, options_.worker_threads));
  work_.emplace(ioc_->get_executor());
  DoAccept();
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    io_threads_.emplace_back([this] { ioc_->run(); });
  }
  started_ = true;
}

void HttpServer::Impl::DoAccept() {
  acceptor_->async_accept(
      asio::make_strand(*ioc_), [this](beast::error_code ec, tcp::socket socket) {
        if (stopping_ || !acceptor_->is_open()) return;
        if (ec) {
          // Out of file descriptors and the like: back off briefly instead of spinning.
          LogWarn("http accept failed", {{"error", ec.message()}});
          accept_retry_->expires_after(std::chrono::milliseconds(50));
          accept_retry_->async_wait([this](beast::error_code e) {
            if (!e && !stopping_) DoAccept();
          });
          return;
        }
        if (ConnectionCount() >= options_.max_connections) {
          LogWarn("http connection limit reached, refusing connection",
                  {{"max_connections", options_.max_connections}});
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          // Small frames (WebSocket events, short JSON answers) go out at once: with Nagle's
          // algorithm on, a frame written while the previous one waits for a delayed ACK sits
          // about 40 ms, which was most of a mood job's latency as a client saw it.
          beast::error_code ignored;
          socket.set_option(tcp::no_delay(true), ignored);
          auto session = std::make_shared<HttpSession>(*this, std::move(socket));
          session->SetId(Register(session));
          session->Start();
        }
        DoAccept();
      });
}

void HttpServer::Impl::Stop(SteadyTime deadline) {
  {
    std::lock_guard lock(lifecycle_mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
  }
  stopping_ = true;
  std::promise<void> closed;
  asio::post(acceptor_->get_executor(), [this, &closed] {
    beast::error_code ec;
    acceptor_->close(ec);
    accept_retry_->cancel();
    closed.set_value();
  });
  closed.get_future().wait();
  for (auto& c : Connections()) c->OnServerStop();
  // In-flight requests (and WebSocket close handshakes) finish until the deadline.
  if (!WaitForNoConnections(deadline)) {
    for (auto& c : Connections()) c->ForceClose();
    WaitForNoConnections(std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
  }
  work_.reset();
  ioc_->stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
  // Handlers still running past the deadline are waited for (they have their own deadlines);
  // queued ones that never started are dropped.
  workers_->stop();
  workers_->join();
}

// ---------------------------------------------------------------------------------------------
// Public facade

HttpServer::HttpServer(HttpServerOptions options, MetricsRegistry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), metrics)) {}

HttpServer::~HttpServer() = default;

namespace {

RoutePattern ParsePatternOrThrow(const std::string& pattern, bool prefix) {
  auto parsed = RoutePattern::Parse(pattern, prefix);
  if (!parsed) throw std::invalid_argument("invalid route pattern: " + pattern);
  return std::move(*parsed);
}

}  // namespace

void HttpServer::Handle(std::string method, std::string path, HttpHandler handler) {
  Route r;
  r.method = std::move(method);
  r.pattern = ParsePatternOrThrow(path, /*prefix=*/false);
  r.handler = std::move(handler);
  impl_->AddRoute(std::move(r));
}

void HttpServer::HandlePrefix(std::string method, std::string prefix, HttpHandler handler) {
  Route r;
  r.method = std::move(method);
  r.pattern = ParsePatternOrThrow(prefix, /*prefix=*/true);
  r.handler = std::move(handler);
  impl_->AddRoute(std::move(r));
}

void HttpServer::HandleWebSocket(std::string path, WebSocketHandler handler) {
  Route r;
  r.method = "GET";
  r.pattern = ParsePatternOrThrow(path, /*prefix=*/false);
  r.websocket = std::move(handler);
  impl_->AddRoute(std::move(r));
}

void HttpServer::Start() { impl_->Start(); }

void HttpServer::Stop(std::chrono::steady_clock::time_point deadline) { impl_->Stop(deadline); }

int HttpServer::Port() const { return impl_->bound_port_; }

std::string HttpServer::Address() const {
  return impl_->bound_host_ + ":" + std::to_string(impl_->bound_port_);
}

}  // namespace moodtape::platform
