// Versioned schema migrations, the same files for SQLite and PostgreSQL
// (services/store/migrations/NNNN_name.sql, compiled into the binary). Each pending one runs in
// its own transaction and is recorded in schema_migrations with a SHA-256 of its text, so a
// released migration that was edited later stops start-up instead of drifting silently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/store/core/sql_database.h"

namespace moodtape::store {

struct Migration {
  int64_t version = 0;  // NNNN from the file name
  std::string name;     // the file name
  std::string sql;
};

// The migrations under services/store/migrations/, in version order.
const std::vector<Migration>& EmbeddedMigrations();

// Applies the pending ones; returns how many it applied (0 when up to date). Throws
// std::runtime_error when a recorded migration's checksum differs or the database has a version
// this build does not know (it is newer than this binary).
int ApplyMigrations(SqlDatabase& db, const std::vector<Migration>& migrations, int64_t now_ms);

}  // namespace moodtape::store
