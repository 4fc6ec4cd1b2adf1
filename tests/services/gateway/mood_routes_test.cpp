// The mood-job routes and the job-event WebSocket over real HTTP against the gateway started in
// this process through its own gateway::Start (the wiring main.cpp runs), a real redis-server,
// and a platform::JobWorker standing in for the worker process. Tokens are signed here with a
// fresh ES256 key (platform/security/jwt.h) whose JWKS the gateway reads.
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "platform/http/server.h"
#include "platform/jobs/queue.h"
#include "platform/jobs/worker.h"
#include "platform/observability/metrics.h"
#include "platform/redis/client.h"
#include "platform/security/jwt.h"
#include "platform/service/service_main.h"
#include "services/gateway/serve.h"
#include "tests/support/redis_server.h"
#include "tests/support/test_support.h"

namespace moodtape::gateway {
namespace {

using moodtape::testing::RedisServerProcess;
using moodtape::testing::TempDir;
using moodtape::testing::WaitUntil;
using nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
namespace asio = boost::asio;

// Every wait is bounded, and generously: a slow machine makes tests slower, never red.
constexpr std::chrono::milliseconds kWait{20000};

struct Reply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
  json Json() const { return json::parse(body, nullptr, /*allow_exceptions=*/false); }
};

// A WebSocket client whose reads give up after a timeout.
class WsClient {
 public:
  WsClient(int port, const std::map<std::string, std::string>& headers, int rcvbuf = 0)
      : ws_(ioc_) {
    auto& socket = beast::get_lowest_layer(ws_);
    socket.open(asio::ip::tcp::v4());
    if (rcvbuf > 0) socket.set_option(asio::socket_base::receive_buffer_size(rcvbuf));
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [k, v] : headers) req.set(k, v);
    }));
    ws_.handshake(response_, "127.0.0.1", "/api/v1/ws", ec_);
  }
  beast::error_code error() const { return ec_; }
  const websocket::response_type& response() const { return response_; }

  void Send(const json& frame) { ws_.write(asio::buffer(frame.dump())); }
  void SendText(const std::string& text) { ws_.write(asio::buffer(text)); }

  // The next message as JSON; null on timeout, close or error.
  json Read(std::chrono::milliseconds timeout = kWait) {
    beast::flat_buffer buffer;
    bool done = false;
    beast::error_code ec;
    ws_.async_read(buffer, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!done) {
      beast::get_lowest_layer(ws_).cancel();
      ioc_.restart();
      ioc_.run();
      return json();
    }
    if (ec) return json();
    return json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
  }

  // Reads until a message matches `pred` (true) or the connection ends (false); every message
  // read is kept in `seen`.
  bool ReadUntil(const std::function<bool(const json&)>& pred, std::vector<json>* seen) {
    auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      json m = Read();
      if (m.is_null()) return false;
      seen->push_back(m);
      if (pred(m)) return true;
    }
    return false;
  }

 private:
  asio::io_context ioc_;
  websocket::stream<asio::ip::tcp::socket> ws_;
  websocket::response_type response_;
  beast::error_code ec_;
};

std::string BigString(size_t n) { return std::string(n, 'x'); }

struct StackOptions {
  int64_t max_depth = 1000;
  int64_t rate_limit = 1000;
  size_t websocket_send_queue = 256;
};

class MoodRoutesTest : public ::testing::Test {
 protected:
  void StartStack(StackOptions o = {}) {
    redis_ = std::make_unique<RedisServerProcess>();
    redis_settings_.port = redis_->port();
    redis_settings_.pool_size = 16;
    redis_settings_.reconnect_backoff_min = 20ms;
    redis_settings_.reconnect_backoff_max = 200ms;
    redis_client_ = std::make_unique<platform::RedisClient>(redis_settings_);

    signer_ = platform::JwtSigner::GenerateEs256("test-key");
    platform::JwtKeySet keys;
    keys.Add(signer_->PublicKey());
    {
      std::ofstream jwks(work_.File("jwks.json"));
      jwks << keys.ToJwks().dump();
    }

    // The gateway as main.cpp starts it, with the test's addresses and limits. TLS is off: the
    // routes under test call no other service (history has its own test through the stack).
    const std::string toml = R"(
[tls]
enabled = false
[jwt]
jwks_file = ")" + work_.File("jwks.json") +
                             R"("
[redis]
host = "127.0.0.1"
port = )" + std::to_string(redis_->port()) +
                             R"(
pool_size = 16
reconnect_backoff_min_ms = 20
reconnect_backoff_max_ms = 200
[queue]
max_depth = )" + std::to_string(o.max_depth) +
                             R"(
