// The built `moodtape` binary against an in-process fake gateway (the platform HttpServer on
// 127.0.0.1, port 0) that speaks the documented REST + WebSocket API, albums and their files
// included. The real job routes are being written concurrently; once they exist this should also
// run against the launcher. The few paths that need a shorter wait than the binary's run
// RunCommand in-process against the same fake.
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "platform/http/server.h"
#include "platform/observability/metrics.h"
#include "tests/cli/sample_album.h"
#include "tests/cli/sample_job.h"
#include "tests/support/test_support.h"
#include "tools/cli/commands.h"
#include "tools/cli/gateway_client.h"

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
    RegisterAlbumRoutes();
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
  void AcceptOnce(const std::string& access) { AcceptTimes(access, 1); }
  // An access token that works for `uses` requests, then "expires".
  void AcceptTimes(const std::string& access, int uses) {
    std::lock_guard lock(mu_);
    limited_tokens_[access] = uses;
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
  json last_album_request() {
    std::lock_guard lock(mu_);
    return last_album_request_;
  }
  int subscriptions() {
    std::lock_guard lock(mu_);
    return subscriptions_;
  }
  int asset_requests() {
    std::lock_guard lock(mu_);
    return asset_requests_;
  }

  // The bytes the fake serves for an asset of the sample album; song 1's Ogg is over 8 MB, past
  // the body limit of a plain Beast read, so the download must stream.
  static std::string AssetBytes(const std::string& id) {
    size_t size = id == samples::SampleAssetId(11) ? 9'000'000 : 1000 + id.back() * 37;
    std::string bytes(size, '\0');
    for (size_t i = 0; i < size; ++i) {
      bytes[i] = static_cast<char>((i * 31 + static_cast<unsigned char>(id.back())) % 256);
    }
    return bytes;
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
    if (access_tokens_.count(token)) return std::nullopt;
    if (auto it = limited_tokens_.find(token); it != limited_tokens_.end() && it->second > 0) {
      --it->second;
      return std::nullopt;
    }
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

  void RegisterAlbumRoutes() {
    server_->Handle("GET", "/api/v1/genres", [](const HttpRequest&) {
      return JsonResponse(200, {{"genres",
                                 {{{"id", "heavy-metal"},
                                   {"name", "Heavy metal"},
                                   {"description", "distorted guitars, double kick"},
                                   {"min_tempo_bpm", 100},
                                   {"max_tempo_bpm", 180}},
                                  {{"id", "disco-polo"},
                                   {"name", "Disco polo"},
                                   {"description", "synths and a wedding"},
                                   {"min_tempo_bpm", 120},
                                   {"max_tempo_bpm", 140}}}}});
    });
    server_->Handle("POST", "/api/v1/albums", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return *refused;
      json body = json::parse(r.body);
      std::lock_guard lock(mu_);
      last_album_request_ = body;
      std::string genre = body.value("genre", "");
      if (genre != "heavy-metal" && genre != "disco-polo") {
        return ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                                       "field \"genre\" must be one of: heavy-metal, disco-polo"),
                             r.request_id);
      }
      std::string theme = body.value("theme", "");
      if (theme.find("busy") != std::string::npos) {
        HttpResponse res = ErrorResponse(
            MakeError(ErrorCode::kResourceExhausted, "too many albums: at most 5 every 60 minutes"),
            r.request_id);
        res.status = 429;
        res.SetHeader("Retry-After", "7");
        return res;
      }
      std::string id = "album-job-" + std::to_string(++jobs_);
      job_text_[id] = "album " + theme;
      return JsonResponse(202, {{"job_id", id},
                                {"state", "queued"},
                                {"duplicate", false},
                                {"seed", body.value("seed", uint64_t{4242})},
                                {"status_url", "/api/v1/jobs/" + id},
                                {"ws_url", "/api/v1/ws"}});
    });
    server_->Handle("GET", "/api/v1/jobs/{id}", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return *refused;
      const std::string& id = r.PathParam("id");
      std::lock_guard lock(mu_);
      auto text = job_text_.find(id);
      if (text == job_text_.end()) {
        return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such job"), r.request_id);
      }
      // A "quiet" album finishes without a word on the WebSocket: only its record says so.
      if (text->second.find("quiet") != std::string::npos) {
        return JsonResponse(200, {{"job_id", id},
                                  {"state", "succeeded"},
                                  {"stage", "succeeded"},
                                  {"result", samples::SampleAlbumResult()}});
      }
      return JsonResponse(200, {{"job_id", id}, {"state", "running"}, {"stage", "running"}});
    });
    server_->Handle("GET", "/api/v1/albums", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return *refused;
      std::lock_guard lock(mu_);
      last_query_ = r.target;
      return JsonResponse(200, {{"items", {samples::SampleStoredAlbum(/*with_lyrics=*/false)}},
                                {"next_cursor", "next-albums"}});
    });
    server_->Handle("GET", "/api/v1/albums/{id}", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return *refused;
      if (r.PathParam("id") != "alb-1") {
        return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such album"), r.request_id);
      }
      return JsonResponse(200, samples::SampleStoredAlbum());
    });
    server_->Handle("DELETE", "/api/v1/albums/{id}", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return *refused;
      if (r.PathParam("id") != "alb-1") {
        return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such album"), r.request_id);
      }
      return JsonResponse(200, {{"album_id", "alb-1"}, {"deleted", true}, {"deleted_assets", 14}});
    });
    server_->Handle("GET", "/api/v1/assets/{id}", [this](const HttpRequest& r) {
      if (auto refused = Authenticate(r)) return *refused;
      const std::string& id = r.PathParam("id");
      {
        std::lock_guard lock(mu_);
        ++asset_requests_;
      }
      std::string type;
      if (id == samples::SampleAssetId(1)) type = "image/png";
      for (int song = 0; song < 3 && type.empty(); ++song) {
        const json assets = samples::SampleSongAssets(song);
        if (id == assets["ogg"]) type = "audio/ogg";
        if (id == assets["mp3"]) type = "audio/mpeg";
        if (id == assets["midi"]) type = "audio/midi";
      }
      if (type.empty()) {
        return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such file"), r.request_id);
      }
      HttpResponse res;
      res.content_type = type;
      res.body = AssetBytes(id);
      return res;
    });
  }

  // An album job by its theme: "fail" -> three songs written, then failed; "drop" -> the first
  // subscription is closed at once (the CLI must subscribe again); "quiet" -> a snapshot and then
  // silence (the job's record has the result); "lost" -> succeeded, but song 2's mp3 is a file the
  // gateway does not have; anything else -> every stage, then succeeded.
  void PlayAlbum(const std::shared_ptr<WebSocketSession>& s, const std::string& job,
                 const std::string& text, int subscription) {
    if (text.find("drop") != std::string::npos && subscription == 1) {
      s->Close(1001, "going away");
      return;
    }
    int seq = 1;
    s->Send(json{{"type", "snapshot"},
                 {"job_id", job},
                 {"seq", seq++},
                 {"state", "queued"},
                 {"stage", "queued"}}
                .dump());
    if (text.find("quiet") != std::string::npos) return;
    s->Send(Event(job, seq++, "running", "running", {{"attempt", 1}}).dump());
    for (const auto& [stage, data] : samples::SampleAlbumStages()) {
      if (text.find("fail") != std::string::npos && stage == "song_rendered") {
        s->Send(Event(job, seq++, "failed", "failed",
                      {{"error", {{"code", "unavailable"}, {"message", "the producer is down"}}}})
                    .dump());
        return;
      }
      s->Send(Event(job, seq++, stage, "running", data).dump());
    }
    json album = samples::SampleAlbumResult();
    if (text.find("lost") != std::string::npos) {
      album["songs"][1]["assets"]["mp3"] = samples::SampleAssetId(99);  // the fake has no such file
    }
    s->Send(Event(job, seq++, "succeeded", "succeeded", {{"result", album}}).dump());
  }

  // The stages of a job, chosen by its text: "fail" -> retried then dead-lettered; "done" -> a
  // final snapshot with the result; anything else -> every stage, then succeeded.
  void Play(const std::shared_ptr<WebSocketSession>& s, const std::string& job) {
    std::string text;
    int subscription = 0;
    {
      std::lock_guard lock(mu_);
      text = job_text_[job];
      subscription = ++job_subscriptions_[job];
      ++subscriptions_;
    }
    if (text.rfind("album ", 0) == 0) return PlayAlbum(s, job, text, subscription);
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
  std::set<std::string> access_tokens_, refresh_tokens_, admins_;
  std::map<std::string, int> limited_tokens_;  // token -> uses left
  std::map<std::string, std::string> job_text_;
  std::map<std::string, int> job_subscriptions_;
  std::string last_password_, last_query_;
  json last_album_request_;
  int sessions_ = 0, jobs_ = 0, refreshes_ = 0, logouts_ = 0, subscriptions_ = 0;
  int asset_requests_ = 0;
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

  // The sample album's files as `--out` must write them: name -> bytes (lyrics.md aside).
  static std::map<std::string, std::string> ExpectedDownloads() {
    std::map<std::string, std::string> files = {
        {"cover.png", FakeGateway::AssetBytes(samples::SampleAssetId(1))}};
    const char* stems[] = {"01-iron-sky", "02-ember-crown", "03-ashes-wings"};
    for (int i = 0; i < 3; ++i) {
      json assets = samples::SampleSongAssets(i);
      files[std::string(stems[i]) + ".ogg"] = FakeGateway::AssetBytes(assets["ogg"]);
      files[std::string(stems[i]) + ".mp3"] = FakeGateway::AssetBytes(assets["mp3"]);
      files[std::string(stems[i]) + ".mid"] = FakeGateway::AssetBytes(assets["midi"]);
    }
    return files;
  }

  // Every file name in `dir` (hidden ones included, so a left-over temporary file shows).
  static std::set<std::string> FilesIn(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

  // Asserts that the sample album's files are all in `dir`, byte for byte, and nothing else.
  static void ExpectAlbumFiles(const std::string& dir) {
    auto expected = ExpectedDownloads();
    std::set<std::string> names = {"lyrics.md"};
    for (const auto& [name, bytes] : expected) names.insert(name);
    EXPECT_EQ(FilesIn(dir), names);
    for (const auto& [name, bytes] : expected) {
      std::string got = testing::ReadFile(dir + "/" + name);
      EXPECT_EQ(got.size(), bytes.size()) << name;
      EXPECT_TRUE(got == bytes) << name << " differs from what the gateway served";
    }
    std::string lyrics = testing::ReadFile(dir + "/lyrics.md");
    EXPECT_EQ(lyrics.rfind("# Iron Sky\n\n## 1. Iron Sky\n\n[Verse 1]  \n"
                           "Steel wings over the burning town  \n",
                           0),
              0u)
        << lyrics;
    EXPECT_THAT(lyrics, HasSubstr("\n## 2. Ember Crown!\n\n[Verse 1]  \n"
                                  "A crown of embers on her head\n"));
    EXPECT_THAT(lyrics, HasSubstr("\n## 3. Ashes & Wings\n\n[Intro]  \nAshes fall\n"));
  }

  static void ExpectInOrder(const std::string& text, const std::vector<std::string>& pieces) {
    size_t at = 0;
    for (const auto& piece : pieces) {
      size_t found = text.find(piece, at);
      ASSERT_NE(found, std::string::npos) << "missing or out of order: " << piece << "\n" << text;
      at = found + piece.size();
    }
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

TEST_F(CliTest, AlbumShowsEachStageLiveThenDownloadsEveryFile) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  std::string out_dir = dir_.File("music/iron sky");  // two levels, neither there yet
  Outcome album =
      Run({"album", "--genre", "heavy-metal", "--songs", "3", "--theme", "dragons and fire",
           "--cover", "a red dragon", "--seed", "7", "--out", out_dir});
  ASSERT_EQ(album.code, 0) << album.output;
  EXPECT_EQ(gateway_.last_album_request(), json({{"genre", "heavy-metal"},
                                                 {"songs_count", 3},
                                                 {"theme", "dragons and fire"},
                                                 {"cover_description", "a red dragon"},
                                                 {"seed", 7}}));
  ExpectInOrder(album.output, {"Queued album job album-job-1 (seed 7)\n",
                               "  job album-job-1: queued\n",
                               "  running (attempt 1)\n",
                               "  song 1 written: Iron Sky (E minor, 140 bpm)\n",
                               "  song 2 written: Ember Crown! (A minor, 150 bpm)\n",
                               "  song 3 written: Ashes & Wings (D minor, 132 bpm)\n",
                               "  song 1 rendered (3:12, -14.0 LUFS)\n",
                               "  song 2 rendered (3:05)\n",
                               "  song 3 rendered (3:23)\n",
                               "  cover drawn (dragon, fire)\n",
                               "  saved album alb-1\n",
                               "  succeeded\n",
                               "\nIron Sky\n  album:    alb-1\n",
                               "  3 songs, 9:40\n",
                               "  1.  Iron Sky       3:12  E minor, 140 bpm\n",
                               "\nDownloading 11 files into " + out_dir + "/\n",
                               "  cover.png (",
                               "  01-iron-sky.ogg (9.0 MB)\n",
                               "  03-ashes-wings.mid (",
                               "  lyrics.md (",
                               "Files are in " + out_dir + "/\n"});
  EXPECT_THAT(album.output, Not(HasSubstr("lyrics by")));
  ExpectAlbumFiles(out_dir);
}

TEST_F(CliTest, AlbumJsonPrintsOnlyTheAlbum) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome album =
      Run({"album", "--genre", "disco-polo", "--songs", "3", "--theme", "summer lake", "--json"});
  ASSERT_EQ(album.code, 0) << album.output;
  json printed = json::parse(album.output, nullptr, false);
  ASSERT_FALSE(printed.is_discarded()) << album.output;
  EXPECT_EQ(printed, samples::SampleAlbumResult());
  // Without --cover and --seed the request leaves them to the gateway; without --out no files.
  EXPECT_EQ(gateway_.last_album_request(),
            json({{"genre", "disco-polo"}, {"songs_count", 3}, {"theme", "summer lake"}}));
  EXPECT_EQ(gateway_.asset_requests(), 0);
}

TEST_F(CliTest, FailedAlbumJobExitsOneAndWritesNothing) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  std::string out_dir = dir_.File("never");
  Outcome album = Run({"album", "--genre", "heavy-metal", "--songs", "3", "--theme",
                       "this will fail", "--out", out_dir});
  EXPECT_EQ(album.code, 1) << album.output;
  ExpectInOrder(album.output,
                {"song 3 written: Ashes & Wings", "  failed: the producer is down (unavailable)\n",
                 "moodtape: job album-job-1 failed: the producer is down "
                 "(unavailable)\n"});
  EXPECT_THAT(album.output, Not(HasSubstr("rendered")));
  EXPECT_FALSE(std::filesystem::exists(out_dir));
  EXPECT_EQ(gateway_.asset_requests(), 0);
}

