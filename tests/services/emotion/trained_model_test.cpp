// A tiny model trained inside the test proves train -> save -> load -> predict, plus the
// subcommands over streams. Seconds, not minutes: a few dozen lines, small dimensions.
#include "services/emotion/core/trained_model.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "services/emotion/commands.h"
#include "services/emotion/core/trainer.h"
#include "tests/support/test_support.h"

namespace moodtape::emotion {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Four clearly separable emotions, a dozen variations each.
std::string TextEmotionCsv(int copies) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> kSeeds = {
      {"happiness",
       {"so happy today", "what a happy sunny day", "feeling happy and great", "happy happy joy"}},
      {"sadness",
       {"so sad and crying", "crying all night, sad", "i miss her, so sad", "tears again, sad"}},
      {"worry",
       {"worried about the exam", "nervous and worried", "what if it fails, worried",
        "anxious worried stressed"}},
      {"hate", {"i hate mondays", "hate this traffic", "i hate my phone", "hate hate hate"}},
  };
  std::string out = "tweet_id,sentiment,content\n";
  int id = 1;
  for (int c = 0; c < copies; ++c) {
    for (const auto& [label, texts] : kSeeds) {
      for (const auto& t : texts) {
        out += std::to_string(id++) + "," + label + ",\"" + t + (c ? " " + std::to_string(c) : "") +
               "\"\n";
      }
    }
  }
  return out;
}

std::string EmoBankCsv() {
  return "id,split,V,A,D,text\n"
         "a,train,4.5,3.5,3,so happy and glad\n"
         "b,train,1.5,2.0,3,so sad and lonely\n"
         "c,train,4.0,4.0,3,what great news\n"
         "d,train,2.0,3.8,3,angry and upset\n"
         "e,train,3.0,3.0,3,the table is brown\n"
         "f,train,1.8,2.5,3,crying alone\n";
}

class TinyModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(data_.File("text_emotion/train.csv"), TextEmotionCsv(3));
    Write(data_.File("text_emotion/dev.csv"), TextEmotionCsv(1));
    Write(data_.File("emobank/train.csv"), EmoBankCsv());
    Write(data_.File("emobank/dev.csv"), EmoBankCsv());
  }

  TrainOptions Options(const platform::Clock* clock) {
    TrainOptions o;
    o.data_dir = data_.path();
    o.models_dir = models_.path();
    o.classifier.epoch = 25;
    o.classifier.dim = 10;
    o.classifier.ensemble = 2;
    o.classifier.bucket = 1000;
    o.regressor.hash_bits = 12;
    o.clock = clock;
    return o;
  }

  testing::TempDir data_;
  testing::TempDir models_;
};

TEST_F(TinyModelTest, TrainSaveLoadPredict) {
  platform::ManualClock clock(
      std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)));
  auto report = TrainModel(Options(&clock));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->model_dir, models_.File("emotion-20231114T221320Z"));
  EXPECT_TRUE(std::filesystem::exists(report->model_dir + "/model_card.json"));
  EXPECT_TRUE(std::filesystem::exists(report->model_dir + "/classifier.bin.1"));
  EXPECT_EQ(report->card.data_sha256.size(), 4u);
  EXPECT_GT(report->dev.accuracy, 0.5);  // dev repeats train here; the point is the plumbing

  auto model = TrainedEmotionModel::LoadNewest(models_.path());
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ((*model)->Version(), "20231114T221320Z");

  auto p = (*model)->Predict("I HATE mondays!!!");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->label, Emotion::kHate);
  double sum = 0.0;
  for (double v : p->probabilities) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-6);
  EXPECT_GE(p->valence, -1.0);
  EXPECT_LE(p->valence, 1.0);
  EXPECT_LT(p->emotion_point.valence, 0.0);
  EXPECT_EQ(p->model_version, "20231114T221320Z");

  auto happy = (*model)->Predict("so happy :)");
  ASSERT_TRUE(happy);
  EXPECT_EQ(happy->label, Emotion::kHappiness);
  EXPECT_GT(happy->valence, p->valence);

  // Bad input is an error value, never an exception; other scripts and emoji get an answer.
  auto empty = (*model)->Predict("   ");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, platform::ErrorCode::kInvalidArgument);
  EXPECT_TRUE((*model)->Predict("привет"));
  EXPECT_TRUE((*model)->Predict("😭😭"));
}

TEST_F(TinyModelTest, SameDataSameModel) {
  platform::ManualClock clock(
      std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)));
  auto first = TrainModel(Options(&clock));
  clock.Advance(std::chrono::seconds(5));
  auto second = TrainModel(Options(&clock));
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->model_dir, second->model_dir);
  auto a = TrainedEmotionModel::Load(first->model_dir);
  auto b = TrainedEmotionModel::Load(second->model_dir);
  ASSERT_TRUE(a && b);
  for (const char* text : {"worried about it", "so sad", "random words here"}) {
    const auto pa = (*a)->Predict(text);
    const auto pb = (*b)->Predict(text);
    for (size_t c = 0; c < kNumEmotions; ++c)
      EXPECT_DOUBLE_EQ(pa->probabilities[c], pb->probabilities[c]);
    EXPECT_DOUBLE_EQ(pa->valence, pb->valence);
  }
  // Newest wins.
  auto newest = TrainedEmotionModel::LoadNewest(models_.path());
  ASSERT_TRUE(newest);
  EXPECT_EQ((*newest)->Version(), second->card.version);
}

