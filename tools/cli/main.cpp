// moodtape: the command-line client of the gateway. Only wiring: parse, find the credentials,
// run the command.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "tools/cli/args.h"
#include "tools/cli/commands.h"
#include "tools/cli/credentials.h"
#include "tools/cli/gateway_client.h"

int main(int argc, char** argv) {
  using namespace moodtape::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* env_gateway = std::getenv("MOODTAPE_GATEWAY_URL");
  auto invocation =
      ParseArgs(args, env_gateway ? std::optional<std::string>(env_gateway) : std::nullopt);
  if (!invocation.ok()) {
    std::cerr << "moodtape: " << invocation.error().message << "\n";
    return kExitUsage;
  }
  GatewayClient client(invocation->gateway,
                       CredentialsPath(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME")));
  return RunCommand(*invocation, client, std::cout, std::cerr);
}
