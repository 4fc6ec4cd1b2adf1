#include "services/emotion/core/dataset.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace moodtape::emotion {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(DatasetTest, ReadsQuotedCsvFields) {
  testing::TempDir dir;
  Write(dir.File("t.csv"),
        "tweet_id,sentiment,content\n1,worry,\"a, \"\"quoted\"\" text\"\n2,fun,plain\r\n");
  auto rows = ReadTextEmotionCsv(dir.File("t.csv"));
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].text, "a, \"quoted\" text");
  EXPECT_EQ((*rows)[0].label, Emotion::kWorry);
  EXPECT_EQ((*rows)[1].text, "plain");
  auto kind = DetectCsvKind(dir.File("t.csv"));
  ASSERT_TRUE(kind);
  EXPECT_EQ(*kind, CsvKind::kTextEmotion);
}

TEST(DatasetTest, UnknownLabelNamesTheRecord) {
  testing::TempDir dir;
  Write(dir.File("t.csv"), "tweet_id,sentiment,content\n1,joy,x\n");
  auto rows = ReadTextEmotionCsv(dir.File("t.csv"));
  ASSERT_FALSE(rows);
  EXPECT_NE(rows.error().message.find("unknown label 'joy'"), std::string::npos);
}

TEST(DatasetTest, ReadsEmoBankScaledToPlusMinusOne) {
  testing::TempDir dir;
  Write(dir.File("e.csv"), "id,split,V,A,D,text\na,train,5.0,1.0,3.0,\"Great \"\"news\"\"\"\n");
  auto rows = ReadEmoBankCsv(dir.File("e.csv"));
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_DOUBLE_EQ((*rows)[0].valence, 1.0);
  EXPECT_DOUBLE_EQ((*rows)[0].arousal, -1.0);
  EXPECT_EQ((*rows)[0].text, "Great \"news\"");
  EXPECT_EQ(DetectCsvKind(dir.File("e.csv")).value(), CsvKind::kEmoBank);
}

TEST(DatasetTest, UnknownShapeIsAClearError) {
  testing::TempDir dir;
  Write(dir.File("x.csv"), "a,b\n1,2\n");
  auto kind = DetectCsvKind(dir.File("x.csv"));
  ASSERT_FALSE(kind);
  EXPECT_NE(kind.error().message.find("sentiment,content"), std::string::npos);
  EXPECT_FALSE(DetectCsvKind(dir.File("missing.csv")));
}

TEST(DatasetTest, GoEmotionsMapsOnlySingleLabelsWithACounterpart) {
  testing::TempDir dir;
  Write(dir.File("emotions.txt"), "admiration\namusement\nanger\nneutral");
  Write(dir.File("g.tsv"), "so funny\t1\tx1\nnice\t0\tx2\ngrr\t2,1\tx3\n\"a \"\"q\"\"\"\t3\tx4\n");
  auto rows = ReadGoEmotionsTsv(dir.File("g.tsv"), dir.File("emotions.txt"));
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].label, Emotion::kFun);
  EXPECT_EQ((*rows)[1].label, Emotion::kNeutral);
  EXPECT_EQ((*rows)[1].text, "a \"q\"");
  EXPECT_EQ(GoEmotionsCounterpart("fear"), Emotion::kWorry);
  EXPECT_FALSE(GoEmotionsCounterpart("admiration"));
}

}  // namespace
}  // namespace moodtape::emotion
