#include "services/store/core/sql_storage.h"

#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "platform/encoding.h"
#include "platform/log.h"
#include "services/store/core/migrations.h"
#include "services/store/core/postgres_database.h"
#include "services/store/core/sqlite_database.h"

namespace moodtape::store {
namespace {

using platform::ErrorCode;
using platform::MakeError;
using L = StorageLimits;

constexpr const char* kUserColumns =
    "id, username, email, password_hash, roles, created_at, disabled";
constexpr const char* kTokenColumns =
    "token_hash, user_id, family_id, expires_at, revoked_at, replaced_by, created_at";
constexpr const char* kMoodColumns =
    "id, job_id, user_id, request_text, desired_emotion, predicted_emotion, probabilities_json, "
    "start_valence, start_arousal, target_valence, target_arousal, playlist_json, created_at";

platform::Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

// Well-formed UTF-8 without NUL or other control characters (tabs and newlines only where
// `multiline`), so every back-end stores exactly what it was given.
bool IsCleanUtf8(std::string_view s, bool multiline) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))))
        return false;
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':';
}

std::optional<platform::Error> CheckId(std::string_view field, const std::string& value) {
  if (value.empty()) return Invalid(std::string(field) + " is required");
  if (value.size() > L::kMaxIdBytes) {
    return Invalid(std::string(field) + " must be at most " + std::to_string(L::kMaxIdBytes) +
                   " characters");
  }
  for (char c : value) {
    if (!IsIdChar(c))
      return Invalid(std::string(field) + " may contain only letters, digits and _ - . :");
  }
  return std::nullopt;
}

std::optional<platform::Error> CheckTokenHash(std::string_view field, const std::string& value) {
  if (value.size() < L::kMinTokenHashBytes || value.size() > L::kMaxIdBytes) {
    return Invalid(std::string(field) + " must be " + std::to_string(L::kMinTokenHashBytes) +
                   " to " + std::to_string(L::kMaxIdBytes) +
                   " characters (a hex or base64url hash)");
  }
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '+' || c == '/' || c == '=';
    if (!ok) return Invalid(std::string(field) + " must be a hex or base64url hash");
  }
  return std::nullopt;
}

std::optional<platform::Error> CheckRoles(const std::vector<std::string>& roles) {
  if (roles.size() > L::kMaxRoles)
    return Invalid("at most " + std::to_string(L::kMaxRoles) + " roles");
  std::set<std::string> seen;
  for (const auto& r : roles) {
    if (r.empty() || r.size() > L::kMaxRoleBytes) {
      return Invalid("each role must be 1 to " + std::to_string(L::kMaxRoleBytes) + " characters");
    }
    for (char c : r) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return Invalid("role '" + r + "' may contain only a-z, 0-9, _ and -");
      }
    }
    if (!seen.insert(r).second) return Invalid("role '" + r + "' is listed twice");
  }
  return std::nullopt;
}

std::optional<platform::Error> CheckEmail(const std::string& email) {
  if (email.empty()) return Invalid("email is required");
  if (email.size() > L::kMaxEmailBytes) {
    return Invalid("email must be at most " + std::to_string(L::kMaxEmailBytes) + " characters");
  }
  auto at = email.find('@');
  if (!IsCleanUtf8(email, false) || at == std::string::npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string::npos || email.find(' ') != std::string::npos) {
    return Invalid("email must look like name@example.org");
  }
  return std::nullopt;
}

