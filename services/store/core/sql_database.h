// The little the store needs from a SQL database, so every query and the migration runner are
// written once for SQLite and PostgreSQL. Queries use $1, $2, ... placeholders (both engines
// accept them) and every value travels as a bound parameter, never inside the SQL text.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace moodtape::store {

// Bytes for a BLOB (SQLite) or BYTEA (PostgreSQL) column. A type of its own, not std::string,
// because the back-ends must bind and read it differently from text: PostgreSQL text cannot hold
// a NUL byte, and SQLite would store a string as TEXT.
struct SqlBlob {
  std::string bytes;
  bool operator==(const SqlBlob&) const = default;
};

// NULL, an integer (also booleans), a double, text or bytes.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string, SqlBlob>;

struct SqlRow {
  std::vector<SqlValue> values;
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values.at(i)); }
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  std::string Text(size_t i) const;
  // The bytes of a BLOB/BYTEA column.
  const std::string& Blob(size_t i) const;
};

struct SqlResult {
  std::vector<SqlRow> rows;
  int64_t affected_rows = 0;  // for INSERT/UPDATE/DELETE
};

// Thrown by the back-ends; SqlStorage turns it into an Error at the operation boundary.
class SqlError : public std::runtime_error {
 public:
  enum class Kind { kUniqueViolation, kForeignKeyViolation, kUnavailable, kOther };
  SqlError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// One open transaction on one connection. Destroying it without Commit() rolls back and gives
// the connection back.
class SqlTransaction {
 public:
  virtual ~SqlTransaction() = default;
  virtual SqlResult Exec(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Several statements without parameters (migrations).
  virtual void ExecScript(std::string_view sql) = 0;
  virtual void Commit() = 0;
};

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  // Blocks until a connection is free. `write` takes the write lock up front where the engine
  // has one (SQLite BEGIN IMMEDIATE), so two writers never deadlock upgrading a read lock.
  virtual std::unique_ptr<SqlTransaction> Begin(bool write) = 0;
  // "sqlite" or "postgresql".
  virtual std::string_view Dialect() const = 0;
  // Serialises migration runs between processes sharing the database (a PostgreSQL advisory
  // lock; SQLite's BEGIN IMMEDIATE already does it). Called inside `txn`.
  virtual void LockForMigration(SqlTransaction& txn) = 0;
};

}  // namespace moodtape::store
