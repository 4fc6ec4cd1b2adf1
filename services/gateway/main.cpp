// moodtape-gateway: the HTTP/WebSocket front door. Wiring only; see gateway_http.h,
// account_routes.h, mood_routes.h and event_fanout.h.
#include <memory>
#include <stdexcept>

#include "platform/grpc_service.h"
#include "platform/job_queue.h"
#include "platform/redis_client.h"
#include "platform/service_main.h"
#include "services/gateway/account_routes.h"
#include "services/gateway/event_fanout.h"
#include "services/gateway/gateway_http.h"
#include "services/gateway/mood_routes.h"
#include "services/gateway/request_auth.h"

int main(int argc, char** argv) {
  using namespace moodtape;
  return platform::RunService("gateway", argc, argv, [](platform::ServiceContext& ctx) {
    auto http = std::make_shared<gateway::GatewayHttp>(gateway::ReadGatewaySettings(ctx.config),
                                                       ctx.metrics);
    gateway::AccountSettings account_settings = gateway::ReadAccountSettings(ctx.config);
    // A missing JWKS file is an empty key set (auth may start later; /me re-reads it on an
    // unknown key id); a malformed one stops start-up.
    auto verifier = platform::LoadUserTokenVerifier(account_settings.tokens);
    if (!verifier.ok()) {
      throw std::runtime_error("[jwt] jwks_file: " + verifier.error().message);
    }
    auto authenticator =
        std::make_shared<gateway::RequestAuthenticator>(account_settings.tokens, *verifier);
    // Channels carry the gateway's certificate (CN "gateway"); auth's must say "auth", the
    // store's "store".
    std::shared_ptr<platform::ChannelFactory> channels = platform::MakeChannelFactory(ctx);
    std::shared_ptr<auth::v1::AuthService::StubInterface> auth_stub =
        auth::v1::AuthService::NewStub(
            channels->Create(platform::PeerAddress(ctx.config, "auth"), "auth"));
    std::shared_ptr<store::v1::StoreService::StubInterface> store_stub =
        store::v1::StoreService::NewStub(
            channels->Create(platform::PeerAddress(ctx.config, "store"), "store"));
    auto accounts = std::make_shared<gateway::AccountRoutes>(std::move(account_settings),
                                                             std::move(auth_stub), authenticator);
    accounts->Register(http->server());

    // Redis: the job queue (enqueue, job reads, dead letters, rate limits) and one listener
    // thread for every job event of every user. Both work on while Redis is down (503s) and
    // recover by themselves.
    platform::RedisSettings redis_settings = platform::ReadRedisSettings(ctx.config);
    auto redis = std::make_shared<platform::RedisClient>(redis_settings, &ctx.metrics);
    auto queue =
        std::make_shared<platform::JobQueue>(*redis, platform::ReadJobQueueOptions(ctx.config),
                                             platform::SystemClock::Instance(), &ctx.metrics);
    auto moods =
        std::make_shared<gateway::MoodRoutes>(gateway::ReadMoodSettings(ctx.config), *queue, *redis,
                                              authenticator, std::move(store_stub), ctx.metrics);
    moods->Register(http->server());
    auto fanout = std::make_shared<gateway::EventFanout>(*queue, authenticator, ctx.metrics);
    fanout->Register(http->server());
    auto listener = std::make_shared<platform::RedisSubscriber>(
        redis_settings, std::vector<std::string>{queue->EventChannelPattern()},
        [fanout](std::string channel, std::string payload) { fanout->OnMessage(channel, payload); },
        [fanout](bool connected) { fanout->OnConnection(connected); });
    listener->Start();
    http->Start();

    platform::ServiceHooks hooks;
    hooks.stop = [http, accounts, channels, redis, queue, moods, fanout,
                  listener](std::chrono::steady_clock::time_point deadline) {
      // Sockets close first ("going away"), then nothing is left to fan out to.
      http->Stop(deadline);
      listener->Stop();
    };
    hooks.reload = [authenticator] { authenticator->Reload(); };
    hooks.addresses = {{"http", http->Address()}};
    return hooks;
  });
}