std::string JoinRoles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) {
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

std::vector<std::string> SplitRoles(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string NewId() { return platform::HexEncode(platform::SecureRandomBytes(16)); }

User UserFromRow(const SqlRow& r) {
  User u;
  u.id = r.Text(0);
  u.username = r.Text(1);
  u.email = r.Text(2);
  u.password_hash = r.Text(3);
  u.roles = SplitRoles(r.Text(4));
  u.created_at_ms = r.Int(5);
  u.disabled = r.Int(6) != 0;
  return u;
}

RefreshToken TokenFromRow(const SqlRow& r) {
  RefreshToken t;
  t.token_hash = r.Text(0);
  t.user_id = r.Text(1);
  t.family_id = r.Text(2);
  t.expires_at_ms = r.Int(3);
  if (!r.IsNull(4)) t.revoked_at_ms = r.Int(4);
  if (!r.IsNull(5)) t.replaced_by = r.Text(5);
  t.created_at_ms = r.Int(6);
  return t;
}

std::string ProbabilitiesJson(const std::vector<EmotionProbability>& probabilities) {
  auto array = nlohmann::json::array();
  for (const auto& p : probabilities)
    array.push_back({{"emotion", p.emotion}, {"probability", p.probability}});
  return array.dump();
}

MoodResult MoodFromRow(const SqlRow& r) {
  MoodResult m;
  m.id = r.Text(0);
  m.job_id = r.Text(1);
  m.user_id = r.Text(2);
  m.request_text = r.Text(3);
  m.desired_emotion = static_cast<int>(r.Int(4));
  m.predicted_emotion = static_cast<int>(r.Int(5));
  for (const auto& p : nlohmann::json::parse(r.Text(6))) {
    m.probabilities.push_back({p.at("emotion").get<int>(), p.at("probability").get<double>()});
  }
  m.start = {r.Double(7), r.Double(8)};
  m.target = {r.Double(9), r.Double(10)};
  m.playlist_json = r.Text(11);
  m.created_at_ms = r.Int(12);
  return m;
}

// The operation boundary: database exceptions become an Error; the detail goes to the log only.
template <typename T, typename F>
Result<T> Guard(std::string_view op, F&& body) {
  try {
    return body();
  } catch (const SqlError& e) {
    platform::LogError("store operation failed", {{"op", std::string(op)}, {"error", e.what()}});
    if (e.kind() == SqlError::Kind::kUnavailable) {
      return MakeError(ErrorCode::kUnavailable, "the database is unavailable; try again");
    }
    return MakeError(ErrorCode::kInternal, "internal error");
  } catch (const std::exception& e) {
    platform::LogError("store operation failed", {{"op", std::string(op)}, {"error", e.what()}});
    return MakeError(ErrorCode::kInternal, "internal error");
  }
}

std::optional<platform::Error> CheckPoint(std::string_view field, const Point& p) {
  auto in_range = [](double v) { return std::isfinite(v) && v >= -1.0 && v <= 1.0; };
  if (!in_range(p.valence) || !in_range(p.arousal)) {
    return Invalid(std::string(field) + " valence and arousal must be numbers in [-1, 1]");
  }
  return std::nullopt;
}

std::optional<platform::Error> CheckMoodResult(const MoodResult& m) {
  if (auto e = CheckId("job_id", m.job_id)) return e;
  if (auto e = CheckId("user_id", m.user_id)) return e;
  if (m.request_text.empty()) return Invalid("request_text is required");
  if (m.request_text.size() > L::kMaxRequestTextBytes) {
    return Invalid("request_text must be at most " + std::to_string(L::kMaxRequestTextBytes) +
                   " bytes");
  }
  if (!IsCleanUtf8(m.request_text, true)) return Invalid("request_text must be valid UTF-8 text");
  if (m.desired_emotion <= 0) return Invalid("desired_emotion is required");
  if (m.predicted_emotion <= 0) return Invalid("predicted_emotion is required");
  if (m.probabilities.size() > L::kMaxProbabilities) return Invalid("too many probabilities");
  for (const auto& p : m.probabilities) {
    if (p.emotion <= 0) return Invalid("every probability needs an emotion");
    if (!std::isfinite(p.probability) || p.probability < 0 || p.probability > 1) {
      return Invalid("probabilities must be in [0, 1]");
    }
  }
  if (auto e = CheckPoint("start_point", m.start)) return e;
  if (auto e = CheckPoint("target_point", m.target)) return e;
  if (m.playlist_json.size() > L::kMaxPlaylistJsonBytes)
    return Invalid("the playlist is too large");
  auto parsed = nlohmann::json::parse(m.playlist_json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return Invalid("playlist must be a JSON array");
  return std::nullopt;
}

}  // namespace

std::string NormaliseEmail(std::string_view email) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!email.empty() && is_space(email.front())) email.remove_prefix(1);
  while (!email.empty() && is_space(email.back())) email.remove_suffix(1);
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string EncodeHistoryCursor(int64_t created_at_ms, const std::string& id) {
  return platform::Base64UrlEncode("v1." + std::to_string(created_at_ms) + "." + id);
}

bool DecodeHistoryCursor(const std::string& cursor, int64_t* created_at_ms, std::string* id) {
  if (cursor.size() > 256) return false;
  auto raw = platform::Base64UrlDecode(cursor);
  if (!raw || raw->rfind("v1.", 0) != 0) return false;
  std::string_view rest(*raw);
  rest.remove_prefix(3);
  auto dot = rest.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 19) return false;
  int64_t t = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + dot, t);
  if (ec != std::errc() || end != rest.data() + dot || t < 0) return false;
  std::string_view tail = rest.substr(dot + 1);
  if (tail.size() != 32) return false;  // ids are 16 random bytes in hex (NewId)
  for (char c : tail) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  *created_at_ms = t;
  *id = std::string(tail);
  return true;
}

