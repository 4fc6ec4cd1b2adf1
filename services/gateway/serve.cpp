#include "services/gateway/serve.h"

#include <memory>
#include <stdexcept>

#include "platform/grpc/service_glue.h"
#include "platform/jobs/queue.h"
#include "platform/redis/client.h"
#include "services/gateway/account_routes.h"
#include "services/gateway/album_routes.h"
#include "services/gateway/event_fanout.h"
#include "services/gateway/gateway_http.h"
#include "services/gateway/mood_routes.h"
#include "services/gateway/request_auth.h"
#include "services/gateway/routes.h"

namespace moodtape::gateway {
namespace {

// Members are destroyed bottom-up: the HTTP server and the listener first, then what their
// handlers use.
struct RunningGateway {
  std::shared_ptr<platform::ChannelFactory> channels;
  std::unique_ptr<platform::RedisClient> redis;
  std::unique_ptr<platform::JobQueue> queue;
  std::shared_ptr<RequestAuthenticator> authenticator;
  std::unique_ptr<AccountRoutes> accounts;
  std::unique_ptr<MoodRoutes> moods;
  std::unique_ptr<AlbumRoutes> albums;
  std::unique_ptr<EventFanout> fanout;
  std::unique_ptr<GatewayHttp> http;
  std::unique_ptr<platform::RedisSubscriber> listener;
};

}  // namespace

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  auto running = std::make_shared<RunningGateway>();
  const GatewaySettings http_settings = ReadGatewaySettings(ctx.config);
  AccountSettings account_settings = ReadAccountSettings(ctx.config);
  const MoodSettings mood_settings = ReadMoodSettings(ctx.config);
  const AlbumSettings album_settings = ReadAlbumSettings(ctx.config);
  const platform::RedisSettings redis_settings = platform::ReadRedisSettings(ctx.config);
  const platform::JobQueueOptions queue_options = platform::ReadJobQueueOptions(ctx.config);

  // A missing JWKS file is an empty key set (auth may start later; a token with an unknown key
  // id re-reads it); a malformed one stops start-up.
  auto verifier = platform::LoadUserTokenVerifier(account_settings.tokens);
  if (!verifier.ok()) throw std::runtime_error("[jwt] jwks_file: " + verifier.error().message);
  running->authenticator =
      std::make_shared<RequestAuthenticator>(account_settings.tokens, *verifier);

  // Channels carry the gateway's certificate (CN "gateway"); auth's must say "auth", the store's
  // "store".
  running->channels = platform::MakeChannelFactory(ctx);
  auto auth_stub = auth::v1::AuthService::NewStub(
      running->channels->Create(platform::PeerAddress(ctx.config, "auth"), "auth"));
  auto store_channel =
      running->channels->Create(platform::PeerAddress(ctx.config, "store"), "store");
  auto store_stub = store::v1::StoreService::NewStub(store_channel);

  // Redis: the job queue (enqueue, job reads, dead letters), the rate-limit counters, and one
  // listener thread for every job event of every user. All work on while Redis is down (503s)
  // and recover by themselves.
  running->redis = std::make_unique<platform::RedisClient>(redis_settings, &ctx.metrics);
  running->queue = std::make_unique<platform::JobQueue>(
      *running->redis, queue_options, platform::SystemClock::Instance(), &ctx.metrics);
  account_settings.key_prefix = queue_options.key_prefix;

  running->http = std::make_unique<GatewayHttp>(http_settings, ctx.metrics);
  RouteTable routes(running->http->server(), running->authenticator);
  running->accounts = std::make_unique<AccountRoutes>(std::move(account_settings),
                                                      std::move(auth_stub), *running->redis);
  running->accounts->Register(routes);
  running->moods = std::make_unique<MoodRoutes>(mood_settings, *running->queue, *running->redis,
                                                std::move(store_stub), ctx.metrics);
  running->moods->Register(routes);
  running->albums = std::make_unique<AlbumRoutes>(
      album_settings, *running->queue, *running->redis,
      store::v1::AlbumService::NewStub(store_channel),
      store::v1::AssetService::NewStub(store_channel),
      producer::v1::ProducerService::NewStub(
          running->channels->Create(platform::PeerAddress(ctx.config, "producer"), "producer")));
  running->albums->Register(routes);
  running->fanout =
      std::make_unique<EventFanout>(*running->queue, running->authenticator, ctx.metrics);
  running->fanout->Register(running->http->server());

  EventFanout* fanout = running->fanout.get();
  running->listener = std::make_unique<platform::RedisSubscriber>(
      redis_settings, std::vector<std::string>{running->queue->EventChannelPattern()},
      [fanout](std::string channel, std::string payload) { fanout->OnMessage(channel, payload); },
      [fanout](bool connected) { fanout->OnConnection(connected); });
  running->listener->Start();
  running->http->Start();

  platform::ServiceHooks hooks;
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    // Sockets close first ("going away"), then nothing is left to fan out to.
    running->http->Stop(deadline);
    running->listener->Stop();
  };
  hooks.reload = [running] { running->authenticator->Reload(); };
  hooks.addresses = {{"http", running->http->Address()}};
  return hooks;
}

}  // namespace moodtape::gateway
