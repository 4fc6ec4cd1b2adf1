#include "services/store/core/sqlite_database.h"

#include <sqlite3.h>

#include <charconv>
#include <filesystem>
#include <stdexcept>

namespace moodtape::store {
namespace {

SqlError ErrorFrom(sqlite3* db, int rc) {
  std::string what = std::string(sqlite3_errmsg(db)) + " (" + sqlite3_errstr(rc) + ")";
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return SqlError(SqlError::Kind::kUniqueViolation, what);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return SqlError(SqlError::Kind::kForeignKeyViolation, what);
    default:
      break;
  }
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
      primary == SQLITE_FULL || primary == SQLITE_CANTOPEN) {
    return SqlError(SqlError::Kind::kUnavailable, what);
  }
  return SqlError(SqlError::Kind::kOther, what);
}

// Binds slot i to value value_index[i] ($N by name, resolved when the statement was prepared),
// so a query may use its parameters in any order and more than once.
void BindAll(sqlite3* db, sqlite3_stmt* stmt, const std::vector<size_t>& value_index,
             const std::vector<SqlValue>& params) {
  for (size_t slot = 0; slot < value_index.size(); ++slot) {
    const int i = static_cast<int>(slot) + 1;
    if (value_index[slot] >= params.size()) {
      throw SqlError(SqlError::Kind::kOther,
                     "unbound parameter $" + std::to_string(value_index[slot] + 1));
    }
    const SqlValue& v = params[value_index[slot]];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(stmt, i);
    } else if (const auto* x = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, i, *x);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, i, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(stmt, i, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      // SQLITE_STATIC: the bytes outlive the statement's use (reset before Exec returns), and an
      // asset chunk is large enough that a copy per bind would show.
      const auto& b = std::get<SqlBlob>(v).bytes;
      rc = sqlite3_bind_blob64(stmt, i, b.data(), b.size(), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) throw ErrorFrom(db, rc);
  }
}

SqlValue Column(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_NULL:
      return std::monostate{};
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return SqlBlob{std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, i)))};
    }
    default: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
    }
  }
}

}  // namespace

class SqliteTransaction final : public SqlTransaction {
 public:
  SqliteTransaction(SqliteDatabase& db, bool write) : db_(db), lock_(db.mutex_) {
    db_.ExecPlain(write ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  ~SqliteTransaction() override {
    if (!done_) sqlite3_exec(db_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  SqlResult Exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    const auto& prepared = db_.Prepare(sql);
    sqlite3_stmt* stmt = prepared.stmt;
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    BindAll(db_.db_, stmt, prepared.value_index, params);
    SqlResult result;
    int columns = sqlite3_column_count(stmt);
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw ErrorFrom(db_.db_, sqlite3_extended_errcode(db_.db_));
      SqlRow row;
      row.values.reserve(columns);
      for (int i = 0; i < columns; ++i) row.values.push_back(Column(stmt, i));
      result.rows.push_back(std::move(row));
    }
    result.affected_rows = sqlite3_changes64(db_.db_);
    return result;
  }

  void ExecScript(std::string_view sql) override { db_.ExecPlain(std::string(sql).c_str()); }

  void Commit() override {
    db_.ExecPlain("COMMIT");
    done_ = true;
  }

 private:
  SqliteDatabase& db_;
  std::unique_lock<std::mutex> lock_;
  bool done_ = false;
};

SqliteDatabase::SqliteDatabase(const std::string& path) {
  if (path != ":memory:") {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec)
      throw std::runtime_error("cannot create directory " + parent.string() + ": " + ec.message());
  }
  int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open SQLite database " + path + ": " + why);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  try {
    ExecPlain("PRAGMA foreign_keys = ON");
    if (path != ":memory:") {
      std::string mode;
      sqlite3_exec(
          db_, "PRAGMA journal_mode = WAL",
          [](void* out, int, char** values, char**) {
            *static_cast<std::string*>(out) = values[0] ? values[0] : "";
            return 0;
          },
          &mode, nullptr);
      if (mode != "wal")
        throw std::runtime_error("cannot switch " + path + " to WAL mode (got '" + mode + "')");
      // WAL + NORMAL: a commit survives a process crash; only a power cut can lose the last ones.
      ExecPlain("PRAGMA synchronous = NORMAL");
    }
  } catch (const std::exception& e) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot configure SQLite database " + path + ": " + e.what());
  }
}

SqliteDatabase::~SqliteDatabase() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement.stmt);
  sqlite3_close_v2(db_);
}

std::unique_ptr<SqlTransaction> SqliteDatabase::Begin(bool write) {
  return std::make_unique<SqliteTransaction>(*this, write);
}

const SqliteDatabase::Statement& SqliteDatabase::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  Statement statement;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &statement.stmt, nullptr);
  if (rc != SQLITE_OK) throw ErrorFrom(db_, rc);
  const int count = sqlite3_bind_parameter_count(statement.stmt);
  statement.value_index.reserve(count);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(statement.stmt, i);
    size_t n = 0;
    if (name == nullptr || name[0] != '$' ||
        std::from_chars(name + 1, name + std::char_traits<char>::length(name), n).ec !=
            std::errc() ||
        n < 1) {
      sqlite3_finalize(statement.stmt);
      throw SqlError(SqlError::Kind::kOther,
                     std::string("bad parameter ") + (name ? name : "?") + " (use $1, $2, ...)");
    }
    statement.value_index.push_back(n - 1);
  }
  return statements_.emplace(std::string(sql), std::move(statement)).first->second;
}

void SqliteDatabase::ExecPlain(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw ErrorFrom(db_, sqlite3_extended_errcode(db_));
}

}  // namespace moodtape::store