TEST_F(CliTest, AFailedDownloadLeavesNoPartialFile) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  std::string out_dir = dir_.File("out");
  Outcome album = Run({"album", "--genre", "heavy-metal", "--songs", "3", "--theme",
                       "lost and found", "--out", out_dir});
  EXPECT_EQ(album.code, 1) << album.output;
  EXPECT_THAT(album.output, HasSubstr("moodtape: 02-ember-crown.mp3: no such file (HTTP 404 "
                                      "not_found) [request id "));
  EXPECT_THAT(album.output, HasSubstr("(the album is saved: moodtape album show alb-1)"));
  EXPECT_THAT(album.output, Not(HasSubstr("Files are in")));
  // What came before the failure is complete; the failed file and its temporary name are gone.
  EXPECT_EQ(FilesIn(out_dir),
            std::set<std::string>({"cover.png", "01-iron-sky.ogg", "01-iron-sky.mp3",
                                   "01-iron-sky.mid", "02-ember-crown.ogg"}));
  EXPECT_TRUE(testing::ReadFile(out_dir + "/01-iron-sky.ogg") ==
              FakeGateway::AssetBytes(samples::SampleAssetId(11)));
}

TEST_F(CliTest, AlbumRefusalsShowTheGatewayMessageAndRequestId) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome genre = Run({"album", "--genre", "polka", "--songs", "3", "--theme", "accordions"});
  EXPECT_EQ(genre.code, 1);
  EXPECT_THAT(genre.output, HasSubstr("moodtape: field \"genre\" must be one of: heavy-metal, "
                                      "disco-polo (HTTP 400 invalid_argument) [request id "));
  Outcome busy = Run({"album", "--genre", "heavy-metal", "--songs", "3", "--theme", "busy day"});
  EXPECT_EQ(busy.code, 1);
  EXPECT_THAT(busy.output, HasSubstr("too many albums: at most 5 every 60 minutes (HTTP 429"));
  EXPECT_THAT(busy.output, HasSubstr("; try again in 7 s [request id "));
  EXPECT_THAT(busy.output, Not(HasSubstr("Queued")));
}

