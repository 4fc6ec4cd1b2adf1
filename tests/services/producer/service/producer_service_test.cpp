// The producer over real mutual TLS, started in this process through its own producer::Start (the
// wiring moodtape-producer runs): WriteSong, RenderSong and ListGenres of moodtape.producer.v1,
// the source contract's GenerateLyrics, every bad input on both APIs, the caller allow-list, and a
// cancelled render that stops its work.
#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "moodtape/producer/v1/producer_service.grpc.pb.h"
#include "moodtape/superstar/v1/song_generator.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/service/service_main.h"
#include "services/producer/serve.h"
#include "tests/support/dev_certs.h"
#include "tests/support/test_support.h"

namespace moodtape::producer {
namespace {

using namespace std::chrono_literals;
using superstar::v1::GenerateLyricsRequest;
using superstar::v1::GenerateLyricsResponse;
using superstar::v1::SongGenerator;
using ::testing::HasSubstr;

class ProducerServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new moodtape::testing::DevCerts({"producer", "worker", "cli", "store"});
    const std::string toml = certs_->ServiceToml("producer", "render_threads = 2\n");
    service_ = new platform::InProcessService("producer", platform::Config::FromString(toml),
                                              producer::Start);
  }
  static void TearDownTestSuite() {
    delete service_;
    delete certs_;
  }

  static std::shared_ptr<grpc::Channel> As(const std::string& caller) {
    const platform::ChannelOptions o = certs_->As(caller);
    static platform::MetricsRegistry metrics;
    return platform::ChannelFactory(o, metrics).Create(service_->Address("grpc"), "producer");
  }

  static v1::SongSpec Spec(const std::string& genre, const std::string& theme, uint64_t seed = 7,
                           int index = 0) {
    v1::SongSpec spec;
    spec.set_genre(genre);
    spec.set_theme(theme);
    spec.set_seed(seed);
    spec.set_index(index);
    return spec;
  }

  struct Rendered {
    grpc::Status status;
    v1::RenderHeader header;
    std::string bytes;
    int chunks = 0;
    size_t largest_chunk = 0;
    bool header_first = true;
  };

  static Rendered Render(const v1::SongSpec& spec, v1::AudioFormat format) {
    auto stub = v1::ProducerService::NewStub(As("worker"));
    auto ctx = platform::NewClientContext(120s);
    v1::RenderSongRequest req;
    *req.mutable_song() = spec;
    req.set_format(format);
    auto reader = stub->RenderSong(ctx.get(), req);
    Rendered out;
    v1::RenderSongResponse msg;
    bool first = true;
    while (reader->Read(&msg)) {
      if (msg.has_header()) {
        out.header = msg.header();
        out.header_first = out.header_first && first;
      } else {
        out.bytes += msg.chunk();
        out.largest_chunk = std::max(out.largest_chunk, msg.chunk().size());
        ++out.chunks;
      }
      first = false;
    }
    out.status = reader->Finish();
    return out;
  }

  static moodtape::testing::DevCerts* certs_;
  static platform::InProcessService* service_;
};

moodtape::testing::DevCerts* ProducerServiceTest::certs_ = nullptr;
platform::InProcessService* ProducerServiceTest::service_ = nullptr;

TEST_F(ProducerServiceTest, WriteSongGivesTheWholeSongAndTheSameSpecGivesTheSameSong) {
  auto stub = v1::ProducerService::NewStub(As("cli"));
  v1::WriteSongRequest req;
  *req.mutable_song() = Spec("heavy-metal", "dragons and fire");
  v1::WriteSongResponse first, second;
  auto ctx = platform::NewClientContext(30s);
  ASSERT_TRUE(stub->WriteSong(ctx.get(), req, &first).ok());
  ctx = platform::NewClientContext(30s);
  ASSERT_TRUE(stub->WriteSong(ctx.get(), req, &second).ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());

  const auto& song = first.song();
  EXPECT_FALSE(song.title().empty());
  EXPECT_EQ(song.genre(), "heavy-metal");
  EXPECT_GE(song.tempo_bpm(), 120);
  EXPECT_LE(song.tempo_bpm(), 168);
  EXPECT_GT(song.duration_seconds(), 120);
  int sung = 0;
  for (const auto& section : song.sections()) {
    EXPECT_EQ(section.chords_size(), section.bars()) << section.label();
    for (const auto& line : section.lines()) {
      ++sung;
      EXPECT_FALSE(line.text().empty());
      EXPECT_GT(line.syllables(), 0);
      EXPECT_NEAR(line.syllables(), line.target_syllables(), 2) << line.text();
    }
  }
  EXPECT_GT(sung, 12);
  EXPECT_THAT(song.lyrics(), HasSubstr("[Chorus]"));

  // The next song of the same album is another song.
  *req.mutable_song() = Spec("heavy-metal", "dragons and fire", 7, 1);
  v1::WriteSongResponse next;
  ctx = platform::NewClientContext(30s);
  ASSERT_TRUE(stub->WriteSong(ctx.get(), req, &next).ok());
  EXPECT_NE(next.song().lyrics(), song.lyrics());
}

