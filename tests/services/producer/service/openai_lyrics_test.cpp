// The optional text-model backend for lyrics against a fake OpenAI-compatible server started by
// the test (a platform HttpServer on a free loopback port): a good answer becomes the song's
// lyrics through the same phonetics and composer; a failing, slow, malformed or ill-fitting
// answer makes the builtin writer answer instead, counted and logged; the key is sent as a bearer
// token and never logged.
#include <cstdlib>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "moodtape/producer/v1/producer_service.grpc.pb.h"
#include "platform/base/log.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/http/server.h"
#include "platform/observability/metrics.h"
#include "platform/service/service_main.h"
#include "services/producer/core/lyrics/forms.h"
#include "services/producer/openai_lyrics.h"
#include "services/producer/serve.h"
#include "tests/support/dev_certs.h"
#include "tests/support/fake_model_server.h"
#include "tests/support/log_capture.h"
#include "tests/support/test_support.h"

namespace moodtape::producer {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

using Mode = moodtape::testing::FakeModelServer::Mode;

// Answers every section the prompt asks for with lines of its own words ("we carry the chorus
// number 3 home"), so a test can see the model's words in the song.
std::string AnswerFor(const std::string& prompt, bool too_few) {
  std::ostringstream out;
  out << "Title: Lantern Lake\n";
  std::regex section(R"(\[([^\]]+)\] (\d+) lines)");
  int n = 0;
  for (auto it = std::sregex_iterator(prompt.begin(), prompt.end(), section);
       it != std::sregex_iterator(); ++it) {
    const std::string label = (*it)[1];
    int lines = std::stoi((*it)[2]);
    if (too_few) lines = 1;
    out << "[" << label << "]\n";
    for (int i = 0; i < lines; ++i) {
      out << "we carry the lantern number " << ++n << " home\n";
    }
  }
  return out.str();
}

// The user message of a chat request: the prompt the producer wrote.
std::string PromptOf(const json& request) {
  if (!request.is_object()) return "";
  const auto messages = request.find("messages");
  if (messages == request.end() || !messages->is_array() || messages->size() != 2) return "";
  return (*messages)[1].value("content", "");
}

// The chat endpoint's answer: the lyrics the prompt asks for, or (unusable) one line a section.
json ChatAnswer(const json& request, bool unusable) {
  return {{"choices",
           {{{"message",
              {{"role", "assistant"}, {"content", AnswerFor(PromptOf(request), unusable)}}}}}}};
}

class OpenAiLyricsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EngineOptions options;
    options.load_renderer = false;
    auto engine = SongEngine::Load(options);
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    engine_ = engine->release();
  }
  static void TearDownTestSuite() { delete engine_; }

  OpenAiSettings Settings(std::chrono::milliseconds timeout = 5s) {
    OpenAiSettings s;
    s.base_url = fake_.BaseUrl();
    s.model = "local-llama";
    s.timeout = timeout;
    s.api_key = "sk-test-not-a-secret";
    return s;
  }

  static SongRequest Request() {
    SongRequest r;
    r.genre = Genre::kPop;
    r.theme = "lanterns on a summer lake";
    r.seed = 3;
    return r;
  }

  moodtape::testing::FakeModelServer fake_{"/v1/chat/completions", ChatAnswer};
  static SongEngine* engine_;
};

SongEngine* OpenAiLyricsTest::engine_ = nullptr;

TEST_F(OpenAiLyricsTest, AGoodAnswerIsSungThroughTheSamePhoneticsAndComposer) {
  OpenAiLyricsModel model(Settings());
  SongRandom random(1);
  auto answer =
      model.Complete(MakeLyricsPrompt(MakeForm(Genre::kPop, random), "lanterns on a summer lake"));
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(fake_.authorization(), "Bearer sk-test-not-a-secret");
  EXPECT_EQ(fake_.request().value("model", ""), "local-llama");
  EXPECT_THAT(PromptOf(fake_.request()), HasSubstr("lanterns on a summer lake"));
  EXPECT_THAT(PromptOf(fake_.request()), HasSubstr("syllables each, rhyme scheme"));

  engine_->SetLyricsModel(std::make_shared<OpenAiLyricsModel>(Settings()));
  LyricsOrigin origin;
  auto song = engine_->Write(Request(), &origin);
  engine_->SetLyricsModel(nullptr);
  ASSERT_TRUE(song.ok());
  EXPECT_EQ(origin.by, "openai");
  EXPECT_TRUE(origin.fallback_reason.empty());
  EXPECT_EQ(song->lyrics.title, "Lantern Lake");
  const std::string text = LyricsText(song->lyrics);
  EXPECT_THAT(text, HasSubstr("we carry the lantern number 1 home"));
  // The same phonetics as the builtin writer's words: "lantern" has two syllables, and the
  // composer sings one note per syllable.
  int syllables = 0;
  for (const auto& section : song->lyrics.sections) {
    for (const auto& line : section.lines) {
      syllables += line.SyllableCount();
      ASSERT_GE(line.words.size(), 4u) << line.text;
      EXPECT_EQ(line.words[3].text, "lantern");
      EXPECT_EQ(line.words[3].syllables.size(), 2u);
    }
  }
  ASSERT_NE(song->composition.Lead(), nullptr);
  EXPECT_EQ(static_cast<int>(song->composition.Lead()->sung.size()), syllables);
}

