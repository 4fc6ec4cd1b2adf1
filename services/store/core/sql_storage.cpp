#include "services/store/core/sql_storage.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "platform/base/encoding.h"
#include "platform/base/log.h"
#include "services/store/core/asset_upload.h"
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

constexpr const char* kCatalogStateColumns = "version, track_count, updated_at, source";
constexpr const char* kCatalogTrackColumns =
    "id, title, artist, album, genre, duration_ms, tempo, pitch_class, mode, valence, energy, "
    "danceability, content_rating, source";
// The same columns read from the page subquery `t`.
constexpr const char* kCatalogTrackColumnsOfT =
    "t.id, t.title, t.artist, t.album, t.genre, t.duration_ms, t.tempo, t.pitch_class, t.mode, "
    "t.valence, t.energy, t.danceability, t.content_rating, t.source";
constexpr int kCatalogTrackColumnCount = 14;

// Rows per INSERT in an import (896 parameters). Both back-ends prepare each text once per
// connection; bigger statements bought nothing on PostgreSQL and cost SQLite a slow first
// prepare (its parser resolves $N names linearly). Smaller statements (powers of two) take the
// rest, so an import uses at most seven statement texts.
constexpr size_t kCatalogInsertRows = 64;

CatalogInfo CatalogInfoFromRow(const SqlRow& r, size_t first) {
  return CatalogInfo{r.Int(first), r.Int(first + 1), r.Int(first + 2), r.Text(first + 3)};
}

StoredTrack TrackFromRow(const SqlRow& r, size_t first) {
  StoredTrack t;
  t.id = r.Text(first);
  t.title = r.Text(first + 1);
  t.artist = r.Text(first + 2);
  t.album = r.Text(first + 3);
  t.genre = r.Text(first + 4);
  t.duration_ms = r.Int(first + 5);
  t.tempo_bpm = r.Double(first + 6);
  t.pitch_class = static_cast<int>(r.Int(first + 7));
  t.mode = static_cast<int>(r.Int(first + 8));
  t.valence = r.Double(first + 9);
  t.energy = r.Double(first + 10);
  t.danceability = r.Double(first + 11);
  t.content_rating = static_cast<ContentRating>(r.Int(first + 12));
  t.source = r.Text(first + 13);
  return t;
}

// "INSERT ... VALUES (...), (...) ON CONFLICT (id) DO UPDATE ..." for `rows` tracks: the same
// text merges and (after the DELETE of a replace) inserts.
std::string CatalogInsertSql(size_t rows) {
  std::string sql =
      std::string("INSERT INTO catalog_tracks (") + kCatalogTrackColumns + ") VALUES ";
  int n = 0;
  for (size_t row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (int c = 0; c < kCatalogTrackColumnCount; ++c) {
      if (c > 0) sql += ", ";
      sql += "$" + std::to_string(++n);
    }
    sql += ')';
  }
  sql +=
      " ON CONFLICT (id) DO UPDATE SET title = excluded.title, artist = excluded.artist, "
      "album = excluded.album, genre = excluded.genre, duration_ms = excluded.duration_ms, "
      "tempo = excluded.tempo, pitch_class = excluded.pitch_class, mode = excluded.mode, "
      "valence = excluded.valence, energy = excluded.energy, "
      "danceability = excluded.danceability, content_rating = excluded.content_rating, "
      "source = excluded.source";
  return sql;
}

void AppendTrackParams(const StoredTrack& t, std::vector<SqlValue>& params) {
  params.emplace_back(t.id);
  params.emplace_back(t.title);
  params.emplace_back(t.artist);
  params.emplace_back(t.album);
  params.emplace_back(t.genre);
  params.emplace_back(t.duration_ms);
  params.emplace_back(t.tempo_bpm);
  params.emplace_back(int64_t{t.pitch_class});
  params.emplace_back(int64_t{t.mode});
  params.emplace_back(t.valence);
  params.emplace_back(t.energy);
  params.emplace_back(t.danceability);
  params.emplace_back(static_cast<int64_t>(t.content_rating));
  params.emplace_back(t.source);
}

std::optional<std::string> CheckTrackText(std::string_view field, const std::string& value,
                                          bool required) {
  if (required && value.empty()) return std::string(field) + " is required";
  if (value.size() > L::kMaxTrackTextBytes) {
    return std::string(field) + " must be at most " + std::to_string(L::kMaxTrackTextBytes) +
           " bytes";
  }
  if (!IsCleanUtf8(value, true))
    return std::string(field) + " must be valid UTF-8 without control characters";
  return std::nullopt;
}