max_attempts = 2
backoff_base_ms = 20
backoff_max_ms = 50
visibility_timeout_ms = 5000
[gateway]
http_address = "127.0.0.1:0"
admin_address = "127.0.0.1:0"
static_dir = ")" + work_.path() +
                             R"("
worker_threads = 8
mood_rate_limit = )" + std::to_string(o.rate_limit) +
                             R"(
mood_rate_window_ms = 60000
busy_retry_after_s = 3
websocket_send_queue = )" + std::to_string(o.websocket_send_queue) +
                             R"(
)";
    gateway_ = std::make_unique<platform::InProcessService>(
        "gateway", platform::Config::FromString(toml), gateway::Start);
    port_ = platform::ParseHostPort(gateway_->Address("http"))->port;

    platform::JobQueueOptions qo;
    qo.max_depth = o.max_depth;
    qo.max_attempts = 2;
    qo.backoff_base = 20ms;
    qo.backoff_max = 50ms;
    qo.visibility_timeout = 5000ms;
    qo.seed = 7;
    queue_ = std::make_unique<platform::JobQueue>(*redis_client_, qo);
    ASSERT_TRUE(WaitUntil([&] { return ListenerConnected(); }, kWait));
  }

  double Gauge(const std::string& series) {
    const std::string text = gateway_->metrics().Render();
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  }
  bool ListenerConnected() { return Gauge("moodtape_gateway_event_listener_connected") == 1; }
  size_t SubscriptionCount() {
    return static_cast<size_t>(Gauge("moodtape_gateway_websocket_subscriptions"));
  }

  void StartWorker(platform::JobHandler handler) {
    platform::JobWorkerOptions wo;
    wo.concurrency = 2;
    wo.read_block = 100ms;
    wo.promote_interval = 20ms;
    wo.error_backoff_min = 20ms;
    wo.error_backoff_max = 200ms;
    worker_ = std::make_unique<platform::JobWorker>(
        *queue_, wo, std::map<std::string, platform::JobHandler>{{"mood", std::move(handler)}});
    worker_->Start();
  }

  void TearDown() override {
    if (worker_) worker_->Stop(2s);
    if (gateway_) gateway_->Stop(std::chrono::steady_clock::now() + 2s);
  }

  std::string Token(const std::string& user, std::vector<std::string> roles = {}) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    return signer_->Sign({{"sub", user},
                          {"iss", "moodtape"},
                          {"iat", now},
                          {"exp", now + 3600},
                          {"jti", user + "-jti"},
                          {"roles", roles}});
  }
  std::map<std::string, std::string> Bearer(const std::string& user,
                                            std::vector<std::string> roles = {}) {
    return {{"Authorization", "Bearer " + Token(user, std::move(roles))}};
  }

  Reply Call(const std::string& method, const std::string& target, const std::string& body,
             std::map<std::string, std::string> headers) {
    if (!body.empty()) headers["Content-Type"] = "application/json";
    auto r = moodtape::testing::HttpExchange(method, port_, target, body, headers, 20s);
    return Reply{r.status, r.body, r.headers};
  }
  Reply Submit(const std::string& user,
               json body = {{"text", "rainy monday"}, {"desired_emotion", "happiness"}},
               std::map<std::string, std::string> extra = {}) {
    auto headers = Bearer(user);
    headers.insert(extra.begin(), extra.end());
    return Call("POST", "/api/v1/moods", body.dump(), headers);
  }

  static platform::JobHandler StagedHandler(std::atomic<bool>* gate = nullptr,
                                            std::string* payload_seen = nullptr,
                                            std::mutex* mu = nullptr) {
    return [=](const platform::JobRecord& job,
               platform::JobContext& ctx) -> platform::Result<std::string> {
      if (payload_seen) {
        std::lock_guard<std::mutex> lock(*mu);
        *payload_seen = job.payload;
      }
      if (gate) WaitUntil([&] { return gate->load(); }, kWait);
      ctx.PublishEvent("emotion",
                       R"({"emotion":"sadness","start":{"valence":-0.5,"arousal":0.1}})");
      ctx.PublishEvent("playlist", R"({"tracks":3})");
      ctx.PublishEvent("saved", R"({"history_id":"h1"})");
      return std::string(R"({"playlist":[{"id":"t1"},{"id":"t2"},{"id":"t3"}]})");
    };
  }

  TempDir work_;
  std::unique_ptr<RedisServerProcess> redis_;
  platform::RedisSettings redis_settings_;
  std::unique_ptr<platform::RedisClient> redis_client_;
  std::unique_ptr<platform::JobQueue> queue_;
  std::unique_ptr<platform::JwtSigner> signer_;
  std::unique_ptr<platform::InProcessService> gateway_;
  std::unique_ptr<platform::JobWorker> worker_;
  int port_ = 0;
};

