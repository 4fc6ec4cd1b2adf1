// The gRPC face of the store's albums: moodtape.store.v1.AlbumService over a Storage. Every call
// runs on the blocking pool: a DeleteAlbum may remove dozens of assets' chunks in its
// transaction, which is no work for one of gRPC's few callback threads.
#pragma once

#include "moodtape/store/v1/album_service.grpc.pb.h"
#include "platform/grpc/auth.h"
#include "platform/grpc/blocking_call_pool.h"
#include "services/store/core/storage.h"

namespace moodtape::store {

namespace v1 = moodtape::store::v1;

// SaveAlbum for the worker; GetAlbum for the gateway and the worker; ListAlbums and DeleteAlbum
// for the gateway.
void AllowAlbumCallers(platform::AccessPolicy& policy);

class AlbumServiceImpl final : public v1::AlbumService::CallbackService {
 public:
  // `storage` and `pool` must outlive the service.
  AlbumServiceImpl(Storage& storage, platform::BlockingCallPool& pool)
      : storage_(storage), pool_(pool) {}

  grpc::ServerUnaryReactor* SaveAlbum(grpc::CallbackServerContext* ctx,
                                      const v1::SaveAlbumRequest* req,
                                      v1::SaveAlbumResponse* res) override;
  grpc::ServerUnaryReactor* GetAlbum(grpc::CallbackServerContext* ctx,
                                     const v1::GetAlbumRequest* req,
                                     v1::GetAlbumResponse* res) override;
  grpc::ServerUnaryReactor* ListAlbums(grpc::CallbackServerContext* ctx,
                                       const v1::ListAlbumsRequest* req,
                                       v1::ListAlbumsResponse* res) override;
  grpc::ServerUnaryReactor* DeleteAlbum(grpc::CallbackServerContext* ctx,
                                        const v1::DeleteAlbumRequest* req,
                                        v1::DeleteAlbumResponse* res) override;

 private:
  Storage& storage_;
  platform::BlockingCallPool& pool_;
};

}  // namespace moodtape::store