// What is wrong with one track, naming the field, or nothing. Negated comparisons so NaN fails.
std::optional<std::string> CheckTrack(const StoredTrack& t) {
  if (t.id.empty()) return std::string("id is required");
  if (t.id.size() > L::kMaxIdBytes)
    return "id must be at most " + std::to_string(L::kMaxIdBytes) + " bytes";
  if (!IsCleanUtf8(t.id, false))
    return std::string("id must be valid UTF-8 without control characters");
  if (auto e = CheckTrackText("title", t.title, true)) return e;
  if (auto e = CheckTrackText("artist", t.artist, true)) return e;
  if (auto e = CheckTrackText("album", t.album, false)) return e;
  if (auto e = CheckTrackText("genre", t.genre, false)) return e;
  if (auto e = CheckTrackText("source", t.source, false)) return e;
  if (t.duration_ms < 0) return std::string("duration_ms must not be negative");
  if (!(t.tempo_bpm > 0 && t.tempo_bpm <= L::kMaxTempoBpm))
    return std::string("tempo must be a number above 0 and at most 1000 BPM");
  if (t.pitch_class < -1 || t.pitch_class > 11)
    return std::string("key must be a pitch class 0..11 or -1 (unknown)");
  if (t.mode < -1 || t.mode > 1)
    return std::string("mode must be 1 (major), 0 (minor) or -1 (unknown)");
  auto unit = [](double v) { return v >= 0.0 && v <= 1.0; };
  if (!unit(t.valence)) return std::string("valence must be a number in [0, 1]");
  if (!unit(t.energy)) return std::string("energy must be a number in [0, 1]");
  if (!unit(t.danceability)) return std::string("danceability must be a number in [0, 1]");
  auto rating = static_cast<int>(t.content_rating);
  if (rating < 0 || rating > 2)
    return std::string("content_rating must be unspecified, clean or explicit");
  return std::nullopt;
}

// ---- Assets and albums ----

constexpr std::string_view kAssetMediaTypes[] = {"audio/ogg", "audio/mpeg", "audio/midi",
                                                 "image/png", "text/plain; charset=utf-8"};

bool IsHexDigest(std::string_view s, bool lower_only) {
  if (s.size() != 64) return false;
  for (char c : s) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (!lower_only && c >= 'A' && c <= 'F');
    if (!ok) return false;
  }
  return true;
}

std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::optional<platform::Error> CheckAssetId(std::string_view field, const std::string& id) {
  if (!IsHexDigest(id, true)) {
    return Invalid(std::string(field) +
                   " must be an asset id: 64 lower-case hex characters (the SHA-256 of its bytes)");
  }
  return std::nullopt;
}

// The header checks that need no database.
std::optional<platform::Error> CheckAssetHeaderFields(const AssetHeader& h,
                                                      const AssetLimits& limits) {
  if (auto e = CheckId("owner_user_id", h.owner_user_id)) return e;
  if (!IsAssetMediaType(h.media_type)) {
    std::string allowed;
    for (auto type : kAssetMediaTypes) allowed += (allowed.empty() ? "" : ", ") + std::string(type);
    return Invalid("media_type must be one of " + allowed);
  }
  if (h.size_bytes < 1) return Invalid("size_bytes must be at least 1 (empty assets are not kept)");
  if (h.size_bytes > limits.max_asset_bytes) {
    return Invalid("size_bytes is " + std::to_string(h.size_bytes) +
                   "; the largest asset the store keeps has " +
                   std::to_string(limits.max_asset_bytes) + " bytes");
  }
  if (!h.sha256.empty() && !IsHexDigest(h.sha256, false))
    return Invalid("sha256 must be 64 hex characters (or empty)");
  return std::nullopt;
}

platform::Error QuotaExceeded(int64_t used, int64_t size, int64_t quota) {
  return MakeError(ErrorCode::kResourceExhausted,
                   "the asset quota is " + std::to_string(quota) + " bytes and " +
                       std::to_string(used) + " are in use; this asset needs " +
                       std::to_string(size) + " more; nothing was stored");
}

constexpr const char* kAlbumColumns =
    "id, owner_user_id, job_id, title, genre, theme, cover_description, seed, cover_asset_id, "
    "cover_thumbnail_asset_id, created_at";
constexpr const char* kAlbumColumnsOfA =
    "a.id, a.owner_user_id, a.job_id, a.title, a.genre, a.theme, a.cover_description, a.seed, "
    "a.cover_asset_id, a.cover_thumbnail_asset_id, a.created_at";
constexpr size_t kAlbumColumnCount = 11;
// The song columns of `s` after the album's; lists read '' for the lyrics.
constexpr const char* kSongColumnsOfS =
    "s.song_index, s.title, s.lyrics, s.song_key, s.tempo_bpm, s.duration_seconds, "
    "s.ogg_asset_id, s.mp3_asset_id, s.midi_asset_id, s.lrc_asset_id, s.lyrics_by";
constexpr const char* kSongColumnsOfSWithoutLyrics =
    "s.song_index, s.title, '', s.song_key, s.tempo_bpm, s.duration_seconds, "
    "s.ogg_asset_id, s.mp3_asset_id, s.midi_asset_id, s.lrc_asset_id, s.lyrics_by";

// An optional asset id: "" is stored as NULL so the foreign key to the owner's claim is skipped.
SqlValue AssetRef(const std::string& id) {
  if (id.empty()) return std::monostate{};
  return id;
}

std::string OptionalText(const SqlRow& r, size_t i) { return r.IsNull(i) ? "" : r.Text(i); }

Album AlbumFromRow(const SqlRow& r) {
  Album a;
  a.id = r.Text(0);
  a.owner_user_id = r.Text(1);
  a.job_id = r.Text(2);
  a.title = r.Text(3);
  a.genre = r.Text(4);
  a.theme = r.Text(5);
  a.cover_description = r.Text(6);
  a.seed = static_cast<uint64_t>(r.Int(7));
  a.cover_asset_id = OptionalText(r, 8);
  a.cover_thumbnail_asset_id = OptionalText(r, 9);
  a.created_at_ms = r.Int(10);
  return a;
}

