// moodtape-launcher: `make run`. Reads the shared config, then hands over to RunLauncher.
#include <csignal>
#include <cstdio>
#include <thread>

#include "platform/base/config.h"
#include "platform/base/log.h"
#include "platform/service/settings.h"
#include "platform/service/shutdown.h"
#include "tools/launcher/launcher.h"

int main() {
  namespace platform = moodtape::platform;
  namespace launcher = moodtape::launcher;

  // A shell starts background jobs with SIGINT ignored, and sigwait never sees an ignored signal:
  // restore the defaults so `kill -INT` works however the launcher was started.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGHUP, SIG_DFL);
  platform::BlockShutdownSignals();
  // Platform pieces log only real errors here; the launcher speaks in plain prefixed lines.
  platform::InitLogging("launcher", platform::LogLevel::kError);

  launcher::LauncherSettings settings;
  try {
    // Two views of one file: the launcher owns [launcher] and [redis] and rejects unknown keys
    // there; the services' sections are only read for addresses, each service checks its own.
    platform::Config own = platform::LoadProcessConfig();
    platform::Config shared = platform::LoadProcessConfig();
    settings = launcher::ReadLauncherSettings(own, shared);
    own.Finish();
  } catch (const platform::ConfigError& e) {
    std::fprintf(stderr, "launcher | %s\n", e.what());
    return 2;
  }

  static launcher::StopRequest stop;
  std::thread([] {
    while (true) {
      platform::WaitForShutdown([] {});
      stop.Request();
    }
  }).detach();
  return launcher::RunLauncher(settings, stop);
}
