// The gRPC face of the store: moodtape.store.v1.StoreService over a Storage. Each method converts
// the request to core types, calls the core and maps the result with platform::ToGrpcStatus;
// nothing else lives here.
#pragma once

#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/base/config.h"
#include "platform/grpc/auth.h"
#include "services/store/core/storage.h"

namespace moodtape::store {

namespace v1 = moodtape::store::v1;

// Who may call what, for the whole store process: user and refresh-token methods only the auth
// service; history writes the worker; history reads the gateway and the worker; the catalogue the
// playlist service; assets and albums as AllowAssetCallers and AllowAlbumCallers say.
// Everything else is denied.
platform::AccessPolicy StoreAccessPolicy();

// Everything [store] configures: the database and the asset limits (OpenStorage), and the pool
// and spool directory the asset and album services use.
struct StoreSettings {
  StorageOptions storage;
  int handler_threads = 8;  // asset and album calls (database work, downloads to slow readers)
  int handler_queue = 32;   // calls waiting for a thread; more are refused at once (busy)
  std::string spool_dir;    // uploads waiting to be complete; "" = $TMPDIR or /tmp
};

// Reads the whole [store] section (throws platform::ConfigError naming the key).
StoreSettings ReadStoreSettings(platform::Config& config);

class StoreServiceImpl final : public v1::StoreService::CallbackService {
 public:
  // `storage` must outlive the service.
  explicit StoreServiceImpl(Storage& storage) : storage_(storage) {}

  grpc::ServerUnaryReactor* CreateUser(grpc::CallbackServerContext* ctx,
                                       const v1::CreateUserRequest* req,
                                       v1::CreateUserResponse* res) override;
  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* ctx, const v1::GetUserRequest* req,
                                    v1::GetUserResponse* res) override;
  grpc::ServerUnaryReactor* GetUserByLogin(grpc::CallbackServerContext* ctx,
                                           const v1::GetUserByLoginRequest* req,
                                           v1::GetUserByLoginResponse* res) override;
  grpc::ServerUnaryReactor* CountUsers(grpc::CallbackServerContext* ctx,
                                       const v1::CountUsersRequest* req,
                                       v1::CountUsersResponse* res) override;
  grpc::ServerUnaryReactor* SetUserRoles(grpc::CallbackServerContext* ctx,
                                         const v1::SetUserRolesRequest* req,
                                         v1::SetUserRolesResponse* res) override;
  grpc::ServerUnaryReactor* StoreRefreshToken(grpc::CallbackServerContext* ctx,
                                              const v1::StoreRefreshTokenRequest* req,
                                              v1::StoreRefreshTokenResponse* res) override;
  grpc::ServerUnaryReactor* GetRefreshToken(grpc::CallbackServerContext* ctx,
                                            const v1::GetRefreshTokenRequest* req,
                                            v1::GetRefreshTokenResponse* res) override;
  grpc::ServerUnaryReactor* RotateRefreshToken(grpc::CallbackServerContext* ctx,
                                               const v1::RotateRefreshTokenRequest* req,
                                               v1::RotateRefreshTokenResponse* res) override;
  grpc::ServerUnaryReactor* RevokeTokenFamily(grpc::CallbackServerContext* ctx,
                                              const v1::RevokeTokenFamilyRequest* req,
                                              v1::RevokeTokenFamilyResponse* res) override;
  grpc::ServerUnaryReactor* RevokeUserTokens(grpc::CallbackServerContext* ctx,
                                             const v1::RevokeUserTokensRequest* req,
                                             v1::RevokeUserTokensResponse* res) override;
  grpc::ServerUnaryReactor* SaveMoodResult(grpc::CallbackServerContext* ctx,
                                           const v1::SaveMoodResultRequest* req,
                                           v1::SaveMoodResultResponse* res) override;
  grpc::ServerUnaryReactor* ListMoodHistory(grpc::CallbackServerContext* ctx,
                                            const v1::ListMoodHistoryRequest* req,
                                            v1::ListMoodHistoryResponse* res) override;
  grpc::ServerUnaryReactor* GetMoodResult(grpc::CallbackServerContext* ctx,
                                          const v1::GetMoodResultRequest* req,
                                          v1::GetMoodResultResponse* res) override;

  // Buffers the whole stream (converted to core types) and imports it in one call once the
  // client half-closes; a cancelled or broken stream writes nothing.
  grpc::ServerReadReactor<v1::ImportCatalogRequest>* ImportCatalog(
      grpc::CallbackServerContext* ctx, v1::ImportCatalogResponse* res) override;
  grpc::ServerUnaryReactor* GetCatalogInfo(grpc::CallbackServerContext* ctx,
                                           const v1::GetCatalogInfoRequest* req,
                                           v1::GetCatalogInfoResponse* res) override;
  // Keyset pages of ListCatalogPage; ABORTED when the version changes between two pages.
  grpc::ServerWriteReactor<v1::ListCatalogTracksResponse>* ListCatalogTracks(
      grpc::CallbackServerContext* ctx, const v1::ListCatalogTracksRequest* req) override;

  // At most this many tracks in one ImportCatalogRequest.
  static constexpr int kMaxTracksPerImportMessage = 5000;

 private:
  Storage& storage_;
};

}  // namespace moodtape::store
