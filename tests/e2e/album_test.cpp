// Albums with every real part: the service binaries over mutual TLS, a real redis-server, the
// store on SQLite, FluidSynth rendering with the Debian SoundFont, Cairo covers, and the
// `moodtape` command a person would use. A user makes an album from the command line and gets
// playable files; another user cannot see it; deleting it releases every file; and a worker
// killed in the middle of an album leaves one album and no orphaned file once another finishes it.
#include <signal.h>

#include <filesystem>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/stack.h"

namespace moodtape::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

class AlbumTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { models_ = new TempDir(); }
  static void TearDownTestSuite() { delete models_; }

  static json Get(Stack& stack, const std::string& target, const std::string& token,
                  int expect_status = 200) {
    auto reply = stack.Call("GET", target, nullptr, token);
    EXPECT_EQ(reply.status, expect_status) << target << ": " << reply.body;
    auto j = json::parse(reply.body, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }

  // Rows of one query against the store's SQLite database, one line each.
  static std::string Sql(const std::string& db, const std::string& query) {
    std::string out;
    EXPECT_EQ(RunCommand({"sqlite3", "-readonly", db, query}, &out), 0) << out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  // Asset rows nobody's album uses: what a half-done, retried album must not leave behind.
  static std::string OrphanAssets(const std::string& db) {
    return Sql(db,
               "SELECT count(*) FROM assets WHERE id NOT IN ("
               "SELECT cover_asset_id FROM albums UNION SELECT cover_thumbnail_asset_id FROM albums"
               " UNION SELECT ogg_asset_id FROM album_songs UNION SELECT mp3_asset_id FROM "
               "album_songs UNION SELECT midi_asset_id FROM album_songs UNION SELECT lrc_asset_id "
               "FROM album_songs)");
  }

  static double AudioSeconds(const std::string& file) {
    std::string out;
    if (RunCommand({"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                    "default=nw=1:nk=1", file},
                   &out) != 0) {
      return 0;
    }
    return std::atof(out.c_str());
  }

  static TempDir* models_;
};
TempDir* AlbumTest::models_ = nullptr;

TEST_F(AlbumTest, AUserMakesAnAlbumFromTheCommandLineAndOnlyTheyCanHearIt) {
  Stack stack(models_->path());
  std::string why;
  ASSERT_TRUE(stack.StartAll(&why)) << why;
  TempDir home;
  const std::map<std::string, std::string> cli_env = {
      {"XDG_CONFIG_HOME", home.File("config")},
      {"MOODTAPE_GATEWAY_URL", "http://127.0.0.1:" + std::to_string(stack.http_port())}};
  std::string out;
  ASSERT_EQ(stack.RunTool({"/bin/sh", "-c",
                           "printf 'correct horse battery staple\\n' | " + BinaryDir() +
                               "/bin/moodtape signup --username ada --email ada@example.org "
                               "--password-stdin"},
                          &out, cli_env),
            0)
      << out;

  const std::string dir = home.File("album");
  ASSERT_EQ(stack.RunTool({"moodtape", "album", "--genre", "synthwave", "--songs", "2", "--theme",
                           "night drive along the lake", "--cover",
                           "a lighthouse at dusk, purple sky", "--seed", "7", "--out", dir},
                          &out, cli_env, 600s),
            0)
      << out << "\nworker:\n"
      << stack.Log("worker") << "\nproducer:\n"
      << stack.Log("producer");
  std::cout << out;
  // Every stage arrived, in order: both songs' words, both songs' files, the cover, the save.
  const std::vector<std::string> stages = {"song 1 written",  "song 2 written", "song 1 rendered",
                                           "song 2 rendered", "cover",          "saved album"};
  size_t at = 0;
  for (const auto& stage : stages) {
    const size_t found = out.find(stage, at);
    ASSERT_NE(found, std::string::npos) << "\"" << stage << "\" missing or out of order:\n" << out;
    at = found + stage.size();
  }

  // The files a person plays: two songs of real length in each format, a PNG cover, the lyrics.
  std::vector<std::string> oggs, mp3s, mids;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string ext = entry.path().extension();
    if (ext == ".ogg") oggs.push_back(entry.path());
    if (ext == ".mp3") mp3s.push_back(entry.path());
    if (ext == ".mid") mids.push_back(entry.path());
  }
  ASSERT_EQ(oggs.size(), 2u);
  ASSERT_EQ(mp3s.size(), 2u);
  ASSERT_EQ(mids.size(), 2u);
  for (const auto& file : oggs) EXPECT_GT(AudioSeconds(file), 60) << file;
  for (const auto& file : mp3s) EXPECT_GT(AudioSeconds(file), 60) << file;
  for (const auto& file : mids) EXPECT_EQ(ReadFile(file).substr(0, 4), "MThd") << file;
  EXPECT_EQ(ReadFile(dir + "/cover.png").substr(1, 3), "PNG");
  EXPECT_GT(ReadFile(dir + "/lyrics.md").size(), 200u);

  // The same album over HTTP: listed, shown with lyrics, its files served with ranges.
  const std::string token = stack.Login("ada");
  ASSERT_FALSE(token.empty());
  json list = Get(stack, "/api/v1/albums", token);
  ASSERT_EQ(list["items"].size(), 1u) << list.dump();
  const std::string album_id = list["items"][0]["id"];
  json album = Get(stack, "/api/v1/albums/" + album_id, token);
  ASSERT_EQ(album["songs"].size(), 2u);
  EXPECT_EQ(album["genre"], "synthwave");
  EXPECT_EQ(album["seed"], 7);
  EXPECT_FALSE(album["songs"][0]["lyrics"].get<std::string>().empty());
  const std::string ogg_url = album["songs"][0]["audio"]["ogg"];
  auto ranged = stack.Call("GET", ogg_url, nullptr, token, {{"Range", "bytes=0-3"}});
  EXPECT_EQ(ranged.status, 206);
  EXPECT_EQ(ranged.body, "OggS");

  // Another user learns nothing: not the album, not its files, not that they exist.
  const std::string eve = stack.SignUp("eve");
  ASSERT_FALSE(eve.empty());
  Get(stack, "/api/v1/albums/" + album_id, eve, 404);
  Get(stack, ogg_url, eve, 404);
  EXPECT_EQ(Get(stack, "/api/v1/albums", eve)["items"].size(), 0u);
  EXPECT_EQ(stack.Call("DELETE", "/api/v1/albums/" + album_id, nullptr, eve).status, 404);

  // Deleting it releases every file it held.
  const std::string db = stack.File("store.db");
  EXPECT_EQ(OrphanAssets(db), "0");
  ASSERT_EQ(stack.RunTool({"moodtape", "album", "delete", album_id}, &out, cli_env), 0) << out;
  Get(stack, "/api/v1/albums/" + album_id, token, 404);
  Get(stack, ogg_url, token, 404);
  EXPECT_EQ(Sql(db, "SELECT count(*) FROM assets"), "0");
  EXPECT_EQ(Sql(db, "SELECT count(*) FROM asset_chunks"), "0");
}

TEST_F(AlbumTest, AWorkerKilledMidAlbumLeavesOneAlbumAndNoOrphanedFiles) {
  Stack stack(models_->path(), {{"MOODTAPE_QUEUE_VISIBILITY_TIMEOUT_MS", "2000"}});
  std::string why;
  ASSERT_TRUE(stack.StartAll(&why)) << why;
  const std::string token = stack.SignUp("ada");
  ASSERT_FALSE(token.empty());
  auto submitted = stack.Call(
      "POST", "/api/v1/albums",
      {{"genre", "punk"}, {"songs_count", 3}, {"theme", "the last bus home"}, {"seed", 11}}, token);
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  const std::string job_id = json::parse(submitted.body)["job_id"];

  // Kill the worker once the first song's files are stored and remembered: the retry must use
  // them, not render and store them again.
  const std::string progress_key = "moodtape:jobs:album_progress:" + job_id;
  auto progress = [&] {
    std::string out;
    RunCommand({"redis-cli", "-p", std::to_string(stack.redis().port()), "GET", progress_key},
               &out);
    auto j = json::parse(out, nullptr, false);
    return j.is_object() ? j : json::object();
  };
  const bool first_song_stored =
      WaitUntil([&] { return progress()["assets"].contains("0"); }, 300s);
  ASSERT_TRUE(first_song_stored) << stack.Log("worker");
  const json before = progress();
  stack.Kill("worker");

  ASSERT_TRUE(stack.Start("worker", &why, "b")) << why;
  json job;
  ASSERT_TRUE(WaitUntil(
      [&] {
        job = Get(stack, "/api/v1/jobs/" + job_id, token);
        const std::string state = job.value("state", "");
        return state == "succeeded" || state == "failed" || state == "dead";
      },
      600s))
      << job.dump() << "\n"
      << stack.Log("worker", "b");
  ASSERT_EQ(job["state"], "succeeded") << job.dump();
  EXPECT_GE(job.value("attempts", 0), 2);

  json albums = Get(stack, "/api/v1/albums", token);
  ASSERT_EQ(albums["items"].size(), 1u) << albums.dump();
  json album = Get(stack, "/api/v1/albums/" + albums["items"][0]["id"].get<std::string>(), token);
  ASSERT_EQ(album["songs"].size(), 3u);
  // The first song is the one stored before the kill.
  EXPECT_EQ(album["songs"][0]["audio"]["ogg"],
            "/api/v1/assets/" + before["assets"]["0"]["ogg"].get<std::string>());
  const std::string db = stack.File("store.db");
  EXPECT_EQ(OrphanAssets(db), "0");
  EXPECT_EQ(Sql(db, "SELECT count(*) FROM albums"), "1");
  // Nothing of the job is left in Redis but its record.
  EXPECT_TRUE(progress().empty());
}

}  // namespace
}  // namespace moodtape::testing
