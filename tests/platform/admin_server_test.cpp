#include "platform/http/admin_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace moodtape::platform {
namespace {

using ::moodtape::testing::HttpRequest;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metrics_.AddCounter("jobs_done_total", "Jobs done.")
        .WithLabels(std::vector<std::string>{})
        .Inc(3);
    admin_ = std::make_unique<AdminServer>("127.0.0.1:0", metrics_);
    admin_->Start();
    port_ = admin_->Port();
  }
  void TearDown() override { admin_->Stop(std::chrono::steady_clock::now() + 1s); }

  MetricsRegistry metrics_;
  std::unique_ptr<AdminServer> admin_;
  int port_ = 0;
};

TEST_F(AdminServerTest, MetricsUsesPrometheusContentTypeAndRendersTheRegistry) {
  std::string body;
  std::map<std::string, std::string> headers;
  ASSERT_EQ(HttpRequest("GET", port_, "/metrics", "", &body, &headers), 200);
  EXPECT_EQ(headers["content-type"], kPrometheusContentType);
  EXPECT_THAT(body, HasSubstr("# TYPE jobs_done_total counter"));
  EXPECT_THAT(body, HasSubstr("jobs_done_total 3"));
}

TEST_F(AdminServerTest, HealthzIsAlwaysOk) {
  std::string body;
  EXPECT_EQ(HttpRequest("GET", port_, "/healthz", "", &body), 200);
  EXPECT_EQ(nlohmann::json::parse(body)["status"], "ok");
}

TEST_F(AdminServerTest, ReadyzFollowsSetReady) {
  std::string body;
  EXPECT_EQ(HttpRequest("GET", port_, "/readyz", "", &body), 503);
  EXPECT_EQ(nlohmann::json::parse(body)["status"], "not_ready");
  admin_->SetReady(true);
  EXPECT_EQ(HttpRequest("GET", port_, "/readyz", "", &body), 200);
  EXPECT_EQ(nlohmann::json::parse(body)["status"], "ready");
  admin_->SetReady(false);
  EXPECT_EQ(HttpRequest("GET", port_, "/readyz"), 503);
}

TEST_F(AdminServerTest, ExtraRoutesCanBeAddedAfterStart) {
  admin_->AddRoute("POST", "/admin/reload", [](const platform::HttpRequest&) {
    return JsonResponse(200, {{"reloaded", true}});
  });
  std::string body;
  EXPECT_EQ(HttpRequest("POST", port_, "/admin/reload", "", &body), 200);
  EXPECT_EQ(nlohmann::json::parse(body)["reloaded"], true);
  EXPECT_EQ(HttpRequest("GET", port_, "/admin/reload"), 405);
}

}  // namespace
}  // namespace moodtape::platform