std::vector<std::string> Stages(const std::vector<json>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) {
    if (f["type"] == "event") out.push_back(f["stage"]);
  }
  return out;
}

// Seqs of snapshot + events strictly increase: nothing doubled.
void ExpectIncreasingSeq(const std::vector<json>& frames) {
  int64_t last = -1;
  for (const auto& f : frames) {
    if (f["type"] != "event" && f["type"] != "snapshot") continue;
    int64_t seq = f["seq"];
    EXPECT_GT(seq, last) << f.dump();
    last = seq;
  }
}

bool IsTerminalEvent(const json& m) {
  return m["type"] == "event" &&
         (m["state"] == "succeeded" || m["state"] == "failed" || m["state"] == "dead");
}

TEST_F(MoodRoutesTest, SubmitSubscribeReceivesSnapshotEveryStageAndResult) {
  StartStack();
  std::atomic<bool> gate{false};
  std::mutex mu;
  std::string payload;
  StartWorker(StagedHandler(&gate, &payload, &mu));

  json body = {{"text", "  rainy monday "},
               {"desired_emotion", "happiness"},
               {"length", 5},
               {"options", {{"exclude_genres", {"metal"}}, {"seed", 9}}}};
  Reply r = Submit("ada", body);
  ASSERT_EQ(r.status, 202) << r.body;
  json j = r.Json();
  std::string id = j["job_id"];
  EXPECT_EQ(j["state"], "queued");
  EXPECT_EQ(j["duplicate"], false);
  EXPECT_EQ(j["status_url"], "/api/v1/jobs/" + id);
  EXPECT_EQ(j["ws_url"], "/api/v1/ws");

  WsClient ws(port_, Bearer("ada"));
  ASSERT_FALSE(ws.error()) << ws.error().message();
  ws.Send({{"type", "subscribe"}, {"job_id", id}});
  json snapshot = ws.Read();
  ASSERT_EQ(snapshot["type"], "snapshot") << snapshot.dump();
  EXPECT_EQ(snapshot["job_id"], id);
  EXPECT_TRUE(snapshot["state"] == "queued" || snapshot["state"] == "running") << snapshot;
  gate = true;

  std::vector<json> frames{snapshot};
  ASSERT_TRUE(ws.ReadUntil(IsTerminalEvent, &frames)) << json(frames).dump();
  ExpectIncreasingSeq(frames);
  std::vector<std::string> stages = Stages(frames);
  // "running" may have happened before the snapshot; everything after it arrives, once, in order.
  if (snapshot["state"] == "queued") {
    ASSERT_FALSE(stages.empty());
    EXPECT_EQ(stages.front(), "running");
    stages.erase(stages.begin());
  }
  EXPECT_EQ(stages, (std::vector<std::string>{"emotion", "playlist", "saved", "succeeded"}));
  json emotion = frames[frames.size() - 4];
  EXPECT_EQ(emotion["data"]["emotion"], "sadness");
  EXPECT_EQ(emotion["state"], "running");

  Reply job = Call("GET", "/api/v1/jobs/" + id, "", Bearer("ada"));
  ASSERT_EQ(job.status, 200) << job.body;
  json jj = job.Json();
  EXPECT_EQ(jj["state"], "succeeded");
  EXPECT_EQ(jj["attempts"], 1);
  EXPECT_EQ(jj["result"]["playlist"].size(), 3u);  // parsed, not a string
  EXPECT_GT(jj["enqueued_at_ms"].get<int64_t>(), 0);
  EXPECT_GE(jj["finished_at_ms"].get<int64_t>(), jj["enqueued_at_ms"].get<int64_t>());

  std::lock_guard<std::mutex> lock(mu);
  json p = json::parse(payload);
  EXPECT_EQ(p["text"], "rainy monday");
  EXPECT_EQ(p["length"], 5);
  EXPECT_EQ(p["options"]["exclude_genres"], json({"metal"}));
  EXPECT_EQ(p["options"]["seed"], 9);
  EXPECT_EQ(p["options"]["allow_explicit"], true);
  EXPECT_EQ(p["request_id"], r.Header("x-request-id"));
  EXPECT_THAT(gateway_->metrics().Render(),
              HasSubstr("moodtape_gateway_mood_submissions_total{outcome=\"accepted\"} 1"));
}

