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

TEST(ArgsTest, AlbumWithAllOptions) {
  auto r = Parse({"album", "--genre", "heavy-metal", "--songs", "3", "--theme", "dragons and fire",
                  "--cover=a red dragon", "--seed", "18446744073709551615", "--out", "songs/",
                  "--json"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->command, Command::kAlbum);
  EXPECT_EQ(r->genre, "heavy-metal");
  EXPECT_EQ(r->songs, 3);
  EXPECT_EQ(r->theme, "dragons and fire");
  EXPECT_EQ(r->cover, "a red dragon");
  EXPECT_EQ(r->seed, 18446744073709551615ULL);
  EXPECT_EQ(r->out_dir, "songs/");
  EXPECT_TRUE(r->json);
}

TEST(ArgsTest, AlbumOptionalPartsStayUnset) {
  auto r = Parse({"album", "--genre", "disco-polo", "--songs", "1", "--theme", "-lake-"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->theme, "-lake-");  // a value may start with a dash
  EXPECT_FALSE(r->cover.has_value());
  EXPECT_FALSE(r->seed.has_value());
  EXPECT_EQ(r->out_dir, "");
  EXPECT_FALSE(r->json);
  // An empty cover description is still sent (the gateway allows 0 characters); seed 0 is a seed.
  auto empty = Parse(
      {"album", "--genre", "g", "--songs", "1", "--theme", "t", "--cover", "", "--seed", "0"});
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(empty->cover, "");
  EXPECT_EQ(empty->seed, 0u);
}

TEST(ArgsTest, AlbumMistakes) {
  EXPECT_THAT(UsageError({"album", "--songs", "3", "--theme", "t"}), HasSubstr("--genre"));
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--theme", "t"}), HasSubstr("--songs"));
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--songs", "3"}), HasSubstr("--theme"));
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--songs", "3", "--theme", ""}),
              HasSubstr("--theme"));
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--songs", "0", "--theme", "t"}),
              HasSubstr("--songs must be a positive whole number"));
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--songs", "three", "--theme", "t"}),
              HasSubstr("positive whole number, not \"three\""));
  for (const char* seed : {"-1", "7x", "", "18446744073709551616"}) {
    EXPECT_THAT(
        UsageError({"album", "--genre", "g", "--songs", "1", "--theme", "t", "--seed", seed}),
        HasSubstr("--seed must be a whole number from 0"))
        << seed;
  }
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--songs", "1", "--theme", "t", "--out", ""}),
              HasSubstr("--out needs a directory"));
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--songs", "1", "--theme", "t", "--out"}),
              HasSubstr("--out needs a value"));
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--genre", "h", "--songs", "1", "--theme", "t"}),
              HasSubstr("--genre given twice"));
  EXPECT_THAT(UsageError({"album", "--genre", "g", "--songs", "1", "--theme", "t", "--limit", "2"}),
              HasSubstr("--limit is not an option of album"));
  EXPECT_THAT(UsageError({"album", "list"}), HasSubstr("unknown album action \"list\""));
  EXPECT_THAT(UsageError({"mood", "sad", "--want", "calm", "--genre", "g"}),
              HasSubstr("--genre is not an option of mood"));
}

TEST(ArgsTest, AlbumsListing) {
  auto r = Parse({"albums", "--limit", "5", "--cursor", "c2", "--json"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->command, Command::kAlbums);
  EXPECT_EQ(r->limit, 5);
  EXPECT_EQ(r->cursor, "c2");
  EXPECT_TRUE(r->json);
  EXPECT_EQ(Parse({"albums"})->limit, std::nullopt);
  EXPECT_THAT(UsageError({"albums", "--limit", "0"}), HasSubstr("positive whole number"));
  EXPECT_THAT(UsageError({"albums", "--genre", "g"}),
              HasSubstr("--genre is not an option of albums"));
  EXPECT_THAT(UsageError({"albums", "alb-1"}), HasSubstr("unexpected argument \"alb-1\""));
}

TEST(ArgsTest, AlbumShowAndDelete) {
  auto show = Parse({"album", "show", "alb-1", "--json"});
  ASSERT_TRUE(show.ok()) << show.error().message;
  EXPECT_EQ(show->command, Command::kAlbumShow);
  EXPECT_EQ(show->album_id, "alb-1");
  EXPECT_TRUE(show->json);
  auto del = Parse({"album", "delete", "alb-1"});
  ASSERT_TRUE(del.ok()) << del.error().message;
  EXPECT_EQ(del->command, Command::kAlbumDelete);
  EXPECT_EQ(del->album_id, "alb-1");
  EXPECT_THAT(UsageError({"album", "show"}), HasSubstr("album show needs an ALBUM_ID"));
  EXPECT_THAT(UsageError({"album", "delete"}), HasSubstr("album delete needs an ALBUM_ID"));
  EXPECT_THAT(UsageError({"album", "show", "a", "b"}), HasSubstr("unexpected argument \"b\""));
  EXPECT_THAT(UsageError({"album", "delete", "a", "--json"}),
              HasSubstr("--json is not an option of album delete"));
  EXPECT_THAT(UsageError({"album", "show", "a", "--genre", "g"}),
              HasSubstr("--genre is not an option of album show"));
}

TEST(ArgsTest, Genres) {
  auto r = Parse({"genres", "--json"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->command, Command::kGenres);
  EXPECT_TRUE(r->json);
  EXPECT_THAT(UsageError({"genres", "--limit", "3"}),
              HasSubstr("--limit is not an option of genres"));
  EXPECT_THAT(UsageError({"genres", "metal"}), HasSubstr("unexpected argument \"metal\""));
}

TEST(ArgsTest, HelpWinsAndDoubleDashEndsOptions) {
  EXPECT_EQ(Parse({"mood", "--help"})->command, Command::kHelp);
  EXPECT_EQ(Parse({"-h"})->command, Command::kHelp);
  auto r = Parse({"mood", "--want", "calm", "--", "--not-a-flag"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "--not-a-flag");
  EXPECT_THAT(UsageText(), HasSubstr("moodtape admin dlq replay JOB_ID"));
  EXPECT_THAT(UsageText(), HasSubstr("moodtape album --genre G --songs N --theme \"TEXT\""));
  EXPECT_THAT(UsageText(), HasSubstr("moodtape album delete ALBUM_ID"));
  EXPECT_EQ(Parse({"album", "show", "--help"})->command, Command::kHelp);
}

}  // namespace
}  // namespace moodtape::cli
