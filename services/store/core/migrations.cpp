#include "services/store/core/migrations.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "platform/base/encoding.h"
#include "platform/base/log.h"

namespace moodtape::store {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

}  // namespace

int ApplyMigrations(SqlDatabase& db, const std::vector<Migration>& migrations, int64_t now_ms) {
  std::set<int64_t> known;
  for (const auto& m : migrations) {
    if (m.version <= 0 || !known.insert(m.version).second) {
      throw std::runtime_error("migration " + m.name + ": version missing or used twice");
    }
  }
  {
    auto txn = db.Begin(true);
    db.LockForMigration(*txn);
    txn->ExecScript(kCreateTable);
    txn->Commit();
  }
  {
    auto txn = db.Begin(false);
    for (const auto& row : txn->Exec("SELECT version, name FROM schema_migrations").rows) {
      if (!known.count(row.Int(0))) {
        throw std::runtime_error("the database has migration " + row.Text(1) +
                                 " which this moodtape-store does not know: run a newer build");
      }
    }
  }
  std::vector<const Migration*> ordered;
  for (const auto& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(),
            [](auto* a, auto* b) { return a->version < b->version; });

  int applied = 0;
  for (const Migration* m : ordered) {
    std::string checksum = platform::Sha256Hex(m->sql);
    auto txn = db.Begin(true);
    db.LockForMigration(*txn);
    auto existing =
        txn->Exec("SELECT checksum FROM schema_migrations WHERE version = $1", {m->version});
    if (!existing.rows.empty()) {
      if (existing.rows[0].Text(0) != checksum) {
        throw std::runtime_error("migration " + m->name +
                                 " was edited after it was applied; released migrations must never "
                                 "change (add a new migration instead)");
      }
      continue;  // the transaction rolls back: nothing was written
    }
    txn->ExecScript(m->sql);
    txn->Exec(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, "
        "$4)",
        {m->version, m->name, checksum, now_ms});
    txn->Commit();
    platform::LogInfo("applied migration",
                      {{"migration", m->name}, {"dialect", std::string(db.Dialect())}});
    ++applied;
  }
  return applied;
}

}  // namespace moodtape::store