TEST_F(MoodRoutesTest, SubscribeAfterTheJobFinishedGetsTheResultInTheSnapshot) {
  StartStack();
  StartWorker(StagedHandler());
  Reply r = Submit("ada");
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.Json()["job_id"];
  ASSERT_TRUE(WaitUntil(
      [&] {
        return Call("GET", "/api/v1/jobs/" + id, "", Bearer("ada")).Json()["state"] == "succeeded";
      },
      kWait));
  WsClient ws(port_, Bearer("ada"));
  ASSERT_FALSE(ws.error());
  ws.Send({{"type", "subscribe"}, {"job_id", id}});
  json snapshot = ws.Read();
  EXPECT_EQ(snapshot["type"], "snapshot");
  EXPECT_EQ(snapshot["state"], "succeeded");
  EXPECT_EQ(snapshot["stage"], "succeeded");
  EXPECT_EQ(snapshot["result"]["playlist"][0]["id"], "t1");
  // Nothing else follows.
  EXPECT_TRUE(ws.Read(300ms).is_null());
}

TEST_F(MoodRoutesTest, AuthenticationAndBadInput) {
  StartStack();
  json ok = {{"text", "x"}, {"desired_emotion", "love"}};
  EXPECT_EQ(Call("POST", "/api/v1/moods", ok.dump(), {}).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/moods", ok.dump(), {{"Authorization", "Bearer junk"}}).status,
            401);
  // A cookie credential needs the CSRF header on POST.
  std::map<std::string, std::string> cookie = {{"Cookie", "mt_access=" + Token("ada")}};
  EXPECT_EQ(Call("POST", "/api/v1/moods", ok.dump(), cookie).status, 403);
  cookie["X-Requested-With"] = "moodtape";
  EXPECT_EQ(Call("POST", "/api/v1/moods", ok.dump(), cookie).status, 202);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/abc", "", {}).status, 401);

  Reply bad = Submit("ada", {{"text", "x"}, {"desired_emotion", "joy"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["code"], "invalid_argument");
  EXPECT_THAT(bad.Json()["error"]["message"].get<std::string>(), HasSubstr("desired_emotion"));
  EXPECT_EQ(bad.Json()["error"]["request_id"], bad.Header("x-request-id"));
  Reply unknown = Submit("ada", {{"text", "x"}, {"desired_emotion", "love"}, {"colour", 1}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("colour"));
  EXPECT_EQ(Submit("ada", ok, {{"Idempotency-Key", std::string(129, 'k')}}).status, 400);
  // Nothing of the bad ones was enqueued: only the cookie submission above.
  EXPECT_EQ(queue_->Depth("mood").value(), 1);

  EXPECT_EQ(Call("GET", "/api/v1/history?limit=0", "", Bearer("ada")).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/history?limit=abc", "", Bearer("ada")).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/history", "", {}).status, 401);
}

TEST_F(MoodRoutesTest, IdempotencyKeyReturnsTheFirstJob) {
  StartStack();
  Reply first =
      Submit("ada", {{"text", "a"}, {"desired_emotion", "fun"}}, {{"Idempotency-Key", "key-1"}});
  ASSERT_EQ(first.status, 202) << first.body;
  Reply again =
      Submit("ada", {{"text", "a"}, {"desired_emotion", "fun"}}, {{"Idempotency-Key", "key-1"}});
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.Json()["job_id"], first.Json()["job_id"]);
  EXPECT_EQ(again.Json()["duplicate"], true);
  EXPECT_EQ(first.Json()["duplicate"], false);
  // Another user's identical key is another job.
  Reply other =
      Submit("bob", {{"text", "a"}, {"desired_emotion", "fun"}}, {{"Idempotency-Key", "key-1"}});
  ASSERT_EQ(other.status, 202);
  EXPECT_NE(other.Json()["job_id"], first.Json()["job_id"]);
  EXPECT_EQ(queue_->Depth("mood").value(), 2);
  EXPECT_THAT(gateway_->metrics().Render(),
              HasSubstr("moodtape_gateway_mood_submissions_total{outcome=\"duplicate\"} 1"));
}

TEST_F(MoodRoutesTest, RateLimitAnswers429WithRetryAfter) {
  StackOptions o;
  o.rate_limit = 2;
  StartStack(o);
  EXPECT_EQ(Submit("ada").status, 202);
  EXPECT_EQ(Submit("ada").status, 202);
  Reply limited = Submit("ada");
  ASSERT_EQ(limited.status, 429) << limited.body;
  int retry = std::stoi(limited.Header("retry-after"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  EXPECT_THAT(limited.Json()["error"]["message"].get<std::string>(), HasSubstr("too many moods"));
  EXPECT_EQ(Submit("bob").status, 202);  // per user
  EXPECT_EQ(queue_->Depth("mood").value(), 3);
  EXPECT_THAT(gateway_->metrics().Render(),
              HasSubstr("moodtape_gateway_mood_submissions_total{outcome=\"rate_limited\"} 1"));
}

TEST_F(MoodRoutesTest, FullQueueAnswers503WithRetryAfter) {
  StackOptions o;
  o.max_depth = 1;
  StartStack(o);
  EXPECT_EQ(Submit("ada").status, 202);
  Reply full = Submit("ada");
  ASSERT_EQ(full.status, 503) << full.body;
  EXPECT_EQ(full.Header("retry-after"), "3");
  EXPECT_EQ(full.Json()["error"]["code"], "unavailable");
  EXPECT_THAT(gateway_->metrics().Render(),
              HasSubstr("moodtape_gateway_mood_submissions_total{outcome=\"queue_full\"} 1"));
}

TEST_F(MoodRoutesTest, RedisDownAnswers503AndRecoversWithoutRestart) {
  StartStack();
  redis_->Stop();
  Reply down = Submit("ada");
  ASSERT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.Header("retry-after"), "3");
  EXPECT_THAT(down.Json()["error"]["message"].get<std::string>(), HasSubstr("unavailable"));
  EXPECT_EQ(Call("GET", "/api/v1/jobs/abc", "", Bearer("ada")).status, 503);
  ASSERT_TRUE(WaitUntil([&] { return !ListenerConnected(); }, kWait));

  redis_->Start();
  ASSERT_TRUE(WaitUntil([&] { return Submit("ada").status == 202; }, kWait));
  // The listener subscribed again by itself: events of a new job still arrive.
  ASSERT_TRUE(WaitUntil([&] { return ListenerConnected(); }, kWait));
  std::atomic<bool> gate{false};
  StartWorker(StagedHandler(&gate));
  Reply r = Submit("ada");
  ASSERT_EQ(r.status, 202);
  WsClient ws(port_, Bearer("ada"));
  ASSERT_FALSE(ws.error());
  ws.Send({{"type", "subscribe"}, {"job_id", r.Json()["job_id"]}});
  json snapshot = ws.Read();
  ASSERT_EQ(snapshot["type"], "snapshot");
  gate = true;
  std::vector<json> frames;
  // The first submission after the restart runs too; read until this job finishes.
  ASSERT_TRUE(ws.ReadUntil(IsTerminalEvent, &frames)) << json(frames).dump();
  EXPECT_THAT(Stages(frames), ::testing::Contains("saved"));
}

TEST_F(MoodRoutesTest, SocketThatNeverReadsIsClosedWhileAnotherStillGetsEvents) {
  StackOptions o;
  // Room for a reader on a busy machine to lag, small next to what the sleeper is sent.
  o.websocket_send_queue = 128;
  StartStack(o);
  std::atomic<bool> gate{false};
  const int kEvents = 800;
  StartWorker(
      [&](const platform::JobRecord&, platform::JobContext& ctx) -> platform::Result<std::string> {
        WaitUntil([&] { return gate.load(); }, kWait);
        const std::string data = json{{"blob", BigString(32 * 1024)}}.dump();
        for (int i = 0; i < kEvents; ++i) {
          ctx.PublishEvent("progress", data);
          std::this_thread::sleep_for(1ms);
        }
        return std::string("{}");
      });
  Reply r = Submit("ada");
  ASSERT_EQ(r.status, 202);
  std::string id = r.Json()["job_id"];

  WsClient sleeper(port_, Bearer("ada"), 4096);
  ASSERT_FALSE(sleeper.error());
  sleeper.Send({{"type", "subscribe"}, {"job_id", id}});
  WsClient reader(port_, Bearer("ada"));
  ASSERT_FALSE(reader.error());
  reader.Send({{"type", "subscribe"}, {"job_id", id}});
  ASSERT_EQ(reader.Read()["type"], "snapshot");
  ASSERT_TRUE(WaitUntil([&] { return SubscriptionCount() == 2; }, kWait));
  gate = true;

  std::vector<json> frames;
  ASSERT_TRUE(reader.ReadUntil(IsTerminalEvent, &frames)) << frames.size() << " frames read";
  int progress = 0;
  for (const auto& f : frames) progress += f["stage"] == "progress";
  EXPECT_EQ(progress, kEvents);
  ExpectIncreasingSeq(frames);
  // The sleeper overflowed its queue and was closed; its subscription is gone.
  EXPECT_TRUE(WaitUntil([&] { return SubscriptionCount() == 1; }, kWait));
  std::string text = gateway_->metrics().Render();
  EXPECT_THAT(text, ::testing::Not(HasSubstr(
                        "moodtape_gateway_websocket_events_total{outcome=\"dropped\"} 0\n")));
}

TEST_F(MoodRoutesTest, SomeoneElsesJobIs404AndAnErrorFrame) {
  StartStack();
  Reply r = Submit("ada");
  ASSERT_EQ(r.status, 202);
  std::string id = r.Json()["job_id"];
  Reply theirs = Call("GET", "/api/v1/jobs/" + id, "", Bearer("bob"));
  Reply unknown = Call("GET", "/api/v1/jobs/0123456789abcdef0123456789abcdef", "", Bearer("bob"));
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(theirs.Json()["error"]["message"], unknown.Json()["error"]["message"]);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/..%2F..", "", Bearer("bob")).status, 404);

  WsClient ws(port_, Bearer("bob"));
  ASSERT_FALSE(ws.error());
  ws.Send({{"type", "subscribe"}, {"job_id", id}});
  json e = ws.Read();
  EXPECT_EQ(
      e,
      json({{"type", "error"}, {"job_id", id}, {"code", "not_found"}, {"message", "no such job"}}));
  ws.SendText("not json");
  json bad = ws.Read();
  EXPECT_EQ(bad["type"], "error");
  EXPECT_EQ(bad["code"], "invalid_argument");
  EXPECT_FALSE(bad["message"].get<std::string>().empty());
  // Bob's event channel never carries Ada's events, and he holds no subscription.
  EXPECT_EQ(SubscriptionCount(), 0u);

  WsClient anonymous(port_, {});
  EXPECT_EQ(anonymous.error(), websocket::error::upgrade_declined);
  {
    // The refusal is a plain 401 answer to the upgrade request.
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)});
    http::request<http::empty_body> req{http::verb::get, "/api/v1/ws", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    EXPECT_EQ(res.result_int(), 401) << res.body();
    EXPECT_THAT(res.body(), HasSubstr("\"code\":\"unauthenticated\""));
  }
  // Browsers authenticate the upgrade with the cookie.
  WsClient browser(port_, {{"Cookie", "mt_access=" + Token("ada")}});
  ASSERT_FALSE(browser.error());
  browser.Send({{"type", "subscribe"}, {"job_id", id}});
  EXPECT_EQ(browser.Read()["type"], "snapshot");
}

