// End-to-end mood jobs through the real stack: the launcher starts redis-server and every built
// service (as tests/launcher/launcher_test.cpp does: a temporary directory, free loopback ports),
// one user signs up through the gateway, then 1, 16 and 64 concurrent clients each submit
// `POST /api/v1/moods` (Authorization: Bearer) and wait for the job's "succeeded" state.
//
// - Latency is submit -> result: from just before the POST is written until the WebSocket frame
//   (snapshot or event) with state "succeeded" for that job is read. Waiting uses ONE WebSocket
//   per client (/api/v1/ws, Bearer on the upgrade): after the 202 the client sends
//   {"type":"subscribe","job_id"}, reads frames until its job succeeded (or failed/dead), then
//   unsubscribes. No polling. The subscribe round trip overlaps the job's own run.
// - HTTP: one keep-alive connection per client (Boost.Beast). Both connections of a client are
//   opened before the scenario's clock starts, so connection set-up is not included (a broken
//   connection is re-opened, and that time is included). Client sockets set TCP_NODELAY, as
//   browsers do; nothing else (no TCP_QUICKACK), so a delayed ACK meeting Nagle on the server's
//   side of the WebSocket shows up in the latency as it would for any client.
// - COLD caches: every text is distinct (a random word sequence with a per-request unique part)
//   and the desired emotion random, so the prediction cache misses and the playlist cache mostly
//   misses (different texts may still snap to the same start point). WARM caches: a set of 16
//   texts, each with its own desired emotion, submitted once (a warm-up pass, not measured), then
//   repeated, so both caches hit. The worker's moodtape_cache_requests_total is read before and
//   after each scenario and the actual hit ratios are printed.
// - Env overrides so nothing throttles: MOODTAPE_GATEWAY_MOOD_RATE_LIMIT=1000000,
//   MOODTAPE_QUEUE_MAX_DEPTH=100000, MOODTAPE_WORKER_CONCURRENCY=8 (one worker process).
// - Bounds: at most 2000 jobs and 40 s of submitting per scenario (MOODTAPE_E2E_BENCH_SECONDS
//   lowers the time for a quick look); a job not succeeded 30 s after its submit counts as
//   "not done", a submit answered with anything but 202 as "not 202"; neither stops the run.
// - The access token lives 900 s ([auth] access_token_ttl_s); it is refreshed between scenarios
//   once it is 10 minutes old, and on any 401.
//
// Prints a table, writes <build>/bench/mood_e2e.json. Google Benchmark flags from `make bench`
// are ignored. The emotion service trains its first model in the temporary directory (10-20 s).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "bench/bench_stats.h"
#include "tests/support/hermetic_env.h"
#include "tests/support/test_support.h"

namespace {

using moodtape::bench::Percentile;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using moodtape::testing::ChildProcess;
using moodtape::testing::FreePort;
using moodtape::testing::TempDir;

constexpr int kMaxJobs = 2000;         // per scenario
constexpr auto kDefaultBudget = 40s;   // submitting, per scenario
constexpr auto kJobTimeout = 30s;      // submit -> succeeded
constexpr auto kIoTimeout = 10s;       // one HTTP exchange / WebSocket write
constexpr auto kRefreshAfter = 10min;  // the access token lives 15 min
constexpr int kWorkerConcurrency = 8;

// ---------------------------------------------------------------------------------------------
// The stack, as tests/launcher/launcher_test.cpp's HermeticEnv sets it up.

std::map<std::string, std::string> HermeticEnv(const TempDir& dir, int redis_port, int http_port,
                                               const std::string& bin_dir) {
  auto env = moodtape::testing::HermeticStackEnv(dir, redis_port, http_port, bin_dir);
  // Not throttled: the benchmark is one user submitting thousands of jobs.
  env["MOODTAPE_GATEWAY_MOOD_RATE_LIMIT"] = "1000000";
  env["MOODTAPE_QUEUE_MAX_DEPTH"] = "100000";
  env["MOODTAPE_WORKER_CONCURRENCY"] = std::to_string(kWorkerConcurrency);
  return env;
}

int PortOf(const std::string& address) {
  return std::atoi(address.substr(address.rfind(':') + 1).c_str());
}

// ---------------------------------------------------------------------------------------------
// One client's connections to the gateway: a keep-alive HTTP connection and a WebSocket, both
// driven asynchronously on a private io_context for at most a timeout per operation (a timed-out
// operation closes its socket, which is re-opened on next use).

struct HttpAnswer {
  int status = 0;  // 0: no connection or no answer
  std::string body;
};

class GatewayConnection {
 public:
  explicit GatewayConnection(int port) : endpoint_(asio::ip::make_address("127.0.0.1"), port) {}
  ~GatewayConnection() {
    if (ws_ && ws_->is_open()) {
      Run(
          1s,
          [&](auto done) {
            ws_->async_close(websocket::close_code::normal,
                             [done](beast::error_code e) { done(e); });
          },
          [&] { CloseWs(); });
    }
  }
  GatewayConnection(const GatewayConnection&) = delete;
  GatewayConnection& operator=(const GatewayConnection&) = delete;