TEST_F(CliTest, AlbumDownloadsRefreshAnExpiredTokenOnce) {
  gateway_.AcceptTimes("short-lived", 2);  // the POST and the WebSocket, not the downloads
  gateway_.Accept("", "ref");
  WriteCredentials("short-lived", "ref");
  std::string out_dir = dir_.File("out");
  Outcome album = Run(
      {"album", "--genre", "heavy-metal", "--songs", "3", "--theme", "dragons", "--out", out_dir});
  ASSERT_EQ(album.code, 0) << album.output;
  EXPECT_EQ(gateway_.refreshes(), 1);
  EXPECT_EQ(Credentials()["access_token"], "access-1");
  ExpectAlbumFiles(out_dir);
}

TEST_F(CliTest, AlbumSubscribesAgainWhenTheWebSocketDrops) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome album = Run({"album", "--genre", "heavy-metal", "--songs", "3", "--theme", "drop"});
  ASSERT_EQ(album.code, 0) << album.output;
  EXPECT_EQ(gateway_.subscriptions(), 2);
  ExpectInOrder(album.output, {"song 1 written", "song 3 rendered", "saved album alb-1",
                               "succeeded", "Iron Sky"});
}

// In-process, so the quiet spell can be short: a job that ends without a word on the WebSocket
// is finished from its record.
TEST_F(CliTest, QuietAlbumJobIsFinishedFromItsRecord) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  auto inv = ParseArgs({"album", "--genre", "heavy-metal", "--songs", "3", "--theme", "quiet"},
                       gateway_.Url());
  ASSERT_TRUE(inv.ok());
  GatewayClient client(inv->gateway, CredentialsFile());
  CommandSettings settings;
  settings.album_quiet = 300ms;
  std::ostringstream out, err;
  int code = RunCommand(*inv, client, out, err, settings);
  ASSERT_EQ(code, 0) << out.str() << err.str();
  ExpectInOrder(out.str(), {"job album-job-1: queued", "job album-job-1: succeeded",
                            "Iron Sky\n  album:    alb-1"});
}

