// The whole Storage contract, run against SQLite (a temporary file) and against a real
// PostgreSQL 15 that the harness starts (postgres_server.h). Every TEST_P runs on both: accounts,
// history and the catalogue (StorageTest), assets (AssetStorageTest), albums (AlbumStorageTest).
#include <algorithm>
#include <atomic>
#include <barrier>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "platform/base/encoding.h"
#include "services/store/core/asset_upload.h"
#include "services/store/core/migrations.h"
#include "services/store/core/sql_storage.h"
#include "tests/services/store/postgres_server.h"
#include "tests/support/test_support.h"

namespace moodtape::store {
namespace {

using platform::ErrorCode;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

enum class Backend { kSqlite, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "SQLite" : "PostgreSQL";
}

class StorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      url_ = "sqlite:" + dir_.File("store/moodtape.db");
    } else {
      // No skip: when PostgreSQL cannot start, the test fails with initdb's/postgres' output.
      try {
        url_ = moodtape::testing::SharedPostgres().CreateDatabase();
      } catch (const std::exception& e) {
        FAIL() << "PostgreSQL back-end unavailable: " << e.what();
      }
    }
    Open();
  }

  void Open() {
    StorageOptions options;
    options.database_url = url_;
    options.pool_size = 4;
    options.clock = &clock_;
    storage_ = OpenStorage(options);
    raw_ = OpenSqlDatabase(url_, 1);
  }

  // One value from the database, read around the Storage interface.
  int64_t Count(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto txn = raw_->Begin(false);
    return txn->Exec(sql, params).rows.at(0).Int(0);
  }

  User MakeUser(const std::string& name) {
    auto u =
        storage_->CreateUser({name, name + "@example.org", "$argon2id$v=19$hash-of-" + name, {}});
    EXPECT_TRUE(u.ok()) << (u.ok() ? "" : u.error().message);
    return u.ok() ? u.value() : User{};
  }

  MoodResult Mood(const std::string& user_id, const std::string& job_id) {
    MoodResult m;
    m.job_id = job_id;
    m.user_id = user_id;
    m.request_text = "exhausted after exams, nothing matters";
    m.desired_emotion = 4;
    m.predicted_emotion = 11;
    m.probabilities = {{11, 0.625}, {13, 0.25}, {3, 0.125}};
    m.start = {-0.7333333333333333, -0.1};
    m.target = {0.8, 0.7};
    m.playlist_json = R"([{"id":"t1","title":"Blue"},{"id":"t2","title":"Gold"}])";
    return m;
  }

  static std::string Hash(int n) { return platform::Sha256Hex("token-" + std::to_string(n)); }

  moodtape::testing::TempDir dir_;
  platform::ManualClock clock_{std::chrono::system_clock::time_point(1'700'000'000'000ms)};
  std::string url_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<SqlDatabase> raw_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

TEST_P(StorageTest, MigrationsFromEmptyCreateTheSchemaAndRecordIt) {
  EXPECT_EQ(raw_->Dialect(), GetParam() == Backend::kSqlite ? "sqlite" : "postgresql");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(EmbeddedMigrations().size()));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations WHERE version = 1 AND name = $1",
                  {std::string("0001_accounts_and_history.sql")}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refresh_tokens"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mood_history"), 0);
  if (GetParam() == Backend::kSqlite) {
    auto txn = raw_->Begin(false);
    EXPECT_EQ(txn->Exec("PRAGMA journal_mode").rows.at(0).Text(0), "wal");
    EXPECT_EQ(txn->Exec("PRAGMA foreign_keys").rows.at(0).Int(0), 1);
  }
}

TEST_P(StorageTest, MigrationsAreIdempotentOnRestartAndDataSurvives) {
  User alice = MakeUser("alice");
  storage_.reset();
  raw_.reset();
  Open();  // a restart: OpenStorage migrates again
  EXPECT_EQ(ApplyMigrations(*raw_, EmbeddedMigrations(), 0), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(EmbeddedMigrations().size()));
  auto again = storage_->GetUserById(alice.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->username, "alice");
}

TEST_P(StorageTest, AnEditedReleasedMigrationOrAnUnknownVersionStopsStartUp) {
  std::vector<Migration> v1 = {{1, "0001_a.sql", "CREATE TABLE probe_a (x TEXT)"}};
  std::vector<Migration> v2 = {
      {1, "0001_a.sql", "CREATE TABLE probe_a (x TEXT)"},
      {2, "0002_b.sql", "CREATE TABLE probe_b (y BIGINT); CREATE INDEX probe_b_y ON probe_b (y)"}};
  auto fresh = OpenSqlDatabase(GetParam() == Backend::kSqlite
                                   ? "sqlite:" + dir_.File("other.db")
                                   : moodtape::testing::SharedPostgres().CreateDatabase(),
                               1);
  EXPECT_EQ(ApplyMigrations(*fresh, v1, 1), 1);
  EXPECT_EQ(ApplyMigrations(*fresh, v2, 2), 1);  // only the new one
  EXPECT_EQ(ApplyMigrations(*fresh, v2, 3), 0);
  auto edited = v2;
  edited[0].sql = "CREATE TABLE probe_a (x TEXT, z TEXT)";
  try {
    ApplyMigrations(*fresh, edited, 4);
    ADD_FAILURE() << "an edited migration was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("0001_a.sql was edited"));
  }
  try {
    ApplyMigrations(*fresh, v1, 5);  // an older binary against a newer database
    ADD_FAILURE() << "an unknown applied version was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("0002_b.sql"));
  }
}

TEST_P(StorageTest, AFailingMigrationLeavesNothingBehind) {
  auto fresh = OpenSqlDatabase(GetParam() == Backend::kSqlite
                                   ? "sqlite:" + dir_.File("broken.db")
                                   : moodtape::testing::SharedPostgres().CreateDatabase(),
                               1);
  std::vector<Migration> broken = {
      {1, "0001_x.sql", "CREATE TABLE half (x TEXT); THIS IS NOT SQL"}};
  EXPECT_THROW(ApplyMigrations(*fresh, broken, 1), std::exception);
  auto txn = fresh->Begin(false);
  EXPECT_EQ(txn->Exec("SELECT COUNT(*) FROM schema_migrations").rows.at(0).Int(0), 0);
  EXPECT_THROW(txn->Exec("SELECT COUNT(*) FROM half"), SqlError);  // rolled back with it
}

