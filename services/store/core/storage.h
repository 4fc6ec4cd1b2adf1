// What the store keeps: users, refresh tokens, mood history, the track catalogue, assets and
// albums, as plain C++ types behind one interface with a SQLite and a PostgreSQL back-end
// (OpenStorage picks one from a URL). No gRPC here; store_service.cpp, asset_service.cpp and
// album_service.cpp adapt it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

// ---- Assets: files users own (rendered songs, MIDI, timed lyrics, covers) ----

// An asset as its owners see it. The id is the SHA-256 of the bytes (64 lower-case hex
// characters), so the same bytes are one stored asset however often, and by whomever, they are
// uploaded.
struct AssetInfo {
  std::string id;
  std::string media_type;
  int64_t size_bytes = 0;
  int64_t created_at_ms = 0;  // when these bytes were first stored
  bool operator==(const AssetInfo&) const = default;
};

// What an upload says about itself before its bytes arrive.
struct AssetHeader {
  std::string owner_user_id;
  std::string media_type;  // one IsAssetMediaType accepts, spelled exactly
  int64_t size_bytes = 0;
  std::string sha256;  // optional: the hex digest the client computed
};

struct PutAssetResult {
  AssetInfo asset;
  bool created = false;  // false: the owner had these bytes already, and nothing was written
};

// The bytes of the assets one user holds (each asset counted once, however many albums use it)
// and the most they may hold.
struct AssetUsage {
  int64_t used_bytes = 0;
  int64_t quota_bytes = 0;
};

// The part of an asset a ranged read covers.
struct AssetRange {
  int64_t offset = 0;
  int64_t length = 0;
  bool past_end = false;  // the range starts at or past the end: nothing can be read
};

// audio/ogg, audio/mpeg, audio/midi, image/png and "text/plain; charset=utf-8" (timed lyrics).
bool IsAssetMediaType(std::string_view media_type);

// Fits (offset, length) to an asset of `size_bytes`: length 0 means "to the end", and a range
// running past the end is cut there. kInvalidArgument for a negative offset or length.
Result<AssetRange> FitAssetRange(int64_t size_bytes, int64_t offset, int64_t length);

// Set from [store] max_asset_bytes and asset_quota_bytes.
struct AssetLimits {
  int64_t max_asset_bytes = 64LL << 20;
  int64_t quota_bytes = 1LL << 30;  // per user
};

class AssetUpload;  // core/asset_upload.h: the bytes of one upload while they arrive

// ---- Albums ----

struct AlbumSong {
  int index = 0;  // 0-based position in the album
  std::string title;
  std::string lyrics;  // "[Label]" headers, one sung line per line
  std::string key;     // as the producer names it, e.g. "A minor"
  double tempo_bpm = 0;
  double duration_seconds = 0;
  // The renderings; "" = none. Each must be an asset the album's owner holds.
  std::string ogg_asset_id;
  std::string mp3_asset_id;
  std::string midi_asset_id;
  std::string lrc_asset_id;
  std::string lyrics_by;  // "builtin" or a text model's name
  bool operator==(const AlbumSong&) const = default;
};

struct Album {
  std::string id;  // assigned by the store
  std::string owner_user_id;
  std::string job_id;  // one album per job
  std::string title;
  std::string genre;
  std::string theme;
  std::string cover_description;
  uint64_t seed = 0;
  std::string cover_asset_id;  // "" = none; otherwise an asset the owner holds
  std::string cover_thumbnail_asset_id;
  std::vector<AlbumSong> songs;  // 1..kMaxAlbumSongs, index i at position i
  int64_t created_at_ms = 0;     // assigned by the store
  bool operator==(const Album&) const = default;
};

struct SavedAlbum {
  Album album;
  bool created = false;  // false: the job's album had been saved before; `album` is that one
};

