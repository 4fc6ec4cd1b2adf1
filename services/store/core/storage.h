// What the store keeps: users, refresh tokens and mood history, as plain C++ types behind one
// interface with a SQLite and a PostgreSQL back-end (OpenStorage picks one from a URL). No
// gRPC here; services/store/store_service.cpp adapts it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/clock.h"
#include "platform/error.h"

namespace moodtape::store {

using platform::Result;
using platform::Status;

// Times are milliseconds since the Unix epoch (UTC), as stored.
struct User {
  std::string id;
  std::string username;
  std::string email;  // normalised: trimmed, lower case
  std::string password_hash;
  std::vector<std::string> roles;
  int64_t created_at_ms = 0;
  bool disabled = false;
};

struct NewUser {
  std::string username;
  std::string email;
  std::string password_hash;
  std::vector<std::string> roles;
};

struct RefreshToken {
  std::string token_hash;
  std::string user_id;
  std::string family_id;
  int64_t expires_at_ms = 0;
  std::optional<int64_t> revoked_at_ms;
  std::optional<std::string> replaced_by;
  int64_t created_at_ms = 0;
};

struct NewRefreshToken {
  std::string token_hash;
  std::string user_id;
  std::string family_id;
  int64_t expires_at_ms = 0;
};

struct EmotionProbability {
  int emotion = 0;  // moodtape.common.v1.Emotion number
  double probability = 0;
  bool operator==(const EmotionProbability&) const = default;
};

struct Point {
  double valence = 0;
  double arousal = 0;
  bool operator==(const Point&) const = default;
};

struct MoodResult {
  std::string id;  // assigned by the store
  std::string job_id;
  std::string user_id;
  std::string request_text;
  int desired_emotion = 0;    // moodtape.common.v1.Emotion number, > 0
  int predicted_emotion = 0;  // moodtape.common.v1.Emotion number, > 0
  std::vector<EmotionProbability> probabilities;
  Point start;
  Point target;
  std::string playlist_json = "[]";  // a JSON array (the adapter stores Tracks as proto JSON)
  int64_t created_at_ms = 0;         // assigned by the store
};

struct SavedMoodResult {
  MoodResult result;
  bool created = false;  // false: the job had been saved before; `result` is the stored row
};

struct MoodHistoryPage {
  std::vector<MoodResult> results;
  std::string next_cursor;  // empty on the last page
};

// Limits every back-end enforces (kInvalidArgument names the field and the limit).
struct StorageLimits {
  static constexpr size_t kMaxUsernameBytes = 64;
  static constexpr size_t kMaxEmailBytes = 254;
  static constexpr size_t kMaxPasswordHashBytes = 512;
  static constexpr size_t kMaxRoles = 16;
  static constexpr size_t kMaxRoleBytes = 32;
  static constexpr size_t kMaxIdBytes = 128;  // user ids, job ids, family ids, token hashes
  static constexpr size_t kMinTokenHashBytes = 16;
  static constexpr size_t kMaxRequestTextBytes = 16 * 1024;
  static constexpr size_t kMaxProbabilities = 64;
  static constexpr size_t kMaxPlaylistJsonBytes = 1024 * 1024;
  static constexpr int kDefaultPageSize = 20;
  static constexpr int kMaxPageSize = 100;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // kAlreadyExists "username is taken" / "email is taken" (username compared case-insensitively).
  virtual Result<User> CreateUser(const NewUser& user) = 0;
  virtual Result<User> GetUserById(const std::string& user_id) = 0;
  // `login` with an '@' is an email, otherwise a username.
  virtual Result<User> GetUserByLogin(const std::string& login) = 0;
  virtual Result<int64_t> CountUsers() = 0;
  virtual Result<User> SetUserRoles(const std::string& user_id,
                                    const std::vector<std::string>& roles) = 0;

  virtual Result<RefreshToken> StoreRefreshToken(const NewRefreshToken& token) = 0;
  virtual Result<RefreshToken> GetRefreshToken(const std::string& token_hash) = 0;
  // Marks `old_hash` replaced by `new_hash` and stores the new token in the old one's family
  // and user, in one transaction. kNotFound: unknown; kFailedPrecondition: already replaced,
  // revoked or expired (the caller treats a replaced token as reuse and revokes the family).
  virtual Result<RefreshToken> RotateRefreshToken(const std::string& old_hash,
                                                  const std::string& new_hash,
                                                  int64_t new_expires_at_ms) = 0;
  // Returns how many tokens were revoked by this call.
  virtual Result<int64_t> RevokeTokenFamily(const std::string& family_id) = 0;
  virtual Result<int64_t> RevokeUserTokens(const std::string& user_id) = 0;

  // Idempotent by job_id. kFailedPrecondition when the user does not exist; kAlreadyExists when
  // the job id was saved for another user.
  virtual Result<SavedMoodResult> SaveMoodResult(const MoodResult& result) = 0;
  // Newest first. `page_size` 0 means kDefaultPageSize; `cursor` empty means the first page;
  // a cursor this store did not make -> kInvalidArgument.
  virtual Result<MoodHistoryPage> ListMoodHistory(const std::string& user_id, int page_size,
                                                  const std::string& cursor) = 0;
  // kNotFound for unknown jobs and for other users' jobs alike.
  virtual Result<MoodResult> GetMoodResult(const std::string& user_id,
                                           const std::string& job_id) = 0;
};

struct StorageOptions {
  // "sqlite:<path>" (relative paths from the working directory; parent directories are
  // created), "sqlite::memory:", or "postgresql://..." / "postgres://..." (a libpq URI).
  std::string database_url = "sqlite:var/store/moodtape.db";
  int pool_size = 4;  // PostgreSQL connections; SQLite uses one connection behind a mutex
  const platform::Clock* clock = &platform::SystemClock::Instance();
};

// Opens the database and applies pending migrations. Throws std::runtime_error (start-up) with a
// message that says what to fix: bad URL, unreachable database, an edited released migration.
std::unique_ptr<Storage> OpenStorage(const StorageOptions& options);

}  // namespace moodtape::store