  bool ConnectHttp() {
    http_ = std::make_unique<beast::tcp_stream>(ioc_);
    http_buffer_.clear();
    requests_on_connection_ = 0;
    ++connects_;
    beast::error_code ec = Run(
        kIoTimeout,
        [&](auto done) {
          http_->async_connect(endpoint_, [done](beast::error_code e) { done(e); });
        },
        [&] { CloseHttpSocket(); });
    if (ec) {
      http_.reset();
      return false;
    }
    http_->socket().set_option(tcp::no_delay(true), ec);  // as browsers do: no Nagle delay
    return true;
  }

  // One exchange on the keep-alive connection (connecting first when needed). A reused
  // connection that turns out closed is re-opened and the request sent once more.
  HttpAnswer Request(http::verb method, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!http_ && !ConnectHttp()) return {};
      const bool reused = requests_on_connection_ > 0;
      http::request<http::string_body> req{method, target, 11};
      req.set(http::field::host, "127.0.0.1:" + std::to_string(endpoint_.port()));
      req.set(http::field::user_agent, "moodtape-e2e-bench");
      req.set(http::field::accept, "application/json");
      for (const auto& [name, value] : headers) req.set(name, value);
      if (!body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = body;
      }
      req.keep_alive(true);
      req.prepare_payload();
      beast::error_code ec = Run(
          kIoTimeout,
          [&](auto done) {
            http::async_write(*http_, req, [done](beast::error_code e, std::size_t) { done(e); });
          },
          [&] { CloseHttpSocket(); });
      http::response<http::string_body> res;
      if (!ec) {
        ec = Run(
            kIoTimeout,
            [&](auto done) {
              http::async_read(*http_, http_buffer_, res,
                               [done](beast::error_code e, std::size_t) { done(e); });
            },
            [&] { CloseHttpSocket(); });
      }
      if (ec) {
        CloseHttp();
        if (reused && ec != asio::error::timed_out) continue;  // the server closed it meanwhile
        return {};
      }
      ++requests_on_connection_;
      if (!res.keep_alive()) CloseHttp();
      return {static_cast<int>(res.result_int()), std::move(res.body())};
    }
    return {};
  }

  bool ws_open() const { return ws_ != nullptr && ws_->is_open(); }

  bool OpenWs(const std::string& bearer, std::string* why) {
    ws_ = std::make_unique<websocket::stream<beast::tcp_stream>>(ioc_);
    ws_buffer_.clear();
    ++connects_;
    beast::error_code ec = Run(
        kIoTimeout,
        [&](auto done) {
          beast::get_lowest_layer(*ws_).async_connect(endpoint_,
                                                      [done](beast::error_code e) { done(e); });
        },
        [&] { CloseWs(); });
    if (!ec) {
      beast::get_lowest_layer(*ws_).socket().set_option(tcp::no_delay(true), ec);
      ws_->set_option(websocket::stream_base::decorator([bearer](websocket::request_type& req) {
        req.set(http::field::user_agent, "moodtape-e2e-bench");
        req.set(http::field::authorization, "Bearer " + bearer);
      }));
      websocket::response_type res;
      ec = Run(
          kIoTimeout,
          [&](auto done) {
            ws_->async_handshake(res, "127.0.0.1:" + std::to_string(endpoint_.port()), "/api/v1/ws",
                                 [done](beast::error_code e) { done(e); });
          },
          [&] { CloseWs(); });
      if (ec && why) *why = "upgrade: HTTP " + std::to_string(res.result_int()) + " " + res.body();
    } else if (why) {
      *why = "connect: " + ec.message();
    }
    if (ec) {
      CloseWs();
      ws_.reset();
      return false;
    }
    return true;
  }

  bool SendWs(const std::string& text) {
    if (!ws_open()) return false;
    beast::error_code ec = Run(
        kIoTimeout,
        [&](auto done) {
          ws_->async_write(asio::buffer(text),
                           [done](beast::error_code e, std::size_t) { done(e); });
        },
        [&] { CloseWs(); });
    if (ec) ws_.reset();
    return !ec;
  }

  // The next text frame; false on timeout (the socket is then closed) or a broken socket.
  bool ReadWs(std::chrono::milliseconds timeout, std::string* text) {
    if (!ws_open()) return false;
    ws_buffer_.clear();
    beast::error_code ec = Run(
        timeout,
        [&](auto done) {
          ws_->async_read(ws_buffer_, [done](beast::error_code e, std::size_t) { done(e); });
        },
        [&] { CloseWs(); });
    if (ec) {
      ws_.reset();
      return false;
    }
    *text = beast::buffers_to_string(ws_buffer_.data());
    return true;
  }

  int connects() const { return connects_; }

 private:
  // Starts one operation (which calls `done` exactly once) and runs it for at most `timeout`;
  // on timeout `cancel` closes the socket so the operation ends, and timed_out is returned.
  template <typename Start, typename Cancel>
  beast::error_code Run(std::chrono::milliseconds timeout, Start start, Cancel cancel) {
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
      cancel();
      ioc_.restart();
      ioc_.run_for(1s);
      return asio::error::timed_out;
    }
    return result;
  }

  // Closes the socket only (a pending operation still refers to the stream).
  void CloseHttpSocket() {
    if (!http_) return;
    beast::error_code ignored;
    http_->socket().shutdown(tcp::socket::shutdown_both, ignored);
    http_->socket().close(ignored);
  }
  void CloseHttp() {
    CloseHttpSocket();
    http_.reset();
  }
  void CloseWs() {
    if (!ws_) return;
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
  }

  asio::io_context ioc_;
  tcp::endpoint endpoint_;
  std::unique_ptr<beast::tcp_stream> http_;
  beast::flat_buffer http_buffer_;
  int requests_on_connection_ = 0;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws_;
  beast::flat_buffer ws_buffer_;
  int connects_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The benchmark user's tokens (bearer client: tokens in the body, X-Token-Delivery: body).

