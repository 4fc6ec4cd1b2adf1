// Starts the built moodtape-gateway binary the way an operator would: environment overrides,
// no config file, readiness probed with a deadline, SIGTERM to stop.
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace moodtape::gateway {
namespace {

using ::moodtape::testing::BinaryDir;
using ::moodtape::testing::ChildProcess;
using ::moodtape::testing::FreePort;
using ::moodtape::testing::HttpRequest;
using ::moodtape::testing::TempDir;
using ::moodtape::testing::WaitUntil;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string GatewayBinary() { return BinaryDir() + "/bin/moodtape-gateway"; }

class GatewayBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("MOODTAPE_CONFIG");
    std::filesystem::create_directories(static_dir_.File("assets"));
    std::ofstream(static_dir_.File("index.html")) << "<!doctype html><h1>moodtape</h1>";
    std::ofstream(static_dir_.File("assets/app.1234.js")) << "console.log('hi')";
  }

  std::map<std::string, std::string> Env() {
    return {{"MOODTAPE_GATEWAY_HTTP_ADDRESS", "127.0.0.1:" + std::to_string(http_port_)},
            {"MOODTAPE_GATEWAY_ADMIN_ADDRESS", "127.0.0.1:" + std::to_string(admin_port_)},
            {"MOODTAPE_GATEWAY_STATIC_DIR", static_dir_.path()},
            {"MOODTAPE_TLS_ENABLED", "false"}};
  }

  // Runs the binary to completion with `env`; returns its exit code.
  int RunToExit(std::map<std::string, std::string> env, std::string* log) {
    ChildProcess child({GatewayBinary()}, std::move(env), work_.File("bad.log"));
    int status = child.Wait(10s);
    *log = child.ReadLog();
    if (status == -1) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  TempDir static_dir_;
  TempDir work_;
  int http_port_ = FreePort();
  int admin_port_ = FreePort();
};

TEST_F(GatewayBinaryTest, ServesHealthStaticFilesErrorsAndMetricsThenStopsOnSigterm) {
  ChildProcess gateway({GatewayBinary()}, Env(), work_.File("gateway.log"));
  ASSERT_TRUE(WaitUntil([&] { return HttpRequest("GET", admin_port_, "/readyz") == 200; }, 10s))
      << gateway.ReadLog();
  EXPECT_EQ(HttpRequest("GET", admin_port_, "/healthz"), 200);

  std::string body;
  std::map<std::string, std::string> headers;
  ASSERT_EQ(HttpRequest("GET", http_port_, "/api/v1/health", "", &body, &headers), 200);
  auto health = nlohmann::json::parse(body);
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["service"], "gateway");
  EXPECT_EQ(health["version"], "0.1.0");
  EXPECT_FALSE(headers["x-request-id"].empty());

  ASSERT_EQ(HttpRequest("GET", http_port_, "/", "", &body, &headers), 200);
  EXPECT_THAT(body, HasSubstr("<h1>moodtape</h1>"));
  EXPECT_EQ(headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(headers["cache-control"], "no-cache");
  EXPECT_EQ(headers["x-content-type-options"], "nosniff");
  EXPECT_FALSE(headers["content-security-policy"].empty());

  ASSERT_EQ(HttpRequest("GET", http_port_, "/assets/app.1234.js", "", &body, &headers), 200);
  EXPECT_EQ(headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(headers["cache-control"], "public, max-age=31536000, immutable");
  std::string etag = headers["etag"];
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(HttpRequest("GET", http_port_, "/assets/app.1234.js", "", &body, &headers,
                        {{"If-None-Match", etag}}),
            304);
  EXPECT_TRUE(body.empty());

  // A client-side route falls back to the app; an unknown API path does not.
  EXPECT_EQ(HttpRequest("GET", http_port_, "/history/7", "", &body), 200);
  EXPECT_THAT(body, HasSubstr("moodtape"));
  ASSERT_EQ(HttpRequest("GET", http_port_, "/api/v1/nope", "", &body, &headers,
                        {{"X-Request-Id", "it-404"}}),
            404);
  auto error = nlohmann::json::parse(body);
  EXPECT_EQ(error["error"]["code"], "not_found");
  EXPECT_EQ(error["error"]["request_id"], "it-404");
  EXPECT_EQ(headers["x-request-id"], "it-404");
  EXPECT_EQ(HttpRequest("GET", http_port_, "/%2e%2e/%2e%2e/etc/passwd", "", &body), 404);
  EXPECT_THAT(body, ::testing::Not(HasSubstr("root:")));

  ASSERT_EQ(HttpRequest("GET", admin_port_, "/metrics", "", &body, &headers), 200);
  EXPECT_THAT(headers["content-type"], HasSubstr("version=0.0.4"));
  EXPECT_THAT(body, HasSubstr("http_requests_total{method=\"GET\",route=\"/api/v1/health\""));

  auto start = std::chrono::steady_clock::now();
  gateway.Signal(SIGTERM);
  int status = gateway.Wait(5s);
  ASSERT_NE(status, -1) << "gateway did not stop within 5 s";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_TRUE(WIFEXITED(status)) << gateway.ReadLog();
  EXPECT_EQ(WEXITSTATUS(status), 0) << gateway.ReadLog();
  std::string log = gateway.ReadLog();
  EXPECT_THAT(log, HasSubstr("\"msg\":\"started\""));
  EXPECT_THAT(log, HasSubstr("\"msg\":\"stopped\""));
}

TEST_F(GatewayBinaryTest, BadAddressIsAConfigErrorNamingTheKey) {
  auto env = Env();
  env["MOODTAPE_GATEWAY_HTTP_ADDRESS"] = "nonsense";
  std::string log;
  EXPECT_EQ(RunToExit(env, &log), 2) << log;
  EXPECT_THAT(log, HasSubstr("gateway.http_address"));
}

TEST_F(GatewayBinaryTest, OutOfRangeIntIsAConfigErrorNamingTheKey) {
  auto env = Env();
  env["MOODTAPE_GATEWAY_IO_THREADS"] = "100000";
  std::string log;
  EXPECT_EQ(RunToExit(env, &log), 2) << log;
  EXPECT_THAT(log, HasSubstr("gateway.io_threads"));
}

TEST_F(GatewayBinaryTest, UnknownKeyFailsStartUp) {
  auto env = Env();
  env["MOODTAPE_GATEWAY_HTTP_ADRESS"] = "127.0.0.1:1";
  std::string log;
  EXPECT_EQ(RunToExit(env, &log), 2) << log;
  EXPECT_THAT(log, HasSubstr("gateway.http_adress"));
}

}  // namespace
}  // namespace moodtape::gateway
