// moodtape-store: the only process with a database. Wiring only; see store_service.h and core/.
#include <memory>

#include "platform/grpc_service.h"
#include "platform/service_main.h"
#include "services/store/store_service.h"

namespace {

// Members are destroyed bottom-up: the server before the service it calls, the storage last.
struct RunningStore {
  std::unique_ptr<moodtape::store::Storage> storage;
  std::unique_ptr<moodtape::store::StoreServiceImpl> service;
  std::unique_ptr<moodtape::platform::GrpcServer> server;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace moodtape;
  return platform::RunService("store", argc, argv, [](platform::ServiceContext& ctx) {
    auto running = std::make_shared<RunningStore>();
    running->storage = store::OpenStorage(store::ReadStorageOptions(ctx.config));
    running->service = std::make_unique<store::StoreServiceImpl>(*running->storage);
    running->server =
        platform::StartGrpcServer(ctx, store::StoreAccessPolicy(), {running->service.get()});
    platform::ServiceHooks hooks;
    hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
      platform::DrainGrpcServer(*running->server, deadline);
    };
    hooks.addresses = {{"grpc", running->server->BoundAddress()}};
    return hooks;
  });
}
