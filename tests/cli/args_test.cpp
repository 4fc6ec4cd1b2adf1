#include "tools/cli/args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace moodtape::cli {
namespace {

using ::testing::HasSubstr;

platform::Result<Invocation> Parse(std::vector<std::string> args,
                                   std::optional<std::string> env = std::nullopt) {
  return ParseArgs(args, env);
}

std::string UsageError(std::vector<std::string> args) {
  auto r = Parse(std::move(args));
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, platform::ErrorCode::kInvalidArgument);
  return r.error().message;
}

TEST(ArgsTest, MoodWithAllOptions) {
  auto r = Parse({"mood", "tired after exams", "--want", "calm", "--length=8", "--json"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->command, Command::kMood);
  EXPECT_EQ(r->text, "tired after exams");
  EXPECT_EQ(r->want, "calm");
  EXPECT_EQ(r->length, 8);
  EXPECT_TRUE(r->json);
  EXPECT_EQ(r->gateway, "http://127.0.0.1:8080");
}

TEST(ArgsTest, GatewayFromFlagThenEnvironmentThenDefault) {
  EXPECT_EQ(Parse({"history"}, "http://gw:9000/")->gateway, "http://gw:9000");
  EXPECT_EQ(Parse({"--gateway", "http://x:1", "history"}, "http://gw:9000")->gateway, "http://x:1");
  EXPECT_EQ(Parse({"history", "--gateway=https://y"})->gateway, "https://y");
  EXPECT_EQ(Parse({"history"}, "")->gateway, "http://127.0.0.1:8080");
  EXPECT_THAT(UsageError({"history", "--gateway", "ftp://x"}), HasSubstr("http://"));
}

TEST(ArgsTest, SessionCommands) {
  auto signup = Parse({"signup", "--username", "ada", "--email", "a@b.c", "--password-stdin"});
  ASSERT_TRUE(signup.ok());
  EXPECT_EQ(signup->command, Command::kSignup);
  EXPECT_EQ(signup->email, "a@b.c");
  EXPECT_TRUE(signup->password_stdin);
  EXPECT_EQ(Parse({"login", "--username", "ada"})->command, Command::kLogin);
  EXPECT_EQ(Parse({"logout"})->command, Command::kLogout);
  EXPECT_THAT(UsageError({"signup", "--username", "ada"}), HasSubstr("--email"));
  EXPECT_THAT(UsageError({"login"}), HasSubstr("--username"));
}

TEST(ArgsTest, PasswordIsNeverAFlag) {
  EXPECT_THAT(UsageError({"login", "--username", "ada", "--password", "x"}),
              HasSubstr("never taken from a flag"));
  EXPECT_THAT(UsageError({"login", "--username", "ada", "--password=x"}),
              HasSubstr("never taken from a flag"));
}

TEST(ArgsTest, HistoryAndDeadLetters) {
  auto h = Parse({"history", "--limit", "5", "--cursor", "abc"});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->limit, 5);
  EXPECT_EQ(h->cursor, "abc");
  auto list = Parse({"admin", "dlq", "list", "--type", "mood", "--limit", "2"});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->command, Command::kDlqList);
  EXPECT_EQ(list->type, "mood");
  auto show = Parse({"admin", "dlq", "show", "j-1"});
  ASSERT_TRUE(show.ok());
  EXPECT_EQ(show->command, Command::kDlqShow);
  EXPECT_EQ(show->job_id, "j-1");
  EXPECT_EQ(Parse({"admin", "dlq", "replay", "j-1"})->command, Command::kDlqReplay);
  EXPECT_EQ(Parse({"admin", "dlq", "purge", "--type", "mood"})->command, Command::kDlqPurge);
}

TEST(ArgsTest, UsageMistakes) {
  EXPECT_THAT(UsageError({}), HasSubstr("missing command"));
  EXPECT_THAT(UsageError({"dance"}), HasSubstr("unknown command"));
  EXPECT_THAT(UsageError({"mood", "--want", "calm"}), HasSubstr("needs the text"));
  EXPECT_THAT(UsageError({"mood", "sad"}), HasSubstr("--want"));
  EXPECT_THAT(UsageError({"mood", "sad", "--want", "calm", "--length", "0"}),
              HasSubstr("positive whole number"));
  EXPECT_THAT(UsageError({"mood", "sad", "--want", "calm", "--length", "3x"}),
              HasSubstr("positive whole number"));
  EXPECT_THAT(UsageError({"mood", "sad", "extra", "--want", "calm"}), HasSubstr("\"extra\""));
  EXPECT_THAT(UsageError({"history", "--want", "calm"}),
              HasSubstr("--want is not an option of history"));
  EXPECT_THAT(UsageError({"history", "--limit"}), HasSubstr("needs a value"));
  EXPECT_THAT(UsageError({"history", "--frobnicate"}), HasSubstr("unknown option"));
  EXPECT_THAT(UsageError({"admin", "dlq", "show"}), HasSubstr("JOB_ID"));
  EXPECT_THAT(UsageError({"admin", "dlq", "explode"}), HasSubstr("unknown admin dlq action"));
  EXPECT_THAT(UsageError({"admin"}), HasSubstr("admin dlq"));
}

TEST(ArgsTest, HelpWinsAndDoubleDashEndsOptions) {
  EXPECT_EQ(Parse({"mood", "--help"})->command, Command::kHelp);
  EXPECT_EQ(Parse({"-h"})->command, Command::kHelp);
  auto r = Parse({"mood", "--want", "calm", "--", "--not-a-flag"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "--not-a-flag");
  EXPECT_THAT(UsageText(), HasSubstr("moodtape admin dlq replay JOB_ID"));
}

}  // namespace
}  // namespace moodtape::cli
