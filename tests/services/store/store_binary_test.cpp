// Starts the built moodtape-store the way an operator would (environment overrides, no config
// file): on SQLite and on PostgreSQL it migrates, becomes ready, and stops cleanly on SIGTERM; a
// bad database_url stops start-up with exit code 2 and a line naming the key.
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/store/postgres_server.h"
#include "tests/support/test_support.h"

namespace moodtape::store {
namespace {

using ::moodtape::testing::BinaryDir;
using ::moodtape::testing::ChildProcess;
using ::moodtape::testing::FreePort;
using ::moodtape::testing::HttpRequest;
using ::moodtape::testing::TempDir;
using ::moodtape::testing::WaitUntil;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class StoreBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("MOODTAPE_CONFIG"); }

  std::map<std::string, std::string> Env(const std::string& database_url) {
    return {{"MOODTAPE_STORE_GRPC_ADDRESS", "127.0.0.1:" + std::to_string(FreePort())},
            {"MOODTAPE_STORE_ADMIN_ADDRESS", "127.0.0.1:" + std::to_string(admin_port_)},
            {"MOODTAPE_STORE_DATABASE_URL", database_url},
            {"MOODTAPE_STORE_POOL_SIZE", "2"},
            {"MOODTAPE_TLS_ENABLED", "false"}};
  }

  // Starts the binary, waits for /readyz, then SIGTERM; returns the exit code and the log.
  void RunUntilReadyThenStop(const std::string& database_url) {
    ChildProcess store({BinaryDir() + "/bin/moodtape-store"}, Env(database_url),
                       work_.File("store.log"), work_.path());
    ASSERT_TRUE(WaitUntil([&] { return HttpRequest("GET", admin_port_, "/readyz") == 200; }, 20s))
        << store.ReadLog();
    store.Signal(SIGTERM);
    int status = store.Wait(15s);
    ASSERT_NE(status, -1) << store.ReadLog();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << store.ReadLog();
    EXPECT_THAT(store.ReadLog(), HasSubstr("0001_accounts_and_history.sql"));
  }

  TempDir work_;
  int admin_port_ = FreePort();
};

TEST_F(StoreBinaryTest, StartsOnSqliteWithARelativePathAndStopsOnSigterm) {
  RunUntilReadyThenStop("sqlite:var/store/moodtape.db");
  EXPECT_TRUE(std::filesystem::exists(work_.File("var/store/moodtape.db")));
}

TEST_F(StoreBinaryTest, StartsOnPostgresqlAndStopsOnSigterm) {
  std::string url;
  try {
    url = moodtape::testing::SharedPostgres().CreateDatabase();
  } catch (const std::exception& e) {
    FAIL() << "PostgreSQL back-end unavailable: " << e.what();
  }
  RunUntilReadyThenStop(url);
}

TEST_F(StoreBinaryTest, ABadDatabaseUrlFailsStartUpNamingTheKey) {
  ChildProcess store({BinaryDir() + "/bin/moodtape-store"}, Env("mysql://localhost/moodtape"),
                     work_.File("bad.log"), work_.path());
  int status = store.Wait(15s);
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << store.ReadLog();
  EXPECT_THAT(store.ReadLog(), HasSubstr("[store] database_url"));
}

}  // namespace
}  // namespace moodtape::store