TEST_F(MoodRoutesTest, DeadLettersForAdminsOnly) {
  StartStack();
  std::atomic<int> runs{0};
  StartWorker(
      [&](const platform::JobRecord&, platform::JobContext&) -> platform::Result<std::string> {
        if (++runs == 1) {
          return platform::MakeError(platform::ErrorCode::kInvalidArgument, "text is unreadable");
        }
        return std::string(R"({"ok":true})");
      });
  Reply r = Submit("ada");
  ASSERT_EQ(r.status, 202);
  std::string id = r.Json()["job_id"];
  ASSERT_TRUE(WaitUntil(
      [&] {
        return Call("GET", "/api/v1/jobs/" + id, "", Bearer("ada")).Json()["state"] == "failed";
      },
      kWait));
  Reply failed = Call("GET", "/api/v1/jobs/" + id, "", Bearer("ada"));
  EXPECT_EQ(failed.Json()["error"], "text is unreadable");

  EXPECT_EQ(Call("GET", "/api/v1/admin/dead-letters?type=mood", "", Bearer("ada")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/admin/dead-letters/" + id, "", Bearer("ada")).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/admin/dead-letters/" + id + "/replay", "", Bearer("ada")).status,
            403);
  EXPECT_EQ(Call("DELETE", "/api/v1/admin/dead-letters?type=mood", "", Bearer("ada")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/admin/dead-letters", "", {}).status, 401);

  auto admin = Bearer("root", {"admin"});
  Reply list = Call("GET", "/api/v1/admin/dead-letters?type=mood&limit=50", "", admin);
  ASSERT_EQ(list.status, 200) << list.body;
  json items = list.Json()["items"];
  ASSERT_EQ(items.size(), 1u) << list.body;
  EXPECT_EQ(items[0]["job_id"], id);
  EXPECT_EQ(items[0]["owner"], "ada");
  EXPECT_EQ(items[0]["state"], "failed");
  EXPECT_EQ(items[0]["error_code"], "invalid_argument");
  EXPECT_EQ(items[0]["payload"]["desired_emotion"], "happiness");
  EXPECT_EQ(items[0]["history"].size(), 1u);
  EXPECT_EQ(list.Json()["next_cursor"], "");
  EXPECT_EQ(Call("GET", "/api/v1/admin/dead-letters?limit=0", "", admin).status, 400);

  Reply show = Call("GET", "/api/v1/admin/dead-letters/" + id, "", admin);
  ASSERT_EQ(show.status, 200) << show.body;
  EXPECT_EQ(show.Json()["job_id"], id);
  EXPECT_EQ(Call("GET", "/api/v1/admin/dead-letters/0123456789abcdef", "", admin).status, 404);

  Reply replay = Call("POST", "/api/v1/admin/dead-letters/" + id + "/replay", "", admin);
  ASSERT_EQ(replay.status, 202) << replay.body;
  EXPECT_EQ(replay.Json(), json({{"job_id", id}, {"state", "queued"}}));
  ASSERT_TRUE(WaitUntil(
      [&] {
        return Call("GET", "/api/v1/jobs/" + id, "", Bearer("ada")).Json()["state"] == "succeeded";
      },
      kWait));
  EXPECT_EQ(Call("POST", "/api/v1/admin/dead-letters/" + id + "/replay", "", admin).status, 404);

  // A second failure, then purge.
  runs = 0;
  Reply r2 = Submit("ada");
  ASSERT_EQ(r2.status, 202);
  std::string id2 = r2.Json()["job_id"];
  ASSERT_TRUE(WaitUntil([&] { return queue_->DeadLetterDepth("mood").value() == 1; }, kWait));
  EXPECT_EQ(Call("DELETE", "/api/v1/admin/dead-letters", "", admin).status, 400);  // type required
  Reply purge = Call("DELETE", "/api/v1/admin/dead-letters?type=mood", "", admin);
  ASSERT_EQ(purge.status, 200) << purge.body;
  EXPECT_EQ(purge.Json(), json({{"purged", 1}}));
  EXPECT_EQ(Call("GET", "/api/v1/admin/dead-letters?type=mood", "", admin).Json()["items"].size(),
            0u);
}

}  // namespace
}  // namespace moodtape::gateway