AlbumSong SongFromRow(const SqlRow& r, size_t first) {
  AlbumSong s;
  s.index = static_cast<int>(r.Int(first));
  s.title = r.Text(first + 1);
  s.lyrics = r.Text(first + 2);
  s.key = r.Text(first + 3);
  s.tempo_bpm = r.Double(first + 4);
  s.duration_seconds = r.Double(first + 5);
  s.ogg_asset_id = OptionalText(r, first + 6);
  s.mp3_asset_id = OptionalText(r, first + 7);
  s.midi_asset_id = OptionalText(r, first + 8);
  s.lrc_asset_id = OptionalText(r, first + 9);
  s.lyrics_by = r.Text(first + 10);
  return s;
}

// Rows of (album columns, song columns) ordered by album, then song: one Album per album id.
std::vector<Album> AlbumsFromRows(const std::vector<SqlRow>& rows) {
  std::vector<Album> albums;
  for (const auto& row : rows) {
    if (albums.empty() || albums.back().id != row.Text(0)) albums.push_back(AlbumFromRow(row));
    if (!row.IsNull(kAlbumColumnCount))
      albums.back().songs.push_back(SongFromRow(row, kAlbumColumnCount));
  }
  return albums;
}

// Loads albums with their songs: `where` filters albums `a` with parameters `params`.
std::vector<Album> LoadAlbums(SqlTransaction& txn, const std::string& where,
                              const std::vector<SqlValue>& params) {
  return AlbumsFromRows(txn.Exec(std::string("SELECT ") + kAlbumColumnsOfA + ", " +
                                     kSongColumnsOfS +
                                     " FROM albums a LEFT JOIN album_songs s ON s.album_id = a.id"
                                     " WHERE " +
                                     where + " ORDER BY a.id, s.song_index",
                                 params)
                            .rows);
}

std::optional<platform::Error> CheckAlbumText(const std::string& field, const std::string& value,
                                              size_t max_bytes, bool required, bool multiline) {
  if (required && value.empty()) return Invalid(field + " is required");
  if (value.size() > max_bytes)
    return Invalid(field + " must be at most " + std::to_string(max_bytes) + " bytes");
  if (!IsCleanUtf8(value, multiline)) {
    return Invalid(field +
                   (multiline ? " must be valid UTF-8 text" : " must be valid UTF-8 on one line"));
  }
  return std::nullopt;
}

std::optional<platform::Error> CheckOptionalAssetId(const std::string& field,
                                                    const std::string& id) {
  if (id.empty()) return std::nullopt;
  return CheckAssetId(field, id);
}

// Every asset an album refers to, with the field that names it, in field order.
std::vector<std::pair<std::string, std::string>> AlbumAssetRefs(const Album& a) {
  std::vector<std::pair<std::string, std::string>> refs;
  auto add = [&](std::string field, const std::string& id) {
    if (!id.empty()) refs.emplace_back(std::move(field), id);
  };
  add("cover_asset_id", a.cover_asset_id);
  add("cover_thumbnail_asset_id", a.cover_thumbnail_asset_id);
  for (size_t i = 0; i < a.songs.size(); ++i) {
    const std::string song = "songs[" + std::to_string(i) + "].";
    add(song + "ogg_asset_id", a.songs[i].ogg_asset_id);
    add(song + "mp3_asset_id", a.songs[i].mp3_asset_id);
    add(song + "midi_asset_id", a.songs[i].midi_asset_id);
    add(song + "lrc_asset_id", a.songs[i].lrc_asset_id);
  }
  return refs;
}

