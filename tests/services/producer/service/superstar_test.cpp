// The source project's headline call end to end: the designer and the producer started in this
// process through their own Start (producer -> designer over mTLS), MakeMeSuperstar on
// moodtape.superstar.v1, and the source's own package-less contract on the legacy listener called
// by an unchanged client: stubs generated from proto/legacy by grpcio's protoc (Debian
// python3-grpcio, python3-grpc-tools), connecting with server-side TLS and a CA file only.
#include <chrono>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "moodtape/superstar/v1/song_generator.grpc.pb.h"
#include "platform/base/encoding.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/service/service_main.h"
#include "services/designer/serve.h"
#include "services/producer/serve.h"
#include "tests/support/dev_certs.h"
#include "tests/support/test_support.h"

namespace moodtape::producer {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The PNG's width from its IHDR chunk.
int PngWidth(const std::string& png) {
  if (png.size() < 24 || png.compare(1, 3, "PNG") != 0) return 0;
  const auto* b = reinterpret_cast<const unsigned char*>(png.data());
  return (b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19];
}

class SuperstarTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new moodtape::testing::DevCerts({"producer", "designer", "worker"});
    designer_ = new platform::InProcessService(
        "designer", platform::Config::FromString(certs_->ServiceToml("designer")), designer::Start);
    producer_ = new platform::InProcessService(
        "producer",
        platform::Config::FromString(certs_->ServiceToml(
            "producer", "legacy_address = \"127.0.0.1:0\"\n[designer]\ngrpc_address = \"" +
                            designer_->Address("grpc") + "\"\n")),
        producer::Start);
  }
  static void TearDownTestSuite() {
    delete producer_;
    delete designer_;
    delete certs_;
  }

  static moodtape::testing::DevCerts* certs_;
  static platform::InProcessService* designer_;
  static platform::InProcessService* producer_;
};

moodtape::testing::DevCerts* SuperstarTest::certs_ = nullptr;
platform::InProcessService* SuperstarTest::designer_ = nullptr;
platform::InProcessService* SuperstarTest::producer_ = nullptr;

TEST_F(SuperstarTest, MakeMeSuperstarGivesSongsAndACoverFromTheDesigner) {
  const platform::ChannelOptions o = certs_->As("worker");
  platform::MetricsRegistry metrics;
  auto stub = superstar::v1::SongGenerator::NewStub(
      platform::ChannelFactory(o, metrics).Create(producer_->Address("grpc"), "producer"));
  superstar::v1::MakeMeSuperstarRequest req;
  req.set_category(superstar::v1::MUSIC_CATEGORY_HEAVY_METAL);
  req.set_songs_count(2);
  req.set_songs_theme("dragons over a burning city");
  req.set_cover_description("a red dragon over a dark city at night");
  req.set_seed(5);
  req.set_artist("Ada");
  superstar::v1::MakeMeSuperstarResponse res;
  auto ctx = platform::NewClientContext(60s);
  auto status = stub->MakeMeSuperstar(ctx.get(), req, &res);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(res.songs_size(), 2);
  EXPECT_EQ(res.title(), res.songs(0).title());
  EXPECT_NE(res.songs(0).title(), res.songs(1).title());
  EXPECT_THAT(res.songs(0).text(), HasSubstr("[Chorus]"));
  EXPECT_EQ(PngWidth(res.cover().png()), 1024);
  EXPECT_EQ(PngWidth(res.cover().thumbnail_png()), 256);
  EXPECT_THAT(res.cover().url(), StartsWith("data:image/png;base64,"));
  EXPECT_EQ(res.seed(), 5u);

  // The same request and seed: the same album, cover included.
  superstar::v1::MakeMeSuperstarResponse again;
  ctx = platform::NewClientContext(60s);
  ASSERT_TRUE(stub->MakeMeSuperstar(ctx.get(), req, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), res.SerializeAsString());

  req.set_cover_description(std::string(301, 'x'));
  ctx = platform::NewClientContext(60s);
  status = stub->MakeMeSuperstar(ctx.get(), req, &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("\"cover_description\""));
}

