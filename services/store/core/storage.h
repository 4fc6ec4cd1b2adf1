// What the store keeps: users, refresh tokens, mood history and the track catalogue, as plain C++
// types behind one interface with a SQLite and a PostgreSQL back-end (OpenStorage picks one from a
// URL). No gRPC here; services/store/store_service.cpp adapts it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/base/clock.h"
#include "platform/base/error.h"

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

// Whether a catalogue track is marked explicit (moodtape.common.v1.ContentRating numbers).
enum class ContentRating { kUnknown = 0, kClean = 1, kExplicit = 2 };

// One catalogue track as stored. The mood-plane point (2*valence-1, 2*energy-1) is derived by
// readers, never stored.
struct StoredTrack {
  std::string id;  // 1..kMaxIdBytes bytes, chosen by the importer
  std::string title;
  std::string artist;
  std::string album;
  std::string genre;
  int64_t duration_ms = 0;  // 0 when unknown
  double tempo_bpm = 0;     // > 0 and <= kMaxTempoBpm
  int pitch_class = -1;     // 0..11 (C = 0), -1 unknown
  int mode = -1;            // 1 major, 0 minor, -1 unknown
  double valence = 0;       // [0, 1]
  double energy = 0;        // [0, 1]
  double danceability = 0;  // [0, 1]
  ContentRating content_rating = ContentRating::kUnknown;
  std::string source;  // where this track came from
  bool operator==(const StoredTrack&) const = default;
};

// What is stored now. version 0: no import has happened yet.
struct CatalogInfo {
  int64_t version = 0;
  int64_t track_count = 0;
  int64_t updated_at_ms = 0;
  std::string source;  // named by the import that made this version
  bool operator==(const CatalogInfo&) const = default;
};

enum class CatalogImportMode {
  kMerge,    // insert new ids, overwrite existing ones, keep the rest
  kReplace,  // the catalogue becomes exactly the imported tracks
};

struct CatalogImport {
  CatalogImportMode mode = CatalogImportMode::kMerge;
  // When set, the import applies only if the stored version still equals it.
  std::optional<int64_t> expected_version;
  std::string source;
  // A repeated id replaces the earlier occurrence.
  std::vector<StoredTrack> tracks;
};

struct ImportedCatalog {
  CatalogInfo catalog;         // after the import
  int64_t tracks_written = 0;  // distinct ids written
};

struct CatalogPage {
  CatalogInfo catalog;              // read in the same snapshot as `tracks`
  std::vector<StoredTrack> tracks;  // ordered by id; fewer than asked for on the last page
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
  // The catalogue.
  static constexpr size_t kMaxCatalogImportTracks = 2'000'000;
  static constexpr size_t kMaxTrackTextBytes = 512;  // title, artist, album, genre, source
  static constexpr double kMaxTempoBpm = 1000;
  static constexpr int kDefaultCatalogPageSize = 1000;
  static constexpr int kMaxCatalogPageSize = 5000;
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

  // Applies the whole import in one transaction, or nothing: every track is checked first
  // (kInvalidArgument names its position and field); kFailedPrecondition when expected_version
  // no longer matches; kResourceExhausted beyond kMaxCatalogImportTracks. The version goes up by
  // one, track_count is recounted and updated_at comes from the clock.
  virtual Result<ImportedCatalog> ImportCatalog(const CatalogImport& import) = 0;
  virtual Result<CatalogInfo> GetCatalogInfo() = 0;
  // Up to `limit` (1..kMaxCatalogPageSize) tracks with ids after `after_id` ("" for the first
  // page), ordered by id, and the catalogue info from the same snapshot.
  virtual Result<CatalogPage> ListCatalogPage(const std::string& after_id, int limit) = 0;
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
