#include "tests/support/hermetic_env.h"

#include <signal.h>

#include <cctype>
#include <set>
#include <vector>

namespace moodtape::testing {
namespace {

const std::vector<std::string> kServices = {"store",    "auth",     "emotion", "playlist",
                                            "producer", "designer", "worker",  "gateway"};
// Services with a gRPC server of their own.
const std::set<std::string> kGrpcServices = {"store",    "auth",     "emotion",
                                             "playlist", "producer", "designer"};

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string Loopback(int port) { return "127.0.0.1:" + std::to_string(port); }

std::map<std::string, std::string> HermeticStackEnv(const TempDir& dir, int redis_port,
                                                    int http_port, const std::string& bin_dir) {
  std::map<std::string, std::string> env = {
      {"MOODTAPE_LAUNCHER_VAR_DIR", dir.File("var")},
      {"MOODTAPE_LAUNCHER_BIN_DIR", bin_dir},
      // Generous: the emotion service trains its first model here (seconds alone, much more on
      // a loaded machine); tests never fail because a machine was slow.
      {"MOODTAPE_LAUNCHER_START_TIMEOUT_MS", "240000"},
      {"MOODTAPE_LAUNCHER_STOP_TIMEOUT_MS", "10000"},
      {"MOODTAPE_TLS_CERT_DIR", dir.File("var/certs")},
      {"MOODTAPE_REDIS_HOST", "127.0.0.1"},
      {"MOODTAPE_REDIS_PORT", std::to_string(redis_port)},
      {"MOODTAPE_GATEWAY_HTTP_ADDRESS", Loopback(http_port)},
      // Everything a service writes stays in the test's directory: emotion trains its first
      // model there (from the repo's data/), the store keeps its database there.
      {"MOODTAPE_EMOTION_MODELS_DIR", dir.File("models")},
      {"MOODTAPE_STORE_DATABASE_URL", "sqlite:" + dir.File("var/store.db")},
      {"MOODTAPE_AUTH_SIGNING_KEY_DIR", dir.File("var/auth/signing")},
      {"MOODTAPE_JWT_JWKS_FILE", dir.File("var/auth/jwks.json")},
  };
  for (const auto& name : kServices) {
    env["MOODTAPE_" + Upper(name) + "_ADMIN_ADDRESS"] = Loopback(FreePort());
    if (kGrpcServices.count(name)) {
      env["MOODTAPE_" + Upper(name) + "_GRPC_ADDRESS"] = Loopback(FreePort());
    }
  }
  return env;
}

bool WaitUntilUp(ChildProcess& launcher, std::chrono::seconds timeout, std::string* why) {
  const bool up = WaitUntil(
      [&] {
        return !launcher.Running() ||
               launcher.ReadLog().find("moodtape is up") != std::string::npos;
      },
      timeout);
  if (up && launcher.Running()) return true;
  const std::string log = launcher.ReadLog();
  launcher.Signal(SIGINT);
  launcher.Wait(std::chrono::seconds(30));
  *why = "the launcher did not come up:\n" +
         (log.size() <= 3000 ? log : "..." + log.substr(log.size() - 3000));
  return false;
}

}  // namespace moodtape::testing