std::optional<platform::Error> CheckAlbum(const Album& a) {
  if (auto e = CheckId("owner_user_id", a.owner_user_id)) return e;
  if (auto e = CheckId("job_id", a.job_id)) return e;
  if (auto e = CheckAlbumText("title", a.title, L::kMaxAlbumTextBytes, true, false)) return e;
  if (auto e = CheckAlbumText("genre", a.genre, L::kMaxAlbumTextBytes, false, false)) return e;
  if (auto e = CheckAlbumText("theme", a.theme, L::kMaxAlbumTextBytes, false, false)) return e;
  if (auto e = CheckAlbumText("cover_description", a.cover_description,
                              L::kMaxCoverDescriptionBytes, false, true))
    return e;
  if (auto e = CheckOptionalAssetId("cover_asset_id", a.cover_asset_id)) return e;
  if (auto e = CheckOptionalAssetId("cover_thumbnail_asset_id", a.cover_thumbnail_asset_id))
    return e;
  if (a.songs.empty() || a.songs.size() > L::kMaxAlbumSongs)
    return Invalid("an album has 1 to " + std::to_string(L::kMaxAlbumSongs) + " songs");
  for (size_t i = 0; i < a.songs.size(); ++i) {
    const AlbumSong& s = a.songs[i];
    const std::string song = "songs[" + std::to_string(i) + "].";
    if (s.index != static_cast<int>(i))
      return Invalid(song + "index must be " + std::to_string(i) + " (songs in album order)");
    if (auto e = CheckAlbumText(song + "title", s.title, L::kMaxAlbumTextBytes, true, false))
      return e;
    if (auto e = CheckAlbumText(song + "lyrics", s.lyrics, L::kMaxLyricsBytes, false, true))
      return e;
    if (auto e = CheckAlbumText(song + "key", s.key, L::kMaxAlbumTextBytes, false, false)) return e;
    if (!(s.tempo_bpm > 0 && s.tempo_bpm <= L::kMaxTempoBpm))
      return Invalid(song + "tempo_bpm must be a number above 0 and at most 1000");
    if (!(s.duration_seconds >= 0 && s.duration_seconds <= L::kMaxSongSeconds))
      return Invalid(song + "duration_seconds must be a number from 0 to 3600");
    if (auto e = CheckOptionalAssetId(song + "ogg_asset_id", s.ogg_asset_id)) return e;
    if (auto e = CheckOptionalAssetId(song + "mp3_asset_id", s.mp3_asset_id)) return e;
    if (auto e = CheckOptionalAssetId(song + "midi_asset_id", s.midi_asset_id)) return e;
    if (auto e = CheckOptionalAssetId(song + "lrc_asset_id", s.lrc_asset_id)) return e;
    if (auto e =
            CheckAlbumText(song + "lyrics_by", s.lyrics_by, L::kMaxAlbumTextBytes, false, false))
      return e;
  }
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

namespace {

// A keyset page as the caller asked for it: how many rows (0: the default), and where the last
// page ended (no cursor: the first page).
struct PageStart {
  int size = 0;
  bool first = true;
  int64_t after_time = 0;
  std::string after_id;
};

Result<PageStart> CheckPage(int page_size, const std::string& cursor) {
  if (page_size < 0 || page_size > L::kMaxPageSize) {
    return Invalid("page_size must be 1 to " + std::to_string(L::kMaxPageSize) +
                   " (0 for the default)");
  }
  PageStart start;
  start.size = page_size == 0 ? L::kDefaultPageSize : page_size;
  start.first = cursor.empty();
  if (!start.first && !DecodeHistoryCursor(cursor, &start.after_time, &start.after_id)) {
    return Invalid("page_token is not valid; start again from the first page");
  }
  return start;
}

}  // namespace

SqlStorage::SqlStorage(std::unique_ptr<SqlDatabase> db, const platform::Clock& clock,
                       AssetLimits asset_limits)
    : db_(std::move(db)), clock_(clock), asset_limits_(asset_limits) {}

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
  auto checked = CheckPage(page_size, cursor);
  if (!checked.ok()) return checked.error();
  const PageStart& start = *checked;
  return Guard<MoodHistoryPage>("ListMoodHistory", [&]() -> Result<MoodHistoryPage> {
    auto txn = db_->Begin(false);
    const int64_t limit = start.size + 1;  // one extra row tells whether there is a next page
    SqlResult r;
    if (start.first) {
      r = txn->Exec(
          std::string("SELECT ") + kMoodColumns +
              " FROM mood_history WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
          {user_id, limit});
    } else {
      r = txn->Exec(std::string("SELECT ") + kMoodColumns +
                        " FROM mood_history WHERE user_id = $1 AND (created_at < $2 OR "
                        "(created_at = $2 AND id < $3)) ORDER BY created_at DESC, id DESC LIMIT $4",
                    {user_id, start.after_time, start.after_id, limit});
    }
    MoodHistoryPage page;
    for (size_t i = 0; i < r.rows.size() && i < static_cast<size_t>(start.size); ++i) {
      page.results.push_back(MoodFromRow(r.rows[i]));
    }
    if (r.rows.size() > static_cast<size_t>(start.size)) {
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

Result<ImportedCatalog> SqlStorage::ImportCatalog(const CatalogImport& in) {
  if (in.tracks.size() > L::kMaxCatalogImportTracks) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        "an import holds at most " + std::to_string(L::kMaxCatalogImportTracks) + " tracks");
  }
  if (auto e = CheckTrackText("source", in.source, false)) return Invalid(*e);
  if (in.expected_version && *in.expected_version < 0)
    return Invalid("expected_version must not be negative");
  // Every track is checked before the transaction starts, so a bad one writes nothing. A
  // repeated id keeps its first position and takes the later track's values.
  std::vector<const StoredTrack*> unique;
  unique.reserve(in.tracks.size());
  std::unordered_map<std::string_view, size_t> position_of;
  position_of.reserve(in.tracks.size());
  for (size_t i = 0; i < in.tracks.size(); ++i) {
    const StoredTrack& t = in.tracks[i];
    if (auto e = CheckTrack(t)) {
      std::string where = "track " + std::to_string(i + 1) + " of the import";
      if (!t.id.empty() && t.id.size() <= L::kMaxIdBytes && IsCleanUtf8(t.id, false))
        where += " (id '" + t.id + "')";
      return Invalid(where + ": " + *e + "; nothing was imported");
    }
    auto [it, fresh] = position_of.emplace(t.id, unique.size());
    if (fresh) {
      unique.push_back(&t);
    } else {
      unique[it->second] = &t;
    }
  }
  const int64_t now = NowMs();
  return Guard<ImportedCatalog>("ImportCatalog", [&]() -> Result<ImportedCatalog> {
    auto txn = db_->Begin(true);
    // Bumping the version first locks the state row, so concurrent imports queue here and each
    // sees the version the one before it committed.
    int64_t version =
        txn->Exec("UPDATE catalog_state SET version = version + 1 WHERE id = 1 RETURNING version")
            .rows.at(0)
            .Int(0);
    if (in.expected_version && *in.expected_version != version - 1) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the catalogue changed (version " + std::to_string(version - 1) +
                           ", expected " + std::to_string(*in.expected_version) +
                           "); nothing was imported");
    }
    if (in.mode == CatalogImportMode::kReplace) txn->Exec("DELETE FROM catalog_tracks");
    std::vector<SqlValue> params;
    size_t next = 0;
    for (size_t rows = kCatalogInsertRows; rows > 0; rows /= 2) {
      if (unique.size() - next < rows) continue;
      const std::string sql = CatalogInsertSql(rows);
      while (unique.size() - next >= rows) {
        params.clear();
        params.reserve(rows * kCatalogTrackColumnCount);
        for (size_t i = 0; i < rows; ++i) AppendTrackParams(*unique[next + i], params);
        txn->Exec(sql, params);
        next += rows;
      }
    }
    CatalogInfo info;
    info.version = version;
    info.track_count = txn->Exec("SELECT COUNT(*) FROM catalog_tracks").rows.at(0).Int(0);
    info.updated_at_ms = now;
    info.source = in.source;
    txn->Exec(
        "UPDATE catalog_state SET track_count = $1, updated_at = $2, source = $3 WHERE id = 1",
        {info.track_count, info.updated_at_ms, info.source});
    txn->Commit();
    return ImportedCatalog{info, static_cast<int64_t>(unique.size())};
  });
}

Result<CatalogInfo> SqlStorage::GetCatalogInfo() {
  return Guard<CatalogInfo>("GetCatalogInfo", [&]() -> Result<CatalogInfo> {
    auto txn = db_->Begin(false);
    auto r = txn->Exec(std::string("SELECT ") + kCatalogStateColumns +
                       " FROM catalog_state WHERE id = 1");
    return CatalogInfoFromRow(r.rows.at(0), 0);
  });
}

Result<CatalogPage> SqlStorage::ListCatalogPage(const std::string& after_id, int limit) {
  if (limit < 1 || limit > L::kMaxCatalogPageSize) {
    return Invalid("batch_size must be 1 to " + std::to_string(L::kMaxCatalogPageSize) +
                   " (0 for the default)");
  }
  if (after_id.size() > L::kMaxIdBytes) return Invalid("the id to read after is too long");
  return Guard<CatalogPage>("ListCatalogPage", [&]() -> Result<CatalogPage> {
    auto txn = db_->Begin(false);
    // One statement, so PostgreSQL (READ COMMITTED: a snapshot per statement) reads the state
    // row and the page at the same instant; the LEFT JOIN still returns the state when the page
    // is empty.
    static const std::string sql =
        std::string("SELECT s.version, s.track_count, s.updated_at, s.source, ") +
        kCatalogTrackColumnsOfT + " FROM catalog_state s LEFT JOIN (SELECT " +
        kCatalogTrackColumns +
        " FROM catalog_tracks WHERE id > $1 ORDER BY id LIMIT $2) t ON 1 = 1"
        " WHERE s.id = 1 ORDER BY t.id";
    auto r = txn->Exec(sql, {after_id, int64_t{limit}});
    CatalogPage page;
    page.catalog = CatalogInfoFromRow(r.rows.at(0), 0);
    for (const auto& row : r.rows) {
      if (row.IsNull(4)) continue;  // the empty page's lone state row
      page.tracks.push_back(TrackFromRow(row, 4));
    }
    return page;
  });
}

bool IsAssetMediaType(std::string_view media_type) {
  return std::find(std::begin(kAssetMediaTypes), std::end(kAssetMediaTypes), media_type) !=
         std::end(kAssetMediaTypes);
}

Result<AssetRange> FitAssetRange(int64_t size_bytes, int64_t offset, int64_t length) {
  if (offset < 0) return Invalid("offset must not be negative");
  if (length < 0) return Invalid("length must not be negative (0 reads to the end)");
  if (offset >= size_bytes) return AssetRange{offset, 0, true};
  const int64_t rest = size_bytes - offset;
  return AssetRange{offset, length == 0 || length > rest ? rest : length, false};
}

Status SqlStorage::CheckAssetHeader(const AssetHeader& header) {
  if (auto e = CheckAssetHeaderFields(header, asset_limits_)) return *e;
  auto checked = Guard<bool>("CheckAssetHeader", [&]() -> Result<bool> {
    auto txn = db_->Begin(false);
    auto user = txn->Exec("SELECT asset_bytes FROM users WHERE id = $1", {header.owner_user_id});
    if (user.rows.empty()) return MakeError(ErrorCode::kFailedPrecondition, "no such user");
    const int64_t used = user.rows[0].Int(0);
    // Bytes the owner holds already make the upload a no-op, which never counts against the quota.
    if (!header.sha256.empty() &&
        !txn->Exec("SELECT 1 FROM asset_owners WHERE asset_id = $1 AND owner_user_id = $2",
                   {LowerAscii(header.sha256), header.owner_user_id})
             .rows.empty()) {
      return true;
    }
    if (header.size_bytes > asset_limits_.quota_bytes - used)
      return QuotaExceeded(used, header.size_bytes, asset_limits_.quota_bytes);
    return true;
  });
  if (!checked.ok()) return checked.error();
  return Status::Ok();
}

Result<PutAssetResult> SqlStorage::PutAsset(const AssetUpload& upload) {
  const AssetHeader& header = upload.header();
  if (auto e = CheckAssetHeaderFields(header, asset_limits_)) return *e;
  if (!upload.finished() || upload.received_bytes() != header.size_bytes)
    return Invalid("the upload is not complete; nothing was stored");
  if (!upload.MatchesHeaderSha256())
    return Invalid("the bytes do not match the header's sha256; nothing was stored");
  AssetInfo info{upload.sha256(), header.media_type, header.size_bytes, NowMs()};
  return Guard<PutAssetResult>("PutAsset", [&]() -> Result<PutAssetResult> {
    try {
      auto txn = db_->Begin(true);
      const std::string insert_asset =
          "INSERT INTO assets (id, media_type, size_bytes, chunk_bytes, created_at) "
          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING";
      const std::vector<SqlValue> asset_row = {info.id, info.media_type, info.size_bytes,
                                               L::kAssetChunkBytes, info.created_at_ms};
      bool new_bytes = txn->Exec(insert_asset, asset_row).affected_rows == 1;
      if (!new_bytes) {
        // Lock the stored row, as DeleteAlbum does before it decides to delete an asset: a
        // delete in progress finishes first, and then the bytes are written again here.
        auto locked = txn->Exec(
            "UPDATE assets SET size_bytes = size_bytes WHERE id = $1 "
            "RETURNING media_type, created_at",
            {info.id});
        if (locked.rows.empty()) {
          new_bytes = txn->Exec(insert_asset, asset_row).affected_rows == 1;
          if (!new_bytes)
            return MakeError(ErrorCode::kAborted, "the asset changed meanwhile; try again");
        } else {
          info.media_type = locked.rows[0].Text(0);  // the first upload named the type
          info.created_at_ms = locked.rows[0].Int(1);
        }
      }
      auto claimed = txn->Exec(
          "INSERT INTO asset_owners (asset_id, owner_user_id, created_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (asset_id, owner_user_id) DO NOTHING",
          {info.id, header.owner_user_id, NowMs()});
      if (claimed.affected_rows == 0) return PutAssetResult{info, false};  // rolls back: no-op
      auto charged = txn->Exec(
          "UPDATE users SET asset_bytes = asset_bytes + $2 "
          "WHERE id = $1 AND asset_bytes + $2 <= $3",
          {header.owner_user_id, info.size_bytes, asset_limits_.quota_bytes});
      if (charged.affected_rows == 0) {
        auto user =
            txn->Exec("SELECT asset_bytes FROM users WHERE id = $1", {header.owner_user_id});
        if (user.rows.empty()) return MakeError(ErrorCode::kFailedPrecondition, "no such user");
        return QuotaExceeded(user.rows[0].Int(0), info.size_bytes, asset_limits_.quota_bytes);
      }
      if (new_bytes) {
        // Hashed again on the way in: the id promises these exact bytes, so a spool file that
        // changed under us must fail the upload rather than store the wrong bytes under it.
        Sha256Hasher check;
        const std::string insert_chunk =
            "INSERT INTO asset_chunks (asset_id, seq, data) VALUES ($1, $2, $3)";
        int64_t seq = 0;
        for (int64_t offset = 0; offset < info.size_bytes; offset += L::kAssetChunkBytes) {
          std::string bytes =
              upload.ReadAt(offset, std::min(L::kAssetChunkBytes, info.size_bytes - offset));
          check.Update(bytes);
          txn->Exec(insert_chunk, {info.id, seq++, SqlBlob{std::move(bytes)}});
        }
        if (check.FinishHex() != info.id)
          throw std::runtime_error("an upload's spooled bytes no longer match their sha256");
      }
      txn->Commit();
      return PutAssetResult{info, true};
    } catch (const SqlError& e) {
      if (e.kind() == SqlError::Kind::kForeignKeyViolation)
        return MakeError(ErrorCode::kFailedPrecondition, "no such user");
      throw;
    }
  });
}

Result<AssetInfo> SqlStorage::GetAssetInfo(const std::string& owner_user_id,
                                           const std::string& asset_id) {
  if (auto e = CheckId("owner_user_id", owner_user_id)) return *e;
  if (auto e = CheckAssetId("asset_id", asset_id)) return *e;
  return Guard<AssetInfo>("GetAssetInfo", [&]() -> Result<AssetInfo> {
    auto txn = db_->Begin(false);
    auto r = txn->Exec(
        "SELECT a.id, a.media_type, a.size_bytes, a.created_at FROM asset_owners o "
        "JOIN assets a ON a.id = o.asset_id WHERE o.asset_id = $1 AND o.owner_user_id = $2",
        {asset_id, owner_user_id});
    if (r.rows.empty()) return MakeError(ErrorCode::kNotFound, "no such asset");
    const auto& row = r.rows[0];
    return AssetInfo{row.Text(0), row.Text(1), row.Int(2), row.Int(3)};
  });
}

Result<std::string> SqlStorage::ReadAssetBytes(const std::string& owner_user_id,
                                               const std::string& asset_id, int64_t offset,
                                               int64_t max_bytes) {
  if (auto e = CheckId("owner_user_id", owner_user_id)) return *e;
  if (auto e = CheckAssetId("asset_id", asset_id)) return *e;
  if (offset < 0) return Invalid("offset must not be negative");
  if (max_bytes < 1) return Invalid("max_bytes must be at least 1");
  return Guard<std::string>("ReadAssetBytes", [&]() -> Result<std::string> {
    auto txn = db_->Begin(false);
    // The chunk holding `offset` is found from the asset's own chunk size, so a later change of
    // kAssetChunkBytes leaves older assets readable.
    auto r = txn->Exec(
        "SELECT a.size_bytes, a.chunk_bytes, c.seq, c.data FROM asset_owners o "
        "JOIN assets a ON a.id = o.asset_id "
        "LEFT JOIN asset_chunks c ON c.asset_id = a.id AND c.seq = $3 / a.chunk_bytes "
        "WHERE o.asset_id = $1 AND o.owner_user_id = $2",
        {asset_id, owner_user_id, offset});
    if (r.rows.empty()) return MakeError(ErrorCode::kNotFound, "no such asset");
    const auto& row = r.rows[0];
    if (offset >= row.Int(0))
      return Invalid("offset must be below the asset's size (" + std::to_string(row.Int(0)) + ")");
    if (row.IsNull(3)) {
      throw std::runtime_error("asset " + asset_id + " has no chunk for byte " +
                               std::to_string(offset));
    }
    const std::string& data = row.Blob(3);
    const int64_t start = offset - row.Int(2) * row.Int(1);
    if (start < 0 || start >= static_cast<int64_t>(data.size())) {
      throw std::runtime_error("asset " + asset_id + " has a short chunk at byte " +
                               std::to_string(offset));
    }
    const int64_t n = std::min<int64_t>(max_bytes, static_cast<int64_t>(data.size()) - start);
    return data.substr(static_cast<size_t>(start), static_cast<size_t>(n));
  });
}

Result<AssetUsage> SqlStorage::GetAssetUsage(const std::string& owner_user_id) {
  if (auto e = CheckId("owner_user_id", owner_user_id)) return *e;
  return Guard<AssetUsage>("GetAssetUsage", [&]() -> Result<AssetUsage> {
    auto txn = db_->Begin(false);
    auto r = txn->Exec("SELECT asset_bytes FROM users WHERE id = $1", {owner_user_id});
    if (r.rows.empty()) return MakeError(ErrorCode::kNotFound, "no such user");
    return AssetUsage{r.rows[0].Int(0), asset_limits_.quota_bytes};
  });
}

Result<SavedAlbum> SqlStorage::SaveAlbum(const Album& in) {
  if (auto e = CheckAlbum(in)) return *e;
  Album album = in;
  album.id = NewId();
  album.created_at_ms = NowMs();
  const auto refs = AlbumAssetRefs(album);
  return Guard<SavedAlbum>("SaveAlbum", [&]() -> Result<SavedAlbum> {
    try {
      auto txn = db_->Begin(true);
      // The album a retried job saved before, whatever this attempt's assets are. Only a
      // shortcut: two first attempts at once both miss it, and the unique index decides below.
      auto saved_before = [&]() -> std::optional<Result<SavedAlbum>> {
        auto existing = LoadAlbums(*txn, "a.job_id = $1", {album.job_id});
        if (existing.empty()) return std::nullopt;
        if (existing[0].owner_user_id != album.owner_user_id) {
          return Result<SavedAlbum>(
              MakeError(ErrorCode::kAlreadyExists, "job_id was already saved for another user"));
        }
        return Result<SavedAlbum>(SavedAlbum{std::move(existing[0]), false});
      };
      if (auto found = saved_before()) return std::move(*found);
      if (txn->Exec("SELECT 1 FROM users WHERE id = $1", {album.owner_user_id}).rows.empty())
        return MakeError(ErrorCode::kFailedPrecondition, "no such user");
      std::set<std::string> checked;
      for (const auto& [field, id] : refs) {
        if (!checked.insert(id).second) continue;
        if (txn->Exec("SELECT 1 FROM asset_owners WHERE asset_id = $1 AND owner_user_id = $2",
                      {id, album.owner_user_id})
                .rows.empty()) {
          return MakeError(
              ErrorCode::kFailedPrecondition,
              "asset " + id + " (" + field + ") is not one of this user's assets; upload it first");
        }
      }
      // The unique index on job_id settles concurrent first saves of one job: the loser inserts
      // nothing and returns the winner's album.
      auto inserted = txn->Exec(std::string("INSERT INTO albums (") + kAlbumColumns +
                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                                    "ON CONFLICT (job_id) DO NOTHING",
                                {album.id, album.owner_user_id, album.job_id, album.title,
                                 album.genre, album.theme, album.cover_description,
                                 static_cast<int64_t>(album.seed), AssetRef(album.cover_asset_id),
                                 AssetRef(album.cover_thumbnail_asset_id), album.created_at_ms});
      if (inserted.affected_rows == 0) {
        if (auto found = saved_before()) return std::move(*found);
        throw std::runtime_error("an album conflicted on job_id but is gone");
      }
      for (const auto& s : album.songs) {
        txn->Exec(
            "INSERT INTO album_songs (album_id, song_index, owner_user_id, title, lyrics, "
            "song_key, tempo_bpm, duration_seconds, ogg_asset_id, mp3_asset_id, midi_asset_id, "
            "lrc_asset_id, lyrics_by) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            {album.id, int64_t{s.index}, album.owner_user_id, s.title, s.lyrics, s.key, s.tempo_bpm,
             s.duration_seconds, AssetRef(s.ogg_asset_id), AssetRef(s.mp3_asset_id),
             AssetRef(s.midi_asset_id), AssetRef(s.lrc_asset_id), s.lyrics_by});
      }
      txn->Commit();
      return SavedAlbum{album, true};
    } catch (const SqlError& e) {
      // The claims were checked above; only a DeleteAlbum releasing one in between gets here.
      if (e.kind() == SqlError::Kind::kForeignKeyViolation) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "an asset of the album was deleted while it was being saved; upload it "
                         "again");
      }
      throw;
    }
  });
}