SqlStorage::SqlStorage(std::unique_ptr<SqlDatabase> db, const platform::Clock& clock)
    : db_(std::move(db)), clock_(clock) {}

int64_t SqlStorage::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

Result<User> SqlStorage::CreateUser(const NewUser& in) {
  if (in.username.empty()) return Invalid("username is required");
  if (in.username.size() > L::kMaxUsernameBytes) {
    return Invalid("username must be at most " + std::to_string(L::kMaxUsernameBytes) + " bytes");
  }
  if (!IsCleanUtf8(in.username, false))
    return Invalid("username must be valid UTF-8 without control characters");
  if (in.username.find('@') != std::string::npos) return Invalid("username must not contain '@'");
  User user;
  user.email = NormaliseEmail(in.email);
  if (auto e = CheckEmail(user.email)) return *e;
  if (in.password_hash.empty()) return Invalid("password_hash is required");
  if (in.password_hash.size() > L::kMaxPasswordHashBytes || !IsCleanUtf8(in.password_hash, false)) {
    return Invalid("password_hash must be printable text of at most " +
                   std::to_string(L::kMaxPasswordHashBytes) + " bytes");
  }
  if (auto e = CheckRoles(in.roles)) return *e;
  user.id = NewId();
  user.username = in.username;
  user.password_hash = in.password_hash;
  user.roles = in.roles;
  user.created_at_ms = NowMs();

  // Which of the two is taken, for a message the person can act on.
  auto taken = [&](SqlTransaction& txn) -> std::optional<platform::Error> {
    if (!txn.Exec("SELECT 1 FROM users WHERE lower(username) = lower($1)", {user.username})
             .rows.empty()) {
      return MakeError(ErrorCode::kAlreadyExists, "username is taken");
    }
    if (!txn.Exec("SELECT 1 FROM users WHERE email = $1", {user.email}).rows.empty()) {
      return MakeError(ErrorCode::kAlreadyExists, "email is taken");
    }
    return std::nullopt;
  };
  return Guard<User>("CreateUser", [&]() -> Result<User> {
    try {
      auto txn = db_->Begin(true);
      if (auto e = taken(*txn)) return *e;
      txn->Exec(
          "INSERT INTO users (id, username, email, password_hash, roles, created_at, disabled) "
          "VALUES ($1, $2, $3, $4, $5, $6, FALSE)",
          {user.id, user.username, user.email, user.password_hash, JoinRoles(user.roles),
           user.created_at_ms});
      txn->Commit();
      return user;
    } catch (const SqlError& e) {
      if (e.kind() != SqlError::Kind::kUniqueViolation) throw;
      // A concurrent sign-up won the unique index between our check and our insert.
      auto txn = db_->Begin(false);
      if (auto taken_error = taken(*txn)) return *taken_error;
      return MakeError(ErrorCode::kAlreadyExists, "username or email is taken");
    }
  });
}

Result<User> SqlStorage::GetUserById(const std::string& user_id) {
  if (auto e = CheckId("user_id", user_id)) return *e;
  return Guard<User>("GetUserById", [&]() -> Result<User> {
    auto txn = db_->Begin(false);
    auto r =
        txn->Exec(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {user_id});
    if (r.rows.empty()) return MakeError(ErrorCode::kNotFound, "no such user");
    return UserFromRow(r.rows[0]);
  });
}