class Session {
 public:
  explicit Session(int port) : port_(port) {}

  bool SignUp(std::string* why) {
    GatewayConnection conn(port_);
    const json body = {{"username", "bench"},
                       {"email", "bench@example.org"},
                       {"password", "correct horse battery staple, benchmarked"}};
    HttpAnswer a = conn.Request(http::verb::post, "/api/v1/auth/signup", body.dump(),
                                {{"X-Token-Delivery", "body"}});
    std::lock_guard lock(mu_);
    if (a.status != 201 || !Take(a.body)) {
      *why = "sign-up answered " + std::to_string(a.status) + ": " + a.body;
      return false;
    }
    return true;
  }

  std::string Access() {
    std::lock_guard lock(mu_);
    return access_;
  }

  // Refreshes unless another client already replaced `seen` (refresh tokens rotate, and a reused
  // one revokes the family, so only one refresh per token).
  bool Refresh(const std::string& seen) {
    std::lock_guard lock(mu_);
    if (access_ != seen) return true;
    GatewayConnection conn(port_);
    HttpAnswer a =
        conn.Request(http::verb::post, "/api/v1/auth/refresh",
                     json{{"refresh_token", refresh_}}.dump(), {{"X-Token-Delivery", "body"}});
    ++refreshes_;
    return a.status == 200 && Take(a.body);
  }

  void RefreshIfOld() {
    std::string seen;
    {
      std::lock_guard lock(mu_);
      if (Clock::now() - obtained_ < kRefreshAfter) return;
      seen = access_;
    }
    Refresh(seen);
  }

  int refreshes() {
    std::lock_guard lock(mu_);
    return refreshes_;
  }

 private:
  bool Take(const std::string& body) {
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("access_token") || !j.contains("refresh_token")) return false;
    access_ = j["access_token"].get<std::string>();
    refresh_ = j["refresh_token"].get<std::string>();
    obtained_ = Clock::now();
    return true;
  }

  int port_;
  std::mutex mu_;
  std::string access_, refresh_;
  Clock::time_point obtained_;
  int refreshes_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Texts.

