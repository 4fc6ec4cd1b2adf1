// HttpServer against real loopback sockets: a server on 127.0.0.1 port 0 in this process.
#include "platform/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "platform/base/log.h"
#include "platform/observability/metrics.h"
#include "tests/support/test_support.h"

namespace moodtape::platform {
namespace {

using ::moodtape::testing::HttpRequest;
using ::moodtape::testing::WaitUntil;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

// A raw TCP connection for what the helper client cannot do: keep-alive, garbage, slowness.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawConnection() { close(fd_); }
  bool connected() const { return connected_; }

  void Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  // Reads one response with a Content-Length body; "" on EOF/timeout before a full response.
  std::string ReadResponse() {
    while (true) {
      size_t head_end = pending_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t length = 0;
        std::string head = pending_.substr(0, head_end);
        std::string lower = head;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t cl = lower.find("content-length:");
        if (cl != std::string::npos) length = std::stoul(head.substr(cl + 15));
        if (pending_.size() >= head_end + 4 + length) {
          std::string out = pending_.substr(0, head_end + 4 + length);
          pending_.erase(0, out.size());
          return out;
        }
      }
      char buf[4096];
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return "";
      pending_.append(buf, static_cast<size_t>(n));
    }
  }

  // True when the server closed the connection (EOF) within the socket timeout.
  bool ClosedByPeer() {
    char buf[256];
    while (true) {
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    options.address = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(options, metrics_);
    server_->Handle("GET", "/hello", [](const platform::HttpRequest& r) {
      return JsonResponse(200, {{"hello", "world"}, {"request_id", r.request_id}});
    });
    server_->Handle("POST", "/echo", [](const platform::HttpRequest& r) {
      nlohmann::json query = r.query;
      return JsonResponse(200, {{"body", r.body},
                                {"query", query},
                                {"path", r.path},
                                {"remote", r.remote_address},
                                {"trace_id", r.trace.trace_id},
                                {"content_type", r.Header("content-type")}});
    });
    server_->HandlePrefix("GET", "/files/", [](const platform::HttpRequest& r) {
      return TextResponse(200, "file " + r.path);
    });
    server_->Handle("GET", "/throw", [](const platform::HttpRequest&) -> HttpResponse {
      throw std::runtime_error("secret database password in the detail");
    });
    server_->Start();
    port_ = server_->Port();
    ASSERT_GT(port_, 0);
  }

  void TearDown() override {
    if (server_) server_->Stop(std::chrono::steady_clock::now() + 2s);
  }

  static nlohmann::json Json(const std::string& body) {
    return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  }

  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpServerTest, RoutesExactAndPrefixPaths) {
  StartServer();
  std::string body;
  std::map<std::string, std::string> headers;
  EXPECT_EQ(HttpRequest("GET", port_, "/hello", "", &body, &headers), 200);
  EXPECT_EQ(Json(body)["hello"], "world");
  EXPECT_EQ(headers["content-type"], "application/json");
  EXPECT_EQ(HttpRequest("GET", port_, "/files/a/b.txt", "", &body), 200);
  EXPECT_EQ(body, "file /files/a/b.txt");
}

TEST_F(HttpServerTest, UnknownPathIs404JsonAndWrongMethodIs405WithAllow) {
  StartServer();
  std::string body;
  std::map<std::string, std::string> headers;
  EXPECT_EQ(HttpRequest("GET", port_, "/nope", "", &body, &headers), 404);
  auto json = Json(body);
  EXPECT_EQ(json["error"]["code"], "not_found");
  EXPECT_EQ(json["error"]["request_id"], headers["x-request-id"]);

  EXPECT_EQ(HttpRequest("DELETE", port_, "/hello", "", &body, &headers), 405);
  EXPECT_EQ(headers["allow"], "GET");
  EXPECT_EQ(Json(body)["error"]["code"], "invalid_argument");
}

TEST_F(HttpServerTest, DecodesQueryAndExposesRequestDetails) {
  StartServer();
  std::string body;
  std::string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  EXPECT_EQ(HttpRequest("POST", port_, "/echo?a=1&b=hello%20world&c=x+y", "payload", &body, nullptr,
                        {{"traceparent", traceparent}, {"Content-Type", "text/plain"}}),
            200);
  auto json = Json(body);
  EXPECT_EQ(json["body"], "payload");
  EXPECT_EQ(json["path"], "/echo");
  EXPECT_EQ(json["query"]["a"], "1");
  EXPECT_EQ(json["query"]["b"], "hello world");
  EXPECT_EQ(json["query"]["c"], "x y");
  EXPECT_EQ(json["trace_id"], "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(json["content_type"], "text/plain");
  EXPECT_THAT(json["remote"].get<std::string>(), StartsWith("127.0.0.1:"));
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  std::string body;
  EXPECT_EQ(HttpRequest("POST", port_, "/echo", std::string(64 * 1024, 'x'), &body), 413);
  EXPECT_EQ(Json(body)["error"]["code"], "resource_exhausted");
  // The server is still fine.
  EXPECT_EQ(HttpRequest("GET", port_, "/hello"), 200);
}

TEST_F(HttpServerTest, HugeHeaderIs431) {
  StartServer();
  std::string body;
  EXPECT_EQ(HttpRequest("GET", port_, "/hello", "", &body, nullptr,
                        {{"X-Big", std::string(20 * 1024, 'a')}}),
            431);
  EXPECT_TRUE(Json(body).contains("error"));
}

TEST_F(HttpServerTest, MalformedRequestLineIs400AndServerSurvives) {
  StartServer();
  RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  conn.Send("THIS IS NOT HTTP\r\n\r\n");
  std::string response = conn.ReadResponse();
  EXPECT_THAT(response, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(response, HasSubstr("\"code\":\"invalid_argument\""));
  EXPECT_EQ(HttpRequest("GET", port_, "/hello"), 200);
}

TEST_F(HttpServerTest, RequestIdIsEchoedSanitisedOrGenerated) {
  StartServer();
  std::map<std::string, std::string> headers;
  EXPECT_EQ(HttpRequest("GET", port_, "/hello", "", nullptr, &headers,
                        {{"X-Request-Id", "client-id.42"}}),
            200);
  EXPECT_EQ(headers["x-request-id"], "client-id.42");

  EXPECT_EQ(HttpRequest("GET", port_, "/hello", "", nullptr, &headers,
                        {{"X-Request-Id", "evil\"id with spaces{}"}}),
            200);
  EXPECT_EQ(headers["x-request-id"].size(), 32u);
  EXPECT_EQ(headers["x-request-id"].find_first_not_of("0123456789abcdef"), std::string::npos);

  EXPECT_EQ(HttpRequest("GET", port_, "/hello", "", nullptr, &headers), 200);
  EXPECT_EQ(headers["x-request-id"].size(), 32u);
}

TEST_F(HttpServerTest, ThrowingHandlerIs500WithGenericMessage) {
  StartServer();
  std::string body;
  std::map<std::string, std::string> headers;
  EXPECT_EQ(HttpRequest("GET", port_, "/throw", "", &body, &headers), 500);
  auto json = Json(body);
  EXPECT_EQ(json["error"]["code"], "internal");
  EXPECT_EQ(json["error"]["message"], "internal error");
  EXPECT_EQ(json["error"]["request_id"], headers["x-request-id"]);
  EXPECT_THAT(body, ::testing::Not(HasSubstr("password")));
  EXPECT_EQ(HttpRequest("GET", port_, "/hello"), 200);
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  conn.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string first = conn.ReadResponse();
  EXPECT_THAT(first, StartsWith("HTTP/1.1 200"));
  conn.Send("GET /files/x HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string second = conn.ReadResponse();
  EXPECT_THAT(second, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(second, HasSubstr("file /files/x"));
}

TEST_F(HttpServerTest, SlowlorisIsCutOffByReadTimeout) {
  HttpServerOptions options;
  options.read_timeout = 300ms;
  StartServer(options);
  RawConnection conn(port_);
  ASSERT_TRUE(conn.connected());
  auto start = std::chrono::steady_clock::now();
  conn.Send("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finishes the header
  EXPECT_TRUE(conn.ClosedByPeer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(HttpServerTest, HandlersRunOnWorkersNotOnTheIoThread) {
  HttpServerOptions options;
  options.io_threads = 1;
  options.worker_threads = 2;
  options.address = "127.0.0.1:0";
  server_ = std::make_unique<HttpServer>(options, metrics_);
  // Each handler waits (bounded) until the other one is running too. On the one I/O thread the
  // second could not start before the first returned, so neither would see the other: the
  // behaviour, not the clock, tells them apart.
  std::atomic<int> inside{0};
  server_->Handle("GET", "/meet", [&](const platform::HttpRequest&) {
    ++inside;
    bool met = false;
    for (int i = 0; i < 2000 && !met; ++i) {
      met = inside.load() >= 2;
      if (!met) std::this_thread::sleep_for(5ms);
    }
    return JsonResponse(met ? 200 : 504, {{"met", met}});
  });
  server_->Start();
  int port = server_->Port();
  auto a = std::async(std::launch::async, [port] { return HttpRequest("GET", port, "/meet"); });
  auto b = std::async(std::launch::async, [port] { return HttpRequest("GET", port, "/meet"); });
  EXPECT_EQ(a.get(), 200);
  EXPECT_EQ(b.get(), 200);
}

TEST_F(HttpServerTest, WritesOneAccessLogLinePerRequest) {
  std::mutex mu;
  std::vector<std::string> lines;
  SetLogSink([&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  });
  StartServer();
  std::map<std::string, std::string> headers;
  EXPECT_EQ(HttpRequest("GET", port_, "/files/deep/path?q=1", "", nullptr, &headers,
                        {{"X-Request-Id", "log-test-1"}}),
            200);
  nlohmann::json found;
  bool ok = WaitUntil(
      [&] {
        std::lock_guard lock(mu);
        for (const auto& l : lines) {
          auto j = nlohmann::json::parse(l, nullptr, false);
          if (j.is_object() && j.value("msg", "") == "http request" &&
              j.value("request_id", "") == "log-test-1") {
            found = j;
            return true;
          }
        }
        return false;
      },
      5s);
  SetLogSink(nullptr);
  ASSERT_TRUE(ok);
  EXPECT_EQ(found["method"], "GET");
  EXPECT_EQ(found["route"], "/files/*");
  EXPECT_EQ(found["path"], "/files/deep/path");
  EXPECT_EQ(found["status"], 200);
  EXPECT_TRUE(found["duration_ms"].is_number());
  EXPECT_EQ(found["bytes"], std::string("file /files/deep/path").size());
  EXPECT_EQ(found["trace_id"].get<std::string>().size(), 32u);
  EXPECT_THAT(found["remote"].get<std::string>(), StartsWith("127.0.0.1:"));
}

TEST_F(HttpServerTest, RecordsMetricsByRoutePatternNotRawPath) {
  StartServer();
  EXPECT_EQ(HttpRequest("GET", port_, "/hello"), 200);
  EXPECT_EQ(HttpRequest("GET", port_, "/files/one/two"), 200);
  EXPECT_EQ(HttpRequest("GET", port_, "/missing/12345"), 404);
  std::string text;
  ASSERT_TRUE(WaitUntil(
      [&] {
        text = metrics_.Render();
        return text.find("code=\"404\"") != std::string::npos;
      },
      5s));
  EXPECT_THAT(text,
              HasSubstr("http_requests_total{method=\"GET\",route=\"/hello\",code=\"200\"} 1"));
  EXPECT_THAT(text, HasSubstr("route=\"/files/*\""));
  EXPECT_THAT(text,
              HasSubstr("http_requests_total{method=\"GET\",route=\"unmatched\",code=\"404\"} 1"));
  EXPECT_THAT(text, HasSubstr("http_request_duration_seconds_bucket"));
  EXPECT_THAT(text, HasSubstr("http_requests_in_flight"));
  EXPECT_THAT(text, HasSubstr("http_connections_open"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("12345")));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("/files/one")));
}

TEST_F(HttpServerTest, GracefulStopLetsInFlightRequestFinish) {
  HttpServerOptions options;
  options.address = "127.0.0.1:0";
  server_ = std::make_unique<HttpServer>(options, metrics_);
  std::atomic<bool> entered{false};
  server_->Handle("GET", "/slow", [&](const platform::HttpRequest&) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    return JsonResponse(200, {{"done", true}});
  });
  server_->Start();
  int port = server_->Port();
  std::string body;
  auto call =
      std::async(std::launch::async, [&] { return HttpRequest("GET", port, "/slow", "", &body); });
  ASSERT_TRUE(WaitUntil([&] { return entered.load(); }, 5s));
  auto start = std::chrono::steady_clock::now();
  server_->Stop(std::chrono::steady_clock::now() + 5s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(call.get(), 200);
  EXPECT_EQ(Json(body)["done"], true);
  // No longer accepting.
  EXPECT_EQ(HttpRequest("GET", port, "/slow"), 0);
}

// ----- WebSocket -------------------------------------------------------------------------------

class WebSocketClient {
 public:
  explicit WebSocketClient(int port, const std::string& target = "/ws", int rcvbuf = 0)
      : ws_(ioc_) {
    auto& socket = beast::get_lowest_layer(ws_);
    socket.open(asio::ip::tcp::v4());
    if (rcvbuf > 0) socket.set_option(asio::socket_base::receive_buffer_size(rcvbuf));
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
    ws_.handshake(response_, "127.0.0.1", target, ec_);
  }
  beast::error_code error() const { return ec_; }
  const websocket::response_type& response() const { return response_; }
  websocket::stream<asio::ip::tcp::socket>& ws() { return ws_; }

  std::string Read(beast::error_code* ec) {
    beast::flat_buffer buffer;
    ws_.read(buffer, *ec);
    return beast::buffers_to_string(buffer.data());
  }

 private:
  asio::io_context ioc_;
  websocket::stream<asio::ip::tcp::socket> ws_;
  websocket::response_type response_;
  beast::error_code ec_;
};

TEST_F(HttpServerTest, WebSocketEchoRoundTrip) {
  HttpServerOptions options;
  options.address = "127.0.0.1:0";
  server_ = std::make_unique<HttpServer>(options, metrics_);
  std::atomic<int> closed{0};
  server_->HandleWebSocket("/ws", [&](const platform::HttpRequest& r) {
    if (r.Query("token") != "good") {
      return WebSocketUpgrade::Refuse(
          ErrorResponse(MakeError(ErrorCode::kUnauthenticated, "bad token"), r.request_id));
    }
    WebSocketUpgrade u;
    u.on_open = [](const std::shared_ptr<WebSocketSession>& s) { s->Send("welcome"); };
    u.on_message = [](const std::shared_ptr<WebSocketSession>& s, const std::string& text) {
      s->Send("echo:" + text);
    };
    u.on_close = [&](const std::shared_ptr<WebSocketSession>&) { ++closed; };
    return u;
  });
  server_->Start();
  int port = server_->Port();

  {
    WebSocketClient refused(port, "/ws?token=bad");
    EXPECT_EQ(refused.error(), websocket::error::upgrade_declined);
    RawConnection raw(port);
    raw.Send(
        "GET /ws?token=bad HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    std::string response = raw.ReadResponse();
    EXPECT_THAT(response, StartsWith("HTTP/1.1 401"));
    EXPECT_THAT(response, HasSubstr("\"code\":\"unauthenticated\""));
  }
  EXPECT_EQ(HttpRequest("GET", port, "/ws?token=good"), 426);

  WebSocketClient client(port, "/ws?token=good");
  ASSERT_FALSE(client.error()) << client.error().message();
  EXPECT_FALSE(client.response()["X-Request-Id"].empty());
  beast::error_code ec;
  EXPECT_EQ(client.Read(&ec), "welcome");
  client.ws().write(asio::buffer(std::string("hi")));
  EXPECT_EQ(client.Read(&ec), "echo:hi");
  client.ws().write(asio::buffer(std::string("again")));
  EXPECT_EQ(client.Read(&ec), "echo:again");
  client.ws().close(websocket::close_code::normal);
  EXPECT_TRUE(WaitUntil([&] { return closed.load() == 1; }, 5s));

  std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("websocket_messages_total{direction=\"in\"} 2"));
  EXPECT_THAT(text, HasSubstr("websocket_messages_total{direction=\"out\"} 3"));
  EXPECT_THAT(text, HasSubstr("websocket_connections_open"));
}

TEST_F(HttpServerTest, WebSocketClientThatNeverReadsIsClosedWithoutSlowingOthers) {
  HttpServerOptions options;
  options.address = "127.0.0.1:0";
  options.websocket_send_queue = 8;
  options.websocket_close_timeout = 500ms;
  server_ = std::make_unique<HttpServer>(options, metrics_);
  std::mutex mu;
  std::vector<std::shared_ptr<WebSocketSession>> sessions;
  std::atomic<int> closed{0};
  server_->HandleWebSocket("/ws", [&](const platform::HttpRequest&) {
    WebSocketUpgrade u;
    u.on_open = [&](const std::shared_ptr<WebSocketSession>& s) {
      std::lock_guard lock(mu);
      sessions.push_back(s);
    };
    u.on_message = [](const std::shared_ptr<WebSocketSession>& s, const std::string& text) {
      s->Send("echo:" + text);
    };
    u.on_close = [&](const std::shared_ptr<WebSocketSession>&) { ++closed; };
    return u;
  });
  server_->Start();
  int port = server_->Port();

  WebSocketClient sleeper(port, "/ws", 4096);  // never reads
  ASSERT_FALSE(sleeper.error());
  ASSERT_TRUE(WaitUntil(
      [&] {
        std::lock_guard l(mu);
        return sessions.size() == 1;
      },
      5s));
  std::shared_ptr<WebSocketSession> slow;
  {
    std::lock_guard lock(mu);
    slow = sessions[0];
  }
  const std::string chunk(64 * 1024, 'x');
  auto start = std::chrono::steady_clock::now();
  int sent = 0;
  // Send never blocks; the queue bound trips once the kernel buffers are full.
  while (sent < 5000 && slow->Send(chunk)) {
    ++sent;
    if (sent % 64 == 0) std::this_thread::sleep_for(1ms);
  }
  EXPECT_LT(sent, 5000) << "the send queue never overflowed";
  EXPECT_FALSE(slow->IsOpen());
  EXPECT_FALSE(slow->Send("more"));

  // Another session is unaffected.
  WebSocketClient other(port, "/ws");
  ASSERT_FALSE(other.error());
  other.ws().write(asio::buffer(std::string("ping")));
  beast::error_code ec;
  EXPECT_EQ(other.Read(&ec), "echo:ping");

  // The stuck session is gone within the close timeout, not hanging on its blocked write.
  EXPECT_TRUE(WaitUntil([&] { return closed.load() == 1; }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_F(HttpServerTest, StopClosesWebSocketsWithGoingAway) {
  HttpServerOptions options;
  options.address = "127.0.0.1:0";
  server_ = std::make_unique<HttpServer>(options, metrics_);
  server_->HandleWebSocket("/ws", [](const platform::HttpRequest&) { return WebSocketUpgrade{}; });
  server_->Start();
  WebSocketClient client(server_->Port(), "/ws");
  ASSERT_FALSE(client.error());
  auto reader = std::async(std::launch::async, [&] {
    beast::error_code ec;
    client.Read(&ec);
    return ec;
  });
  // Give the upgrade time to register before stopping (the read is already pending).
  ASSERT_TRUE(WaitUntil(
      [&] { return metrics_.Render().find("websocket_connections_open 1") != std::string::npos; },
      5s));
  auto start = std::chrono::steady_clock::now();
  server_->Stop(std::chrono::steady_clock::now() + 3s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(reader.get(), websocket::error::closed);
  EXPECT_EQ(client.ws().reason().code, websocket::close_code::going_away);
}

}  // namespace
}  // namespace moodtape::platform
