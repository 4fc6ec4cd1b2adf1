#include "services/store/core/sql_database.h"

namespace moodtape::store {

int64_t SqlRow::Int(size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  throw SqlError(SqlError::Kind::kOther, "column " + std::to_string(i) + " is not an integer");
}

double SqlRow::Double(size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  throw SqlError(SqlError::Kind::kOther, "column " + std::to_string(i) + " is not a number");
}

std::string SqlRow::Text(size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  throw SqlError(SqlError::Kind::kOther, "column " + std::to_string(i) + " is not text");
}

const std::string& SqlRow::Blob(size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* b = std::get_if<SqlBlob>(&v)) return b->bytes;
  throw SqlError(SqlError::Kind::kOther, "column " + std::to_string(i) + " is not a blob");
}

}  // namespace moodtape::store