Result<User> SqlStorage::GetUserByLogin(const std::string& login) {
  if (login.empty()) return Invalid("login is required");
  if (login.size() > L::kMaxEmailBytes) return Invalid("login is too long");
  if (!IsCleanUtf8(login, false))
    return Invalid("login must be valid UTF-8 without control characters");
  return Guard<User>("GetUserByLogin", [&]() -> Result<User> {
    auto txn = db_->Begin(false);
    SqlResult r;
    if (login.find('@') != std::string::npos) {
      r = txn->Exec(std::string("SELECT ") + kUserColumns + " FROM users WHERE email = $1",
                    {NormaliseEmail(login)});
    } else {
      r = txn->Exec(
          std::string("SELECT ") + kUserColumns + " FROM users WHERE lower(username) = lower($1)",
          {login});
    }
    if (r.rows.empty()) return MakeError(ErrorCode::kNotFound, "no such user");
    return UserFromRow(r.rows[0]);
  });
}

Result<int64_t> SqlStorage::CountUsers() {
  return Guard<int64_t>("CountUsers", [&]() -> Result<int64_t> {
    auto txn = db_->Begin(false);
    return txn->Exec("SELECT COUNT(*) FROM users").rows.at(0).Int(0);
  });
}

Result<User> SqlStorage::SetUserRoles(const std::string& user_id,
                                      const std::vector<std::string>& roles) {
  if (auto e = CheckId("user_id", user_id)) return *e;
  if (auto e = CheckRoles(roles)) return *e;
  return Guard<User>("SetUserRoles", [&]() -> Result<User> {
    auto txn = db_->Begin(true);
    auto updated =
        txn->Exec("UPDATE users SET roles = $2 WHERE id = $1", {user_id, JoinRoles(roles)});
    if (updated.affected_rows == 0) return MakeError(ErrorCode::kNotFound, "no such user");
    auto r =
        txn->Exec(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {user_id});
    txn->Commit();
    return UserFromRow(r.rows.at(0));
  });
}

Result<RefreshToken> SqlStorage::StoreRefreshToken(const NewRefreshToken& in) {
  if (auto e = CheckTokenHash("token_hash", in.token_hash)) return *e;
  if (auto e = CheckId("user_id", in.user_id)) return *e;
  if (auto e = CheckId("family_id", in.family_id)) return *e;
  if (in.expires_at_ms <= 0) return Invalid("expires_at is required");
  RefreshToken token{in.token_hash, in.user_id,   in.family_id, in.expires_at_ms,
                     std::nullopt,  std::nullopt, NowMs()};
  return Guard<RefreshToken>("StoreRefreshToken", [&]() -> Result<RefreshToken> {
    try {
      auto txn = db_->Begin(true);
      txn->Exec(
          "INSERT INTO refresh_tokens (token_hash, user_id, family_id, expires_at, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {token.token_hash, token.user_id, token.family_id, token.expires_at_ms,
           token.created_at_ms});
      txn->Commit();
      return token;
    } catch (const SqlError& e) {
      if (e.kind() == SqlError::Kind::kUniqueViolation) {
        return MakeError(ErrorCode::kAlreadyExists, "this refresh token hash is already stored");
      }
      if (e.kind() == SqlError::Kind::kForeignKeyViolation) {
        return MakeError(ErrorCode::kFailedPrecondition, "no such user");
      }
      throw;
    }
  });
}

Result<RefreshToken> SqlStorage::GetRefreshToken(const std::string& token_hash) {
  if (auto e = CheckTokenHash("token_hash", token_hash)) return *e;
  return Guard<RefreshToken>("GetRefreshToken", [&]() -> Result<RefreshToken> {
    auto txn = db_->Begin(false);
    auto r = txn->Exec(
        std::string("SELECT ") + kTokenColumns + " FROM refresh_tokens WHERE token_hash = $1",
        {token_hash});
    if (r.rows.empty()) return MakeError(ErrorCode::kNotFound, "no such refresh token");
    return TokenFromRow(r.rows[0]);
  });
}

