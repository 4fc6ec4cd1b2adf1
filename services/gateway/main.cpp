// moodtape-gateway: the HTTP/WebSocket front door. Wiring only; see gateway_http.h and
// account_routes.h.
#include <memory>
#include <stdexcept>

#include "platform/grpc_service.h"
#include "platform/service_main.h"
#include "services/gateway/account_routes.h"
#include "services/gateway/gateway_http.h"

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
    // Channels carry the gateway's certificate (CN "gateway"); auth's must say "auth".
    std::shared_ptr<platform::ChannelFactory> channels = platform::MakeChannelFactory(ctx);
    std::shared_ptr<auth::v1::AuthService::StubInterface> auth_stub =
        auth::v1::AuthService::NewStub(
            channels->Create(platform::PeerAddress(ctx.config, "auth"), "auth"));
    auto accounts = std::make_shared<gateway::AccountRoutes>(std::move(account_settings),
                                                             std::move(auth_stub), *verifier);
    accounts->Register(http->server());
    http->Start();
    platform::ServiceHooks hooks;
    hooks.stop = [http, accounts, channels](std::chrono::steady_clock::time_point deadline) {
      http->Stop(deadline);
    };
    hooks.reload = [accounts] { accounts->ReloadKeys(); };
    hooks.addresses = {{"http", http->Address()}};
    return hooks;
  });
}