Result<Album> SqlStorage::GetAlbum(const std::string& owner_user_id, const std::string& album_id) {
  if (auto e = CheckId("owner_user_id", owner_user_id)) return *e;
  if (auto e = CheckId("album_id", album_id)) return *e;
  return Guard<Album>("GetAlbum", [&]() -> Result<Album> {
    auto txn = db_->Begin(false);
    auto albums = LoadAlbums(*txn, "a.id = $1 AND a.owner_user_id = $2", {album_id, owner_user_id});
    if (albums.empty()) return MakeError(ErrorCode::kNotFound, "no such album");
    return std::move(albums[0]);
  });
}

Result<AlbumPage> SqlStorage::ListAlbums(const std::string& owner_user_id, int page_size,
                                         const std::string& cursor) {
  if (auto e = CheckId("owner_user_id", owner_user_id)) return *e;
  auto checked = CheckPage(page_size, cursor);
  if (!checked.ok()) return checked.error();
  const PageStart& start = *checked;
  return Guard<AlbumPage>("ListAlbums", [&]() -> Result<AlbumPage> {
    auto txn = db_->Begin(false);
    const int64_t limit = start.size + 1;  // one extra album tells whether there is a next page
    // One statement, so the page's albums and their songs come from one snapshot.
    const std::string page =
        start.first
            ? std::string("SELECT ") + kAlbumColumns +
                  " FROM albums WHERE owner_user_id = $1 ORDER BY created_at DESC, id DESC "
                  "LIMIT $2"
            : std::string("SELECT ") + kAlbumColumns +
                  " FROM albums WHERE owner_user_id = $1 AND (created_at < $3 OR "
                  "(created_at = $3 AND id < $4)) ORDER BY created_at DESC, id DESC LIMIT $2";
    std::vector<SqlValue> params = {owner_user_id, limit};
    if (!start.first) {
      params.emplace_back(start.after_time);
      params.emplace_back(start.after_id);
    }
    auto rows = txn->Exec(std::string("SELECT ") + kAlbumColumnsOfA + ", " +
                              kSongColumnsOfSWithoutLyrics + " FROM (" + page +
                              ") a LEFT JOIN album_songs s ON s.album_id = a.id "
                              "ORDER BY a.created_at DESC, a.id DESC, s.song_index",
                          params);
    AlbumPage out;
    out.albums = AlbumsFromRows(rows.rows);
    if (out.albums.size() > static_cast<size_t>(start.size)) {
      out.albums.resize(static_cast<size_t>(start.size));
      const auto& last = out.albums.back();
      out.next_cursor = EncodeHistoryCursor(last.created_at_ms, last.id);
    }
    return out;
  });
}