// The source's client, unchanged: protoc-generated Python stubs for the package-less contract,
// server-side TLS trusting the CA file, no client certificate.
constexpr const char* kSourceClient = R"(
import json, sys, grpc
sys.path.insert(0, sys.argv[1])
import superstar_song_generator_pb2 as pb, superstar_song_generator_pb2_grpc as rpc
creds = grpc.ssl_channel_credentials(root_certificates=open(sys.argv[3], 'rb').read())
channel = grpc.secure_channel(sys.argv[2], creds)
stub = rpc.SongGeneratorStub(channel)
out = {}
songs = list(stub.generate_lyrics(pb.LyricsRequest(category=pb.GANGSTA_RAP, songs_count=2,
                                                    songs_theme='the streets where I grew up'),
                                  timeout=60))
out['lyrics'] = [{'title': s.title, 'text': s.text} for s in songs]
album = stub.make_me_superstar(pb.MakeMeSuperstarRequest(category=pb.POLISH_DISCO_POLO,
    songs_count=1, songs_theme='summer love by the lake',
    cover_description='a golden sunset over the lake'), timeout=60)
out['album'] = {'url': album.cover.url, 'songs': [{'title': s.title, 'text': s.text}
                                                  for s in album.songs]}
try:
    list(stub.generate_lyrics(pb.LyricsRequest(category=pb.GANGSTA_RAP, songs_count=0,
                                               songs_theme='x'), timeout=60))
    out['bad'] = 'accepted'
except grpc.RpcError as e:
    out['bad'] = str(e.code()) + ' ' + e.details()
print('RESULT ' + json.dumps(out))
)";

TEST_F(SuperstarTest, TheSourceProjectsOwnClientWorksUnchangedOnTheLegacyListener) {
  moodtape::testing::TempDir gen;
  std::string out;
  ASSERT_EQ(moodtape::testing::RunCommand(
                {"/usr/bin/python3", "-m", "grpc_tools.protoc",
                 "-I" + moodtape::testing::SourceDir() + "/proto/legacy",
                 "--python_out=" + gen.path(), "--grpc_python_out=" + gen.path(),
                 moodtape::testing::SourceDir() + "/proto/legacy/superstar_song_generator.proto"},
                &out),
            0)
      << "python3-grpc-tools (scripts/packages.txt) compiles the source's proto: " << out;
  std::ofstream(gen.File("client.py")) << kSourceClient;
  const std::string legacy = producer_->Address("legacy");
  ASSERT_FALSE(legacy.empty());
  ASSERT_EQ(moodtape::testing::RunCommand({"/usr/bin/python3", gen.File("client.py"), gen.path(),
                                           legacy, certs_->File("ca.crt")},
                                          &out, 120s),
            0)
      << out;
  const auto at = out.find("RESULT ");
  ASSERT_NE(at, std::string::npos) << out;
  const auto result = nlohmann::json::parse(out.substr(at + 7), nullptr, false);
  ASSERT_TRUE(result.is_object()) << out;
  ASSERT_EQ(result["lyrics"].size(), 2u);
  EXPECT_FALSE(result["lyrics"][0]["title"].get<std::string>().empty());
  EXPECT_THAT(result["lyrics"][0]["text"].get<std::string>(), HasSubstr("[Hook]"));
  ASSERT_EQ(result["album"]["songs"].size(), 1u);
  const std::string url = result["album"]["url"];
  ASSERT_THAT(url, StartsWith("data:image/png;base64,"));
  EXPECT_EQ(PngWidth(*platform::Base64Decode(url.substr(22))), 256);
  EXPECT_THAT(result["bad"].get<std::string>(), HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(result["bad"].get<std::string>(), HasSubstr("songs_count"));
}

}  // namespace
}  // namespace moodtape::producer
