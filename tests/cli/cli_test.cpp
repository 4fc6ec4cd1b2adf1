// The built `moodtape` binary against an in-process fake gateway (the platform HttpServer on
// 127.0.0.1, port 0) that speaks the documented REST + WebSocket API. The real job routes are
// being written concurrently; once they exist this should also run against the launcher.
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <mutex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "platform/http/server.h"
#include "platform/observability/metrics.h"
#include "tests/cli/sample_job.h"
#include "tests/support/test_support.h"

namespace moodtape::cli {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using platform::ErrorCode;
using platform::ErrorResponse;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::JsonResponse;
using platform::MakeError;
using platform::WebSocketSession;
using platform::WebSocketUpgrade;
using ::testing::HasSubstr;
using ::testing::Not;

json Event(const std::string& job, int seq, const std::string& stage, const std::string& state,
           json data = json::object()) {
  return {{"type", "event"}, {"job_id", job},  {"seq", seq},
          {"stage", stage},  {"state", state}, {"data", std::move(data)}};
}

class FakeGateway {
 public:
  FakeGateway() {
    platform::HttpServerOptions options;
    options.address = "127.0.0.1:0";
    server_ = std::make_unique<platform::HttpServer>(options, metrics_);
    server_->Handle("POST", "/api/v1/auth/signup", [this](const HttpRequest& r) {
      json body = json::parse(r.body);
      std::lock_guard lock(mu_);
      last_password_ = body.value("password", "");
      return Session(r, 201, body.value("username", ""));
    });
    server_->Handle("POST", "/api/v1/auth/login", [this](const HttpRequest& r) {
      json body = json::parse(r.body);
      std::lock_guard lock(mu_);
      last_password_ = body.value("password", "");
      if (last_password_ != "correct horse battery") {
        return ErrorResponse(MakeError(ErrorCode::kUnauthenticated, "wrong login or password"),
                             r.request_id);
      }
      return Session(r, 200, body.value("login", ""));
    });
    server_->Handle("POST", "/api/v1/auth/refresh", [this](const HttpRequest& r) {
      json body = json::parse(r.body);
      std::lock_guard lock(mu_);
      ++refreshes_;
      if (!refresh_tokens_.erase(body.value("refresh_token", ""))) {
        return ErrorResponse(MakeError(ErrorCode::kUnauthenticated, "refresh token revoked"),
                             r.request_id);
      }
      return Session(r, 200, "ada");
    });
    server_->Handle("POST", "/api/v1/auth/logout", [this](const HttpRequest& r) {
      std::lock_guard lock(mu_);
      refresh_tokens_.erase(json::parse(r.body).value("refresh_token", ""));
      ++logouts_;
      return JsonResponse(200, {{"status", "logged_out"}});
    });
    server_->Handle("POST", "/api/v1/moods", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return *refused;
      json body = json::parse(r.body);
      std::lock_guard lock(mu_);
      std::string id = "job-" + std::to_string(++jobs_);
      job_text_[id] = body.value("text", "");
      return JsonResponse(202, {{"job_id", id},
                                {"state", "queued"},
                                {"duplicate", false},
                                {"status_url", "/api/v1/jobs/" + id},
                                {"ws_url", "/api/v1/ws"}});
    });
    server_->Handle("GET", "/api/v1/history", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return *refused;
      std::lock_guard lock(mu_);
      last_query_ = r.target;
      return JsonResponse(200, {{"items",
                                 {{{"job_id", "job-7"},
                                   {"text", "exhausted after exams"},
                                   {"desired_emotion", "calm"},
                                   {"predicted_emotion", "sad"},
                                   {"start", {{"valence", -0.6}, {"arousal", -0.4}}},
                                   {"target", {{"valence", 0.3}, {"arousal", -0.5}}},
                                   {"playlist", samples::SamplePlaylist()["tracks"]},
                                   {"created_at_ms", 1714564800000}}}},
                                {"next_cursor", "next-page"}});
    });
    server_->HandlePrefix(std::string(platform::HttpServer::kAnyMethod),
                          "/api/v1/admin/dead-letters",
                          [this](const HttpRequest& r) { return DeadLetters(r); });
    server_->HandleWebSocket("/api/v1/ws", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return WebSocketUpgrade::Refuse(*refused);
      WebSocketUpgrade u;
      u.on_message = [this](const std::shared_ptr<WebSocketSession>& s, const std::string& text) {
        json m = json::parse(text, nullptr, false);
        if (m.value("type", "") != "subscribe") {
          s->Send(json{{"type", "error"}, {"code", "invalid_argument"}, {"message", "?"}}.dump());
          return;
        }
        Play(s, m.value("job_id", ""));
      };
      return u;
    });
    server_->Start();
  }

  ~FakeGateway() { server_->Stop(std::chrono::steady_clock::now() + 2s); }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->Port()); }

  // Tokens the fake accepts; tests make access tokens "expire" by removing them.
  void Accept(const std::string& access, const std::string& refresh) {
    std::lock_guard lock(mu_);
    if (!access.empty()) access_tokens_.insert(access);
    if (!refresh.empty()) refresh_tokens_.insert(refresh);
  }
  // An access token that works for one request only (expires between the POST and the WS).
  void AcceptOnce(const std::string& access) {
    std::lock_guard lock(mu_);
    once_tokens_.insert(access);
  }
  void Admin(const std::string& access) {
    std::lock_guard lock(mu_);
    admins_.insert(access);
  }
  std::string last_password() {
    std::lock_guard lock(mu_);
    return last_password_;
  }
  std::string last_query() {
    std::lock_guard lock(mu_);
    return last_query_;
  }
  int refreshes() {
    std::lock_guard lock(mu_);
    return refreshes_;
  }
  int logouts() {
    std::lock_guard lock(mu_);
    return logouts_;
  }

 private:
  HttpResponse Session(const HttpRequest& r, int status, const std::string& username) {
    if (r.Header("x-token-delivery") != "body") {
      return ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "cookies only"), r.request_id);
    }
    std::string n = std::to_string(++sessions_);
    access_tokens_.insert("access-" + n);
    refresh_tokens_.insert("refresh-" + n);
    return JsonResponse(status, {{"user", {{"username", username}}},
                                 {"access_token_expires_at", "2030-01-01T00:00:00Z"},
                                 {"token_type", "Bearer"},
                                 {"access_token", "access-" + n},
                                 {"refresh_token", "refresh-" + n},
                                 {"refresh_token_expires_at", "2030-02-01T00:00:00Z"}});
  }

  std::optional<HttpResponse> Authenticate(const HttpRequest& r) {
    const std::string& header = r.Header("authorization");
    std::lock_guard lock(mu_);
    std::string token = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : "";
    if (access_tokens_.count(token) || once_tokens_.erase(token)) return std::nullopt;
    return ErrorResponse(MakeError(ErrorCode::kUnauthenticated, "access token expired"),
                         r.request_id);
  }

  HttpResponse DeadLetters(const HttpRequest& r) {
    if (auto refused = Authenticate(r)) return *refused;
    {
      std::lock_guard lock(mu_);
      if (!admins_.count(r.Header("authorization").substr(7))) {
        return ErrorResponse(MakeError(ErrorCode::kPermissionDenied, "admin only"), r.request_id);
      }
      last_query_ = r.method + " " + r.target;
    }
    json letter = {{"job_id", "job-dead"},
                   {"type", "mood"},
                   {"owner", "u-1"},
                   {"error", "emotion service unavailable"},
                   {"error_code", "unavailable"},
                   {"state", "dead"},
                   {"attempts", 3},
                   {"history", {"attempt 1: timeout", "attempt 2: timeout"}},
                   {"payload", {{"text", "gloomy"}}},
                   {"enqueued_at_ms", 1714564800000},
                   {"failed_at_ms", 1714564805000}};
    const std::string base = "/api/v1/admin/dead-letters";
    if (r.path == base && r.method == "GET") {
      return JsonResponse(200, {{"items", {letter}}, {"next_cursor", nullptr}});
    }
    if (r.path == base && r.method == "DELETE") return JsonResponse(200, {{"purged", 4}});
    if (r.path == base + "/job-dead" && r.method == "GET") return JsonResponse(200, letter);
    if (r.path == base + "/job-dead/replay" && r.method == "POST") {
      return JsonResponse(202, {{"job_id", "job-dead"}, {"state", "queued"}});
    }
    return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such dead letter"), r.request_id);
  }

  // The stages of a job, chosen by its text: "fail" -> retried then dead-lettered; "done" -> a
  // final snapshot with the result; anything else -> every stage, then succeeded.
  void Play(const std::shared_ptr<WebSocketSession>& s, const std::string& job) {
    std::string text;
    {
      std::lock_guard lock(mu_);
      text = job_text_[job];
    }
    if (text.find("done") != std::string::npos) {
      s->Send(json{{"type", "snapshot"},
                   {"job_id", job},
                   {"seq", 7},
                   {"state", "succeeded"},
                   {"stage", "succeeded"},
                   {"result", samples::SampleResult()}}
                  .dump());
      return;
    }
    s->Send(json{
        {"type", "snapshot"}, {"job_id", job}, {"seq", 1}, {"state", "queued"}, {"stage", "queued"}}
                .dump());
    s->Send(Event(job, 2, "running", "running", {{"attempt", 1}}).dump());
    if (text.find("fail") != std::string::npos) {
      s->Send(Event(job, 3, "retrying", "retrying", {{"error", "emotion timed out"}}).dump());
      s->Send(
          Event(job, 4, "dead", "dead",
                {{"error", {{"code", "unavailable"}, {"message", "emotion service unavailable"}}}})
              .dump());
      return;
    }
    s->Send(Event(job, 3, "emotion", "running", samples::SampleEmotion()).dump());
    s->Send(Event(job, 4, "playlist", "running", samples::SamplePlaylist()).dump());
    s->Send(Event(job, 5, "saved", "running", {{"history_id", "h-42"}}).dump());
    s->Send(Event(job, 6, "succeeded", "succeeded").dump());
  }

  platform::MetricsRegistry metrics_;
  std::unique_ptr<platform::HttpServer> server_;
  std::mutex mu_;
  std::set<std::string> access_tokens_, refresh_tokens_, admins_, once_tokens_;
  std::map<std::string, std::string> job_text_;
  std::string last_password_, last_query_;
  int sessions_ = 0, jobs_ = 0, refreshes_ = 0, logouts_ = 0;
};