TEST_P(StorageTest, CreateUserAndFindItByIdUsernameOrEmail) {
  EXPECT_EQ(storage_->CountUsers().value(), 0);
  auto created =
      storage_->CreateUser({"Alice", "  Alice@Example.ORG ", "$argon2id$v=19$abc", {"admin"}});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->username, "Alice");
  EXPECT_EQ(created->email, "alice@example.org");
  EXPECT_EQ(created->roles, std::vector<std::string>{"admin"});
  EXPECT_EQ(created->created_at_ms, 1'700'000'000'000);
  EXPECT_FALSE(created->disabled);
  EXPECT_EQ(created->id.size(), 32u);

  auto by_id = storage_->GetUserById(created->id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->password_hash, "$argon2id$v=19$abc");
  EXPECT_EQ(by_id->email, "alice@example.org");
  EXPECT_FALSE(by_id->disabled);
  EXPECT_EQ(storage_->GetUserByLogin("aLiCe")->id, created->id);
  EXPECT_EQ(storage_->GetUserByLogin("ALICE@example.org ")->id, created->id);
  EXPECT_EQ(storage_->CountUsers().value(), 1);

  EXPECT_EQ(storage_->GetUserById("0123456789abcdef0123456789abcdef").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(storage_->GetUserByLogin("bob").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(storage_->GetUserByLogin("bob@example.org").error().code, ErrorCode::kNotFound);
}

TEST_P(StorageTest, DuplicateUsernameOrEmailIsAlreadyExistsNamingTheField) {
  MakeUser("alice");
  auto same_name = storage_->CreateUser({"ALICE", "other@example.org", "h", {}});
  ASSERT_FALSE(same_name.ok());
  EXPECT_EQ(same_name.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(same_name.error().message, "username is taken");

  auto same_email = storage_->CreateUser({"alice2", " ALICE@example.ORG", "h", {}});
  ASSERT_FALSE(same_email.ok());
  EXPECT_EQ(same_email.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(same_email.error().message, "email is taken");
  EXPECT_EQ(storage_->CountUsers().value(), 1);
}

TEST_P(StorageTest, ConcurrentSignUpsOfTheSameNameExactlyOneWins) {
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::atomic<int> won{0}, taken{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::string name = i % 2 ? "Racer" : "racer";  // case differs: still the same name
      start.arrive_and_wait();
      auto r = storage_->CreateUser({name, "racer" + std::to_string(i) + "@example.org", "h", {}});
      if (r.ok()) {
        ++won;
      } else if (r.error().code == ErrorCode::kAlreadyExists &&
                 r.error().message == "username is taken") {
        ++taken;
      } else {
        ++other;
        ADD_FAILURE() << r.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(taken.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(storage_->CountUsers().value(), 1);
}

TEST_P(StorageTest, InvalidUserInputIsRejectedWithAnActionableMessage) {
  auto invalid = [&](NewUser u, const std::string& fragment) {
    auto r = storage_->CreateUser(u);
    ASSERT_FALSE(r.ok()) << u.username;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(r.error().message, HasSubstr(fragment));
  };
  invalid({"", "a@b.c", "h", {}}, "username is required");
  invalid({std::string(65, 'a'), "a@b.c", "h", {}}, "at most 64");
  invalid({"a@b", "a@b.c", "h", {}}, "must not contain '@'");
  invalid({"bad\xff", "a@b.c", "h", {}}, "UTF-8");
  invalid({std::string("nul\0x", 5), "a@b.c", "h", {}}, "UTF-8");
  invalid({"ok", "", "h", {}}, "email is required");
  invalid({"ok", "not-an-email", "h", {}}, "name@example.org");
  invalid({"ok", "a@b@c", "h", {}}, "name@example.org");
  invalid({"ok", "a@b.c", "", {}}, "password_hash is required");
  invalid({"ok", "a@b.c", "h", {"Admin"}}, "a-z, 0-9");
  invalid({"ok", "a@b.c", "h", {"admin", "admin"}}, "twice");
  EXPECT_EQ(storage_->CountUsers().value(), 0);
}

TEST_P(StorageTest, SetUserRolesReplacesThemAndUnknownUsersAreNotFound) {
  User u = MakeUser("carol");
  auto updated = storage_->SetUserRoles(u.id, {"admin", "beta"});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->roles, (std::vector<std::string>{"admin", "beta"}));
  EXPECT_EQ(storage_->GetUserById(u.id)->roles, (std::vector<std::string>{"admin", "beta"}));
  EXPECT_TRUE(storage_->SetUserRoles(u.id, {})->roles.empty());
  EXPECT_EQ(storage_->SetUserRoles("0123456789abcdef0123456789abcdef", {"admin"}).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StorageTest, RefreshTokensStoreRotateAndDetectReuse) {
  User u = MakeUser("dave");
  const int64_t exp = 1'700'000'000'000 + 30LL * 24 * 3600 * 1000;
  auto stored = storage_->StoreRefreshToken({Hash(1), u.id, "family-1", exp});
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(storage_->StoreRefreshToken({Hash(1), u.id, "family-1", exp}).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(storage_->StoreRefreshToken({Hash(9), "0123456789abcdef0123456789abcdef", "f", exp})
                .error()
                .code,
            ErrorCode::kFailedPrecondition);

  auto got = storage_->GetRefreshToken(Hash(1));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->user_id, u.id);
  EXPECT_EQ(got->family_id, "family-1");
  EXPECT_EQ(got->expires_at_ms, exp);
  EXPECT_FALSE(got->revoked_at_ms);
  EXPECT_FALSE(got->replaced_by);

  clock_.Advance(1min);
  auto rotated = storage_->RotateRefreshToken(Hash(1), Hash(2), exp + 60'000);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_EQ(rotated->token_hash, Hash(2));
  EXPECT_EQ(rotated->user_id, u.id);
  EXPECT_EQ(rotated->family_id, "family-1");
  EXPECT_EQ(rotated->created_at_ms, 1'700'000'060'000);
  EXPECT_EQ(storage_->GetRefreshToken(Hash(1))->replaced_by.value_or(""), Hash(2));

  // Reuse of the old token fails and creates nothing.
  auto reuse = storage_->RotateRefreshToken(Hash(1), Hash(3), exp);
  ASSERT_FALSE(reuse.ok());
  EXPECT_EQ(reuse.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(reuse.error().message, "refresh token was already used");
  EXPECT_EQ(storage_->GetRefreshToken(Hash(3)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(storage_->RotateRefreshToken(Hash(8), Hash(4), exp).error().code, ErrorCode::kNotFound);

  // Expiry is judged by the injected clock.
  clock_.Advance(31 * 24h);
  auto expired = storage_->RotateRefreshToken(Hash(2), Hash(5), exp);
  EXPECT_EQ(expired.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(expired.error().message, "refresh token has expired");
}

TEST_P(StorageTest, ConcurrentRotationsOfOneTokenExactlyOneWins) {
  User u = MakeUser("erin");
  ASSERT_TRUE(storage_->StoreRefreshToken({Hash(0), u.id, "fam", 1'800'000'000'000}).ok());
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::atomic<int> won{0}, reused{0};
  std::vector<std::thread> threads;
  for (int i = 1; i <= kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = storage_->RotateRefreshToken(Hash(0), Hash(i), 1'800'000'000'000);
      if (r.ok())
        ++won;
      else if (r.error().code == ErrorCode::kFailedPrecondition)
        ++reused;
      else
        ADD_FAILURE() << r.error().message;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(reused.load(), kThreads - 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refresh_tokens"), 2);
}

TEST_P(StorageTest, RevokingAFamilyOrAUserRevokesOnlyTheirTokens) {
  User u = MakeUser("frank");
  User v = MakeUser("grace");
  const int64_t exp = 1'800'000'000'000;
  ASSERT_TRUE(storage_->StoreRefreshToken({Hash(1), u.id, "fam-a", exp}).ok());
  ASSERT_TRUE(storage_->RotateRefreshToken(Hash(1), Hash(2), exp).ok());
  ASSERT_TRUE(storage_->StoreRefreshToken({Hash(3), u.id, "fam-b", exp}).ok());
  ASSERT_TRUE(storage_->StoreRefreshToken({Hash(4), v.id, "fam-c", exp}).ok());

  EXPECT_EQ(storage_->RevokeTokenFamily("fam-a").value(), 2);
  EXPECT_EQ(storage_->RevokeTokenFamily("fam-a").value(), 0);  // already revoked
  EXPECT_TRUE(storage_->GetRefreshToken(Hash(2))->revoked_at_ms.has_value());
  EXPECT_FALSE(storage_->GetRefreshToken(Hash(3))->revoked_at_ms.has_value());
  auto after = storage_->RotateRefreshToken(Hash(2), Hash(5), exp);
  EXPECT_EQ(after.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(after.error().message, "refresh token was revoked");

  EXPECT_EQ(storage_->RevokeUserTokens(u.id).value(), 1);  // fam-b's one
  EXPECT_TRUE(storage_->GetRefreshToken(Hash(3))->revoked_at_ms.has_value());
  EXPECT_FALSE(storage_->GetRefreshToken(Hash(4))->revoked_at_ms.has_value());
}

TEST_P(StorageTest, SaveMoodResultIsIdempotentByJobId) {
  User u = MakeUser("heidi");
  auto first = storage_->SaveMoodResult(Mood(u.id, "job-1"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->created);
  clock_.Advance(5s);
  MoodResult changed = Mood(u.id, "job-1");
  changed.request_text = "a redelivered job with different text";
  auto second = storage_->SaveMoodResult(changed);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->result.id, first->result.id);
  EXPECT_EQ(second->result.created_at_ms, first->result.created_at_ms);
  EXPECT_EQ(second->result.request_text, "exhausted after exams, nothing matters");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mood_history WHERE job_id = $1", {std::string("job-1")}),
            1);

  User other = MakeUser("ivan");
  EXPECT_EQ(storage_->SaveMoodResult(Mood(other.id, "job-1")).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(
      storage_->SaveMoodResult(Mood("0123456789abcdef0123456789abcdef", "job-2")).error().code,
      ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mood_history"), 1);
}

TEST_P(StorageTest, ConcurrentSavesOfOneJobCreateOneRow) {
  User u = MakeUser("judy");
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::atomic<int> created{0}, existing{0};
  std::set<std::string> ids;
  std::mutex ids_mutex;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto r = storage_->SaveMoodResult(Mood(u.id, "job-race"));
      if (!r.ok()) {
        ADD_FAILURE() << r.error().message;
        return;
      }
      (r->created ? created : existing)++;
      std::lock_guard<std::mutex> lock(ids_mutex);
      ids.insert(r->result.id);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(existing.load(), kThreads - 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mood_history"), 1);
}

TEST_P(StorageTest, MoodResultsRoundTripExactly) {
  User u = MakeUser("ken");
  MoodResult in = Mood(u.id, "job-rt");
  ASSERT_TRUE(storage_->SaveMoodResult(in).ok());
  auto out = storage_->GetMoodResult(u.id, "job-rt");
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->job_id, in.job_id);
  EXPECT_EQ(out->user_id, u.id);
  EXPECT_EQ(out->request_text, in.request_text);
  EXPECT_EQ(out->desired_emotion, 4);
  EXPECT_EQ(out->predicted_emotion, 11);
  EXPECT_EQ(out->probabilities, in.probabilities);
  EXPECT_EQ(out->start, in.start);  // doubles survive bit for bit
  EXPECT_EQ(out->target, in.target);
  EXPECT_EQ(nlohmann::json::parse(out->playlist_json), nlohmann::json::parse(in.playlist_json));
  EXPECT_EQ(out->created_at_ms, 1'700'000'000'000);
}

TEST_P(StorageTest, PaginationWalksEveryRowOnceNewestFirst) {
  User u = MakeUser("lena");
  User noise = MakeUser("mallory");
  for (int i = 0; i < 25; ++i) {
    if (i % 3 == 0) clock_.Advance(1ms);  // groups of equal created_at: the id breaks the tie
    ASSERT_TRUE(storage_->SaveMoodResult(Mood(u.id, "job-" + std::to_string(i))).ok());
    ASSERT_TRUE(storage_->SaveMoodResult(Mood(noise.id, "noise-" + std::to_string(i))).ok());
  }
  auto walk = [&](bool insert_midway) {
    std::vector<MoodResult> seen;
    std::string cursor;
    std::vector<size_t> sizes;
    do {
      auto page = storage_->ListMoodHistory(u.id, 10, cursor);
      EXPECT_TRUE(page.ok()) << page.error().message;
      if (!page.ok()) break;
      sizes.push_back(page->results.size());
      seen.insert(seen.end(), page->results.begin(), page->results.end());
      cursor = page->next_cursor;
      if (insert_midway && sizes.size() == 1) {
        clock_.Advance(1s);  // a newer row must not shift the pages that follow
        EXPECT_TRUE(storage_->SaveMoodResult(Mood(u.id, "job-late")).ok());
      }
    } while (!cursor.empty());
    EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5}));
    return seen;
  };
  auto first = walk(true);
  ASSERT_EQ(first.size(), 25u);
  std::set<std::string> jobs;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].user_id, u.id);
    jobs.insert(first[i].job_id);
    if (i > 0) {
      bool ordered =
          first[i - 1].created_at_ms > first[i].created_at_ms ||
          (first[i - 1].created_at_ms == first[i].created_at_ms && first[i - 1].id > first[i].id);
      EXPECT_TRUE(ordered) << "rows " << i - 1 << " and " << i << " out of order";
    }
  }
  EXPECT_EQ(jobs.size(), 25u);  // no duplicates, no gaps
  EXPECT_EQ(jobs.count("job-late"), 0u);

  // The same walk again (now 26 rows, the newest first) is stable.
  auto page = storage_->ListMoodHistory(u.id, 100, "");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->results.size(), 26u);
  EXPECT_TRUE(page->next_cursor.empty());
  EXPECT_EQ(page->results[0].job_id, "job-late");
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(page->results[i + 1].id, first[i].id);

  EXPECT_EQ(storage_->ListMoodHistory(u.id, 0, "")->results.size(), 20u);  // the default
  EXPECT_TRUE(
      storage_->ListMoodHistory("0123456789abcdef0123456789abcdef", 10, "")->results.empty());
}

TEST_P(StorageTest, TamperedCursorsAndBadPageSizesAreInvalidArgument) {
  User u = MakeUser("nina");
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(storage_->SaveMoodResult(Mood(u.id, "j" + std::to_string(i))).ok());
  auto page = storage_->ListMoodHistory(u.id, 1, "");
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_cursor.empty());
  const std::string good = page->next_cursor;
  auto raw = platform::Base64UrlDecode(good).value();

  std::vector<std::string> bad = {
      "!!!!",
      good.substr(0, good.size() - 3),
      good + "A",
      platform::Base64UrlEncode("v2" + raw.substr(2)),
      platform::Base64UrlEncode(raw.substr(0, raw.size() - 1) + "z"),
      platform::Base64UrlEncode("v1.12x45." + raw.substr(raw.rfind('.') + 1)),
      platform::Base64UrlEncode("v1.-5." + raw.substr(raw.rfind('.') + 1)),
      platform::Base64UrlEncode("v1.1.' OR 1=1 --"),
      std::string(300, 'A'),
  };
  for (const auto& cursor : bad) {
    auto r = storage_->ListMoodHistory(u.id, 1, cursor);
    ASSERT_FALSE(r.ok()) << cursor;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << cursor;
    EXPECT_THAT(r.error().message, HasSubstr("page_token"));
  }
  EXPECT_EQ(storage_->ListMoodHistory(u.id, -1, "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_->ListMoodHistory(u.id, 101, "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(storage_->ListMoodHistory(u.id, 1, good).ok());
}

TEST_P(StorageTest, AnotherUsersJobIsNotFound) {
  User owner = MakeUser("olivia");
  User other = MakeUser("peggy");
  ASSERT_TRUE(storage_->SaveMoodResult(Mood(owner.id, "job-private")).ok());
  EXPECT_TRUE(storage_->GetMoodResult(owner.id, "job-private").ok());
  auto r = storage_->GetMoodResult(other.id, "job-private");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(storage_->GetMoodResult(owner.id, "job-missing").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(storage_->ListMoodHistory(other.id, 10, "")->results.empty());
}

TEST_P(StorageTest, SqlMetaCharactersAreStoredVerbatim) {
  const std::string name = "o'brien\"; DROP TABLE users; -- %_\\ $1";
  const std::string email = "x'or'1'='1@example.org";
  auto u = storage_->CreateUser({name, email, "h'); DELETE FROM users; --", {}});
  ASSERT_TRUE(u.ok()) << u.error().message;
  auto back = storage_->GetUserByLogin(name);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->username, name);
  EXPECT_EQ(back->email, email);
  EXPECT_EQ(back->password_hash, "h'); DELETE FROM users; --");
  EXPECT_EQ(storage_->GetUserByLogin("%").error().code, ErrorCode::kNotFound);  // no LIKE anywhere
  EXPECT_EQ(storage_->GetUserByLogin("' OR '1'='1").error().code, ErrorCode::kNotFound);

  MoodResult m = Mood(u->id, "job-meta");
  m.request_text = "Robert'); DROP TABLE mood_history;--\n\t\"quotes\" \\ % _ $2 ? :name 💔 żółw";
  ASSERT_TRUE(storage_->SaveMoodResult(m).ok());
  EXPECT_EQ(storage_->GetMoodResult(u->id, "job-meta")->request_text, m.request_text);
  EXPECT_EQ(storage_->CountUsers().value(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mood_history"), 1);
}

TEST_P(StorageTest, InvalidMoodResultsAreRejectedAndNothingIsWritten) {
  User u = MakeUser("quinn");
  auto invalid = [&](MoodResult m, const std::string& fragment) {
    auto r = storage_->SaveMoodResult(m);
    ASSERT_FALSE(r.ok()) << fragment;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(r.error().message, HasSubstr(fragment));
  };
  MoodResult m = Mood(u.id, "");
  invalid(m, "job_id is required");
  m = Mood(u.id, "job with spaces");
  invalid(m, "job_id may contain only");
  m = Mood(u.id, "j");
  m.request_text = "";
  invalid(m, "request_text is required");
  m = Mood(u.id, "j");
  m.request_text = std::string(16 * 1024 + 1, 'x');
  invalid(m, "at most 16384 bytes");
  m = Mood(u.id, "j");
  m.desired_emotion = 0;
  invalid(m, "desired_emotion");
  m = Mood(u.id, "j");
  m.start.valence = 1.5;
  invalid(m, "start_point");
  m = Mood(u.id, "j");
  m.probabilities = {{3, 1.5}};
  invalid(m, "[0, 1]");
  m = Mood(u.id, "j");
  m.playlist_json = "{\"not\":\"an array\"}";
  invalid(m, "JSON array");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mood_history"), 0);
}

// ---- The catalogue ----

StoredTrack CatalogTrack(int n) {
  StoredTrack t;
  char id[16];
  std::snprintf(id, sizeof(id), "t%06d", n);
  t.id = id;
  t.title = "Title " + std::to_string(n);
  t.artist = "Artist " + std::to_string(n % 50);
  t.album = n % 4 == 0 ? "" : "Album " + std::to_string(n % 200);
  t.genre = "pop";
  t.duration_ms = 180'000 + n;
  t.tempo_bpm = 60 + n % 120 + 0.25;
  t.pitch_class = n % 13 - 1;
  t.mode = n % 3 - 1;
  t.valence = (n % 101) / 100.0;
  t.energy = (n * 7 % 101) / 100.0;
  t.danceability = 0.1 + (n % 9) / 10.0;
  t.content_rating = static_cast<ContentRating>(n % 3);
  t.source = "spotify_songs";
  return t;
}

CatalogImport Catalog(CatalogImportMode mode, std::vector<int> numbers,
                      std::string source = "spotify_songs") {
  CatalogImport import;
  import.mode = mode;
  import.source = std::move(source);
  for (int n : numbers) import.tracks.push_back(CatalogTrack(n));
  return import;
}

std::vector<int> Range(int from, int to) {
  std::vector<int> out;
  for (int n = from; n < to; ++n) out.push_back(n);
  return out;
}

// Every stored track, page by page, checking that each page carries the same info.
std::vector<StoredTrack> ReadWholeCatalog(Storage& storage, int page_size, CatalogInfo* info) {
  std::vector<StoredTrack> all;
  std::string after;
  std::optional<CatalogInfo> first;
  while (true) {
    auto page = storage.ListCatalogPage(after, page_size);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().message);
    if (!page.ok()) break;
    if (!first) first = page->catalog;
    EXPECT_EQ(page->catalog, *first);
    for (auto& t : page->tracks) all.push_back(std::move(t));
    if (page->tracks.size() < static_cast<size_t>(page_size)) break;
    after = all.back().id;
  }
  if (info && first) *info = *first;
  return all;
}

TEST_P(StorageTest, CatalogStartsEmptyAtVersionZero) {
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations WHERE version = 2 AND name = $1",
                  {std::string("0002_catalog.sql")}),
            1);
  auto info = storage_->GetCatalogInfo();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(*info, (CatalogInfo{0, 0, 0, ""}));
  auto page = storage_->ListCatalogPage("", 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->catalog, *info);
  EXPECT_TRUE(page->tracks.empty());
}

TEST_P(StorageTest, CatalogMergeUpsertsByIdAndReplaceKeepsOnlyTheImport) {
  auto first = storage_->ImportCatalog(Catalog(CatalogImportMode::kMerge, {1, 2, 3}));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->tracks_written, 3);
  EXPECT_EQ(first->catalog, (CatalogInfo{1, 3, 1'700'000'000'000, "spotify_songs"}));
  EXPECT_EQ(storage_->GetCatalogInfo().value(), first->catalog);

  clock_.Advance(5s);
  auto merge = Catalog(CatalogImportMode::kMerge, {2, 4}, "fixes");
  merge.tracks[0].title = "Title 2 (remastered)";
  merge.tracks[0].valence = 0.875;
  merge.tracks[0].content_rating = ContentRating::kExplicit;
  auto merged = storage_->ImportCatalog(merge);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->tracks_written, 2);
  EXPECT_EQ(merged->catalog, (CatalogInfo{2, 4, 1'700'000'005'000, "fixes"}));
  CatalogInfo info;
  auto all = ReadWholeCatalog(*storage_, 10, &info);
  EXPECT_EQ(info, merged->catalog);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0], CatalogTrack(1));  // every field round-trips exactly
  EXPECT_EQ(all[1], merge.tracks[0]);
  EXPECT_EQ(all[2], CatalogTrack(3));
  EXPECT_EQ(all[3], CatalogTrack(4));

  clock_.Advance(5s);
  auto replaced = storage_->ImportCatalog(Catalog(CatalogImportMode::kReplace, {7, 5}, "v2"));
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(replaced->catalog, (CatalogInfo{3, 2, 1'700'000'010'000, "v2"}));
  all = ReadWholeCatalog(*storage_, 10, &info);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], CatalogTrack(5));
  EXPECT_EQ(all[1], CatalogTrack(7));

  // An empty import is still an import: an empty replace clears the catalogue.
  auto cleared = storage_->ImportCatalog(Catalog(CatalogImportMode::kReplace, {}, "none"));
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->catalog.version, 4);
  EXPECT_EQ(cleared->catalog.track_count, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM catalog_tracks"), 0);
}

TEST_P(StorageTest, ARepeatedIdWithinOneImportKeepsTheLastOccurrence) {
  auto import = Catalog(CatalogImportMode::kMerge, {1, 2, 1});
  import.tracks[2].title = "Second take";
  auto r = storage_->ImportCatalog(import);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tracks_written, 2);
  EXPECT_EQ(r->catalog.track_count, 2);
  auto all = ReadWholeCatalog(*storage_, 10, nullptr);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].title, "Second take");
}

