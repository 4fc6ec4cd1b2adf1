// Storage over any SqlDatabase: every operation is written once, in the SQL subset SQLite and
// PostgreSQL share, with bound parameters only.
#pragma once

#include <memory>

#include "services/store/core/sql_database.h"
#include "services/store/core/storage.h"

namespace moodtape::store {

class SqlStorage final : public Storage {
 public:
  // `clock` must outlive this object.
  SqlStorage(std::unique_ptr<SqlDatabase> db, const platform::Clock& clock,
             AssetLimits asset_limits = {});

  Result<User> CreateUser(const NewUser& user) override;
  Result<User> GetUserById(const std::string& user_id) override;
  Result<User> GetUserByLogin(const std::string& login) override;
  Result<int64_t> CountUsers() override;
  Result<User> SetUserRoles(const std::string& user_id,
                            const std::vector<std::string>& roles) override;

  Result<RefreshToken> StoreRefreshToken(const NewRefreshToken& token) override;
  Result<RefreshToken> GetRefreshToken(const std::string& token_hash) override;
  Result<RefreshToken> RotateRefreshToken(const std::string& old_hash, const std::string& new_hash,
                                          int64_t new_expires_at_ms) override;
  Result<int64_t> RevokeTokenFamily(const std::string& family_id) override;
  Result<int64_t> RevokeUserTokens(const std::string& user_id) override;

  Result<SavedMoodResult> SaveMoodResult(const MoodResult& result) override;
  Result<MoodHistoryPage> ListMoodHistory(const std::string& user_id, int page_size,
                                          const std::string& cursor) override;
  Result<MoodResult> GetMoodResult(const std::string& user_id, const std::string& job_id) override;

  Result<ImportedCatalog> ImportCatalog(const CatalogImport& import) override;
  Result<CatalogInfo> GetCatalogInfo() override;
  Result<CatalogPage> ListCatalogPage(const std::string& after_id, int limit) override;

  Status CheckAssetHeader(const AssetHeader& header) override;
  Result<PutAssetResult> PutAsset(const AssetUpload& upload) override;
  Result<AssetInfo> GetAssetInfo(const std::string& owner_user_id,
                                 const std::string& asset_id) override;
  Result<std::string> ReadAssetBytes(const std::string& owner_user_id, const std::string& asset_id,
                                     int64_t offset, int64_t max_bytes) override;
  Result<AssetUsage> GetAssetUsage(const std::string& owner_user_id) override;

  Result<SavedAlbum> SaveAlbum(const Album& album) override;
  Result<Album> GetAlbum(const std::string& owner_user_id, const std::string& album_id) override;
  Result<AlbumPage> ListAlbums(const std::string& owner_user_id, int page_size,
                               const std::string& cursor) override;
  Result<int64_t> DeleteAlbum(const std::string& owner_user_id,
                              const std::string& album_id) override;

  SqlDatabase& database() { return *db_; }

 private:
  int64_t NowMs() const;

  std::unique_ptr<SqlDatabase> db_;
  const platform::Clock& clock_;
  const AssetLimits asset_limits_;
};

// Normalised form of an email address: surrounding white space removed, ASCII lower case.
std::string NormaliseEmail(std::string_view email);

// Opaque page cursors of the mood history and the albums: base64url of "v1.<created_at_ms>.<id>".
// Exposed for tests.
std::string EncodeHistoryCursor(int64_t created_at_ms, const std::string& id);
bool DecodeHistoryCursor(const std::string& cursor, int64_t* created_at_ms, std::string* id);

// Opens the database a URL names (see StorageOptions::database_url) without migrating it.
std::unique_ptr<SqlDatabase> OpenSqlDatabase(const std::string& database_url, int pool_size);

}  // namespace moodtape::store
