// Waiting for SIGTERM/SIGINT the safe way: the signals are blocked in every thread (call
// BlockShutdownSignals() first thing in main, before any thread starts) and one thread collects
// them with sigwait, so no work ever runs inside a signal handler.
#pragma once

namespace moodtape::platform {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread; threads created later inherit it.
void BlockShutdownSignals();

// Waits for the next of SIGTERM, SIGINT or SIGHUP and returns its number.
int WaitForSignal();

// Waits until SIGTERM or SIGINT, calling on_reload for each SIGHUP in between. Returns the
// signal that asked for shutdown.
template <typename OnReload>
int WaitForShutdown(OnReload&& on_reload);

}  // namespace moodtape::platform

#include <csignal>

namespace moodtape::platform {
template <typename OnReload>
int WaitForShutdown(OnReload&& on_reload) {
  while (true) {
    int sig = WaitForSignal();
    if (sig == SIGHUP) {
      on_reload();
      continue;
    }
    return sig;
  }
}
}  // namespace moodtape::platform