TEST_P(StorageTest, AnExpectedVersionMismatchImportsNothing) {
  ASSERT_TRUE(storage_->ImportCatalog(Catalog(CatalogImportMode::kMerge, {1, 2})).ok());
  const CatalogInfo before = storage_->GetCatalogInfo().value();
  const auto tracks_before = ReadWholeCatalog(*storage_, 10, nullptr);

  clock_.Advance(1min);
  auto stale = Catalog(CatalogImportMode::kReplace, {3});
  stale.expected_version = 0;
  auto r = storage_->ImportCatalog(stale);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().message,
            "the catalogue changed (version 1, expected 0); nothing was imported");
  EXPECT_EQ(storage_->GetCatalogInfo().value(), before);
  EXPECT_EQ(ReadWholeCatalog(*storage_, 10, nullptr), tracks_before);

  stale.expected_version = 1;
  auto ok = storage_->ImportCatalog(stale);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->catalog.version, 2);
  EXPECT_EQ(ok->catalog.track_count, 1);
}

TEST_P(StorageTest, ConcurrentImportsExpectingOneVersionExactlyOneWins) {
  constexpr int kThreads = 4;
  std::barrier start(kThreads);
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto import = Catalog(CatalogImportMode::kReplace, Range(i * 100, i * 100 + 100));
      import.expected_version = 0;
      start.arrive_and_wait();
      auto r = storage_->ImportCatalog(import);
      if (r.ok()) {
        ++won;
      } else if (r.error().code == ErrorCode::kFailedPrecondition) {
        ++lost;
      } else {
        ADD_FAILURE() << r.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), kThreads - 1);
  EXPECT_EQ(storage_->GetCatalogInfo()->version, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM catalog_tracks"), 100);
}