struct AlbumPage {
  std::vector<Album> albums;  // songs without lyrics (GetAlbum has them)
  std::string next_cursor;    // empty on the last page
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
  // Assets: the bytes are stored in rows of this size (the last one shorter).
  static constexpr int64_t kAssetChunkBytes = 256 * 1024;
  // Albums.
  static constexpr size_t kMaxAlbumSongs = 10;
  static constexpr size_t kMaxAlbumTextBytes = 256;  // titles, genre, theme, key, lyrics_by
  static constexpr size_t kMaxCoverDescriptionBytes = 4096;
  static constexpr size_t kMaxLyricsBytes = 32 * 1024;
  static constexpr double kMaxSongSeconds = 3600;
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

  // Checks an upload's header before its bytes arrive (owner, media type, size, and the quota
  // unless the header's sha256 names an asset the owner holds already), so a doomed upload is
  // refused before it is sent. PutAsset checks everything again.
  // kResourceExhausted names the quota and the usage; kFailedPrecondition: no such user.
  virtual Status CheckAssetHeader(const AssetHeader& header) = 0;
  // Stores a finished upload in one transaction: the bytes once (in kAssetChunkBytes rows) and
  // the owner's claim on them, counted against the owner's quota once. The same bytes again for
  // the same owner change nothing (created = false); an upload that is not finished, is short, or
  // whose bytes do not match the header's sha256 stores nothing (kInvalidArgument).
  virtual Result<PutAssetResult> PutAsset(const AssetUpload& upload) = 0;
  // kNotFound for an unknown asset and for another owner's alike.
  virtual Result<AssetInfo> GetAssetInfo(const std::string& owner_user_id,
                                         const std::string& asset_id) = 0;
  // Up to `max_bytes` of the asset from `offset` (in [0, size)), never past the stored row that
  // holds `offset`, so at most kAssetChunkBytes. One short read each: a caller streaming an asset
  // holds no transaction between pieces (the bytes of an id never change). kNotFound as
  // GetAssetInfo, also when the owner's claim went away between two reads.
  virtual Result<std::string> ReadAssetBytes(const std::string& owner_user_id,
                                             const std::string& asset_id, int64_t offset,
                                             int64_t max_bytes) = 0;
  virtual Result<AssetUsage> GetAssetUsage(const std::string& owner_user_id) = 0;

  // Saves an album whose assets the owner holds (kFailedPrecondition names the first missing
  // one). Idempotent by job_id: a second save returns the stored album with created = false;
  // kAlreadyExists when the job was saved for another user.
  virtual Result<SavedAlbum> SaveAlbum(const Album& album) = 0;
  // kNotFound for unknown albums and for other users' alike.
  virtual Result<Album> GetAlbum(const std::string& owner_user_id, const std::string& album_id) = 0;
  // Newest first; page_size and cursor as in ListMoodHistory. Songs come without lyrics.
  virtual Result<AlbumPage> ListAlbums(const std::string& owner_user_id, int page_size,
                                       const std::string& cursor) = 0;
  // Deletes the album and its songs and releases the owner's claim on every asset the album
  // used that no other album of theirs uses; an asset nobody holds any more is deleted with its
  // bytes. One transaction. Returns how many claims were released (the owner's view: another
  // user holding the same bytes is not revealed). kNotFound as GetAlbum.
  virtual Result<int64_t> DeleteAlbum(const std::string& owner_user_id,
                                      const std::string& album_id) = 0;
};

struct StorageOptions {
  // "sqlite:<path>" (relative paths from the working directory; parent directories are
  // created), "sqlite::memory:", or "postgresql://..." / "postgres://..." (a libpq URI).
  std::string database_url = "sqlite:var/store/moodtape.db";
  int pool_size = 4;  // PostgreSQL connections; SQLite uses one connection behind a mutex
  AssetLimits assets;
  const platform::Clock* clock = &platform::SystemClock::Instance();
};

// Opens the database and applies pending migrations. Throws std::runtime_error (start-up) with a
// message that says what to fix: bad URL, unreachable database, an edited released migration.
std::unique_ptr<Storage> OpenStorage(const StorageOptions& options);

}  // namespace moodtape::store
