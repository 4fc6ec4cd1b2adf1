// The designer over real mutual TLS, started in this process through its own designer::Start (the
// wiring moodtape-designer runs): DesignCover and StreamCover (a preview before the cover), the
// same spec giving the same bytes, every bad input naming its field, and a caller the policy
// does not know refused.
#include <chrono>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "moodtape/designer/v1/designer_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/service/service_main.h"
#include "services/designer/core/png_codec.h"
#include "services/designer/serve.h"
#include "tests/support/dev_certs.h"
#include "tests/support/test_support.h"

namespace moodtape::designer {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class DesignerServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new moodtape::testing::DevCerts({"designer", "producer", "worker", "cli", "gateway"});
    const std::string toml = certs_->ServiceToml("designer", "render_threads = 2\n");
    service_ = new platform::InProcessService("designer", platform::Config::FromString(toml),
                                              designer::Start);
  }
  static void TearDownTestSuite() {
    delete service_;
    delete certs_;
  }

  static std::unique_ptr<v1::DesignerService::Stub> As(const std::string& caller) {
    const platform::ChannelOptions o = certs_->As(caller);
    static platform::MetricsRegistry metrics;
    return v1::DesignerService::NewStub(
        platform::ChannelFactory(o, metrics).Create(service_->Address("grpc"), "designer"));
  }

  static v1::CoverSpec Spec(const std::string& genre = "disco-polo") {
    v1::CoverSpec spec;
    spec.set_description("summer love by the sea, hearts and sunset");
    spec.set_genre(genre);
    spec.set_title("Miłość na plaży");
    spec.set_artist("Zespół Słońce");
    spec.set_seed(2);
    return spec;
  }

  static int Side(const std::string& png) {
    auto surface = DecodePng(png);
    return surface.ok() ? cairo_image_surface_get_width(surface->get()) : -1;
  }

  static moodtape::testing::DevCerts* certs_;
  static platform::InProcessService* service_;
};

moodtape::testing::DevCerts* DesignerServiceTest::certs_ = nullptr;
platform::InProcessService* DesignerServiceTest::service_ = nullptr;

TEST_F(DesignerServiceTest, DesignCoverGivesTheCoverAndWhatWasChosen) {
  auto stub = As("producer");
  v1::DesignCoverRequest req;
  *req.mutable_cover() = Spec();
  v1::DesignCoverResponse first, second;
  auto ctx = platform::NewClientContext(30s);
  const grpc::Status status = stub->DesignCover(ctx.get(), req, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Side(first.png()), 1024);
  EXPECT_EQ(Side(first.thumbnail_png()), 256);
  EXPECT_EQ(first.palette_size(), 6);
  EXPECT_THAT(first.palette(0), ::testing::MatchesRegex("#[0-9a-f]{6}"));
  EXPECT_THAT(first.motifs(), ::testing::Contains("sea"));
  EXPECT_EQ(first.layout(), "disco-script-center");
  EXPECT_GE(first.title_contrast(), 4.5);
  EXPECT_GE(first.artist_contrast(), 4.5);
  EXPECT_EQ(first.designed_by(), "builtin");

  ctx = platform::NewClientContext(30s);
  ASSERT_TRUE(As("worker")->DesignCover(ctx.get(), req, &second).ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString()) << "same spec, same bytes";
  EXPECT_THAT(service_->metrics().Render(),
              HasSubstr("moodtape_designer_covers_total{by=\"builtin\",outcome=\"ok\"}"));
}

TEST_F(DesignerServiceTest, StreamCoverSendsAPreviewBeforeTheCover) {
  auto stub = As("worker");
  v1::StreamCoverRequest req;
  *req.mutable_cover() = Spec("synthwave");
  auto ctx = platform::NewClientContext(30s);
  auto reader = stub->StreamCover(ctx.get(), req);
  std::vector<v1::StreamCoverResponse> messages;
  v1::StreamCoverResponse msg;
  while (reader->Read(&msg)) messages.push_back(msg);
  const grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(messages.size(), 2u);
  ASSERT_TRUE(messages[0].has_preview_png());
  EXPECT_EQ(Side(messages[0].preview_png()), 128);
  ASSERT_TRUE(messages[1].has_cover());
  EXPECT_EQ(Side(messages[1].cover().png()), 1024);
  EXPECT_EQ(messages[1].cover().layout(), "synthwave-chrome-horizon");

  // The stream's cover is DesignCover's.
  v1::DesignCoverRequest unary;
  *unary.mutable_cover() = req.cover();
  v1::DesignCoverResponse res;
  auto uctx = platform::NewClientContext(30s);
  ASSERT_TRUE(As("cli")->DesignCover(uctx.get(), unary, &res).ok());
  EXPECT_EQ(res.png(), messages[1].cover().png());
}

TEST_F(DesignerServiceTest, BadInputIsInvalidArgumentNamingTheField) {
  auto stub = As("cli");
  struct Case {
    std::function<void(v1::CoverSpec*)> spoil;
    std::string field;
  };
  for (const auto& c : std::vector<Case>{
           {[](v1::CoverSpec* s) { s->set_description(std::string(301, 'x')); }, "description"},
           {[](v1::CoverSpec* s) { s->set_description("caf\xc3"); }, "description"},
           {[](v1::CoverSpec* s) { s->set_genre("polka"); }, "genre"},
           {[](v1::CoverSpec* s) { s->set_title(""); }, "title"},
           {[](v1::CoverSpec* s) { s->set_title(std::string(101, 't')); }, "title"},
           {[](v1::CoverSpec* s) { s->set_artist(""); }, "artist"},
           {[](v1::CoverSpec* s) { s->set_artist(std::string(101, 'a')); }, "artist"},
       }) {
    v1::DesignCoverRequest req;
    *req.mutable_cover() = Spec();
    c.spoil(req.mutable_cover());
    v1::DesignCoverResponse res;
    auto ctx = platform::NewClientContext(10s);
    const grpc::Status status = stub->DesignCover(ctx.get(), req, &res);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(status.error_message(), HasSubstr("\"" + c.field + "\""));

    // The stream refuses the same way, before any preview.
    v1::StreamCoverRequest sreq;
    *sreq.mutable_cover() = req.cover();
    auto sctx = platform::NewClientContext(10s);
    auto reader = stub->StreamCover(sctx.get(), sreq);
    v1::StreamCoverResponse msg;
    EXPECT_FALSE(reader->Read(&msg)) << c.field;
    const grpc::Status sstatus = reader->Finish();
    EXPECT_EQ(sstatus.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(sstatus.error_message(), HasSubstr(c.field));
  }
}

TEST_F(DesignerServiceTest, ACallerNotInThePolicyIsRefused) {
  auto stub = As("gateway");
  v1::DesignCoverRequest req;
  *req.mutable_cover() = Spec();
  v1::DesignCoverResponse res;
  auto ctx = platform::NewClientContext(10s);
  EXPECT_EQ(stub->DesignCover(ctx.get(), req, &res).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::StreamCoverRequest sreq;
  *sreq.mutable_cover() = Spec();
  auto sctx = platform::NewClientContext(10s);
  auto reader = stub->StreamCover(sctx.get(), sreq);
  v1::StreamCoverResponse msg;
  EXPECT_FALSE(reader->Read(&msg));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace moodtape::designer
