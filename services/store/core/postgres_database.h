// PostgreSQL back-end (libpqxx): a small pool of connections, one transaction per lease, READ
// COMMITTED (every multi-step operation in SqlStorage is safe under it: row updates re-check
// their WHERE clause and unique indexes decide races). Broken connections are replaced lazily.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/store/core/sql_database.h"

namespace moodtape::store {

class PostgresDatabase final : public SqlDatabase {
 public:
  // Connects once at construction so a wrong URL fails start-up; throws std::runtime_error.
  PostgresDatabase(std::string url, int pool_size);
  ~PostgresDatabase() override;

  std::unique_ptr<SqlTransaction> Begin(bool write) override;
  std::string_view Dialect() const override { return "postgresql"; }
  void LockForMigration(SqlTransaction& txn) override;

  static constexpr std::chrono::milliseconds kAcquireTimeout{5000};

 private:
  friend class PostgresTransaction;
  struct Connection;                      // a pqxx::connection, kept out of this header
  std::unique_ptr<Connection> Acquire();  // throws SqlError(kUnavailable)
  void Release(std::unique_ptr<Connection> conn, bool healthy);

  const std::string url_;
  const int pool_size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // connections idle or leased
};

}  // namespace moodtape::store