const std::vector<std::string> kEmotions = {
    "anger", "boredom", "empty",  "enthusiasm", "fun",      "happiness", "hate",
    "love",  "neutral", "relief", "sadness",    "surprise", "worry"};

const std::vector<std::string> kWords = {
    "tired",     "happy",    "exams",    "rain",    "coffee",   "lonely",   "friends",  "music",
    "late",      "night",    "morning",  "work",    "deadline", "sunny",    "beach",    "angry",
    "traffic",   "excited",  "weekend",  "party",   "bored",    "nothing",  "matters",  "love",
    "heart",     "broken",   "relieved", "finally", "done",     "worried",  "tomorrow", "interview",
    "surprised", "gift",     "family",   "dinner",  "quiet",    "empty",    "room",     "dancing",
    "laughing",  "crying",   "calm",     "storm",   "waiting",  "train",    "home",     "city",
    "summer",    "winter",   "cold",     "warm",    "tea",      "book",     "movie",    "game",
    "won",       "lost",     "again",    "always",  "never",    "today",    "really",   "so",
    "very",      "just",     "feel",     "feeling", "hate",     "mondays",  "sleep",    "awake",
    "stressed",  "proud",    "grateful", "nervous", "hopeful",  "sick",     "better",   "worse",
    "alone",     "together", "running",  "walking", "sea",      "mountain", "road",     "trip",
    "news",      "letter",   "phone",    "call",    "miss",     "you",      "me",       "us",
    "dog",       "cat",      "garden",   "flowers"};

const std::vector<std::pair<std::string, std::string>> kWarmTexts = {
    {"exhausted after exams, nothing matters", "enthusiasm"},
    {"so happy the sun is finally out", "relief"},
    {"my flight got cancelled again", "fun"},
    {"missing my friends tonight", "love"},
    {"nervous about the interview tomorrow", "relief"},
    {"we won the game!", "happiness"},
    {"stuck in traffic for two hours", "neutral"},
    {"lazy sunday with tea and a book", "boredom"},
    {"I can't stop worrying about money", "happiness"},
    {"just got the best news ever", "surprise"},
    {"rainy monday, nothing to do", "enthusiasm"},
    {"angry at my landlord", "relief"},
    {"dancing in the kitchen", "fun"},
    {"feeling empty since she left", "love"},
    {"grateful for my family", "happiness"},
    {"bored out of my mind at work", "fun"},
};

// A distinct text for every `serial` (three words encode it), among five random words.
std::string ColdText(std::uint64_t serial, std::mt19937_64& rng) {
  const std::size_t n = kWords.size();
  std::vector<std::string> words = {kWords[serial % n], kWords[(serial / n) % n],
                                    kWords[(serial / n / n) % n]};
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  for (int i = 0; i < 5; ++i) words.push_back(kWords[pick(rng)]);
  // The encoding words keep their places (all words are distinct single words), so two serials
  // never give the same text.
  std::string text = "feeling " + words[3] + " " + words[0] + " " + words[4] + " " + words[1] +
                     " " + words[5] + " " + words[2] + " " + words[6] + " " + words[7];
  return text;
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

struct CacheCounts {
  std::map<std::string, double> values;  // "emotion/hit" -> n
  double Get(const std::string& cache, const std::string& outcome) const {
    auto it = values.find(cache + "/" + outcome);
    return it == values.end() ? 0 : it->second;
  }
};

CacheCounts ReadCacheCounts(int worker_admin_port) {
  CacheCounts counts;
  const auto reply = moodtape::testing::HttpExchange("GET", worker_admin_port, "/metrics");
  std::istringstream lines(reply.body);
  std::string line;
  const std::string prefix = "moodtape_cache_requests_total{";
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    auto label = [&](const std::string& name) {
      const auto at = line.find(name + "=\"");
      if (at == std::string::npos) return std::string();
      const auto from = at + name.size() + 2;
      return line.substr(from, line.find('"', from) - from);
    };
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    counts.values[label("cache") + "/" + label("outcome")] = std::atof(line.c_str() + space + 1);
  }
  return counts;
}

