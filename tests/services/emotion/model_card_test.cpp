#include "services/emotion/core/model_card.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace moodtape::emotion {
namespace {

ModelCard SampleCard(const std::string& version) {
  ModelCard c;
  c.version = version;
  c.created_at = "2025-01-02T03:04:05Z";
  c.data_sha256["text_emotion/train.csv"] = std::string(64, 'a');
  c.classifier.epoch = 7;
  c.classifier.ensemble = 2;
  c.regressor.l2 = 2.5;
  c.log_bias[static_cast<size_t>(EmotionIndex(Emotion::kAnger))] = 1.5;
  c.emotion_weight = 0.6;
  c.text_scale = {3.0, 2.0};
  c.dev_scores = {{"accuracy", 0.4}, {"macro_f1", 0.25}, {"pearson_valence", 0.5}};
  return c;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(ModelCardTest, WriteThenReadRoundTrips) {
  testing::TempDir dir;
  const ModelCard card = SampleCard("20250102T030405Z");
  ASSERT_TRUE(WriteModelCard(card, dir.File("model_card.json")));
  auto back = ReadModelCard(dir.File("model_card.json"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->version, card.version);
  EXPECT_EQ(back->created_at, card.created_at);
  EXPECT_EQ(back->data_sha256, card.data_sha256);
  EXPECT_EQ(back->classifier.epoch, 7);
  EXPECT_EQ(back->classifier.ensemble, 2);
  EXPECT_DOUBLE_EQ(back->regressor.l2, 2.5);
  EXPECT_DOUBLE_EQ(back->log_bias[static_cast<size_t>(EmotionIndex(Emotion::kAnger))], 1.5);
  EXPECT_DOUBLE_EQ(back->emotion_weight, 0.6);
  EXPECT_DOUBLE_EQ(back->text_scale.valence, 3.0);
  EXPECT_DOUBLE_EQ(back->dev_scores["macro_f1"].get<double>(), 0.25);
  EXPECT_FALSE(std::filesystem::exists(dir.File("model_card.json.tmp")));
}

void ExpectMalformed(const nlohmann::json& j, std::string_view needle) {
  auto card = ModelCardFromJson(j);
  ASSERT_FALSE(card) << j.dump();
  EXPECT_EQ(card.error().code, platform::ErrorCode::kInvalidArgument);
  EXPECT_NE(card.error().message.find(needle), std::string::npos) << card.error().message;
}

TEST(ModelCardTest, MalformedCardsNameTheField) {
  const nlohmann::json good = ModelCardToJson(SampleCard("v1"));
  ASSERT_TRUE(ModelCardFromJson(good));
  ExpectMalformed(nlohmann::json::array(), "JSON object");
  auto j = good;
  j.erase("version");
  ExpectMalformed(j, "'version'");
  j = good;
  j["format"] = 99;
  ExpectMalformed(j, "format 1");
  j = good;
  j["data_sha256"]["x"] = "not-a-hash";
  ExpectMalformed(j, "'data_sha256.x'");
  j = good;
  j["calibration"]["log_bias"].erase("worry");
  ExpectMalformed(j, "log_bias.worry");
  j = good;
  j["start_point"]["emotion_weight"] = 1.5;
  ExpectMalformed(j, "emotion_weight");
  j = good;
  j["files"]["classifier"] = "../../etc/passwd";
  ExpectMalformed(j, "plain file name");
  j = good;
  j["dev_scores"].erase("accuracy");
  ExpectMalformed(j, "dev_scores.accuracy");
  j = good;
  j["hyperparameters"]["classifier"]["epoch"] = "ten";
  ExpectMalformed(j, "classifier");
}

TEST(ModelCardTest, NotJsonIsAClearError) {
  testing::TempDir dir;
  Write(dir.File("model_card.json"), "{ not json");
  auto card = ReadModelCard(dir.File("model_card.json"));
  ASSERT_FALSE(card);
  EXPECT_NE(card.error().message.find("not valid JSON"), std::string::npos);
  auto missing = ReadModelCard(dir.File("nope.json"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, platform::ErrorCode::kNotFound);
}

void MakeModelDir(const std::string& root, const std::string& version, bool with_weights = true) {
  const std::string dir = root + "/emotion-" + version;
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteModelCard(SampleCard(version), dir + "/model_card.json"));
  if (with_weights) {
    Write(dir + "/classifier.bin", "x");
    Write(dir + "/va_regressor.bin", "x");
  }
}

TEST(ModelCardTest, FindsTheNewestValidModelAndSaysWhatItSkipped) {
  testing::TempDir root;
  MakeModelDir(root.path(), "20250101T000000Z");
  MakeModelDir(root.path(), "20250301T000000Z");
  MakeModelDir(root.path(), "20250401T000000Z", /*with_weights=*/false);
  std::filesystem::create_directories(root.File("emotion-20250501T000000Z"));
  Write(root.File("emotion-20250501T000000Z/model_card.json"), "{broken");
  std::filesystem::create_directories(root.File("other-20991231T000000Z"));

  auto choice = FindNewestModelDir(root.path());
  ASSERT_TRUE(choice) << choice.error().message;
  EXPECT_EQ(choice->path, root.File("emotion-20250301T000000Z"));
  EXPECT_EQ(choice->card.version, "20250301T000000Z");
  ASSERT_EQ(choice->skipped.size(), 2u);
  EXPECT_NE(choice->skipped[0].find("not valid JSON"), std::string::npos);
  EXPECT_NE(choice->skipped[1].find("missing"), std::string::npos);
}

TEST(ModelCardTest, NoModelIsNotFoundWithAHint) {
  testing::TempDir root;
  auto none = FindNewestModelDir(root.path());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, platform::ErrorCode::kNotFound);
  EXPECT_NE(none.error().message.find("moodtape-emotion train"), std::string::npos);
  EXPECT_FALSE(FindNewestModelDir(root.File("does-not-exist")));
}

TEST(ModelCardTest, VersionsSortLikeTime) {
  using namespace std::chrono;
  const auto t = system_clock::time_point(seconds(1700000000));
  EXPECT_EQ(ModelVersionFor(t), "20231114T221320Z");
  EXPECT_EQ(IsoTime(t), "2023-11-14T22:13:20Z");
  EXPECT_LT(ModelVersionFor(t), ModelVersionFor(t + seconds(1)));
}

}  // namespace
}  // namespace moodtape::emotion