struct Outcome {
  int code = -1;
  std::string output;  // stdout and stderr together
};

class CliTest : public ::testing::Test {
 protected:
  // Runs build/bin/moodtape with `stdin_text` piped in, XDG_CONFIG_HOME in a temp dir and the
  // fake gateway as MOODTAPE_GATEWAY_URL.
  Outcome Run(std::vector<std::string> args, const std::string& stdin_text = "") {
    std::string log = dir_.File("out-" + std::to_string(++runs_) + ".log");
    std::vector<std::string> argv = {"/bin/sh", "-c", "printf '%s\\n' \"$MT_STDIN\" | exec \"$@\"",
                                     "sh", testing::BinaryDir() + "/bin/moodtape"};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::ChildProcess child(argv,
                                {{"MT_STDIN", stdin_text},
                                 {"XDG_CONFIG_HOME", dir_.File("config")},
                                 {"MOODTAPE_GATEWAY_URL", gateway_.Url()}},
                                log);
    int status = child.Wait(30s);
    Outcome out;
    out.code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    out.output = child.ReadLog();
    return out;
  }

  std::string CredentialsFile() const { return dir_.File("config/moodtape/credentials.json"); }
  json Credentials() const { return json::parse(testing::ReadFile(CredentialsFile())); }

  void WriteCredentials(const std::string& access, const std::string& refresh) {
    mkdir(dir_.File("config").c_str(), 0700);
    mkdir(dir_.File("config/moodtape").c_str(), 0700);
    FILE* f = fopen(CredentialsFile().c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs(json{{"access_token", access}, {"refresh_token", refresh}, {"username", "ada"}}
              .dump()
              .c_str(),
          f);
    fclose(f);
  }

  static int Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
    return static_cast<int>(st.st_mode & 0777);
  }