TEST_F(ProducerServiceTest, RenderSongStreamsAHeaderThenChunksOfTheFile) {
  Rendered midi = Render(Spec("punk", "bored in the suburbs"), v1::AUDIO_FORMAT_MIDI);
  ASSERT_TRUE(midi.status.ok()) << midi.status.error_message();
  EXPECT_TRUE(midi.header_first);
  EXPECT_EQ(midi.header.media_type(), "audio/midi");
  EXPECT_EQ(midi.bytes.substr(0, 4), "MThd");
  EXPECT_EQ(static_cast<int64_t>(midi.bytes.size()), midi.header.size_bytes());

  Rendered ogg = Render(Spec("punk", "bored in the suburbs"), v1::AUDIO_FORMAT_OGG);
  ASSERT_TRUE(ogg.status.ok()) << ogg.status.error_message();
  EXPECT_EQ(ogg.bytes.substr(0, 4), "OggS");
  EXPECT_EQ(static_cast<int64_t>(ogg.bytes.size()), ogg.header.size_bytes());
  EXPECT_GT(ogg.chunks, 1);
  EXPECT_LE(ogg.largest_chunk, 64u * 1024);
  EXPECT_NEAR(ogg.header.loudness_lufs(), -14.0, 1.0);
  EXPECT_LE(ogg.header.true_peak_dbtp(), -1.0);
  EXPECT_GT(ogg.header.duration_seconds(), 60);
  EXPECT_THAT(ogg.header.file_name(), ::testing::EndsWith(".ogg"));

  Rendered lrc = Render(Spec("punk", "bored in the suburbs"), v1::AUDIO_FORMAT_LRC);
  ASSERT_TRUE(lrc.status.ok());
  EXPECT_THAT(lrc.bytes, HasSubstr("[ti:" + ogg.header.title() + "]"));
}

TEST_F(ProducerServiceTest, GenerateLyricsStreamsTheSourceContractSongBySong) {
  auto stub = SongGenerator::NewStub(As("worker"));
  GenerateLyricsRequest req;
  req.set_category(superstar::v1::MUSIC_CATEGORY_POLISH_DISCO_POLO);
  req.set_songs_count(3);
  req.set_songs_theme("summer love by the lake");
  req.set_seed(11);
  auto ctx = platform::NewClientContext(60s);
  auto reader = stub->GenerateLyrics(ctx.get(), req);
  std::vector<GenerateLyricsResponse> songs;
  GenerateLyricsResponse song;
  while (reader->Read(&song)) songs.push_back(song);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(songs.size(), 3u);
  std::set<std::string> titles;
  for (size_t i = 0; i < songs.size(); ++i) {
    EXPECT_EQ(songs[i].index(), static_cast<int>(i));
    EXPECT_EQ(songs[i].seed(), 11u);
    EXPECT_THAT(songs[i].text(), HasSubstr("[Chorus]"));
    titles.insert(songs[i].title());
  }
  EXPECT_EQ(titles.size(), 3u);
}

