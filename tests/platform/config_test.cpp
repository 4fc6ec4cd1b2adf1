#include "platform/base/config.h"

#include <gtest/gtest.h>

namespace moodtape::platform {
namespace {

TEST(ConfigTest, ReadsTypedValuesWithDefaults) {
  Config cfg = Config::FromString(R"(
[gateway]
http_port = 8081
static_dir = "web/dist"
[tls]
enabled = false
)");
  EXPECT_EQ(cfg.Port("gateway", "http_port", 8080), 8081);
  EXPECT_EQ(cfg.String("gateway", "static_dir", "x"), "web/dist");
  EXPECT_FALSE(cfg.Bool("tls", "enabled", true));
  EXPECT_EQ(cfg.Int("gateway", "max_body_bytes", 1024, 1, 1 << 20), 1024);
  EXPECT_NO_THROW(cfg.Finish());
}

TEST(ConfigTest, EnvironmentOverridesFile) {
  char a[] = "MOODTAPE_GATEWAY_HTTP_PORT=9999";
  char b[] = "MOODTAPE_CONFIG=/elsewhere.toml";  // not a section: ignored
  char c[] = "PATH=/bin";
  // The CLI's variable, exported in the same shell that starts the services: not a config key.
  char d[] = "MOODTAPE_GATEWAY_URL=http://127.0.0.1:8080";
  char* env[] = {a, b, c, d, nullptr};
  Config cfg = Config::FromString("[gateway]\nhttp_port = 8081\n", env);
  EXPECT_EQ(cfg.Port("gateway", "http_port", 8080), 9999);
  EXPECT_NO_THROW(cfg.Finish());
}

TEST(ConfigTest, BadValueNamesKeyAndOrigin) {
  char a[] = "MOODTAPE_GATEWAY_HTTP_PORT=eighty";
  char* env[] = {a, nullptr};
  Config cfg = Config::FromString("", env);
  try {
    cfg.Port("gateway", "http_port", 8080);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("gateway.http_port"), std::string::npos) << msg;
    EXPECT_NE(msg.find("MOODTAPE_GATEWAY_HTTP_PORT"), std::string::npos) << msg;
  }
}

TEST(ConfigTest, OutOfRangeIsRejected) {
  Config cfg = Config::FromString("[gateway]\nhttp_port = 70000\n");
  EXPECT_THROW(cfg.Port("gateway", "http_port", 8080), ConfigError);
}

TEST(ConfigTest, WrongTypeIsRejected) {
  Config cfg = Config::FromString("[gateway]\nstatic_dir = 5\n");
  EXPECT_THROW(cfg.String("gateway", "static_dir", ""), ConfigError);
}

TEST(ConfigTest, UnknownKeyInUsedSectionFailsFinish) {
  Config cfg = Config::FromString("[gateway]\nhttp_prot = 8081\n[auth]\nwhatever = 1\n");
  cfg.Port("gateway", "http_port", 8080);
  try {
    cfg.Finish();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("gateway.http_prot"), std::string::npos) << msg;
    // [auth] belongs to another service; this process does not judge it.
    EXPECT_EQ(msg.find("whatever"), std::string::npos) << msg;
  }
}

TEST(ConfigTest, PeerLookupDoesNotClaimThePeersSection) {
  Config cfg = Config::FromString(
      "[gateway]\nhttp_address = \"x\"\n[auth]\ngrpc_address = \"h:1\"\nadmin_address = \"h:2\"\n");
  cfg.String("gateway", "http_address", "");
  EXPECT_EQ(cfg.PeerString("auth", "grpc_address", ""), "h:1");
  EXPECT_NO_THROW(cfg.Finish());
  // Once the process reads its own section, unknown keys there are judged again.
  cfg.String("auth", "grpc_address", "");
  EXPECT_THROW(cfg.Finish(), ConfigError);
}

TEST(ConfigTest, UnknownSectionFailsFinish) {
  Config cfg = Config::FromString("[gatewya]\nhttp_port = 1\n");
  EXPECT_THROW(cfg.Finish(), ConfigError);
}

TEST(ConfigTest, ParseErrorGivesLine) {
  try {
    Config::FromString("[gateway]\nhttp_port = = 3\n");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(ConfigTest, StringListFromArrayOrCommaText) {
  char a[] = "MOODTAPE_AUTH_ALLOW=gateway, worker";
  char* env[] = {a, nullptr};
  Config cfg = Config::FromString("[store]\nallow = [\"auth\", \"worker\"]\n", env);
  EXPECT_EQ(cfg.StringList("store", "allow", {}), (std::vector<std::string>{"auth", "worker"}));
  EXPECT_EQ(cfg.StringList("auth", "allow", {}), (std::vector<std::string>{"gateway", "worker"}));
}

TEST(ConfigTest, ChoiceRejectsUnlisted) {
  Config cfg = Config::FromString("[log]\nlevel = \"loud\"\n");
  EXPECT_THROW(cfg.Choice("log", "level", "info", {"debug", "info"}), ConfigError);
}

}  // namespace
}  // namespace moodtape::platform