  testing::TempDir dir_;
  FakeGateway gateway_;
  int runs_ = 0;
};

TEST_F(CliTest, SignupAndLoginStorePrivateCredentialsAndLogoutRemovesThem) {
  Outcome signup =
      Run({"signup", "--username", "ada", "--email", "ada@example.com", "--password-stdin"},
          "correct horse battery");
  ASSERT_EQ(signup.code, 0) << signup.output;
  EXPECT_THAT(signup.output, HasSubstr("Signed up as ada"));
  EXPECT_EQ(gateway_.last_password(), "correct horse battery");
  EXPECT_EQ(Mode(CredentialsFile()), 0600);
  EXPECT_EQ(Mode(dir_.File("config/moodtape")), 0700);
  EXPECT_EQ(Credentials()["access_token"], "access-1");

  Outcome wrong = Run({"login", "--username", "ada", "--password-stdin"}, "nope");
  EXPECT_EQ(wrong.code, 1);
  EXPECT_THAT(wrong.output, HasSubstr("wrong login or password (HTTP 401 unauthenticated)"));
  EXPECT_THAT(wrong.output, HasSubstr("[request id "));

  Outcome login = Run({"login", "--username", "ada", "--password-stdin"}, "correct horse battery");
  ASSERT_EQ(login.code, 0) << login.output;
  EXPECT_EQ(Credentials()["access_token"], "access-2");
  EXPECT_EQ(Credentials()["refresh_token"], "refresh-2");
  EXPECT_EQ(Mode(CredentialsFile()), 0600);

  // No terminal and no --password-stdin: a usage error, nothing sent.
  Outcome no_tty = Run({"login", "--username", "ada"});
  EXPECT_EQ(no_tty.code, 2);
  EXPECT_THAT(no_tty.output, HasSubstr("--password-stdin"));

  Outcome logout = Run({"logout"});
  ASSERT_EQ(logout.code, 0) << logout.output;
  EXPECT_EQ(gateway_.logouts(), 1);
  EXPECT_EQ(testing::ReadFile(CredentialsFile()), "");
  Outcome again = Run({"history"});
  EXPECT_EQ(again.code, 1);
  EXPECT_THAT(again.output, HasSubstr("not logged in: run moodtape login"));
}

