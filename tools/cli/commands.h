// One function per `moodtape` command: glue between an Invocation, the gateway client and the
// renderers. Returns the exit status (0 ok, 1 failure); output goes to `out`, errors to `err`.
#pragma once

#include <chrono>
#include <ostream>

#include "tools/cli/args.h"
#include "tools/cli/gateway_client.h"

namespace moodtape::cli {

// Exit statuses of the moodtape command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct CommandSettings {
  // How long `mood` waits for the next job event before giving up.
  std::chrono::milliseconds event_timeout = std::chrono::minutes(5);
};

int RunCommand(const Invocation& invocation, GatewayClient& client, std::ostream& out,
               std::ostream& err, const CommandSettings& settings = {});

}  // namespace moodtape::cli
