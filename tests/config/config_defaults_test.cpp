// config/moodtape.toml promises "every value below is the built-in default". This test keeps the
// promise: it runs every settings reader of every process on an empty configuration, records the
// default each getter was handed, and compares them with the file, key by key, both ways.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "platform/base/config.h"
#include "platform/jobs/queue.h"
#include "platform/redis/client.h"
#include "platform/security/user_tokens.h"
#include "platform/service/settings.h"
#include "services/auth/auth_service.h"
#include "services/designer/serve.h"
#include "services/emotion/serve.h"
#include "services/gateway/account_routes.h"
#include "services/gateway/album_routes.h"
#include "services/gateway/gateway_http.h"
#include "services/gateway/mood_routes.h"
#include "services/playlist/serve.h"
#include "services/producer/serve.h"
#include "services/store/store_service.h"
#include "services/worker/serve.h"
#include "tests/support/test_support.h"
#include "tools/launcher/launcher.h"

namespace moodtape {
namespace {

// Keys whose default is derived from another key, so the file shows them commented out
// (overriding the base key moves them too).
const std::set<std::string> kDerived = {"tls.ca_file"};

// Every default every process uses, by running every reader once on an empty configuration.
std::map<std::string, std::string> CodeDefaults() {
  platform::Config config = platform::Config::FromString("");
  for (const char* service :
       {"gateway", "auth", "store", "emotion", "playlist", "producer", "designer", "worker"}) {
    platform::ReadServiceSettings(config, service);
  }
  platform::ReadRedisSettings(config);
  platform::ReadJobQueueOptions(config);
  platform::ReadUserTokenSettings(config);
  gateway::ReadGatewaySettings(config);
  gateway::ReadAccountSettings(config);
  gateway::ReadMoodSettings(config);
  gateway::ReadAlbumSettings(config);
  auth::ReadAuthSettings(config);
  store::ReadStoreSettings(config);
  emotion::ReadServeSettings(config);
  playlist::ReadServeSettings(config);
  worker::ReadWorkerSettings(config);
  producer::ReadProducerSettings(config);
  designer::ReadDesignerSettings(config);
  platform::Config shared = platform::Config::FromString("");
  launcher::ReadLauncherSettings(config, shared);
  auto defaults = config.DefaultsSeen();
  for (const auto& [key, value] : shared.DefaultsSeen()) defaults.emplace(key, value);
  return defaults;
}

std::map<std::string, std::string> FileValues() {
  return platform::Config::Load(testing::SourceDir() + "/config/moodtape.toml", nullptr)
      .ValuesText();
}

TEST(ConfigDefaultsTest, EveryKeyInTheFileHoldsTheDefaultTheCodeUses) {
  const auto defaults = CodeDefaults();
  const auto file = FileValues();
  ASSERT_GT(file.size(), 50u);
  for (const auto& [key, value] : file) {
    auto it = defaults.find(key);
    if (it == defaults.end()) {
      ADD_FAILURE() << key << " is in config/moodtape.toml but no settings reader uses it";
      continue;
    }
    EXPECT_EQ(value, it->second) << key << ": the file says " << value << ", the code "
                                 << it->second;
  }
}

TEST(ConfigDefaultsTest, EveryKeyTheCodeReadsIsInTheFile) {
  const auto file = FileValues();
  for (const auto& [key, value] : CodeDefaults()) {
    if (kDerived.count(key)) {
      EXPECT_EQ(file.count(key), 0u) << key << " is derived; keep it commented out in the file";
      continue;
    }
    EXPECT_EQ(file.count(key), 1u)
        << key << " (default " << value << ") is missing from config/moodtape.toml";
  }
}

}  // namespace
}  // namespace moodtape
