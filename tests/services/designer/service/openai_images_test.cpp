// The optional image-model backend against a fake OpenAI-compatible images server started by the
// test (a platform HttpServer on a free loopback port): a good answer becomes the cover's picture
// under the designer's own lettering; a failing, slow or malformed answer makes the builtin
// painter draw instead, counted and logged; the key is sent as a bearer token and never logged.
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "moodtape/designer/v1/designer_service.grpc.pb.h"
#include "platform/base/encoding.h"
#include "platform/base/log.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/http/server.h"
#include "platform/observability/metrics.h"
#include "platform/service/service_main.h"
#include "services/designer/core/png_codec.h"
#include "services/designer/openai_images.h"
#include "services/designer/serve.h"
#include "tests/support/dev_certs.h"
#include "tests/support/log_capture.h"
#include "tests/support/test_support.h"

namespace moodtape::designer {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

const Rgb kPictureColour = Hex("#2a9d8f");

// A 320 x 200 picture in one teal, as a model might answer (not square, not 1024).
std::string TealPng() {
  SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 320, 200));
  CairoPtr cr(cairo_create(s.get()));
  SetColor(cr.get(), kPictureColour);
  cairo_paint(cr.get());
  return EncodePng(s.get());
}

enum class Mode { kGood, kServerError, kSlow, kGarbage, kNotPng };

class FakeImageModel {
 public:
  FakeImageModel() : server_(Options(), metrics_) {
    server_.Handle("POST", "/v1/images/generations", [this](const platform::HttpRequest& r) {
      {
        std::lock_guard lock(mu_);
        authorization_ = r.Header("authorization");
        request_ = json::parse(r.body, nullptr, false);
      }
      ++calls_;
      switch (mode_.load()) {
        case Mode::kServerError:
          return platform::JsonResponse(500, {{"error", "overloaded"}});
        case Mode::kSlow:
          std::this_thread::sleep_for(1500ms);
          [[fallthrough]];
        case Mode::kGood:
          return platform::JsonResponse(
              200, {{"data", {{{"b64_json", platform::Base64Encode(TealPng())}}}}});
        case Mode::kGarbage:
          return platform::TextResponse(200, "<html>not json</html>");
        case Mode::kNotPng:
          return platform::JsonResponse(
              200,
              {{"data", {{{"b64_json", platform::Base64Encode("GIF89a, not a PNG at all")}}}}});
      }
      return platform::JsonResponse(500, {});
    });
    server_.Start();
  }
  ~FakeImageModel() { server_.Stop(std::chrono::steady_clock::now() + 2s); }

  std::string BaseUrl() const { return "http://" + server_.Address() + "/v1"; }
  void Set(Mode m) { mode_ = m; }
  json request() {
    std::lock_guard lock(mu_);
    return request_;
  }
  std::string authorization() {
    std::lock_guard lock(mu_);
    return authorization_;
  }

 private:
  static platform::HttpServerOptions Options() {
    platform::HttpServerOptions o;
    o.address = "127.0.0.1:0";
    return o;
  }
  platform::MetricsRegistry metrics_;
  platform::HttpServer server_;
  std::atomic<Mode> mode_{Mode::kGood};
  std::atomic<int> calls_{0};
  std::mutex mu_;
  json request_;
  std::string authorization_;
};

class OpenAiImagesTest : public ::testing::Test {
 protected:
  OpenAiImageSettings Settings(std::chrono::milliseconds timeout = 5s) {
    OpenAiImageSettings s;
    s.base_url = fake_.BaseUrl();
    s.model = "local-painter";
    s.timeout = timeout;
    s.api_key = "sk-test-not-a-secret";
    return s;
  }
  static CoverSpec Spec() {
    return MakeCoverSpec("a lighthouse by a calm sea at dusk", "pop", "Harbour Lights", "Mira", 4)
        .value();
  }
  // The cover's pixel at (x, y).
  static Rgb PixelAt(const std::string& png, int x, int y) {
    auto surface = DecodePng(png);
    EXPECT_TRUE(surface.ok());
    cairo_surface_flush(surface->get());
    const auto* row = reinterpret_cast<const uint32_t*>(
        cairo_image_surface_get_data(surface->get()) +
        static_cast<size_t>(y) * cairo_image_surface_get_stride(surface->get()));
    const uint32_t p = row[x];
    return {((p >> 16) & 255) / 255.0, ((p >> 8) & 255) / 255.0, (p & 255) / 255.0};
  }

  FakeImageModel fake_;
};

TEST_F(OpenAiImagesTest, AskForAPictureWithoutLettering) {
  OpenAiPictureSource source(Settings());
  auto png = source.Draw(MakePicturePrompt(PlanCover(Spec())));
  ASSERT_TRUE(png.ok()) << png.error().message;
  EXPECT_EQ(*png, TealPng());
  const json req = fake_.request();
  EXPECT_EQ(req.value("model", ""), "local-painter");
  EXPECT_EQ(req.value("size", ""), "1024x1024");
  EXPECT_EQ(req.value("response_format", ""), "b64_json");
  EXPECT_THAT(req.value("prompt", ""), HasSubstr("a lighthouse by a calm sea at dusk"));
  EXPECT_THAT(req.value("prompt", ""), HasSubstr("No text"));
  EXPECT_EQ(fake_.authorization(), "Bearer sk-test-not-a-secret");
}

