#include "services/store/serve.h"

#include <memory>

#include "platform/grpc/service_glue.h"
#include "services/store/store_service.h"

namespace moodtape::store {
namespace {

// Members are destroyed bottom-up: the server before the service it calls, the storage last.
struct RunningStore {
  std::unique_ptr<Storage> storage;
  std::unique_ptr<StoreServiceImpl> service;
  std::unique_ptr<platform::GrpcServer> server;
};

}  // namespace

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  auto running = std::make_shared<RunningStore>();
  running->storage = OpenStorage(ReadStorageOptions(ctx.config));
  running->service = std::make_unique<StoreServiceImpl>(*running->storage);
  running->server = platform::StartGrpcServer(ctx, StoreAccessPolicy(), {running->service.get()});
  platform::ServiceHooks hooks;
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    platform::DrainGrpcServer(*running->server, deadline);
  };
  hooks.addresses = {{"grpc", running->server->BoundAddress()}};
  return hooks;
}

}  // namespace moodtape::store