TEST_F(OpenAiLyricsTest, EveryFailureMakesTheBuiltinWriterAnswer) {
  const auto builtin = engine_->Write(Request());
  ASSERT_TRUE(builtin.ok());
  struct Case {
    Mode mode;
    std::chrono::milliseconds timeout;
    std::string reason;
  };
  for (const auto& c : std::vector<Case>{{Mode::kServerError, 5s, "HTTP 500"},
                                         {Mode::kSlow, 300ms, ""},
                                         {Mode::kGarbage, 5s, "not a chat completion"},
                                         {Mode::kUnusable, 5s, "unusable answer"}}) {
    fake_.Set(c.mode);
    engine_->SetLyricsModel(std::make_shared<OpenAiLyricsModel>(Settings(c.timeout)));
    LyricsOrigin origin;
    auto song = engine_->Write(Request(), &origin);
    engine_->SetLyricsModel(nullptr);
    ASSERT_TRUE(song.ok());
    EXPECT_EQ(origin.by, "builtin");
    EXPECT_FALSE(origin.fallback_reason.empty());
    EXPECT_THAT(origin.fallback_reason, HasSubstr(c.reason));
    // The builtin writer's song, the same as with no model at all.
    EXPECT_EQ(LyricsText(song->lyrics), LyricsText(builtin->lyrics));
  }
}

TEST_F(OpenAiLyricsTest, TheServiceUsesTheModelCountsItAndNeverLogsTheKey) {
  const moodtape::testing::DevCerts certs({"producer", "cli"});
  moodtape::testing::LogCapture logs;
  setenv("MOODTAPE_OPENAI_API_KEY", "sk-test-not-a-secret", 1);
  const std::string toml = certs.ServiceToml("producer", R"(lyrics_backend = "openai"
openai_base_url = ")" + fake_.BaseUrl() +
                                                             R"("
openai_model = "local-llama"
)");
  {
    platform::InProcessService service("producer", platform::Config::FromString(toml),
                                       producer::Start);
    const platform::ChannelOptions o = certs.As("cli");
    platform::MetricsRegistry client_metrics;
    auto stub = v1::ProducerService::NewStub(
        platform::ChannelFactory(o, client_metrics).Create(service.Address("grpc"), "producer"));
    v1::WriteSongRequest req;
    req.mutable_song()->set_genre("pop");
    req.mutable_song()->set_theme("lanterns on a summer lake");
    req.mutable_song()->set_seed(3);
    v1::WriteSongResponse res;
    auto ctx = platform::NewClientContext(30s);
    ASSERT_TRUE(stub->WriteSong(ctx.get(), req, &res).ok());
    EXPECT_EQ(res.song().lyrics_by(), "openai");
    EXPECT_THAT(res.song().lyrics(), HasSubstr("lantern number"));

    // The model's words rendered: RenderSong sings the lyrics it is given.
    v1::RenderSongRequest render;
    *render.mutable_song() = req.song();
    render.set_format(v1::AUDIO_FORMAT_MIDI);
    render.set_lyrics(res.song().lyrics());
    render.set_title(res.song().title());
    auto rctx = platform::NewClientContext(30s);
    auto reader = stub->RenderSong(rctx.get(), render);
    std::string midi;
    v1::RenderSongResponse msg;
    while (reader->Read(&msg)) midi += msg.chunk();
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_NE(midi.find("lan"), std::string::npos);  // a lyric event of "lan-tern"

    fake_.Set(Mode::kServerError);
    ctx = platform::NewClientContext(30s);
    ASSERT_TRUE(stub->WriteSong(ctx.get(), req, &res).ok());
    EXPECT_EQ(res.song().lyrics_by(), "builtin");
    const std::string metrics = service.metrics().Render();
    EXPECT_THAT(metrics,
                HasSubstr("moodtape_producer_lyrics_total{by=\"openai\",outcome=\"ok\"} 1"));
    EXPECT_THAT(metrics,
                HasSubstr("moodtape_producer_lyrics_total{by=\"builtin\",outcome=\"fallback\"} 1"));
  }
  unsetenv("MOODTAPE_OPENAI_API_KEY");
  EXPECT_THAT(logs.Text(), HasSubstr("the builtin writer answered"));
  EXPECT_EQ(logs.Text().find("sk-test-not-a-secret"), std::string::npos) << "the key was logged";
}

}  // namespace
}  // namespace moodtape::producer