// Hits (own or another asker's) over lookups, in %, between two readings; -1 without lookups.
double HitPercent(const CacheCounts& before, const CacheCounts& after, const std::string& cache) {
  auto delta = [&](const std::string& outcome) {
    return after.Get(cache, outcome) - before.Get(cache, outcome);
  };
  const double hits = delta("hit") + delta("wait_hit");
  const double all = hits + delta("miss") + delta("bypass");
  return all > 0 ? 100.0 * hits / all : -1;
}

struct Row {
  std::string caches;
  int clients = 0;
  int ok = 0;
  int not_accepted = 0;  // submit answered with anything but 202 (or not at all)
  int not_done = 0;      // accepted, but not succeeded within kJobTimeout (or failed/dead)
  std::map<std::string, int> reasons;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0, submit_p50_ms = 0;
  double emotion_hit = -1, playlist_hit = -1;
  int connects = 0;
  double rate() const { return seconds > 0 ? ok / seconds : 0; }
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// What one job ended as, with a reason when it did not succeed.
enum class Outcome { kSucceeded, kNotAccepted, kNotDone };

struct JobRequest {
  std::string text;
  std::string desired_emotion;
};

class Client {
 public:
  Client(int port, Session& session) : conn_(port), session_(session) {}

  // Opens both connections before the clock starts.
  void Prepare() {
    conn_.ConnectHttp();
    conn_.OpenWs(session_.Access(), nullptr);
  }

  Outcome Run(const JobRequest& job, double* submit_ms, std::string* reason) {
    const auto t0 = Clock::now();
    const std::string body =
        json{{"text", job.text}, {"desired_emotion", job.desired_emotion}}.dump();
    std::string bearer = session_.Access();
    HttpAnswer a = Submit(body, bearer);
    if (a.status == 401 && session_.Refresh(bearer)) {
      bearer = session_.Access();
      a = Submit(body, bearer);
    }
    *submit_ms = Ms(Clock::now() - t0);
    if (a.status != 202) {
      *reason = a.status == 0 ? "submit: no answer" : "submit: HTTP " + std::to_string(a.status);
      return Outcome::kNotAccepted;
    }
    const json accepted = json::parse(a.body, nullptr, false);
    if (!accepted.is_object() || !accepted.contains("job_id") || !accepted["job_id"].is_string()) {
      *reason = "submit: 202 without a job id";
      return Outcome::kNotAccepted;
    }
    const std::string job_id = accepted["job_id"].get<std::string>();

    const auto deadline = t0 + kJobTimeout;
    if (!conn_.ws_open() && !conn_.OpenWs(bearer, reason)) {
      *reason = "websocket: " + *reason;
      return Outcome::kNotDone;
    }
    if (!conn_.SendWs(json{{"type", "subscribe"}, {"job_id", job_id}}.dump())) {
      *reason = "websocket: subscribe not sent";
      return Outcome::kNotDone;
    }
    Outcome outcome = Outcome::kNotDone;
    *reason = "not succeeded within 30 s";
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      std::string text;
      if (left <= 0ms || !conn_.ReadWs(left, &text)) break;  // a timeout closes the socket
      const json frame = json::parse(text, nullptr, false);
      if (!frame.is_object() || frame.value("job_id", "") != job_id) continue;
      if (frame.value("type", "") == "error") {
        *reason = "websocket error " + frame.value("code", "");
        break;
      }
      const std::string state = frame.value("state", "");
      if (state == "succeeded") {
        outcome = Outcome::kSucceeded;
        break;
      }
      if (state == "failed" || state == "dead") {
        *reason = "job " + state;
        break;
      }
    }
    if (conn_.ws_open()) conn_.SendWs(json{{"type", "unsubscribe"}, {"job_id", job_id}}.dump());
    return outcome;
  }

  int connects() const { return conn_.connects(); }

 private:
  HttpAnswer Submit(const std::string& body, const std::string& bearer) {
    return conn_.Request(http::verb::post, "/api/v1/moods", body,
                         {{"Authorization", "Bearer " + bearer}});
  }

  GatewayConnection conn_;
  Session& session_;
};

using MakeJob = std::function<JobRequest(int index, std::mt19937_64& rng)>;

