// moodtape-gateway: the HTTP/WebSocket front door. Wiring is in serve.cpp.
#include "platform/service/service_main.h"
#include "services/gateway/serve.h"

int main(int argc, char** argv) {
  return moodtape::platform::RunService("gateway", argc, argv, moodtape::gateway::Start);
}