TEST_F(ProducerServiceTest, BadInputIsInvalidArgumentNamingTheFieldOnBothApis) {
  auto producer = v1::ProducerService::NewStub(As("cli"));
  struct Case {
    v1::SongSpec spec;
    std::string field;
  };
  const std::vector<Case> cases = {
      {Spec("polka", "x"), "\"genre\""},         {Spec("pop", ""), "\"theme\""},
      {Spec("pop", "   "), "\"theme\""},         {Spec("pop", std::string(201, 'a')), "\"theme\""},
      {Spec("pop", "caf\xc3\x28"), "\"theme\""}, {Spec("pop", "ok", 1, 10), "\"index\""},
      {Spec("pop", "ok", 1, -1), "\"index\""},
  };
  for (const auto& c : cases) {
    v1::WriteSongRequest req;
    *req.mutable_song() = c.spec;
    v1::WriteSongResponse res;
    auto ctx = platform::NewClientContext(30s);
    grpc::Status status = producer->WriteSong(ctx.get(), req, &res);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(status.error_message(), HasSubstr(c.field));
  }
  Rendered no_format = Render(Spec("pop", "ok"), v1::AUDIO_FORMAT_UNSPECIFIED);
  EXPECT_EQ(no_format.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(no_format.status.error_message(), HasSubstr("\"format\""));
  EXPECT_TRUE(no_format.bytes.empty());

  auto generator = SongGenerator::NewStub(As("cli"));
  struct SourceCase {
    int category;
    int count;
    std::string theme;
    std::string field;
  };
  for (const auto& c : std::vector<SourceCase>{{99, 1, "x", "\"category\""},
                                               {0, 0, "x", "\"songs_count\""},
                                               {0, 11, "x", "\"songs_count\""},
                                               {0, 1, "", "\"songs_theme\""},
                                               {0, 1, std::string(201, 'b'), "\"songs_theme\""},
                                               {0, 1, "\xff", "\"songs_theme\""}}) {
    GenerateLyricsRequest req;
    req.set_category(static_cast<superstar::v1::MusicCategory>(c.category));
    req.set_songs_count(c.count);
    req.set_songs_theme(c.theme);
    auto ctx = platform::NewClientContext(30s);
    auto reader = generator->GenerateLyrics(ctx.get(), req);
    GenerateLyricsResponse ignored;
    EXPECT_FALSE(reader->Read(&ignored)) << c.field;
    grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(status.error_message(), HasSubstr(c.field));
  }
}

TEST_F(ProducerServiceTest, OnlyTheWorkerAndTheCliMayAskForSongs) {
  auto stub = v1::ProducerService::NewStub(As("store"));
  v1::WriteSongRequest req;
  *req.mutable_song() = Spec("pop", "ok");
  v1::WriteSongResponse res;
  auto ctx = platform::NewClientContext(30s);
  EXPECT_EQ(stub->WriteSong(ctx.get(), req, &res).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListGenresResponse genres;
  ctx = platform::NewClientContext(30s);
  ASSERT_TRUE(v1::ProducerService::NewStub(As("worker"))
                  ->ListGenres(ctx.get(), v1::ListGenresRequest(), &genres)
                  .ok());
  EXPECT_EQ(genres.genres_size(), 7);
  EXPECT_EQ(genres.genres(0).id(), "gangsta-rap");
}

TEST_F(ProducerServiceTest, ACancelledRenderStopsItsWork) {
  auto stub = v1::ProducerService::NewStub(As("worker"));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 120s);
  v1::RenderSongRequest req;
  // Stems render every part on its own: far longer than the wait below unless cancelled.
  *req.mutable_song() = Spec("disco-polo", "summer love by the lake");
  req.set_format(v1::AUDIO_FORMAT_STEMS);
  auto reader = stub->RenderSong(&ctx, req);
  auto busy = [&] {
    return service_->metrics().Render().find(
               "moodtape_blocking_calls_in_flight{pool=\"producer\"} 1") != std::string::npos;
  };
  ASSERT_TRUE(moodtape::testing::WaitUntil(busy, 20s));
  ctx.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  const auto idle = [&] {
    return service_->metrics().Render().find(
               "moodtape_blocking_calls_in_flight{pool=\"producer\"} 0") != std::string::npos;
  };
  EXPECT_TRUE(moodtape::testing::WaitUntil(idle, 15s)) << "the render kept running";
}

}  // namespace
}  // namespace moodtape::producer