TEST_F(CliTest, MoodFollowsTheJobToThePlaylist) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome mood = Run({"mood", "exhausted after exams", "--want", "calm"});
  ASSERT_EQ(mood.code, 0) << mood.output;
  const std::string& o = mood.output;
  std::vector<std::string> in_order = {"Queued job job-1",
                                       "job job-1: queued",
                                       "running (attempt 1)",
                                       "emotion found: sad 82.0%",
                                       "playlist planned: 3 tracks",
                                       "saved to history (h-42)",
                                       "succeeded",
                                       "Emotion: sad (valence -0.60, arousal -0.40)",
                                       "most likely: sad 82.0%, calm 10.0%, happy 5.0%",
                                       "From (valence -0.60, arousal -0.40) to (valence +0.70",
                                       " 1. Grey Morning — Low Tide  [ambient, 92 bpm]",
                                       "why: closest to waypoint 0",
                                       " 3. Sunward — The Kites",
                                       "Saved to history as h-42."};
  size_t at = 0;
  for (const auto& piece : in_order) {
    size_t found = o.find(piece, at);
    ASSERT_NE(found, std::string::npos) << "missing or out of order: " << piece << "\n" << o;
    at = found + piece.size();
  }
}

TEST_F(CliTest, MoodJsonPrintsOnlyTheResultAndFinalSnapshotEndsAtOnce) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome mood = Run({"mood", "all done", "--want", "calm", "--json"});
  ASSERT_EQ(mood.code, 0) << mood.output;
  json result = json::parse(mood.output, nullptr, false);
  ASSERT_FALSE(result.is_discarded()) << mood.output;
  EXPECT_EQ(result, samples::SampleResult());
}

TEST_F(CliTest, FailedJobExitsOneWithTheError) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome mood = Run({"mood", "this will fail", "--want", "happy"});
  EXPECT_EQ(mood.code, 1) << mood.output;
  EXPECT_THAT(mood.output, HasSubstr("retrying: emotion timed out"));
  EXPECT_THAT(mood.output, HasSubstr("job job-1 failed: emotion service unavailable (unavailable) "
                                     "(dead-lettered)"));
  EXPECT_THAT(mood.output, Not(HasSubstr("Playlist")));
}

TEST_F(CliTest, ExpiredAccessTokenIsRefreshedOnceAndSaved) {
  gateway_.Accept("", "old-refresh");  // "old-access" is no longer accepted
  WriteCredentials("old-access", "old-refresh");
  Outcome mood = Run({"mood", "tired", "--want", "calm"});
  ASSERT_EQ(mood.code, 0) << mood.output;
  EXPECT_THAT(mood.output, HasSubstr("Saved to history as h-42."));
  EXPECT_EQ(gateway_.refreshes(), 1);
  EXPECT_EQ(Credentials()["access_token"], "access-1");
  EXPECT_EQ(Credentials()["refresh_token"], "refresh-1");
  EXPECT_EQ(Mode(CredentialsFile()), 0600);
}