TEST_F(TinyModelTest, MissingWeightsAreAClearError) {
  platform::ManualClock clock;
  auto report = TrainModel(Options(&clock));
  ASSERT_TRUE(report);
  std::filesystem::remove(report->model_dir + "/classifier.bin.1");
  auto model = TrainedEmotionModel::Load(report->model_dir);
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("classifier.bin.1"), std::string::npos);
  Write(report->model_dir + "/classifier.bin.1", "garbage");
  model = TrainedEmotionModel::Load(report->model_dir);
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("not a fastText model"), std::string::npos);
}

TEST_F(TinyModelTest, MissingDataIsAClearError) {
  std::filesystem::remove(data_.File("emobank/dev.csv"));
  platform::ManualClock clock;
  auto report = TrainModel(Options(&clock));
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("emobank/dev.csv"), std::string::npos);
}

TEST_F(TinyModelTest, PredictCommandWritesOneJsonLinePerInputLine) {
  platform::ManualClock clock;
  auto report = TrainModel(Options(&clock));
  ASSERT_TRUE(report);
  std::istringstream in("i hate mondays\n\n   \nso happy\r\n\xff\xfe\n" + std::string(6000, 'a') +
                        "\n😭\n");
  std::ostringstream out, err;
  ASSERT_EQ(RunPredictCommand({"--model", models_.path()}, in, out, err), 0) << err.str();
  std::istringstream lines(out.str());
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0]["label"], "hate");
  EXPECT_EQ(rows[0]["probabilities"].size(), 13u);
  EXPECT_EQ(rows[0]["model_version"], report->card.version);
  EXPECT_TRUE(rows[0]["valence"].is_number());
  EXPECT_NE(rows[1]["error"].get<std::string>().find("empty"), std::string::npos);
  EXPECT_NE(rows[2]["error"].get<std::string>().find("whitespace"), std::string::npos);
  EXPECT_EQ(rows[3]["label"], "happiness");
  EXPECT_NE(rows[4]["error"].get<std::string>().find("UTF-8"), std::string::npos);
  EXPECT_NE(rows[5]["error"].get<std::string>().find("5000"), std::string::npos);
  EXPECT_TRUE(rows[6].contains("label"));
}

TEST_F(TinyModelTest, EvalCommandPrintsBothKindsOfScores) {
  platform::ManualClock clock;
  ASSERT_TRUE(TrainModel(Options(&clock)));
  std::ostringstream out, err;
  ASSERT_EQ(
      RunEvalCommand({"--test", data_.File("text_emotion/dev.csv"), "--model", models_.path()}, out,
                     err),
      0)
      << err.str();
  EXPECT_NE(out.str().find("macro-F1"), std::string::npos);
  EXPECT_NE(out.str().find("confusion matrix"), std::string::npos);
  std::ostringstream jout;
  ASSERT_EQ(
      RunEvalCommand({"--test", data_.File("emobank/dev.csv"), "--model", models_.path(), "--json"},
                     jout, err),
      0);
  const auto j = nlohmann::json::parse(jout.str());
  EXPECT_EQ(j["kind"], "emobank");
  EXPECT_TRUE(j["pearson_valence"].is_number());
  std::ostringstream bad;
  EXPECT_EQ(RunEvalCommand({"--model", models_.path()}, bad, err), 2);
}

TEST(PredictionJsonTest, ExactShape) {
  Prediction p;
  p.probabilities.fill(0.0);
  p.probabilities[static_cast<size_t>(EmotionIndex(Emotion::kWorry))] = 0.75;
  p.probabilities[static_cast<size_t>(EmotionIndex(Emotion::kAnger))] = 0.25;
  p.label = Emotion::kWorry;
  p.valence = -0.41;
  p.arousal = 0.2249;
  p.model_version = "v\"1";
  EXPECT_EQ(
      PredictionJsonLine(p),
      "{\"label\": \"worry\", \"probabilities\": {\"anger\": 0.25, \"boredom\": 0, \"empty\": 0, "
      "\"enthusiasm\": 0, \"fun\": 0, \"happiness\": 0, \"hate\": 0, \"love\": 0, \"neutral\": 0, "
      "\"relief\": 0, \"sadness\": 0, \"surprise\": 0, \"worry\": 0.75}, \"valence\": -0.41, "
      "\"arousal\": 0.225, \"model_version\": \"v\\\"1\"}");
  EXPECT_EQ(ErrorJsonLine("bad \"x\""), "{\"error\": \"bad \\\"x\\\"\"}");
}

// The service depends on the interface, so a fake stands in for a trained model.
class FakeModel final : public EmotionModel {
 public:
  platform::Result<Prediction> Predict(std::string_view text) const override {
    Prediction p;
    p.probabilities.fill(1.0 / kNumEmotions);
    p.model_version = "fake";
    return p;
  }
  std::string Version() const override { return "fake"; }
};

TEST(EmotionModelTest, FakesImplementTheInterface) {
  const FakeModel fake;
  const EmotionModel& model = fake;
  EXPECT_EQ(model.Version(), "fake");
  EXPECT_TRUE(model.Predict("x"));
}

}  // namespace
}  // namespace moodtape::emotion