Row RunScenario(int port, int worker_admin_port, Session& session, const std::string& caches,
                int clients, int max_jobs, std::chrono::seconds budget, const MakeJob& make) {
  Row row;
  row.caches = caches;
  row.clients = clients;
  session.RefreshIfOld();
  const CacheCounts before = ReadCacheCounts(worker_admin_port);

  std::mutex mu;
  std::vector<double> latencies, submits;
  std::atomic<int> next{0};
  std::latch prepared(clients), go(1);
  Clock::time_point start, deadline;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937_64 rng(0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(c + 1) +
                          static_cast<std::uint64_t>(clients));
      Client client(port, session);
      client.Prepare();
      prepared.count_down();
      go.wait();
      std::vector<double> mine, mine_submits;
      std::map<std::string, int> reasons;
      int not_accepted = 0, not_done = 0;
      for (;;) {
        const int i = next.fetch_add(1);
        if (i >= max_jobs || Clock::now() >= deadline) break;
        const JobRequest job = make(i, rng);
        const auto t0 = Clock::now();
        double submit_ms = 0;
        std::string reason;
        const Outcome outcome = client.Run(job, &submit_ms, &reason);
        if (outcome == Outcome::kSucceeded) {
          mine.push_back(Ms(Clock::now() - t0));
        } else {
          ++(outcome == Outcome::kNotAccepted ? not_accepted : not_done);
          ++reasons[reason];
        }
        if (outcome != Outcome::kNotAccepted) mine_submits.push_back(submit_ms);
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      submits.insert(submits.end(), mine_submits.begin(), mine_submits.end());
      row.not_accepted += not_accepted;
      row.not_done += not_done;
      for (const auto& [r, n] : reasons) row.reasons[r] += n;
      row.connects += client.connects();
    });
  }
  prepared.wait();  // every client has opened its connections: the clock starts now
  start = Clock::now();
  deadline = start + budget;
  go.count_down();
  for (auto& t : threads) t.join();
  row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  row.ok = static_cast<int>(latencies.size());
  row.p50_ms = Percentile(latencies, 0.5);
  row.p99_ms = Percentile(latencies, 0.99);
  row.submit_p50_ms = Percentile(submits, 0.5);
  const CacheCounts after = ReadCacheCounts(worker_admin_port);
  row.emotion_hit = HitPercent(before, after, "emotion");
  row.playlist_hit = HitPercent(before, after, "playlist");
  return row;
}

std::string HitText(double percent) {
  if (percent < 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f", percent);
  return buf;
}

}  // namespace