Result<int64_t> SqlStorage::DeleteAlbum(const std::string& owner_user_id,
                                        const std::string& album_id) {
  if (auto e = CheckId("owner_user_id", owner_user_id)) return *e;
  if (auto e = CheckId("album_id", album_id)) return *e;
  return Guard<int64_t>("DeleteAlbum", [&]() -> Result<int64_t> {
    try {
      auto txn = db_->Begin(true);
      auto albums =
          LoadAlbums(*txn, "a.id = $1 AND a.owner_user_id = $2", {album_id, owner_user_id});
      if (albums.empty()) return MakeError(ErrorCode::kNotFound, "no such album");
      // Sorted, so two deletes sharing assets lock them in the same order and never deadlock.
      std::set<std::string> used;
      for (const auto& ref : AlbumAssetRefs(albums[0])) used.insert(ref.second);
      txn->Exec("DELETE FROM album_songs WHERE album_id = $1", {album_id});
      txn->Exec("DELETE FROM albums WHERE id = $1", {album_id});
      int64_t released = 0;
      int64_t released_bytes = 0;
      for (const auto& id : used) {
        auto still_used = txn->Exec(
            "SELECT 1 FROM albums WHERE owner_user_id = $2 AND "
            "(cover_asset_id = $1 OR cover_thumbnail_asset_id = $1) "
            "UNION ALL SELECT 1 FROM album_songs WHERE owner_user_id = $2 AND "
            "(ogg_asset_id = $1 OR mp3_asset_id = $1 OR midi_asset_id = $1 OR lrc_asset_id = $1)",
            {id, owner_user_id});
        if (!still_used.rows.empty()) continue;
        // Locking the asset row first queues every other writer deciding about this asset
        // (another owner's DeleteAlbum, a PutAsset of the same bytes), so "nobody holds it any
        // more" is still true when the row is deleted.
        auto locked = txn->Exec(
            "UPDATE assets SET size_bytes = size_bytes WHERE id = $1 RETURNING size_bytes", {id});
        if (locked.rows.empty()) continue;
        if (txn->Exec("DELETE FROM asset_owners WHERE asset_id = $1 AND owner_user_id = $2",
                      {id, owner_user_id})
                .affected_rows == 0)
          continue;
        ++released;
        released_bytes += locked.rows[0].Int(0);
        if (txn->Exec("SELECT 1 FROM asset_owners WHERE asset_id = $1 LIMIT 1", {id})
                .rows.empty()) {
          txn->Exec("DELETE FROM asset_chunks WHERE asset_id = $1", {id});
          txn->Exec("DELETE FROM assets WHERE id = $1", {id});
        }
      }
      txn->Exec("UPDATE users SET asset_bytes = asset_bytes - $2 WHERE id = $1",
                {owner_user_id, released_bytes});
      txn->Commit();
      return released;
    } catch (const SqlError& e) {
      // Another album of this owner started using one of the assets while this one was deleted.
      if (e.kind() == SqlError::Kind::kForeignKeyViolation) {
        return MakeError(ErrorCode::kAborted,
                         "the album's assets changed while it was being deleted; try again");
      }
      throw;
    }
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
  return std::make_unique<SqlStorage>(std::move(db), *options.clock, options.assets);
}

}  // namespace moodtape::store
