#include "services/store/core/postgres_database.h"

#include <charconv>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>

namespace moodtape::store {
namespace {

// Type OIDs from pg_type.h.
constexpr pqxx::oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
                    kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

// BYTEA's text input form: "\x" and two hex digits per byte. libpqxx 6 sends binary parameters
// only through a statically typed argument list, not the dynamic one every query here uses, so
// bytes travel as hex text (twice the size on the local socket; PostgreSQL decodes it quickly).
std::string ByteaHex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(2 + 2 * bytes.size());
  out[0] = '\\';
  out[1] = 'x';
  size_t o = 2;
  for (unsigned char c : bytes) {
    out[o++] = kDigits[c >> 4];
    out[o++] = kDigits[c & 0x0f];
  }
  return out;
}

std::optional<std::string> ParamText(const SqlValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof(buf), *d);  // shortest text that reads back exactly
    return std::string(buf, r.ptr);
  }
  if (const auto* b = std::get_if<SqlBlob>(&v)) return ByteaHex(b->bytes);
  return std::get<std::string>(v);
}

SqlValue FieldValue(const pqxx::field& f, pqxx::oid type) {
  if (f.is_null()) return std::monostate{};
  std::string_view text(f.c_str(), f.size());
  switch (type) {
    case kBoolOid:
      return static_cast<int64_t>(text == "t" ? 1 : 0);
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid: {
      int64_t n = 0;
      std::from_chars(text.data(), text.data() + text.size(), n);
      return n;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      return std::stod(std::string(text));
    case kByteaOid:
      // Unescapes either output format (hex, the default, or the old "escape" one).
      return SqlBlob{pqxx::binarystring(f).str()};
    default:
      return std::string(text);
  }
}

template <typename F>
auto Translate(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const pqxx::unique_violation& e) {
    throw SqlError(SqlError::Kind::kUniqueViolation, e.what());
  } catch (const pqxx::foreign_key_violation& e) {
    throw SqlError(SqlError::Kind::kForeignKeyViolation, e.what());
  } catch (const pqxx::broken_connection& e) {
    throw SqlError(SqlError::Kind::kUnavailable, e.what());
  } catch (const pqxx::in_doubt_error& e) {
    throw SqlError(SqlError::Kind::kUnavailable, e.what());
  } catch (const pqxx::failure& e) {
    throw SqlError(SqlError::Kind::kOther, e.what());
  }
}

}  // namespace

struct PostgresDatabase::Connection {
  explicit Connection(const std::string& url) : conn(url) {}
  // Server-side prepared statements of this connection by SQL text: PostgreSQL parses and plans
  // each text once per connection instead of on every call (the store's query texts are fixed).
  const std::string& StatementFor(std::string_view sql) {
    auto it = prepared.find(sql);
    if (it == prepared.end()) {
      std::string name = "moodtape_" + std::to_string(prepared.size() + 1);
      conn.prepare(name, std::string(sql));
      it = prepared.emplace(std::string(sql), std::move(name)).first;
    }
    return it->second;
  }
  pqxx::connection conn;
  std::map<std::string, std::string, std::less<>> prepared;
};

class PostgresTransaction final : public SqlTransaction {
 public:
  PostgresTransaction(PostgresDatabase& db, std::unique_ptr<PostgresDatabase::Connection> conn)
      : db_(db), conn_(std::move(conn)) {
    try {
      Translate([&] {
        work_ = std::make_unique<pqxx::work>(conn_->conn);
        return 0;
      });
    } catch (...) {
      db_.Release(std::move(conn_), false);  // the destructor does not run for a failed constructor
      throw;
    }
  }
  ~PostgresTransaction() override {
    try {
      work_.reset();  // aborts unless committed
    } catch (...) {
    }
    bool healthy = conn_->conn.is_open();
    db_.Release(std::move(conn_), healthy);
  }

  SqlResult Exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    std::vector<std::optional<std::string>> texts;
    texts.reserve(params.size());
    for (const auto& p : params) texts.push_back(ParamText(p));
    std::vector<const char*> args;
    args.reserve(texts.size());
    for (const auto& t : texts) args.push_back(t ? t->c_str() : nullptr);
    return Translate([&] {
      pqxx::result r =
          work_->exec_prepared(conn_->StatementFor(sql), pqxx::prepare::make_dynamic_params(args));
      SqlResult out;
      out.affected_rows = static_cast<int64_t>(r.affected_rows());
      const auto columns = r.columns();
      std::vector<pqxx::oid> types;
      for (pqxx::row::size_type c = 0; c < columns; ++c) types.push_back(r.column_type(c));
      for (const auto& row : r) {
        SqlRow values;
        values.values.reserve(columns);
        for (pqxx::row::size_type c = 0; c < columns; ++c)
          values.values.push_back(FieldValue(row[c], types[c]));
        out.rows.push_back(std::move(values));
      }
      return out;
    });
  }

  void ExecScript(std::string_view sql) override {
    Translate([&] { return work_->exec(std::string(sql)); });
  }

  void Commit() override {
    Translate([&] {
      work_->commit();
      return 0;
    });
  }

 private:
  PostgresDatabase& db_;
  std::unique_ptr<PostgresDatabase::Connection> conn_;
  std::unique_ptr<pqxx::work> work_;
};

PostgresDatabase::PostgresDatabase(std::string url, int pool_size)
    : url_(std::move(url)), pool_size_(pool_size < 1 ? 1 : pool_size) {
  try {
    idle_.push_back(std::make_unique<Connection>(url_));
    open_ = 1;
  } catch (const std::exception& e) {
    // libpq's message may contain the URL's password; it names host and port anyway.
    throw std::runtime_error(std::string("cannot connect to PostgreSQL ([store] database_url): ") +
                             e.what());
  }
}

PostgresDatabase::~PostgresDatabase() = default;

std::unique_ptr<PostgresDatabase::Connection> PostgresDatabase::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  // A caller never waits forever for a connection: past the deadline it gets UNAVAILABLE.
  if (!available_.wait_for(lock, kAcquireTimeout,
                           [&] { return !idle_.empty() || open_ < pool_size_; })) {
    throw SqlError(SqlError::Kind::kUnavailable,
                   "no free PostgreSQL connection within the acquire timeout");
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }
  ++open_;
  lock.unlock();
  try {
    return std::make_unique<Connection>(url_);
  } catch (const std::exception& e) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw SqlError(SqlError::Kind::kUnavailable, e.what());
  }
}

void PostgresDatabase::Release(std::unique_ptr<Connection> conn, bool healthy) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (healthy) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // dropped; the next Acquire opens a fresh one
  }
  available_.notify_one();
}

std::unique_ptr<SqlTransaction> PostgresDatabase::Begin(bool /*write*/) {
  return std::make_unique<PostgresTransaction>(*this, Acquire());
}

void PostgresDatabase::LockForMigration(SqlTransaction& txn) {
  // Released at commit/rollback; two stores starting together apply each migration once.
  txn.Exec("SELECT pg_advisory_xact_lock(7310571)");
}

}  // namespace moodtape::store
