// The JSON field reader every request body and job payload goes through: each refusal names the
// field and says what would be accepted.
#include "platform/base/json_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace moodtape::platform {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string ErrorOf(const Status& s) { return s.ok() ? "" : s.error().message; }

TEST(ParseJsonObjectTest, RefusesWhatIsNotAUtf8JsonObject) {
  EXPECT_THAT(ParseJsonObject("").error().message, HasSubstr("empty"));
  EXPECT_THAT(ParseJsonObject("  \n").error().message, HasSubstr("empty"));
  EXPECT_THAT(ParseJsonObject("{").error().message, HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseJsonObject("[1]").error().message, HasSubstr("must be a JSON object"));
  EXPECT_EQ(ParseJsonObject("\xff").error().message, "request body is not valid UTF-8 (byte 0)");
  EXPECT_EQ(ParseJsonObject("{\"a\":\"x\",\"b\":\"p\xc3\x28\"}").error().message,
            "field \"b\" is not valid UTF-8 (byte 15)");
  EXPECT_THAT(ParseJsonObject("[", "the message").error().message, HasSubstr("the message"));
  EXPECT_TRUE(ParseJsonObject("{\"a\": 1}").ok());
}

TEST(JsonFieldReaderTest, StringsAreCheckedForTypeEmptinessLengthAndNul) {
  json j = {{"name", "  ada  "}, {"n", 5}, {"nul", std::string("a\0b", 3)}, {"empty", ""}};
  {
    JsonFieldReader r(j);
    EXPECT_EQ(r.String("name", {.trim = true}), "ada");
    r.Allow("n");
    r.Allow("nul");
    r.Allow("empty");
    EXPECT_TRUE(r.Finish().ok());
  }
  auto first_error = [&](auto&& read) {
    JsonFieldReader r(j);
    read(r);
    for (const auto& item : j.items()) r.Allow(item.key());  // only the read field matters here
    return ErrorOf(r.Finish());
  };
  EXPECT_EQ(first_error([](auto& r) { r.String("n"); }),
            "field \"n\" must be a string, not a number");
  EXPECT_EQ(first_error([](auto& r) { r.String("missing"); }), "field \"missing\" is required");
  EXPECT_EQ(first_error([](auto& r) { r.String("empty"); }), "field \"empty\" must not be empty");
  EXPECT_THAT(first_error([](auto& r) { r.String("nul"); }), HasSubstr("NUL"));
  EXPECT_EQ(first_error([](auto& r) { r.String("name", {.trim = true, .max_chars = 2}); }),
            "field \"name\" is longer than 2 characters");
  EXPECT_EQ(first_error([](auto& r) { r.String("name", {.max_bytes = 3}); }),
            "field \"name\" is longer than 3 bytes");
}

TEST(JsonFieldReaderTest, CodePointsNotBytesCountTowardsCharacterLimits) {
  json j = {{"t", "\xc3\xa9\xc3\xa9\xc3\xa9"}};  // 3 characters, 6 bytes
  JsonFieldReader r(j);
  EXPECT_EQ(r.String("t", {.max_chars = 3}), j["t"].get<std::string>());
  EXPECT_TRUE(r.Finish().ok());
}

TEST(JsonFieldReaderTest, IntegersHaveRangesAndTypes) {
  json j = {{"a", 3}, {"b", 51}, {"c", -1}, {"d", 1.5}, {"e", "7"}, {"f", 18446744073709551615ULL}};
  auto error = [&](const char* name) {
    JsonFieldReader r(j);
    r.Int(name, {.min = 0, .max = 50}, 0);
    for (const auto& item : j.items()) r.Allow(item.key());  // only the read field matters here
    return ErrorOf(r.Finish());
  };
  EXPECT_EQ(error("a"), "");
  EXPECT_EQ(error("b"), "field \"b\" must be an integer from 0 to 50");
  EXPECT_EQ(error("c"), "field \"c\" must be an integer from 0 to 50");
  EXPECT_EQ(error("d"), "field \"d\" must be an integer, not a number");
  EXPECT_EQ(error("e"), "field \"e\" must be an integer, not a string");
  EXPECT_EQ(error("f"), "field \"f\" must be an integer from 0 to 50");
  JsonFieldReader absent(j);
  EXPECT_EQ(absent.Int("zzz", {.min = 0, .max = 9}, 7), 7);
}

TEST(JsonFieldReaderTest, UnsignedSeedsBooleansListsAndNestedObjects) {
  json j = {{"seed", 18446744073709551615ULL},
            {"flag", true},
            {"list", {"x", " y "}},
            {"options", {{"k", 1}, {"typo", 2}}}};
  JsonFieldReader r(j);
  EXPECT_EQ(r.Uint64("seed", 0), 18446744073709551615ULL);
  EXPECT_TRUE(r.Bool("flag", false));
  EXPECT_EQ(r.StringList("list", {.max_items = 2, .item = {.trim = true}}),
            (std::vector<std::string>{"x", "y"}));
  auto options = r.Object("options");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->Int("k", {.min = 0, .max = 5}, 0), 1);
  r.Take(*options);
  EXPECT_EQ(ErrorOf(r.Finish()), "unknown field \"options.typo\"");

  json bad = {{"seed", -1}, {"list", {"a", "b", "c"}}, {"flag", 1}};
  JsonFieldReader b1(bad);
  for (const auto& item : bad.items()) b1.Allow(item.key());
  b1.Uint64("seed", 0);
  EXPECT_THAT(ErrorOf(b1.Finish()), HasSubstr("field \"seed\" must be an integer from 0 to"));
  JsonFieldReader b2(bad);
  for (const auto& item : bad.items()) b2.Allow(item.key());
  b2.StringList("list", {.max_items = 2, .item = {}});
  EXPECT_EQ(ErrorOf(b2.Finish()), "field \"list\" has 3 elements; at most 2 are allowed");
  JsonFieldReader b3(bad);
  for (const auto& item : bad.items()) b3.Allow(item.key());
  b3.Bool("flag", false);
  EXPECT_EQ(ErrorOf(b3.Finish()), "field \"flag\" must be true or false, not a number");
}

TEST(JsonFieldReaderTest, OnlyTheFirstErrorIsKeptAndUnknownFieldsAreNamed) {
  json j = {{"a", 1}, {"b", 2}, {"extra", 3}};
  JsonFieldReader r(j);
  r.String("a");
  r.String("b");
  r.Allow("extra");
  EXPECT_EQ(ErrorOf(r.Finish()), "field \"a\" must be a string, not a number");
  JsonFieldReader unknown(j);
  unknown.Int("a", {.min = 0, .max = 9}, 0);
  unknown.Int("b", {.min = 0, .max = 9}, 0);
  EXPECT_EQ(ErrorOf(unknown.Finish()), "unknown field \"extra\"");
}

TEST(JsonFieldReaderTest, OneOfListsTheChoices) {
  json j = {{"e", "joy"}};
  JsonFieldReader r(j);
  r.OneOf("e", {"fun", "love"}, true);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(ErrorOf(r.Finish()), "field \"e\" must be one of: fun, love");
}

}  // namespace
}  // namespace moodtape::platform