TEST_P(StorageTest, ABadTrackAnywhereInAnImportWritesNothing) {
  ASSERT_TRUE(storage_->ImportCatalog(Catalog(CatalogImportMode::kMerge, {1, 2})).ok());
  const CatalogInfo before = storage_->GetCatalogInfo().value();
  auto invalid = [&](const std::function<void(StoredTrack&)>& spoil, const std::string& fragment) {
    auto import = Catalog(CatalogImportMode::kReplace, Range(100, 1100));
    spoil(import.tracks[499]);
    auto r = storage_->ImportCatalog(import);
    ASSERT_FALSE(r.ok()) << fragment;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << fragment;
    EXPECT_THAT(r.error().message, HasSubstr("track 500 of the import")) << fragment;
    EXPECT_THAT(r.error().message, HasSubstr(fragment));
    EXPECT_THAT(r.error().message, HasSubstr("nothing was imported"));
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  invalid([](StoredTrack& t) { t.valence = 1.5; }, "valence must be a number in [0, 1]");
  invalid([&](StoredTrack& t) { t.energy = nan; }, "energy");
  invalid([](StoredTrack& t) { t.danceability = -0.01; }, "danceability");
  invalid([](StoredTrack& t) { t.tempo_bpm = 0; }, "tempo");
  invalid([](StoredTrack& t) { t.tempo_bpm = 1000.5; }, "tempo");
  invalid([](StoredTrack& t) { t.tempo_bpm = std::numeric_limits<double>::infinity(); }, "tempo");
  invalid([](StoredTrack& t) { t.pitch_class = 12; }, "key");
  invalid([](StoredTrack& t) { t.mode = 2; }, "mode");
  invalid([](StoredTrack& t) { t.duration_ms = -1; }, "duration_ms");
  invalid([](StoredTrack& t) { t.title.clear(); }, "title is required");
  invalid([](StoredTrack& t) { t.artist.clear(); }, "artist is required");
  invalid([](StoredTrack& t) { t.title = std::string(513, 'x'); }, "title must be at most 512");
  invalid([](StoredTrack& t) { t.genre = std::string(513, 'x'); }, "genre must be at most 512");
  invalid([](StoredTrack& t) { t.album = std::string("a\0b", 3); }, "album must be valid UTF-8");
  invalid([](StoredTrack& t) { t.content_rating = static_cast<ContentRating>(3); },
          "content_rating");
  invalid([](StoredTrack& t) { t.id.clear(); }, "id is required");
  invalid([](StoredTrack& t) { t.id = std::string(129, 'i'); }, "id must be at most 128 bytes");
  invalid([](StoredTrack& t) { t.id = "bad\xff"; }, "id must be valid UTF-8");

  auto named = Catalog(CatalogImportMode::kMerge, {5, 6});
  named.tracks[1].valence = -1;
  EXPECT_THAT(storage_->ImportCatalog(named).error().message,
              HasSubstr("track 2 of the import (id 't000006'): valence"));
  auto bad_source = Catalog(CatalogImportMode::kMerge, {5}, std::string(513, 's'));
  EXPECT_EQ(storage_->ImportCatalog(bad_source).error().code, ErrorCode::kInvalidArgument);

  EXPECT_EQ(storage_->GetCatalogInfo().value(), before);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM catalog_tracks"), 2);
}

TEST_P(StorageTest, CatalogPagesWalkEveryTrackInIdOrderAtOneVersion) {
  std::vector<int> numbers = Range(0, 2345);
  std::shuffle(numbers.begin(), numbers.end(), std::mt19937(7));
  ASSERT_TRUE(storage_->ImportCatalog(Catalog(CatalogImportMode::kMerge, numbers)).ok());
  CatalogInfo info;
  auto all = ReadWholeCatalog(*storage_, 1000, &info);
  EXPECT_EQ(info.version, 1);
  EXPECT_EQ(info.track_count, 2345);
  ASSERT_EQ(all.size(), 2345u);
  for (int n = 0; n < 2345; ++n) ASSERT_EQ(all[n], CatalogTrack(n));

  // The page after the last id is empty but still says which version it read.
  auto end = storage_->ListCatalogPage(all.back().id, 1000);
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->tracks.empty());
  EXPECT_EQ(end->catalog, info);

  // An import between two pages shows in the next page's info (readers compare versions).
  auto page1 = storage_->ListCatalogPage("", 1000);
  ASSERT_TRUE(storage_->ImportCatalog(Catalog(CatalogImportMode::kMerge, {9999})).ok());
  auto page2 = storage_->ListCatalogPage(page1->tracks.back().id, 1000);
  EXPECT_EQ(page1->catalog.version, 1);
  EXPECT_EQ(page2->catalog.version, 2);
  EXPECT_EQ(page2->catalog.track_count, 2346);

  EXPECT_EQ(storage_->ListCatalogPage("", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_->ListCatalogPage("", 5001).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_->ListCatalogPage("", 5000)->tracks.size(), 2346u);
}

// Not a timing assertion (tests never fail because a machine is slow): the figure is printed and
// recorded as a test property, and the import must be complete.
TEST_P(StorageTest, ThirtyThousandTracksImportInOneTransaction) {
  auto import = Catalog(CatalogImportMode::kReplace, Range(0, 30'000));
  auto started = std::chrono::steady_clock::now();
  auto r = storage_->ImportCatalog(import);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::printf("[ measure  ] 30,000-track import on %s: %lld ms\n",
              GetParam() == Backend::kSqlite ? "SQLite" : "PostgreSQL", static_cast<long long>(ms));
  RecordProperty("import_30000_ms", std::to_string(ms));
  EXPECT_EQ(r->catalog.track_count, 30'000);
  // A merge of the same tracks updates every row in place.
  started = std::chrono::steady_clock::now();
  auto again = storage_->ImportCatalog(Catalog(CatalogImportMode::kMerge, Range(0, 30'000)));
  ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                             started)
           .count();
  ASSERT_TRUE(again.ok());
  std::printf("[ measure  ] 30,000-track merge over them on %s: %lld ms\n",
              GetParam() == Backend::kSqlite ? "SQLite" : "PostgreSQL", static_cast<long long>(ms));
  EXPECT_EQ(again->catalog.track_count, 30'000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM catalog_tracks"), 30'000);
}

// ---- Assets ----

// Deterministic bytes that compress badly, like audio.
std::string SomeBytes(size_t n, uint32_t seed) {
  std::mt19937 random(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

class AssetStorageTest : public StorageTest {
 protected:
  // Streams `bytes` into an upload in 100 KiB pieces, as PutAsset's messages would arrive.
  std::unique_ptr<AssetUpload> Upload(const std::string& owner, const std::string& bytes,
                                      const std::string& media_type = "audio/ogg",
                                      const std::string& sha256 = "") {
    auto upload = std::make_unique<AssetUpload>(
        AssetHeader{owner, media_type, static_cast<int64_t>(bytes.size()), sha256}, dir_.path());
    for (size_t at = 0; at < bytes.size(); at += 100 * 1024) {
      auto appended = upload->Append(std::string_view(bytes).substr(at, 100 * 1024));
      EXPECT_TRUE(appended.ok()) << appended.error().message;
    }
    auto finished = upload->Finish();
    EXPECT_TRUE(finished.ok()) << finished.error().message;
    return upload;
  }

  Result<PutAssetResult> Put(const std::string& owner, const std::string& bytes,
                             const std::string& media_type = "audio/ogg") {
    return storage_->PutAsset(*Upload(owner, bytes, media_type));
  }

  AssetInfo MustPut(const std::string& owner, const std::string& bytes) {
    auto put = Put(owner, bytes);
    EXPECT_TRUE(put.ok()) << (put.ok() ? "" : put.error().message);
    return put.ok() ? put->asset : AssetInfo{};
  }

  // The bytes [offset, offset + length) read the way GetAsset streams them.
  std::string Read(const std::string& owner, const std::string& id, int64_t offset,
                   int64_t length) {
    std::string out;
    for (int64_t at = offset; at < offset + length;) {
      auto piece = storage_->ReadAssetBytes(owner, id, at, offset + length - at);
      EXPECT_TRUE(piece.ok()) << piece.error().message;
      if (!piece.ok() || piece->empty()) break;
      EXPECT_LE(static_cast<int64_t>(piece->size()), StorageLimits::kAssetChunkBytes);
      out += *piece;
      at += static_cast<int64_t>(piece->size());
    }
    return out;
  }

  int64_t Used(const std::string& owner) { return storage_->GetAssetUsage(owner)->used_bytes; }

  void Reopen(AssetLimits limits) {
    storage_.reset();
    StorageOptions options;
    options.database_url = url_;
    options.clock = &clock_;
    options.assets = limits;
    storage_ = OpenStorage(options);
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, AssetStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

TEST_P(AssetStorageTest, AnAssetLargerThanOneChunkRoundTripsByteForByte) {
  User u = MakeUser("asset-alice");
  // 5 MiB and a bit: twenty full chunks and a short one, spooled through a file on the way in.
  const std::string bytes = SomeBytes(5 * 1024 * 1024 + 123, 1);
  auto upload = Upload(u.id, bytes, "audio/ogg", platform::Sha256Hex(bytes));
  auto started = std::chrono::steady_clock::now();
  auto put = storage_->PutAsset(*upload);
  auto put_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_TRUE(put->created);
  EXPECT_EQ(put->asset.id, platform::Sha256Hex(bytes));
  EXPECT_EQ(put->asset.media_type, "audio/ogg");
  EXPECT_EQ(put->asset.size_bytes, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(put->asset.created_at_ms, 1'700'000'000'000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_chunks WHERE asset_id = $1", {put->asset.id}), 21);
  EXPECT_EQ(Count("SELECT MAX(LENGTH(data)) FROM asset_chunks"), StorageLimits::kAssetChunkBytes);

  auto info = storage_->GetAssetInfo(u.id, put->asset.id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(*info, put->asset);
  started = std::chrono::steady_clock::now();
  std::string back = Read(u.id, put->asset.id, 0, info->size_bytes);
  auto get_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  EXPECT_TRUE(back == bytes) << "the bytes read back differ";
  std::printf("[ measure  ] 5 MiB asset on %s: store %lld ms, read %lld ms\n",
              GetParam() == Backend::kSqlite ? "SQLite" : "PostgreSQL",
              static_cast<long long>(put_ms), static_cast<long long>(get_ms));
  RecordProperty("put_5mib_ms", std::to_string(put_ms));
  RecordProperty("read_5mib_ms", std::to_string(get_ms));

  // Bytes with NUL and every other value survive, and a small asset never touches the spool.
  std::string small;
  for (int i = 0; i < 512; ++i) small += static_cast<char>(i & 0xff);
  auto lrc = Put(u.id, small, "text/plain; charset=utf-8");
  ASSERT_TRUE(lrc.ok()) << lrc.error().message;
  EXPECT_EQ(Read(u.id, lrc->asset.id, 0, 512), small);
  EXPECT_EQ(Used(u.id), static_cast<int64_t>(bytes.size() + small.size()));
}

TEST_P(AssetStorageTest, TheSameBytesAreStoredOnceAndCountedForEachOwner) {
  User alice = MakeUser("dedupe-alice");
  User bob = MakeUser("dedupe-bob");
  const std::string bytes = SomeBytes(300 * 1024, 2);
  AssetInfo first = MustPut(alice.id, bytes);
  clock_.Advance(5s);
  auto again = Put(alice.id, bytes, "audio/mpeg");  // a retried job
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->asset, first);  // the first upload's type and time
  EXPECT_EQ(Used(alice.id), 300 * 1024);

  auto bobs = Put(bob.id, bytes);
  ASSERT_TRUE(bobs.ok()) << bobs.error().message;
  EXPECT_TRUE(bobs->created);  // new for bob, though no byte was written
  EXPECT_EQ(bobs->asset.id, first.id);
  EXPECT_EQ(Used(alice.id), 300 * 1024);
  EXPECT_EQ(Used(bob.id), 300 * 1024);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assets"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_chunks"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_owners"), 2);
  EXPECT_EQ(Read(bob.id, first.id, 0, first.size_bytes), bytes);
}

TEST_P(AssetStorageTest, ConcurrentUploadsOfTheSameBytesStoreThemOnce) {
  constexpr int kThreads = 6;
  std::vector<User> users;
  for (int i = 0; i < kThreads / 2; ++i) users.push_back(MakeUser("race-" + std::to_string(i)));
  const std::string bytes = SomeBytes(600 * 1024, 3);
  std::vector<std::unique_ptr<AssetUpload>> uploads;
  for (int i = 0; i < kThreads; ++i) uploads.push_back(Upload(users[i % users.size()].id, bytes));
  std::barrier start(kThreads);
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto put = storage_->PutAsset(*uploads[i]);
      if (!put.ok()) {
        ADD_FAILURE() << put.error().message;
        return;
      }
      if (put->created) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), static_cast<int>(users.size()));  // once per owner
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assets"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_chunks"), 3);
  for (const auto& u : users) EXPECT_EQ(Used(u.id), 600 * 1024);
}

TEST_P(AssetStorageTest, AShortStreamOrAChecksumMismatchStoresNothing) {
  User u = MakeUser("short-carol");
  const std::string bytes = SomeBytes(400 * 1024, 4);

  AssetUpload short_stream({u.id, "audio/ogg", static_cast<int64_t>(bytes.size()), ""}, "");
  ASSERT_TRUE(short_stream.Append(std::string_view(bytes).substr(0, bytes.size() - 1)).ok());
  auto ended = short_stream.Finish();
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ended.error().message,
            "the stream ended after 409599 of 409600 bytes; nothing was stored");
  EXPECT_EQ(storage_->PutAsset(short_stream).error().code, ErrorCode::kInvalidArgument);

  AssetUpload too_long({u.id, "audio/ogg", 10, ""}, "");
  auto overflow = too_long.Append(std::string_view(bytes).substr(0, 11));
  ASSERT_FALSE(overflow.ok());
  EXPECT_THAT(overflow.error().message, HasSubstr("more than the header's size_bytes (10)"));

  auto mismatch = Upload(u.id, bytes, "audio/ogg", platform::Sha256Hex("other bytes"));
  EXPECT_FALSE(mismatch->MatchesHeaderSha256());
  auto refused = storage_->PutAsset(*mismatch);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message, HasSubstr("sha256"));

  // The header's digest may be upper case.
  std::string upper = platform::Sha256Hex(bytes);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(Upload(u.id, bytes, "audio/ogg", upper)->MatchesHeaderSha256());

  EXPECT_EQ(Count("SELECT COUNT(*) FROM assets"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_chunks"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_owners"), 0);
  EXPECT_EQ(Used(u.id), 0);
}

TEST_P(AssetStorageTest, TheQuotaRefusesWhatDoesNotFitAndSaysWhy) {
  Reopen(AssetLimits{1024 * 1024, 1000 * 1000});
  User u = MakeUser("quota-dave");
  const std::string a = SomeBytes(600 * 1000, 5);
  const std::string b = SomeBytes(600 * 1000, 6);
  AssetInfo first = MustPut(u.id, a);

  auto header_check = storage_->CheckAssetHeader({u.id, "audio/ogg", 600 * 1000, ""});
  ASSERT_FALSE(header_check.ok());
  EXPECT_EQ(header_check.error().code, ErrorCode::kResourceExhausted);
  auto over = Put(u.id, b);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(over.error().message,
            "the asset quota is 1000000 bytes and 600000 are in use; this asset needs 600000 "
            "more; nothing was stored");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assets"), 1);
  EXPECT_EQ(Used(u.id), 600 * 1000);

  // Bytes the owner already holds are a no-op, so a full quota never refuses them.
  EXPECT_TRUE(storage_->CheckAssetHeader({u.id, "audio/ogg", 600 * 1000, first.id}).ok());
  auto again = Put(u.id, a);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->created);
  // Exactly filling the quota is fine.
  EXPECT_TRUE(Put(u.id, SomeBytes(400 * 1000, 7)).ok());
  EXPECT_EQ(Used(u.id), 1000 * 1000);

  // The largest asset is a limit of its own (an upload that can never fit is not retried).
  auto huge = storage_->CheckAssetHeader({u.id, "audio/ogg", 1024 * 1024 + 1, ""});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(huge.error().message, HasSubstr("largest asset the store keeps has 1048576 bytes"));
  EXPECT_EQ(storage_->CheckAssetHeader({"0123456789abcdef0123456789abcdef", "audio/ogg", 10, ""})
                .error()
                .code,
            ErrorCode::kFailedPrecondition);
}

TEST_P(AssetStorageTest, OnlyTheAllowedMediaTypesAreTaken) {
  User u = MakeUser("types-erin");
  for (const char* type :
       {"audio/ogg", "audio/mpeg", "audio/midi", "image/png", "text/plain; charset=utf-8"}) {
    EXPECT_TRUE(IsAssetMediaType(type)) << type;
    EXPECT_TRUE(storage_->CheckAssetHeader({u.id, type, 10, ""}).ok()) << type;
  }
  for (const char* type : {"", "image/jpeg", "audio/ogg; codecs=vorbis", "AUDIO/OGG", "text/plain",
                           "application/octet-stream"}) {
    auto refused = storage_->CheckAssetHeader({u.id, type, 10, ""});
    ASSERT_FALSE(refused.ok()) << type;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << type;
    EXPECT_THAT(refused.error().message, HasSubstr("media_type must be one of audio/ogg"));
    auto put = Put(u.id, "some bytes", type);
    ASSERT_FALSE(put.ok()) << type;
    EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument) << type;
  }
  EXPECT_EQ(storage_->CheckAssetHeader({u.id, "image/png", 0, ""}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_->CheckAssetHeader({u.id, "image/png", 10, "abc"}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assets"), 0);
}

TEST_P(AssetStorageTest, RangesAreCutAtTheEndAndReadAcrossChunks) {
  User u = MakeUser("ranges-frank");
  const int64_t size = 2 * StorageLimits::kAssetChunkBytes + 7;
  const std::string bytes = SomeBytes(static_cast<size_t>(size), 8);
  AssetInfo a = MustPut(u.id, bytes);

  auto fit = [&](int64_t offset, int64_t length) { return FitAssetRange(size, offset, length); };
  EXPECT_EQ(fit(0, 0)->length, size);        // the whole asset
  EXPECT_EQ(fit(0, 1)->length, 1);           // the first byte only
  EXPECT_EQ(fit(size - 5, 100)->length, 5);  // cut at the end
  EXPECT_FALSE(fit(size - 1, 0)->past_end);
  EXPECT_TRUE(fit(size, 0)->past_end);
  EXPECT_TRUE(fit(size + 10, 1)->past_end);
  EXPECT_EQ(fit(-1, 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fit(0, -1).error().code, ErrorCode::kInvalidArgument);

  EXPECT_EQ(Read(u.id, a.id, 0, 1), bytes.substr(0, 1));
  // A middle range across the first chunk boundary.
  const int64_t middle = StorageLimits::kAssetChunkBytes - 10;
  EXPECT_EQ(Read(u.id, a.id, middle, 100), bytes.substr(middle, 100));
  EXPECT_EQ(Read(u.id, a.id, size - 5, fit(size - 5, 100)->length), bytes.substr(size - 5));
  auto one = storage_->ReadAssetBytes(u.id, a.id, middle, 1000);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 10u);  // never past the stored chunk
  EXPECT_EQ(storage_->ReadAssetBytes(u.id, a.id, size, 1).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(AssetStorageTest, AnotherUsersAssetIsNotFoundLikeAnUnknownOne) {
  User owner = MakeUser("private-gina");
  User other = MakeUser("nosy-hank");
  AssetInfo a = MustPut(owner.id, SomeBytes(1000, 9));
  auto theirs = storage_->GetAssetInfo(other.id, a.id);
  auto unknown = storage_->GetAssetInfo(owner.id, platform::Sha256Hex("never uploaded"));
  ASSERT_FALSE(theirs.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(theirs.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(theirs.error().message, unknown.error().message);
  EXPECT_EQ(storage_->ReadAssetBytes(other.id, a.id, 0, 10).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(storage_->GetAssetInfo(owner.id, "../etc/passwd").error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_->GetAssetInfo(owner.id, std::string(64, 'A')).error().code,
            ErrorCode::kInvalidArgument);
}

// ---- Albums ----

class AlbumStorageTest : public AssetStorageTest {
 protected:
  // An album of `songs` songs whose every asset `owner` holds.
  Album MakeAlbum(const std::string& owner, const std::string& job, int songs = 2) {
    Album a;
    a.owner_user_id = owner;
    a.job_id = job;
    a.title = "Late Trains — " + job;
    a.genre = "folk";
    a.theme = "leaving home";
    a.cover_description = "a station at night,\nrain on the glass";
    a.seed = 42;
    a.cover_asset_id = MustPut(owner, "png of " + job).id;
    a.cover_thumbnail_asset_id = MustPut(owner, "thumbnail of " + job).id;
    for (int i = 0; i < songs; ++i) {
      AlbumSong s;
      s.index = i;
      s.title = "Song " + std::to_string(i);
      s.lyrics = "[Verse 1]\nthe platform hums\n[Chorus]\nstay, stay";
      s.key = "A minor";
      s.tempo_bpm = 96.5;
      s.duration_seconds = 181.25;
      s.ogg_asset_id = MustPut(owner, "ogg " + job + std::to_string(i)).id;
      s.mp3_asset_id = MustPut(owner, "mp3 " + job + std::to_string(i)).id;
      s.midi_asset_id = MustPut(owner, "midi " + job + std::to_string(i)).id;
      s.lrc_asset_id = MustPut(owner, "lrc " + job + std::to_string(i)).id;
      s.lyrics_by = "builtin";
      a.songs.push_back(s);
    }
    return a;
  }

  // An album with no cover thumbnail and one song per ogg asset id, nothing else.
  static Album AlbumOf(const std::string& owner, const std::string& job, const std::string& cover,
                       const std::vector<std::string>& oggs) {
    Album a;
    a.owner_user_id = owner;
    a.job_id = job;
    a.title = "Album " + job;
    a.cover_asset_id = cover;
    for (size_t i = 0; i < oggs.size(); ++i) {
      AlbumSong s;
      s.index = static_cast<int>(i);
      s.title = "Song " + std::to_string(i);
      s.tempo_bpm = 120;
      s.duration_seconds = 30;
      s.ogg_asset_id = oggs[i];
      a.songs.push_back(s);
    }
    return a;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, AlbumStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

TEST_P(AlbumStorageTest, AlbumsRoundTripExactly) {
  User u = MakeUser("album-ivy");
  Album in = MakeAlbum(u.id, "job-rt", 3);
  in.seed = std::numeric_limits<uint64_t>::max();  // every bit of the unsigned seed
  in.songs[1].mp3_asset_id.clear();                // a rendering that was not made
  in.cover_thumbnail_asset_id.clear();
  auto saved = storage_->SaveAlbum(in);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_TRUE(saved->created);
  EXPECT_EQ(saved->album.id.size(), 32u);
  EXPECT_EQ(saved->album.created_at_ms, 1'700'000'000'000);
  Album expected = in;
  expected.id = saved->album.id;
  expected.created_at_ms = saved->album.created_at_ms;
  EXPECT_EQ(saved->album, expected);
  auto got = storage_->GetAlbum(u.id, saved->album.id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, expected);
}

TEST_P(AlbumStorageTest, SavingOneJobTwiceKeepsTheFirstAlbum) {
  User u = MakeUser("album-jack");
  Album in = MakeAlbum(u.id, "job-1");
  auto first = storage_->SaveAlbum(in);
  ASSERT_TRUE(first.ok()) << first.error().message;
  clock_.Advance(1s);
  in.title = "A retry that wrote another title";
  auto second = storage_->SaveAlbum(in);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->album, first->album);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM albums"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM album_songs"), 2);

  User other = MakeUser("album-kate");
  Album theirs = MakeAlbum(other.id, "job-1");
  EXPECT_EQ(storage_->SaveAlbum(theirs).error().code, ErrorCode::kAlreadyExists);
}

TEST_P(AlbumStorageTest, ConcurrentSavesOfOneJobCreateOneAlbum) {
  User u = MakeUser("album-race");
  const Album in = MakeAlbum(u.id, "job-race", 3);
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::atomic<int> created{0};
  std::set<std::string> ids;
  std::mutex ids_mutex;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto r = storage_->SaveAlbum(in);
      if (!r.ok()) {
        ADD_FAILURE() << r.error().message;
        return;
      }
      if (r->created) ++created;
      std::lock_guard<std::mutex> lock(ids_mutex);
      ids.insert(r->album.id);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM albums"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM album_songs"), 3);
}

TEST_P(AlbumStorageTest, AnAlbumNeedsEveryAssetItNamesAndValidFields) {
  User u = MakeUser("album-liam");
  User other = MakeUser("album-mia");
  Album in = MakeAlbum(u.id, "job-missing");
  const std::string never = platform::Sha256Hex("never uploaded");
  in.songs[1].midi_asset_id = never;
  auto missing = storage_->SaveAlbum(in);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(missing.error().message, "asset " + never +
                                         " (songs[1].midi_asset_id) is not one of this user's "
                                         "assets; upload it first");
  // Another user's asset is just as missing.
  in.songs[1].midi_asset_id = MustPut(other.id, "mia's midi").id;
  EXPECT_EQ(storage_->SaveAlbum(in).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM albums"), 0);

  auto expect_invalid = [&](Album a, const std::string& fragment) {
    auto r = storage_->SaveAlbum(a);
    ASSERT_FALSE(r.ok()) << fragment;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << fragment;
    EXPECT_THAT(r.error().message, HasSubstr(fragment));
  };
  Album good = MakeAlbum(u.id, "job-fields");
  Album a = good;
  a.songs.clear();
  expect_invalid(a, "an album has 1 to 10 songs");
  a = good;
  while (a.songs.size() < 11) {
    a.songs.push_back(a.songs[0]);
    a.songs.back().index = static_cast<int>(a.songs.size()) - 1;
  }
  expect_invalid(a, "an album has 1 to 10 songs");
  a = good;
  a.songs[1].index = 5;
  expect_invalid(a, "songs[1].index must be 1");
  a = good;
  a.songs[0].ogg_asset_id = "not-a-digest";
  expect_invalid(a, "songs[0].ogg_asset_id must be an asset id");
  a = good;
  a.title = "";
  expect_invalid(a, "title is required");
  a = good;
  a.songs[0].tempo_bpm = std::nan("");
  expect_invalid(a, "songs[0].tempo_bpm");
  a = good;
  a.songs[0].lyrics = std::string(StorageLimits::kMaxLyricsBytes + 1, 'a');
  expect_invalid(a, "songs[0].lyrics must be at most");
  a = good;
  a.job_id = "";
  expect_invalid(a, "job_id is required");
  EXPECT_TRUE(storage_->SaveAlbum(good).ok());
}

TEST_P(AlbumStorageTest, AlbumPagesWalkEveryAlbumOnceNewestFirst) {
  User u = MakeUser("album-nora");
  User noise = MakeUser("album-oscar");
  for (int i = 0; i < 25; ++i) {
    if (i % 3 == 0) clock_.Advance(1ms);  // equal created_at: the id breaks the tie
    ASSERT_TRUE(storage_->SaveAlbum(MakeAlbum(u.id, "job-" + std::to_string(i), 1)).ok());
    if (i % 5 == 0) {
      ASSERT_TRUE(storage_->SaveAlbum(MakeAlbum(noise.id, "noise-" + std::to_string(i), 1)).ok());
    }
  }
  std::vector<Album> seen;
  std::vector<size_t> sizes;
  std::string cursor;
  do {
    auto page = storage_->ListAlbums(u.id, 10, cursor);
    ASSERT_TRUE(page.ok()) << page.error().message;
    sizes.push_back(page->albums.size());
    seen.insert(seen.end(), page->albums.begin(), page->albums.end());
    cursor = page->next_cursor;
    if (sizes.size() == 1) {
      clock_.Advance(1s);  // a newer album must not shift the pages that follow
      ASSERT_TRUE(storage_->SaveAlbum(MakeAlbum(u.id, "job-late", 1)).ok());
    }
  } while (!cursor.empty());
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5}));
  std::set<std::string> jobs;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].owner_user_id, u.id);
    jobs.insert(seen[i].job_id);
    ASSERT_EQ(seen[i].songs.size(), 1u);
    EXPECT_EQ(seen[i].songs[0].title, "Song 0");
    EXPECT_TRUE(seen[i].songs[0].lyrics.empty());  // lists leave the lyrics to GetAlbum
    if (i > 0) {
      bool ordered =
          seen[i - 1].created_at_ms > seen[i].created_at_ms ||
          (seen[i - 1].created_at_ms == seen[i].created_at_ms && seen[i - 1].id > seen[i].id);
      EXPECT_TRUE(ordered) << "albums " << i - 1 << " and " << i << " out of order";
    }
  }
  EXPECT_EQ(jobs.size(), 25u);
  EXPECT_EQ(jobs.count("job-late"), 0u);
  auto all = storage_->ListAlbums(u.id, 0, "");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->albums.size(), 20u);  // the default page
  EXPECT_EQ(all->albums[0].job_id, "job-late");
  EXPECT_EQ(storage_->ListAlbums(u.id, 101, "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_->ListAlbums(u.id, 10, "bm90LWEtY3Vyc29y").error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(AlbumStorageTest, AnotherUsersAlbumIsNotFound) {
  User owner = MakeUser("album-pia");
  User other = MakeUser("album-quinn");
  auto saved = storage_->SaveAlbum(MakeAlbum(owner.id, "job-private"));
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(storage_->GetAlbum(other.id, saved->album.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(storage_->GetAlbum(owner.id, "0123456789abcdef0123456789abcdef").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(storage_->DeleteAlbum(other.id, saved->album.id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(storage_->ListAlbums(other.id, 10, "")->albums.empty());
  EXPECT_TRUE(storage_->GetAlbum(owner.id, saved->album.id).ok());  // the delete did nothing
}

TEST_P(AlbumStorageTest, DeletingAnAlbumKeepsTheAssetsAnotherAlbumStillUses) {
  User u = MakeUser("album-rosa");
  const std::string shared = SomeBytes(300 * 1024, 10);  // two chunks, in both albums
  const std::string shared_id = MustPut(u.id, shared).id;
  const std::string cover_one = MustPut(u.id, "cover one").id;
  const std::string ogg_two = MustPut(u.id, "ogg two").id;
  // The shared asset is album two's cover and a song of each: one album's uses count once.
  auto one = storage_->SaveAlbum(AlbumOf(u.id, "job-one", cover_one, {shared_id}));
  auto two = storage_->SaveAlbum(AlbumOf(u.id, "job-two", shared_id, {shared_id, ogg_two}));
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ(Used(u.id), static_cast<int64_t>(shared.size() + 9 + 7));

  auto released = storage_->DeleteAlbum(u.id, one->album.id);
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_EQ(*released, 1);  // its cover; the shared asset stays for album two
  EXPECT_EQ(storage_->GetAssetInfo(u.id, cover_one).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_chunks WHERE asset_id = $1", {cover_one}), 0);
  EXPECT_TRUE(storage_->GetAssetInfo(u.id, shared_id).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_chunks WHERE asset_id = $1", {shared_id}), 2);
  EXPECT_EQ(Read(u.id, shared_id, 0, static_cast<int64_t>(shared.size())), shared);
  EXPECT_EQ(storage_->GetAlbum(u.id, one->album.id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(storage_->GetAlbum(u.id, two->album.id).ok());
  EXPECT_EQ(Used(u.id), static_cast<int64_t>(shared.size() + 7));

  released = storage_->DeleteAlbum(u.id, two->album.id);
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_EQ(*released, 2);  // the shared asset and its other song's
  EXPECT_EQ(storage_->GetAssetInfo(u.id, shared_id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM albums"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM album_songs"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_owners"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assets"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM asset_chunks"), 0);
  EXPECT_EQ(Used(u.id), 0);
  EXPECT_EQ(storage_->DeleteAlbum(u.id, two->album.id).error().code, ErrorCode::kNotFound);
}

TEST_P(AlbumStorageTest, AnAssetAnotherUserHoldsOutlivesTheAlbum) {
  User alice = MakeUser("album-sam");
  User bob = MakeUser("album-tess");
  const std::string bytes = SomeBytes(1000, 11);
  const std::string id = MustPut(alice.id, bytes).id;
  ASSERT_EQ(MustPut(bob.id, bytes).id, id);
  auto saved = storage_->SaveAlbum(AlbumOf(alice.id, "job-shared", "", {id}));
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  auto released = storage_->DeleteAlbum(alice.id, saved->album.id);
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_EQ(*released, 1);  // alice's view: the asset left her, whoever else holds it
  EXPECT_EQ(storage_->GetAssetInfo(alice.id, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Read(bob.id, id, 0, 1000), bytes);
  EXPECT_EQ(Used(alice.id), 0);
  EXPECT_EQ(Used(bob.id), 1000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assets"), 1);
}

TEST(AssetUploadTest, ASpoolDirectoryThatCannotHoldFilesIsReported) {
  moodtape::testing::TempDir dir;
  EXPECT_TRUE(AssetUpload::CheckSpoolDir(dir.path()).ok());
  EXPECT_TRUE(AssetUpload::CheckSpoolDir("").ok());  // the system's temporary directory
  auto missing = AssetUpload::CheckSpoolDir(dir.File("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(missing.error().message, HasSubstr(dir.File("missing")));

  // An upload keeps working in memory and fails only when it must spill.
  const std::string bytes = SomeBytes(AssetUpload::kMemoryBytes + 1, 12);
  AssetUpload upload({"someone", "audio/ogg", static_cast<int64_t>(bytes.size()), ""},
                     dir.File("missing"));
  ASSERT_TRUE(upload.Append(std::string_view(bytes).substr(0, AssetUpload::kMemoryBytes)).ok());
  auto spill = upload.Append(std::string_view(bytes).substr(AssetUpload::kMemoryBytes));
  ASSERT_FALSE(spill.ok());
  EXPECT_EQ(spill.error().code, ErrorCode::kUnavailable);
}

TEST(HistoryCursorTest, RoundTripsAndRejectsAnythingElse) {
  const std::string id = "0123456789abcdef0123456789abcdef";
  std::string cursor = EncodeHistoryCursor(1'700'000'000'123, id);
  int64_t t = 0;
  std::string back;
  ASSERT_TRUE(DecodeHistoryCursor(cursor, &t, &back));
  EXPECT_EQ(t, 1'700'000'000'123);
  EXPECT_EQ(back, id);
  EXPECT_EQ(
      cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  EXPECT_FALSE(DecodeHistoryCursor("", &t, &back));
  EXPECT_FALSE(DecodeHistoryCursor(platform::Base64UrlEncode("v1.1." + id.substr(1)), &t, &back));
}

TEST(OpenStorageTest, RejectsUnknownUrlsAndUnreachableDatabases) {
  StorageOptions options;
  options.database_url = "mysql://localhost/db";
  EXPECT_THROW(OpenStorage(options), std::runtime_error);
  options.database_url = "sqlite:";
  EXPECT_THROW(OpenStorage(options), std::runtime_error);
  options.database_url =
      "postgresql://postgres@127.0.0.1:" + std::to_string(moodtape::testing::FreePort()) +
      "/x?connect_timeout=2";
  EXPECT_THROW(OpenStorage(options), std::runtime_error);
}

}  // namespace
}  // namespace moodtape::store