TEST_F(CliTest, AccessTokenExpiringBeforeTheWebSocketIsRefreshed) {
  gateway_.AcceptOnce("short-lived");
  gateway_.Accept("", "ref");
  WriteCredentials("short-lived", "ref");
  Outcome mood = Run({"mood", "tired", "--want", "calm"});
  ASSERT_EQ(mood.code, 0) << mood.output;
  EXPECT_THAT(mood.output, HasSubstr("saved to history (h-42)"));
  EXPECT_EQ(gateway_.refreshes(), 1);
  EXPECT_EQ(Credentials()["access_token"], "access-1");
}

TEST_F(CliTest, RefusedRefreshSaysLoginExpired) {
  WriteCredentials("old-access", "revoked-refresh");
  Outcome history = Run({"history"});
  EXPECT_EQ(history.code, 1);
  EXPECT_THAT(history.output, HasSubstr("your login expired: run moodtape login"));
  EXPECT_EQ(gateway_.refreshes(), 1);
}

TEST_F(CliTest, GatewayDownSaysSo) {
  std::string url = "http://127.0.0.1:" + std::to_string(testing::FreePort());
  WriteCredentials("tok", "ref");
  Outcome history = Run({"--gateway", url, "history"});
  EXPECT_EQ(history.code, 1);
  EXPECT_THAT(history.output, HasSubstr("cannot reach the gateway at " + url +
                                        ": is moodtape running? (make run)"));
  Outcome login = Run({"login", "--username", "ada", "--password-stdin", "--gateway", url}, "pw");
  EXPECT_THAT(login.output, HasSubstr("cannot reach the gateway at " + url));
}

TEST_F(CliTest, HistoryPagesAndJson) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome history = Run({"history", "--limit", "5", "--cursor", "a b"});
  ASSERT_EQ(history.code, 0) << history.output;
  EXPECT_EQ(gateway_.last_query(), "/api/v1/history?limit=5&cursor=a%20b");
  EXPECT_THAT(history.output, HasSubstr("\"exhausted after exams\""));
  EXPECT_THAT(history.output, HasSubstr("felt sad"));
  EXPECT_THAT(history.output, HasSubstr("moodtape history --cursor next-page"));
  Outcome json_out = Run({"history", "--json"});
  ASSERT_EQ(json_out.code, 0);
  EXPECT_EQ(json::parse(json_out.output)["next_cursor"], "next-page");
}

TEST_F(CliTest, DeadLetterCommands) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome refused = Run({"admin", "dlq", "list"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.output, HasSubstr("admin only (HTTP 403 permission_denied) [request id"));

  gateway_.Admin("tok");
  Outcome list = Run({"admin", "dlq", "list", "--type", "mood", "--limit", "10"});
  ASSERT_EQ(list.code, 0) << list.output;
  EXPECT_EQ(gateway_.last_query(), "GET /api/v1/admin/dead-letters?type=mood&limit=10");
  EXPECT_THAT(list.output, HasSubstr("job-dead  mood  owner u-1"));
  EXPECT_THAT(list.output, HasSubstr("unavailable: emotion service unavailable"));

  Outcome show = Run({"admin", "dlq", "show", "job-dead"});
  ASSERT_EQ(show.code, 0) << show.output;
  EXPECT_THAT(show.output, HasSubstr("attempt 2: timeout"));

  Outcome replay = Run({"admin", "dlq", "replay", "job-dead"});
  ASSERT_EQ(replay.code, 0) << replay.output;
  EXPECT_THAT(replay.output, HasSubstr("Replayed job-dead"));
  EXPECT_EQ(gateway_.last_query(), "POST /api/v1/admin/dead-letters/job-dead/replay");

  Outcome missing = Run({"admin", "dlq", "show", "nope"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.output, HasSubstr("no such dead letter (HTTP 404 not_found)"));

  Outcome purge = Run({"admin", "dlq", "purge", "--type", "mood"});
  ASSERT_EQ(purge.code, 0) << purge.output;
  EXPECT_THAT(purge.output, HasSubstr("Purged 4 dead letter(s)."));
  EXPECT_EQ(gateway_.last_query(), "DELETE /api/v1/admin/dead-letters?type=mood");
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({"mood", "sad"}).code, 2);
  EXPECT_EQ(Run({"login", "--username", "ada", "--password", "x"}).code, 2);
  Outcome help = Run({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.output, HasSubstr("moodtape mood \"TEXT\" --want EMOTION"));
}

}  // namespace
}  // namespace moodtape::cli
