#include "services/playlist/serve.h"

#include <thread>

#include "platform/base/log.h"
#include "platform/grpc/service_glue.h"
#include "platform/service/service_main.h"
#include "services/playlist/playlist_service.h"

namespace moodtape::playlist {
namespace {

struct RunningPlaylist {
  std::unique_ptr<platform::ChannelFactory> channels;
  std::unique_ptr<StoreCatalogRepository> repository;
  std::unique_ptr<CatalogSync> sync;
  std::unique_ptr<PlaylistServiceImpl> plans;
  std::unique_ptr<CatalogServiceImpl> catalog;
  std::unique_ptr<platform::GrpcServer> server;
};

}  // namespace

ServeSettings ReadServeSettings(platform::Config& config) {
  ServeSettings s;
  s.store_timeout = config.Millis("playlist", "store_timeout_ms", 5000, 100);
  s.bulk_timeout = config.Millis("playlist", "bulk_timeout_ms", 120000, 1000);
  s.startup_wait = config.Millis("playlist", "startup_wait_ms", 60000, 0);
  s.sync.poll_interval = config.Millis("playlist", "catalog_poll_interval_ms", 5000, 100);
  s.sync.default_catalog = config.String("playlist", "default_catalog", s.sync.default_catalog);
  return s;
}

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  auto running = std::make_shared<RunningPlaylist>();
  const ServeSettings settings = ReadServeSettings(ctx.config);
  const auto store_timeout = settings.store_timeout;
  const auto bulk_timeout = settings.bulk_timeout;
  const auto startup_wait = settings.startup_wait;
  const CatalogSyncOptions& sync_options = settings.sync;

  running->channels = platform::MakeChannelFactory(ctx);
  running->repository = std::make_unique<StoreCatalogRepository>(
      running->channels->Create(platform::PeerAddress(ctx.config, "store"), "store"), store_timeout,
      bulk_timeout);
  running->sync = std::make_unique<CatalogSync>(*running->repository, sync_options, &ctx.metrics);

  // Ready means "has a catalogue": the first load (and, on a new store, the default import)
  // happens before the service reports ready. The store may still be starting: retry a while.
  const auto give_up = std::chrono::steady_clock::now() + startup_wait;
  while (true) {
    auto synced = running->sync->Sync();
    if (synced.ok()) break;
    if (std::chrono::steady_clock::now() >= give_up) {
      throw std::runtime_error("cannot load the catalogue from the store: " +
                               synced.error().message);
    }
    platform::LogWarn("catalogue not loaded yet; retrying", {{"error", synced.error().message}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  running->sync->Start();

  running->plans = std::make_unique<PlaylistServiceImpl>(*running->sync, ctx.metrics);
  running->catalog =
      std::make_unique<CatalogServiceImpl>(*running->sync, *running->repository, ctx.metrics);
  running->server = platform::StartGrpcServer(ctx, PlaylistAccessPolicy(),
                                              {running->plans.get(), running->catalog.get()});

  platform::ServiceHooks hooks;
  hooks.addresses = {{"grpc", running->server->BoundAddress()}};
  // SIGHUP: check the store's version now instead of at the next poll.
  hooks.reload = [running] {
    auto synced = running->sync->Sync();
    if (!synced.ok()) throw std::runtime_error(synced.error().message);
  };
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    platform::DrainGrpcServer(*running->server, deadline);
    running->sync->Stop();
  };
  return hooks;
}

int RunServeCommand(int argc, char** argv) {
  return platform::RunService("playlist", argc, argv, Start);
}

}  // namespace moodtape::playlist