int main(int /*argc*/, char** /*argv*/) {  // Google Benchmark flags from `make bench`: ignored
  signal(SIGPIPE, SIG_IGN);
  std::chrono::seconds budget = kDefaultBudget;
  if (const char* s = std::getenv("MOODTAPE_E2E_BENCH_SECONDS"); s && std::atoi(s) > 0) {
    budget = std::min(kDefaultBudget, std::chrono::seconds(std::atoi(s)));
  }
  const std::string bin_dir = std::string(MOODTAPE_BINARY_DIR) + "/bin";
  const std::string out_dir = std::string(MOODTAPE_BINARY_DIR) + "/bench";
  std::filesystem::create_directories(out_dir);
  auto give_up = [&](const std::string& why) {
    std::printf("mood_e2e_bench: %s\n", why.c_str());
    std::ofstream(out_dir + "/mood_e2e.json") << json{{"error", why}}.dump(2) << "\n";
    return 1;
  };
  for (const char* needed :
       {"moodtape-launcher", "moodtape-gateway", "moodtape-worker", "moodtape-store",
        "moodtape-auth", "moodtape-emotion", "moodtape-playlist"}) {
    if (access((bin_dir + "/" + needed).c_str(), X_OK) != 0) {
      return give_up(std::string(needed) + " is not built in " + bin_dir);
    }
  }

  TempDir dir;
  const int http_port = FreePort();
  const auto env = HermeticEnv(dir, FreePort(), http_port, bin_dir);
  const int worker_admin_port = PortOf(env.at("MOODTAPE_WORKER_ADMIN_ADDRESS"));
  std::printf("starting moodtape (launcher, %s) ...\n", bin_dir.c_str());
  std::fflush(stdout);
  const auto launch_start = Clock::now();
  ChildProcess launcher({bin_dir + "/moodtape-launcher"}, env, dir.File("launcher.out"),
                        moodtape::testing::SourceDir());
  std::string why;
  if (!moodtape::testing::WaitUntilUp(launcher, 180s, &why)) return give_up(why);

  std::printf("up in %.1f s\n", std::chrono::duration<double>(Clock::now() - launch_start).count());
  std::fflush(stdout);

  int status = 0;
  std::vector<Row> rows;
  Session session(http_port);
  if (!session.SignUp(&why)) {
    status = give_up(why);
  } else {
    std::atomic<std::uint64_t> serial{0};
    const MakeJob cold = [&](int, std::mt19937_64& rng) {
      std::uniform_int_distribution<std::size_t> emotion(0, kEmotions.size() - 1);
      return JobRequest{ColdText(serial.fetch_add(1), rng), kEmotions[emotion(rng)]};
    };
    const MakeJob warm = [&](int i, std::mt19937_64&) {
      const auto& [text, want] = kWarmTexts[static_cast<std::size_t>(i) % kWarmTexts.size()];
      return JobRequest{text, want};
    };
    // Not measured: the first jobs open the worker's and gateway's channels.
    RunScenario(http_port, worker_admin_port, session, "start-up", 2, 8, 30s, cold);
    for (int clients : {1, 16, 64}) {
      rows.push_back(RunScenario(http_port, worker_admin_port, session, "cold", clients, kMaxJobs,
                                 budget, cold));
      std::printf("  cold, %d clients: %d jobs\n", clients, rows.back().ok);
      std::fflush(stdout);
    }
    const Row pass = RunScenario(http_port, worker_admin_port, session, "warm-up pass", 1,
                                 static_cast<int>(kWarmTexts.size()), 60s, warm);
    std::printf("  warm-up pass: %d of %zu texts\n", pass.ok, kWarmTexts.size());
    for (int clients : {1, 16, 64}) {
      rows.push_back(RunScenario(http_port, worker_admin_port, session, "warm", clients, kMaxJobs,
                                 budget, warm));
      std::printf("  warm, %d clients: %d jobs\n", clients, rows.back().ok);
      std::fflush(stdout);
    }
  }

  launcher.Signal(SIGINT);
  const int exit_status = launcher.Wait(60s);
  if (exit_status == -1) std::printf("the launcher did not stop within 60 s (SIGTERM next)\n");
  if (status != 0) return status;

  std::printf("\n%-14s %7s %6s %7s %8s %8s %8s %8s %10s %8s %8s\n", "mood e2e", "clients", "jobs",
              "not 202", "not done", "jobs/s", "p50 ms", "p99 ms", "submit p50", "emo hit%",
              "pl hit%");
  json out = {{"rows", json::array()},
              {"wait",
               "websocket (one per client), keep-alive HTTP, connections opened before "
               "the clock"},
              {"worker_concurrency", kWorkerConcurrency},
              {"warm_texts", kWarmTexts.size()},
              {"max_jobs", kMaxJobs},
              {"budget_s", budget.count()},
              {"token_refreshes", session.refreshes()}};
  for (const Row& r : rows) {
    std::printf("%-14s %7d %6d %7d %8d %8.1f %8.1f %8.1f %10.1f %8s %8s\n", r.caches.c_str(),
                r.clients, r.ok, r.not_accepted, r.not_done, r.rate(), r.p50_ms, r.p99_ms,
                r.submit_p50_ms, HitText(r.emotion_hit).c_str(), HitText(r.playlist_hit).c_str());
    out["rows"].push_back({{"caches", r.caches},
                           {"clients", r.clients},
                           {"jobs", r.ok},
                           {"not_accepted", r.not_accepted},
                           {"not_done", r.not_done},
                           {"failure_reasons", r.reasons},
                           {"seconds", r.seconds},
                           {"rate", r.rate()},
                           {"p50_ms", r.p50_ms},
                           {"p99_ms", r.p99_ms},
                           {"submit_p50_ms", r.submit_p50_ms},
                           {"emotion_cache_hit_percent", r.emotion_hit},
                           {"playlist_cache_hit_percent", r.playlist_hit},
                           {"connects", r.connects}});
  }
  for (const Row& r : rows) {
    for (const auto& [reason, n] : r.reasons) {
      std::printf("  %s, %d clients: %d x %s\n", r.caches.c_str(), r.clients, n, reason.c_str());
    }
  }
  std::ofstream(out_dir + "/mood_e2e.json") << out.dump(2) << "\n";
  std::printf("wrote %s/mood_e2e.json\n", out_dir.c_str());
  return 0;
}
