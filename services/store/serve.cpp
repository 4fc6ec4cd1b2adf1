#include "services/store/serve.h"

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "platform/grpc/service_glue.h"
#include "services/store/album_service.h"
#include "services/store/asset_service.h"
#include "services/store/core/asset_upload.h"
#include "services/store/store_service.h"

namespace moodtape::store {
namespace {

// Members are destroyed bottom-up: the server before the services it calls, the pool their calls
// run on next, the storage last.
struct RunningStore {
  std::unique_ptr<Storage> storage;
  std::unique_ptr<platform::BlockingCallPool> pool;
  std::unique_ptr<StoreServiceImpl> service;
  std::unique_ptr<AssetServiceImpl> assets;
  std::unique_ptr<AlbumServiceImpl> albums;
  std::unique_ptr<platform::GrpcServer> server;
};

}  // namespace

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  const StoreSettings settings = ReadStoreSettings(ctx.config);
  if (!settings.spool_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(settings.spool_dir, ec);
    if (ec) {
      throw std::runtime_error("cannot create [store] spool_dir " + settings.spool_dir + ": " +
                               ec.message());
    }
  }
  if (Status spool = AssetUpload::CheckSpoolDir(settings.spool_dir); !spool.ok())
    throw std::runtime_error("[store] spool_dir: " + spool.error().message);
  auto running = std::make_shared<RunningStore>();
  running->storage = OpenStorage(settings.storage);
  running->pool = std::make_unique<platform::BlockingCallPool>(
      "store", settings.handler_threads, &ctx.metrics, settings.handler_queue);
  running->service = std::make_unique<StoreServiceImpl>(*running->storage);
  running->assets =
      std::make_unique<AssetServiceImpl>(*running->storage, *running->pool, settings.spool_dir);
  running->albums = std::make_unique<AlbumServiceImpl>(*running->storage, *running->pool);
  running->server = platform::StartGrpcServer(
      ctx, StoreAccessPolicy(),
      {running->service.get(), running->assets.get(), running->albums.get()});
  platform::ServiceHooks hooks;
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    platform::DrainGrpcServer(*running->server, deadline);
  };
  hooks.addresses = {{"grpc", running->server->BoundAddress()}};
  return hooks;
}

}  // namespace moodtape::store
