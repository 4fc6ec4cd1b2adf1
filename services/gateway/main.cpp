// moodtape-gateway: the HTTP/WebSocket front door. Wiring only; see gateway_http.h.
#include <memory>

#include "platform/service_main.h"
#include "services/gateway/gateway_http.h"

int main(int argc, char** argv) {
  using namespace moodtape;
  return platform::RunService("gateway", argc, argv, [](platform::ServiceContext& ctx) {
    auto http = std::make_shared<gateway::GatewayHttp>(gateway::ReadGatewaySettings(ctx.config),
                                                       ctx.metrics);
    http->Start();
    platform::ServiceHooks hooks;
    hooks.stop = [http](std::chrono::steady_clock::time_point deadline) { http->Stop(deadline); };
    hooks.addresses = {{"http", http->Address()}};
    return hooks;
  });
}
