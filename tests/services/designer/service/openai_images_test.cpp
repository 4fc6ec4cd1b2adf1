// The optional image-model backend against a fake OpenAI-compatible images server started by the
// test (a platform HttpServer on a free loopback port): a good answer becomes the cover's picture
// under the designer's own lettering; a failing, slow or malformed answer makes the builtin
// painter draw instead, counted and logged; the key is sent as a bearer token and never logged.
#include <cstdlib>

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
#include "tests/support/fake_model_server.h"
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

using Mode = moodtape::testing::FakeModelServer::Mode;

// The images endpoint's answer: the teal picture, or (unusable) base64 that is not a PNG.
nlohmann::json ImageAnswer(const nlohmann::json&, bool unusable) {
  const std::string bytes = unusable ? std::string("GIF89a, not a PNG at all") : TealPng();
  return {{"data", {{{"b64_json", platform::Base64Encode(bytes)}}}}};
}

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

  moodtape::testing::FakeModelServer fake_{"/v1/images/generations", ImageAnswer};
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
                                         {Mode::kUnusable, 5s, "not a PNG"}}) {
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
