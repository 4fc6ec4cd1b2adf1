#include "services/emotion/core/text.h"

#include <gtest/gtest.h>

namespace moodtape::emotion {
namespace {

using platform::ErrorCode;

TEST(NormalizeTextTest, LowerCasesAndSplitsPunctuation) {
  EXPECT_EQ(NormalizeText("Hello, World!"), "hello , world !");
  EXPECT_EQ(NormalizeText("I can't stop crying, everything is grey"),
            "i can't stop crying , everything is grey");
  EXPECT_EQ(NormalizeText("  many   spaces\tand\nlines "), "many spaces and lines");
}

TEST(NormalizeTextTest, SquashesRepeatedLettersAndMarks) {
  EXPECT_EQ(NormalizeText("soooooo goood"), "soo good");
  EXPECT_EQ(NormalizeText("good too"), "good too");
  EXPECT_EQ(NormalizeText("what!!!!???"), "what !! ??");
  EXPECT_EQ(NormalizeText("hmm..."), "hmm ..");
  EXPECT_EQ(NormalizeText("wait\u2026"), "wait ..");
}

TEST(NormalizeTextTest, UrlsMentionsHashtagsNumbers) {
  EXPECT_EQ(NormalizeText("@tiffanylue look http://t.co/x?y=1 now"), "<user> look <url> now");
  EXPECT_EQ(NormalizeText("see www.example.com"), "see <url>");
  EXPECT_EQ(NormalizeText("#happy day"), "happy day");
  EXPECT_EQ(NormalizeText("at 10 pm"), "at <num> pm");
  EXPECT_EQ(NormalizeText("mail me@home"), "mail me @ home");
}

TEST(NormalizeTextTest, EmoticonsBecomeCanonicalTokens) {
  EXPECT_EQ(NormalizeText("yay :) :-) =)"), "yay <smile> <smile> <smile>");
  EXPECT_EQ(NormalizeText("nooo :( :'("), "noo <sad> <cry>");
  EXPECT_EQ(NormalizeText("lol :D xD"), "lol <laugh> <laugh>");
  EXPECT_EQ(NormalizeText("love you &lt;3"), "love you <heart>");
  EXPECT_EQ(NormalizeText("ok ;)"), "ok <wink>");
  EXPECT_EQ(NormalizeText("fine :)))"), "fine <smile>");
  // Letters that only look like an emoticon inside a word stay a word.
  EXPECT_EQ(NormalizeText("boxd xdd"), "boxd xdd");
}

TEST(NormalizeTextTest, EmojiStayAsTokens) {
  EXPECT_EQ(NormalizeText("sad😭"), "sad 😭 <cry>");
  EXPECT_EQ(NormalizeText("👍🏽"), "👍");                // skin tone dropped
  EXPECT_EQ(NormalizeText("❤️ you"), "❤ <heart> you");  // variation selector dropped
  EXPECT_EQ(NormalizeText("🎉🎉"), "🎉 🎉");
}

TEST(NormalizeTextTest, DecodesEntitiesAndTypographicQuotes) {
  EXPECT_EQ(NormalizeText("me &amp; you"), "me & you");
  EXPECT_EQ(NormalizeText("don\u2019t"), "don't");
}

TEST(NormalizeTextTest, OtherScriptsAreKept) {
  EXPECT_EQ(NormalizeText("ПРИВЕТ мир"), "привет мир");
  EXPECT_EQ(NormalizeText("Ελλάδα"), "ελλάδα");
  EXPECT_EQ(NormalizeText("今日は悲しい"), "今日は悲しい");
  EXPECT_EQ(NormalizeText("Ça va"), "ça va");
}

TEST(NormalizeTextTest, InvalidBytesAreDroppedSoOutputIsValid) {
  const std::string out = NormalizeText("ok\xff\xfe fine");
  EXPECT_FALSE(FirstInvalidUtf8(out).has_value());
  EXPECT_EQ(out, "ok fine");
}

// Holds except for emoji with an emoticon meaning, which add their token on every pass.
TEST(NormalizeTextTest, IsIdempotentOnItsOwnOutput) {
  for (const char* s : {"Hello, World!!!", "@a http://x :) 🎉 soooo #tag", "can't stop 10 times"}) {
    const std::string once = NormalizeText(s);
    EXPECT_EQ(NormalizeText(once), once) << s;
  }
}

TEST(ValidateTextTest, AcceptsOrdinaryTextOtherScriptsAndEmoji) {
  EXPECT_TRUE(ValidateText("fine"));
  EXPECT_TRUE(ValidateText("привет"));
  EXPECT_TRUE(ValidateText("😭😭😭"));
  EXPECT_TRUE(ValidateText(std::string(kMaxTextCodePoints, 'a')));
  // 5000 code points of 4 bytes each is still 5000 characters.
  std::string emoji;
  for (size_t i = 0; i < kMaxTextCodePoints; ++i) emoji += "😭";
  EXPECT_TRUE(ValidateText(emoji));
}

void ExpectInvalid(std::string_view text, std::string_view needle) {
  const auto s = ValidateText(text);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find(needle), std::string::npos) << s.error().message;
}

TEST(ValidateTextTest, RefusesEachBadInputWithAnActionableMessage) {
  ExpectInvalid("", "empty");
  ExpectInvalid(" \t\n ", "only whitespace");
  ExpectInvalid("\u00a0\u3000", "only whitespace");  // Unicode spaces count too
  ExpectInvalid(std::string(kMaxTextCodePoints + 1, 'a'), "limit is 5000");
  ExpectInvalid("ok \xff", "not valid UTF-8");
  ExpectInvalid("\xc0\xaf", "not valid UTF-8");          // overlong '/'
  ExpectInvalid("\xed\xa0\x80", "not valid UTF-8");      // surrogate
  ExpectInvalid("\xf4\x90\x80\x80", "not valid UTF-8");  // above U+10FFFF
  ExpectInvalid("\xe2\x82", "not valid UTF-8");          // truncated
}

TEST(Utf8Test, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("😭é"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("ab\xff"), 2u);
}

}  // namespace
}  // namespace moodtape::emotion
