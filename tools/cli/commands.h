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
  // How long an album job's WebSocket may stay silent before `album` asks the gateway whether the
  // job still runs. Songs take tens of seconds each to render and a job may wait in the queue
  // behind others, so `album` never gives up on a job the gateway still runs.
  std::chrono::milliseconds album_quiet = std::chrono::minutes(1);
};

int RunCommand(const Invocation& invocation, GatewayClient& client, std::ostream& out,
               std::ostream& err, const CommandSettings& settings = {});

}  // namespace moodtape::cli