Result<RefreshToken> SqlStorage::RotateRefreshToken(const std::string& old_hash,
                                                    const std::string& new_hash,
                                                    int64_t new_expires_at_ms) {
  if (auto e = CheckTokenHash("old_token_hash", old_hash)) return *e;
  if (auto e = CheckTokenHash("new_token_hash", new_hash)) return *e;
  if (old_hash == new_hash) return Invalid("new_token_hash must differ from old_token_hash");
  if (new_expires_at_ms <= 0) return Invalid("new_expires_at is required");
  const int64_t now = NowMs();
  return Guard<RefreshToken>("RotateRefreshToken", [&]() -> Result<RefreshToken> {
    try {
      auto txn = db_->Begin(true);
      auto r = txn->Exec(
          std::string("SELECT ") + kTokenColumns + " FROM refresh_tokens WHERE token_hash = $1",
          {old_hash});
      if (r.rows.empty()) return MakeError(ErrorCode::kNotFound, "no such refresh token");
      RefreshToken old = TokenFromRow(r.rows[0]);
      if (old.replaced_by)
        return MakeError(ErrorCode::kFailedPrecondition, "refresh token was already used");
      if (old.revoked_at_ms)
        return MakeError(ErrorCode::kFailedPrecondition, "refresh token was revoked");
      if (old.expires_at_ms <= now)
        return MakeError(ErrorCode::kFailedPrecondition, "refresh token has expired");
      // The WHERE clause re-checks under the row lock: of two concurrent rotations one updates.
      auto updated = txn->Exec(
          "UPDATE refresh_tokens SET replaced_by = $2 "
          "WHERE token_hash = $1 AND replaced_by IS NULL AND revoked_at IS NULL",
          {old_hash, new_hash});
      if (updated.affected_rows != 1) {
        return MakeError(ErrorCode::kFailedPrecondition, "refresh token was already used");
      }
      RefreshToken fresh{new_hash,     old.user_id, old.family_id, new_expires_at_ms, std::nullopt,
                         std::nullopt, now};
      txn->Exec(
          "INSERT INTO refresh_tokens (token_hash, user_id, family_id, expires_at, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {fresh.token_hash, fresh.user_id, fresh.family_id, fresh.expires_at_ms,
           fresh.created_at_ms});
      txn->Commit();
      return fresh;
    } catch (const SqlError& e) {
      if (e.kind() == SqlError::Kind::kUniqueViolation) {
        return MakeError(ErrorCode::kAlreadyExists, "new_token_hash is already stored");
      }
      throw;
    }
  });
}

Result<int64_t> SqlStorage::RevokeTokenFamily(const std::string& family_id) {
  if (auto e = CheckId("family_id", family_id)) return *e;
  return Guard<int64_t>("RevokeTokenFamily", [&]() -> Result<int64_t> {
    auto txn = db_->Begin(true);
    auto r = txn->Exec(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
        {family_id, NowMs()});
    txn->Commit();
    return r.affected_rows;
  });
}

Result<int64_t> SqlStorage::RevokeUserTokens(const std::string& user_id) {
  if (auto e = CheckId("user_id", user_id)) return *e;
  return Guard<int64_t>("RevokeUserTokens", [&]() -> Result<int64_t> {
    auto txn = db_->Begin(true);
    auto r = txn->Exec(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        {user_id, NowMs()});
    txn->Commit();
    return r.affected_rows;
  });
}

Result<SavedMoodResult> SqlStorage::SaveMoodResult(const MoodResult& in) {
  if (auto e = CheckMoodResult(in)) return *e;
  MoodResult row = in;
  row.id = NewId();
  row.created_at_ms = NowMs();
  return Guard<SavedMoodResult>("SaveMoodResult", [&]() -> Result<SavedMoodResult> {
    try {
      auto txn = db_->Begin(true);
      auto inserted =
          txn->Exec(std::string("INSERT INTO mood_history (") + kMoodColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                        "ON CONFLICT (job_id) DO NOTHING",
                    {row.id, row.job_id, row.user_id, row.request_text,
                     int64_t{row.desired_emotion}, int64_t{row.predicted_emotion},
                     ProbabilitiesJson(row.probabilities), row.start.valence, row.start.arousal,
                     row.target.valence, row.target.arousal, row.playlist_json, row.created_at_ms});
      if (inserted.affected_rows == 1) {
        txn->Commit();
        return SavedMoodResult{row, true};
      }
      auto r =
          txn->Exec(std::string("SELECT ") + kMoodColumns + " FROM mood_history WHERE job_id = $1",
                    {row.job_id});
      MoodResult existing = MoodFromRow(r.rows.at(0));
      if (existing.user_id != row.user_id) {
        return MakeError(ErrorCode::kAlreadyExists, "job_id was already saved for another user");
      }
      return SavedMoodResult{existing, false};
    } catch (const SqlError& e) {
      if (e.kind() == SqlError::Kind::kForeignKeyViolation) {
        return MakeError(ErrorCode::kFailedPrecondition, "no such user");
      }
      throw;
    }
  });
}

