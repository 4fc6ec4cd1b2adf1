#include "tools/cli/credentials.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace moodtape::cli {
namespace {

int Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return static_cast<int>(st.st_mode & 0777);
}

TEST(CredentialsTest, PathFollowsXdgThenHome) {
  EXPECT_EQ(CredentialsPath("/x/cfg/", "/home/a"), "/x/cfg/moodtape/credentials.json");
  EXPECT_EQ(CredentialsPath("", "/home/a"), "/home/a/.config/moodtape/credentials.json");
  EXPECT_EQ(CredentialsPath(nullptr, "/home/a"), "/home/a/.config/moodtape/credentials.json");
  EXPECT_EQ(CredentialsPath(nullptr, nullptr), "");
}

TEST(CredentialsTest, SaveCreatesPrivateFileAndDirectoryAndLoadsBack) {
  testing::TempDir dir;
  std::string path = CredentialsPath(dir.File("cfg").c_str(), nullptr);
  umask(022);
  Credentials c{"http://127.0.0.1:8080", "ada", "acc", "ref", "2030-01-01T00:00:00Z",
                "2030-02-01T00:00:00Z"};
  ASSERT_TRUE(SaveCredentials(path, c).ok());
  EXPECT_EQ(Mode(path), 0600);
  EXPECT_EQ(Mode(dir.File("cfg/moodtape")), 0700);

  auto loaded = LoadCredentials(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->access_token, "acc");
  EXPECT_EQ((*loaded)->refresh_token, "ref");
  EXPECT_EQ((*loaded)->username, "ada");
  EXPECT_EQ((*loaded)->gateway, "http://127.0.0.1:8080");
}

TEST(CredentialsTest, OverwritingAWiderFileMakesIt0600) {
  testing::TempDir dir;
  std::string path = dir.File("moodtape/credentials.json");
  ASSERT_EQ(mkdir(dir.File("moodtape").c_str(), 0755), 0);
  {
    FILE* f = fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fclose(f);
  }
  chmod(path.c_str(), 0644);
  ASSERT_TRUE(SaveCredentials(path, {"g", "u", "a", "r", "", ""}).ok());
  EXPECT_EQ(Mode(path), 0600);
  EXPECT_EQ(Mode(dir.File("moodtape")), 0700);
}

TEST(CredentialsTest, MissingMalformedAndDeleted) {
  testing::TempDir dir;
  std::string path = dir.File("moodtape/credentials.json");
  auto missing = LoadCredentials(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_TRUE(DeleteCredentials(path).ok());

  ASSERT_TRUE(SaveCredentials(path, {"g", "u", "a", "r", "", ""}).ok());
  EXPECT_TRUE(DeleteCredentials(path).ok());
  EXPECT_FALSE(LoadCredentials(path)->has_value());

  mkdir(dir.File("moodtape").c_str(), 0700);
  FILE* f = fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("{not json", f);
  fclose(f);
  auto bad = LoadCredentials(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("moodtape login"), std::string::npos);
}

TEST(CredentialsTest, FromSessionBody) {
  nlohmann::json body = {{"user", {{"username", "ada"}}},
                         {"token_type", "Bearer"},
                         {"access_token", "A"},
                         {"refresh_token", "R"},
                         {"access_token_expires_at", "2030-01-01T00:00:00Z"},
                         {"refresh_token_expires_at", "2030-02-01T00:00:00Z"}};
  auto c = CredentialsFromSession(body, "http://g", "typed-name");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->username, "ada");
  EXPECT_EQ(c->access_token, "A");
  EXPECT_EQ(c->refresh_token_expires_at, "2030-02-01T00:00:00Z");
  // A cookie-style answer (no tokens) is refused rather than saved empty.
  EXPECT_FALSE(CredentialsFromSession({{"user", {{"username", "ada"}}}}, "g", "ada").ok());
  EXPECT_FALSE(CredentialsFromSession(nlohmann::json::array(), "g", "ada").ok());
}

}  // namespace
}  // namespace moodtape::cli