TEST_F(CliTest, GenresNeedNoLogin) {
  Outcome genres = Run({"genres"});
  ASSERT_EQ(genres.code, 0) << genres.output;
  EXPECT_THAT(genres.output, HasSubstr("heavy-metal  Heavy metal  100-180 bpm  distorted guitars"));
  EXPECT_THAT(genres.output, HasSubstr("moodtape album --genre GENRE"));
  Outcome json_out = Run({"genres", "--json"});
  ASSERT_EQ(json_out.code, 0) << json_out.output;
  EXPECT_EQ(json::parse(json_out.output)["genres"][1]["id"], "disco-polo");
}

TEST_F(CliTest, AlbumsListShowAndDelete) {
  gateway_.Accept("tok", "ref");
  WriteCredentials("tok", "ref");
  Outcome list = Run({"albums", "--limit", "5", "--cursor", "a b"});
  ASSERT_EQ(list.code, 0) << list.output;
  EXPECT_EQ(gateway_.last_query(), "/api/v1/albums?limit=5&cursor=a%20b");
  EXPECT_THAT(list.output, HasSubstr("CREATED                  ALBUM  SONGS  LENGTH  GENRE"));
  EXPECT_THAT(list.output, HasSubstr("2024-05-01 12:00:00 UTC  alb-1      3    9:40  heavy-metal  "
                                     "Iron Sky\n"));
  EXPECT_THAT(list.output, HasSubstr("More: moodtape albums --cursor next-albums"));
  Outcome list_json = Run({"albums", "--json"});
  ASSERT_EQ(list_json.code, 0) << list_json.output;
  EXPECT_EQ(gateway_.last_query(), "/api/v1/albums");
  EXPECT_EQ(json::parse(list_json.output)["next_cursor"], "next-albums");

  Outcome show = Run({"album", "show", "alb-1"});
  ASSERT_EQ(show.code, 0) << show.output;
  ExpectInOrder(show.output, {"Iron Sky\n", "  created:  2024-05-01 12:00:00 UTC\n",
                              "  1.  Iron Sky       3:12  E minor, 140 bpm\n",
                              "      Steel wings over the burning town\n",
                              "  3.  Ashes & Wings  3:23", "      Ashes fall\n"});
  Outcome show_json = Run({"album", "show", "alb-1", "--json"});
  ASSERT_EQ(show_json.code, 0) << show_json.output;
  EXPECT_EQ(json::parse(show_json.output), samples::SampleStoredAlbum());
  Outcome missing = Run({"album", "show", "someone-elses"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.output, HasSubstr("no such album (HTTP 404 not_found) [request id "));

  Outcome deleted = Run({"album", "delete", "alb-1"});
  ASSERT_EQ(deleted.code, 0) << deleted.output;
  EXPECT_EQ(deleted.output, "Deleted album alb-1; 14 files went with it.\n");
  Outcome gone = Run({"album", "delete", "nope"});
  EXPECT_EQ(gone.code, 1);
  EXPECT_THAT(gone.output, HasSubstr("no such album (HTTP 404 not_found)"));
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({"mood", "sad"}).code, 2);
  EXPECT_EQ(Run({"album", "--genre", "heavy-metal", "--songs", "3"}).code, 2);
  EXPECT_EQ(Run({"album", "--genre", "heavy-metal", "--songs", "0", "--theme", "t"}).code, 2);
  EXPECT_EQ(Run({"album", "show"}).code, 2);
  EXPECT_EQ(Run({"albums", "extra"}).code, 2);
  EXPECT_EQ(Run({"genres", "--limit", "1"}).code, 2);
  EXPECT_EQ(Run({"login", "--username", "ada", "--password", "x"}).code, 2);
  Outcome help = Run({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.output, HasSubstr("moodtape mood \"TEXT\" --want EMOTION"));
  EXPECT_THAT(help.output, HasSubstr("moodtape album show ALBUM_ID"));
}

}  // namespace
}  // namespace moodtape::cli
