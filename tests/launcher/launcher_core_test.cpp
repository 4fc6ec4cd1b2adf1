#include "tools/launcher/launcher.h"

#include <sys/wait.h>

#include <gtest/gtest.h>

namespace moodtape::launcher {
namespace {

std::vector<std::string> Split(LineSplitter& splitter, const std::vector<std::string>& chunks,
                               bool finish) {
  std::vector<std::string> lines;
  auto on_line = [&](std::string_view line) { lines.emplace_back(line); };
  for (const auto& c : chunks) splitter.Feed(c, on_line);
  if (finish) splitter.Finish(on_line);
  return lines;
}

TEST(LineSplitterTest, EmitsWholeLinesAcrossChunks) {
  LineSplitter splitter;
  EXPECT_EQ(Split(splitter, {"ab", "c\r\nde", "f\n\ng"}, false),
            (std::vector<std::string>{"abc", "def", ""}));
  EXPECT_EQ(Split(splitter, {}, true), (std::vector<std::string>{"g"}));
}

TEST(LineSplitterTest, CutsEndlessLines) {
  LineSplitter splitter(4);
  EXPECT_EQ(Split(splitter, {"abcdefghij\n"}, true),
            (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

TEST(LauncherSettingsTest, DefaultsMatchTheDesign) {
  platform::Config own = platform::Config::FromString("");
  platform::Config shared = platform::Config::FromString("");
  LauncherSettings s = ReadLauncherSettings(own, shared);
  EXPECT_EQ(s.var_dir, "var");
  EXPECT_EQ(s.bin_dir, "build/bin");
  EXPECT_EQ(s.redis.port, 6390);
  EXPECT_EQ(s.start_timeout.count(), 60000);
  EXPECT_EQ(s.stop_timeout.count(), 10000);
  ASSERT_EQ(s.services.size(), 8u);
  EXPECT_EQ(s.services.front().name, "store");
  EXPECT_EQ(s.services.front().admin_address, "127.0.0.1:9102");
  EXPECT_EQ(s.services.back().name, "gateway");
  EXPECT_EQ(s.services.back().admin_address, "127.0.0.1:9100");
  EXPECT_EQ(s.gateway_http_address, "127.0.0.1:8080");
  EXPECT_TRUE(s.tls_enabled);
  EXPECT_EQ(s.cert_dir, "var/certs");
  EXPECT_NO_THROW(own.Finish());
}

TEST(LauncherSettingsTest, EnvironmentPicksServicesAndAddresses) {
  char a[] = "MOODTAPE_LAUNCHER_SERVICES=store, gateway";
  char b[] = "MOODTAPE_GATEWAY_ADMIN_ADDRESS=0.0.0.0:1234";
  char* env[] = {a, b, nullptr};
  platform::Config own = platform::Config::FromString("", env);
  platform::Config shared = platform::Config::FromString("", env);
  LauncherSettings s = ReadLauncherSettings(own, shared);
  ASSERT_EQ(s.services.size(), 2u);
  EXPECT_EQ(s.services[1].admin_address, "0.0.0.0:1234");
  EXPECT_EQ(DialAddress(s.services[1].admin_address), "127.0.0.1:1234");
}

TEST(LauncherSettingsTest, RejectsUnknownOrRepeatedServicesAndKeys) {
  for (const char* toml :
       {"[launcher]\nservices = [\"store\", \"jukebox\"]\n",
        "[launcher]\nservices = [\"store\", \"store\"]\n", "[launcher]\nservices = [\"../x\"]\n"}) {
    platform::Config own = platform::Config::FromString(toml);
    platform::Config shared = platform::Config::FromString(toml);
    EXPECT_THROW(ReadLauncherSettings(own, shared), platform::ConfigError) << toml;
  }
  platform::Config own = platform::Config::FromString("[launcher]\nstart_timeout = 5\n");
  platform::Config shared = platform::Config::FromString("");
  ReadLauncherSettings(own, shared);
  EXPECT_THROW(own.Finish(), platform::ConfigError);
}

TEST(RedisConfTest, PrivateLoopbackAppendOnly) {
  platform::RedisSettings redis;
  redis.port = 7001;
  std::string conf = RenderRedisConf(redis, "/tmp/x/var/redis");
  EXPECT_NE(conf.find("port 7001\n"), std::string::npos);
  EXPECT_NE(conf.find("bind 127.0.0.1\n"), std::string::npos);
  EXPECT_NE(conf.find("dir \"/tmp/x/var/redis\"\n"), std::string::npos);
  EXPECT_NE(conf.find("appendonly yes\n"), std::string::npos);
  EXPECT_EQ(conf.find("requirepass"), std::string::npos);
  redis.password = "s3cret";
  EXPECT_NE(RenderRedisConf(redis, "/d").find("requirepass \"s3cret\"\n"), std::string::npos);
}

TEST(LauncherHelpersTest, AddressesAndExitStatus) {
  EXPECT_EQ(DialAddress("127.0.0.1:9100"), "127.0.0.1:9100");
  EXPECT_EQ(DialAddress(":9100"), "127.0.0.1:9100");
  EXPECT_EQ(DialAddress("[::]:9100"), "127.0.0.1:9100");
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("redis.internal"));
  EXPECT_EQ(DescribeExit(3 << 8), "exited with status 3");
  EXPECT_EQ(DescribeExit(9).rfind("was killed by signal 9", 0), 0u);
}

}  // namespace
}  // namespace moodtape::launcher
