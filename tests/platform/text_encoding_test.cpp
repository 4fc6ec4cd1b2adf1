// The byte and text helpers every service leans on: UTF-8 decoding and validation, percent
// decoding, base64 in both alphabets.
#include <gtest/gtest.h>

#include <string>

#include "platform/base/encoding.h"
#include "platform/base/text.h"

namespace moodtape::platform {
namespace {

TEST(Utf8Test, DecodesEachLengthAndEncodesItBack) {
  for (char32_t cp : {U'a', U'é', U'€', U'😭', char32_t{0x10FFFF}}) {
    std::string bytes;
    AppendUtf8(cp, &bytes);
    char32_t decoded = 0;
    EXPECT_EQ(DecodeUtf8At(bytes, 0, &decoded), bytes.size());
    EXPECT_EQ(decoded, cp);
  }
}

TEST(Utf8Test, RejectsOverlongSurrogateTruncatedAndOutOfRangeSequences) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8At("\xC0\xAF", 0, &cp), 0u);          // overlong '/'
  EXPECT_EQ(DecodeUtf8At("\xED\xA0\x80", 0, &cp), 0u);      // U+D800
  EXPECT_EQ(DecodeUtf8At("\xE2\x82", 0, &cp), 0u);          // truncated €
  EXPECT_EQ(DecodeUtf8At("\xF4\x90\x80\x80", 0, &cp), 0u);  // above U+10FFFF
  EXPECT_EQ(DecodeUtf8At("\x80", 0, &cp), 0u);              // lone continuation byte
  EXPECT_EQ(FirstInvalidUtf8("ok \xE2\x82\xAC then \xFF"), 12u);
  EXPECT_FALSE(FirstInvalidUtf8("fine, 😭 and é").has_value());
  EXPECT_EQ(CountCodePoints("😭é!"), 3u);
}

TEST(PercentDecodeTest, PlusIsASpaceOnlyInQueries) {
  EXPECT_EQ(PercentDecode("a+b%20c", PlusMeans::kSpace), "a b c");
  EXPECT_EQ(PercentDecode("a+b%2Fc", PlusMeans::kLiteralPlus), "a+b/c");
  EXPECT_FALSE(PercentDecode("bad%2", PlusMeans::kSpace).has_value());
  EXPECT_FALSE(PercentDecode("bad%zz", PlusMeans::kSpace).has_value());
}

TEST(Base64Test, StandardAndUrlAlphabetsRoundTripAndRejectEachOther) {
  const std::string bytes("\xfb\xff\x00\x10hello", 9);
  const std::string standard = Base64Encode(bytes);
  const std::string url = Base64Encode(bytes, /*url=*/true);
  EXPECT_EQ(standard, "+/8AEGhlbGxv");
  EXPECT_EQ(url, "-_8AEGhlbGxv");
  EXPECT_EQ(Base64Encode("a"), "YQ==");
  EXPECT_EQ(Base64Decode(standard), bytes);
  EXPECT_EQ(Base64Decode("YQ=="), "a");
  EXPECT_EQ(Base64Decode("YQ"), "a");
  EXPECT_EQ(Base64UrlDecode(url), bytes);
  EXPECT_FALSE(Base64Decode(url).has_value());
  EXPECT_FALSE(Base64UrlDecode(standard).has_value());
  EXPECT_FALSE(Base64Decode("Y").has_value());
}

TEST(Base64Test, DecodesStandardBase64WithLineBreaksAndRefusesTheRest) {
  EXPECT_EQ(Base64Decode("aGVsbG8gd29ybGQ="), "hello world");
  EXPECT_EQ(Base64Decode("+/8="), std::string("\xfb\xff"));
  EXPECT_EQ(Base64Decode("aGVs\nbG8="), "hello");
  EXPECT_FALSE(Base64Decode("aGVs=bG8").has_value());
  EXPECT_FALSE(Base64Decode("-_8").has_value());
  EXPECT_FALSE(Base64Decode("a$b=").has_value());
}

}  // namespace
}  // namespace moodtape::platform