TEST_F(OpenAiImagesTest, TheModelsPictureGetsTheDesignersLettering) {
  const CoverDesigner designer(std::make_shared<OpenAiPictureSource>(Settings()));
  auto cover = designer.Design(Spec());
  ASSERT_TRUE(cover.ok());
  EXPECT_EQ(cover->designed_by, "local-painter");
  EXPECT_EQ(cover->backend, "openai");
  EXPECT_TRUE(cover->fallback_reason.empty());
  // The picture covers the square (scaled from 320 x 200); the lettering keeps its rule on it.
  const Rgb corner = PixelAt(cover->png, 1000, 1000);
  EXPECT_NEAR(corner.r, kPictureColour.r, 0.02);
  EXPECT_NEAR(corner.g, kPictureColour.g, 0.02);
  EXPECT_NEAR(corner.b, kPictureColour.b, 0.02);
  EXPECT_GE(cover->title_contrast, 4.5);
  EXPECT_GE(cover->artist_contrast, 4.5);
}

TEST_F(OpenAiImagesTest, EveryFailureMakesTheBuiltinPainterDraw) {
  const auto builtin = CoverDesigner().Design(Spec());
  ASSERT_TRUE(builtin.ok());
  struct Case {
    Mode mode;
    std::chrono::milliseconds timeout;
    std::string reason;
  };
  for (const auto& c : std::vector<Case>{{Mode::kServerError, 5s, "HTTP 500"},
                                         {Mode::kSlow, 300ms, ""},
                                         {Mode::kGarbage, 5s, "b64_json"},
                                         {Mode::kNotPng, 5s, "not a PNG"}}) {
    fake_.Set(c.mode);
    const CoverDesigner designer(std::make_shared<OpenAiPictureSource>(Settings(c.timeout)));
    auto cover = designer.Design(Spec());
    ASSERT_TRUE(cover.ok());
    EXPECT_EQ(cover->designed_by, "builtin");
    EXPECT_FALSE(cover->fallback_reason.empty());
    EXPECT_THAT(cover->fallback_reason, HasSubstr(c.reason));
    EXPECT_EQ(cover->png, builtin->png) << "the builtin cover, as with no model at all";
  }
}

TEST_F(OpenAiImagesTest, TheServiceUsesTheModelCountsItAndNeverLogsTheKey) {
  const moodtape::testing::DevCerts certs({"designer", "worker"});
  moodtape::testing::LogCapture logs;
  setenv("MOODTAPE_OPENAI_API_KEY", "sk-test-not-a-secret", 1);
  const std::string toml = certs.ServiceToml("designer", R"(image_backend = "openai"
openai_base_url = ")" + fake_.BaseUrl() +
                                                             R"("
openai_model = "local-painter"
openai_timeout_ms = 5000
)");
  {
    platform::InProcessService service("designer", platform::Config::FromString(toml),
                                       designer::Start);
    const platform::ChannelOptions o = certs.As("worker");
    platform::MetricsRegistry client_metrics;
    auto stub = v1::DesignerService::NewStub(
        platform::ChannelFactory(o, client_metrics).Create(service.Address("grpc"), "designer"));
    v1::DesignCoverRequest req;
    req.mutable_cover()->set_description("a lighthouse by a calm sea at dusk");
    req.mutable_cover()->set_genre("blues");
    req.mutable_cover()->set_title("Harbour Lights");
    req.mutable_cover()->set_artist("Mira");
    v1::DesignCoverResponse res;
    auto ctx = platform::NewClientContext(30s);
    ASSERT_TRUE(stub->DesignCover(ctx.get(), req, &res).ok());
    EXPECT_EQ(res.designed_by(), "local-painter");
    EXPECT_GE(res.title_contrast(), 4.5);

    fake_.Set(Mode::kServerError);
    ctx = platform::NewClientContext(30s);
    ASSERT_TRUE(stub->DesignCover(ctx.get(), req, &res).ok());
    EXPECT_EQ(res.designed_by(), "builtin");
    const std::string metrics = service.metrics().Render();
    EXPECT_THAT(metrics,
                HasSubstr("moodtape_designer_covers_total{by=\"openai\",outcome=\"ok\"} 1"));
    EXPECT_THAT(metrics,
                HasSubstr("moodtape_designer_covers_total{by=\"builtin\",outcome=\"fallback\"} 1"));
  }
  unsetenv("MOODTAPE_OPENAI_API_KEY");
  EXPECT_THAT(logs.Text(), HasSubstr("the builtin painter drew the cover"));
  EXPECT_EQ(logs.Text().find("sk-test-not-a-secret"), std::string::npos) << "the key was logged";
}

}  // namespace
}  // namespace moodtape::designer
