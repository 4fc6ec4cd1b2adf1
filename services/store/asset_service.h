// The gRPC face of the store's assets: moodtape.store.v1.AssetService over a Storage.
//
// PutAsset (client streaming) checks the header on the blocking pool, spools the chunks as they
// arrive on gRPC's threads (a memcpy or a file write and a hash update: no database), and when the
// client half-closes hands the finished upload to Storage::PutAsset on the pool. GetAsset (server
// streaming) runs on the pool with RunStreaming: the asset's info and range check first (past the
// end is OUT_OF_RANGE), then the bytes, one stored chunk per short read, so a slow reader holds a
// pool thread and a few messages of memory, never a database connection or transaction.
#pragma once

#include <string>

#include "moodtape/store/v1/asset_service.grpc.pb.h"
#include "platform/grpc/auth.h"
#include "platform/grpc/blocking_call_pool.h"
#include "services/store/core/storage.h"

namespace moodtape::store {

namespace v1 = moodtape::store::v1;

// PutAsset for the worker; GetAsset for the gateway and the worker.
void AllowAssetCallers(platform::AccessPolicy& policy);

class AssetServiceImpl final : public v1::AssetService::CallbackService {
 public:
  // `storage` and `pool` must outlive the service. `spool_dir` as AssetUpload's ("" = $TMPDIR).
  AssetServiceImpl(Storage& storage, platform::BlockingCallPool& pool, std::string spool_dir)
      : storage_(storage), pool_(pool), spool_dir_(std::move(spool_dir)) {}

  grpc::ServerReadReactor<v1::PutAssetRequest>* PutAsset(grpc::CallbackServerContext* ctx,
                                                         v1::PutAssetResponse* res) override;
  grpc::ServerWriteReactor<v1::GetAssetResponse>* GetAsset(grpc::CallbackServerContext* ctx,
                                                           const v1::GetAssetRequest* req) override;

  // The contract's limit on one PutAsset chunk message.
  static constexpr size_t kMaxUploadChunkBytes = 1 << 20;
  // GetAsset sends the bytes in messages of at most this size.
  static constexpr int64_t kDownloadChunkBytes = 64 * 1024;

 private:
  Storage& storage_;
  platform::BlockingCallPool& pool_;
  const std::string spool_dir_;
};

}  // namespace moodtape::store