Result<MoodHistoryPage> SqlStorage::ListMoodHistory(const std::string& user_id, int page_size,
                                                    const std::string& cursor) {
  if (auto e = CheckId("user_id", user_id)) return *e;
  if (page_size < 0 || page_size > L::kMaxPageSize) {
    return Invalid("page_size must be 1 to " + std::to_string(L::kMaxPageSize) +
                   " (0 for the default)");
  }
  if (page_size == 0) page_size = L::kDefaultPageSize;
  int64_t after_time = 0;
  std::string after_id;
  if (!cursor.empty() && !DecodeHistoryCursor(cursor, &after_time, &after_id)) {
    return Invalid("page_token is not valid; start again from the first page");
  }
  return Guard<MoodHistoryPage>("ListMoodHistory", [&]() -> Result<MoodHistoryPage> {
    auto txn = db_->Begin(false);
    const int64_t limit = page_size + 1;  // one extra row tells whether there is a next page
    SqlResult r;
    if (cursor.empty()) {
      r = txn->Exec(
          std::string("SELECT ") + kMoodColumns +
              " FROM mood_history WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
          {user_id, limit});
    } else {
      r = txn->Exec(std::string("SELECT ") + kMoodColumns +
                        " FROM mood_history WHERE user_id = $1 AND (created_at < $2 OR "
                        "(created_at = $2 AND id < $3)) ORDER BY created_at DESC, id DESC LIMIT $4",
                    {user_id, after_time, after_id, limit});
    }
    MoodHistoryPage page;
    for (size_t i = 0; i < r.rows.size() && i < static_cast<size_t>(page_size); ++i) {
      page.results.push_back(MoodFromRow(r.rows[i]));
    }
    if (r.rows.size() > static_cast<size_t>(page_size)) {
      const auto& last = page.results.back();
      page.next_cursor = EncodeHistoryCursor(last.created_at_ms, last.id);
    }
    return page;
  });
}

Result<MoodResult> SqlStorage::GetMoodResult(const std::string& user_id,
                                             const std::string& job_id) {
  if (auto e = CheckId("user_id", user_id)) return *e;
  if (auto e = CheckId("job_id", job_id)) return *e;
  return Guard<MoodResult>("GetMoodResult", [&]() -> Result<MoodResult> {
    auto txn = db_->Begin(false);
    auto r = txn->Exec(std::string("SELECT ") + kMoodColumns +
                           " FROM mood_history WHERE job_id = $1 AND user_id = $2",
                       {job_id, user_id});
    if (r.rows.empty()) return MakeError(ErrorCode::kNotFound, "no such mood result");
    return MoodFromRow(r.rows[0]);
  });
}

std::unique_ptr<SqlDatabase> OpenSqlDatabase(const std::string& database_url, int pool_size) {
  if (database_url.rfind("sqlite:", 0) == 0) {
    std::string path = database_url.substr(7);
    if (path.empty())
      throw std::runtime_error(
          "[store] database_url 'sqlite:' needs a file path, e.g. sqlite:var/store/moodtape.db");
    return std::make_unique<SqliteDatabase>(path);
  }
  if (database_url.rfind("postgresql://", 0) == 0 || database_url.rfind("postgres://", 0) == 0) {
    return std::make_unique<PostgresDatabase>(database_url, pool_size);
  }
  throw std::runtime_error(
      "[store] database_url must start with sqlite: (e.g. sqlite:var/store/moodtape.db) or "
      "postgresql://");
}

std::unique_ptr<Storage> OpenStorage(const StorageOptions& options) {
  auto db = OpenSqlDatabase(options.database_url, options.pool_size);
  int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.clock->Now().time_since_epoch())
          .count();
  ApplyMigrations(*db, EmbeddedMigrations(), now);
  return std::make_unique<SqlStorage>(std::move(db), *options.clock);
}

}  // namespace moodtape::store
