// SQLite back-end: one connection behind a mutex (SQLite has a single writer anyway), WAL so
// other processes can read while the store writes, a busy timeout for other writers on the same
// file, foreign keys on, and prepared statements cached per SQL text.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/store/core/sql_database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace moodtape::store {

class SqliteDatabase final : public SqlDatabase {
 public:
  // `path` is a file (its parent directories are created) or ":memory:". Throws
  // std::runtime_error when the file cannot be opened or configured.
  explicit SqliteDatabase(const std::string& path);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  std::unique_ptr<SqlTransaction> Begin(bool write) override;
  std::string_view Dialect() const override { return "sqlite"; }
  void LockForMigration(SqlTransaction&) override {}  // BEGIN IMMEDIATE holds the write lock

  static constexpr int kBusyTimeoutMs = 5000;

 private:
  friend class SqliteTransaction;
  // A cached statement and, for each of its parameter slots, which $N it names (0-based index
  // into the values), resolved once: looking a name up per bind is linear in the number of
  // parameters, which made a 7,000-parameter bulk insert quadratic.
  struct Statement {
    sqlite3_stmt* stmt = nullptr;
    std::vector<size_t> value_index;
  };
  const Statement& Prepare(std::string_view sql);  // cached; caller holds mutex_
  void ExecPlain(const char* sql);                 // throws SqlError

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::map<std::string, Statement, std::less<>> statements_;
};

}  // namespace moodtape::store
