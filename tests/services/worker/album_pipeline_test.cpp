// The album pipeline over fake ports (no network): the order of its events, what it stores, and a
// retried job that redoes nothing it finished.
#include "services/worker/core/album_pipeline.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace moodtape::worker {
namespace {

using ::testing::ElementsAre;

class FakeSongs final : public SongsPort {
 public:
  platform::Result<WrittenSong> Write(const AlbumJob& job, int index) override {
    ++writes;
    WrittenSong s;
    s.index = index;
    s.title = "Song " + std::to_string(index);
    s.lyrics = "[Verse]\nline of song " + std::to_string(index) + "\n";
    s.key = "A minor";
    s.tempo_bpm = 120;
    s.duration_seconds = 180;
    return s;
  }
  platform::Result<std::vector<RenderedFile>> Render(
      const AlbumJob& job, const WrittenSong& song,
      const std::vector<std::string>& formats) override {
    ++renders;
    if (fail_render_of == song.index) {
      fail_render_of = -1;
      return platform::MakeError(platform::ErrorCode::kUnavailable, "producer restarting");
    }
    std::vector<RenderedFile> files;
    for (const auto& f : formats) {
      files.push_back({f, "media/" + f, f + " bytes of " + song.title, 180, -14});
    }
    return files;
  }
  int writes = 0;
  int renders = 0;
  int fail_render_of = -1;
};

class FakeCover final : public CoverPort {
 public:
  platform::Result<DesignedCover> Design(const AlbumJob& job, const std::string& title) override {
    ++designs;
    last_title = title;
    DesignedCover c;
    c.png = "png of " + title;
    c.thumbnail_png = "thumb of " + title;
    c.palette = {"#000000", "#ffffff"};
    c.motifs = {"sea"};
    return c;
  }
  int designs = 0;
  std::string last_title;
};

class FakeStore final : public AlbumStorePort {
 public:
  platform::Result<std::string> PutAsset(const std::string& owner, const std::string& media_type,
                                         const std::string& bytes) override {
    owners.insert(owner);
    const std::string id = "asset:" + bytes;
    assets[id] = media_type;
    ++puts;
    return id;
  }
  platform::Result<std::string> SaveAlbum(const AlbumJob& job, const Json& album) override {
    ++saves;
    saved = album;
    return std::string("album-1");
  }
  std::map<std::string, std::string> assets;
  std::set<std::string> owners;
  int puts = 0;
  int saves = 0;
  Json saved;
};

class FakeProgress final : public ProgressPort {
 public:
  Json Load(const std::string& job_id) override {
    return store.count(job_id) ? store[job_id] : Json::object();
  }
  void Store(const std::string& job_id, const Json& progress) override { store[job_id] = progress; }
  void Clear(const std::string& job_id) override { store.erase(job_id); }
  std::map<std::string, Json> store;
};

AlbumJob Job(int songs = 3) {
  AlbumJob job;
  job.job_id = "job-1";
  job.user_id = "user-1";
  job.genre = "heavy-metal";
  job.songs_count = songs;
  job.theme = "dragons";
  job.seed = 9;
  job.artist = "ada";
  return job;
}

class AlbumPipelineTest : public ::testing::Test {
 protected:
  platform::Result<Json> Run(const AlbumJob& job, StopFn stop = nullptr) {
    return pipeline_.Run(
        job, [&](std::string_view stage, const Json& data) { events_.emplace_back(stage, data); },
        stop);
  }
  std::vector<std::string> Stages() const {
    std::vector<std::string> out;
    for (const auto& [stage, data] : events_) out.push_back(stage);
    return out;
  }

  FakeSongs songs_;
  FakeCover cover_;
  FakeStore store_;
  FakeProgress progress_;
  AlbumPipeline pipeline_{songs_, cover_, store_, progress_};
  std::vector<std::pair<std::string, Json>> events_;
};

TEST_F(AlbumPipelineTest, SongsAppearThenBecomePlayableThenTheCoverThenTheAlbumIsSaved) {
  auto result = Run(Job(2));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_THAT(Stages(), ElementsAre("song_written", "song_written", "song_rendered",
                                    "song_rendered", "cover", "saved"));
  EXPECT_EQ(events_[0].second["title"], "Song 0");
  EXPECT_EQ(events_[0].second["songs_count"], 2);
  EXPECT_EQ(events_[2].second["assets"]["ogg"], "asset:ogg bytes of Song 0");
  EXPECT_EQ(events_[5].second["album_id"], "album-1");
  // Four files a song and the cover and its thumbnail, all the owner's.
  EXPECT_EQ(store_.puts, 2 * 4 + 2);
  EXPECT_THAT(store_.owners, ::testing::ElementsAre("user-1"));
  EXPECT_EQ(cover_.last_title, "Song 0");  // named after the title track
  EXPECT_EQ(store_.saves, 1);
  EXPECT_EQ(store_.saved["songs"].size(), 2u);
  EXPECT_EQ(store_.saved["songs"][1]["assets"]["midi"], "asset:midi bytes of Song 1");
  EXPECT_EQ((*result)["album_id"], "album-1");
  EXPECT_EQ((*result)["title"], "Song 0");
  // Once saved, the progress notes are gone: the store's album answers a redelivery.
  EXPECT_EQ(progress_.store.count("job-1"), 0u);
}

TEST_F(AlbumPipelineTest, ARetryRedoesNothingThatWasFinished) {
  songs_.fail_render_of = 1;
  auto first = Run(Job(3));
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, platform::ErrorCode::kUnavailable);
  EXPECT_EQ(songs_.writes, 3);
  EXPECT_EQ(songs_.renders, 2);  // song 0 done, song 1 failed
  EXPECT_EQ(store_.saves, 0);

  events_.clear();
  auto second = Run(Job(3));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(songs_.writes, 3);   // no song written again
  EXPECT_EQ(songs_.renders, 4);  // songs 1 and 2 only
  EXPECT_EQ(cover_.designs, 1);
  EXPECT_EQ(store_.saves, 1);
  // The retry still tells a new subscriber everything, in order.
  EXPECT_THAT(Stages(), ElementsAre("song_written", "song_written", "song_written", "song_rendered",
                                    "song_rendered", "song_rendered", "cover", "saved"));
  // Song 0 was rendered by the first attempt; its event still says how loud it is.
  EXPECT_EQ(events_[3].second["index"], 0);
  EXPECT_EQ(events_[3].second.value("loudness_lufs", 0.0), -14.0);
}

TEST_F(AlbumPipelineTest, AStoppingWorkerGivesTheJobBackBetweenSteps) {
  int checks = 0;
  auto result = Run(Job(2), [&] { return ++checks > 3; });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, platform::ErrorCode::kUnavailable);
  EXPECT_EQ(store_.saves, 0);
  // What was done is kept for the next attempt.
  EXPECT_FALSE(progress_.store["job-1"]["songs"].empty());
}

TEST(AlbumJobTest, GatewayAndWorkerShareTheRules) {
  auto ok = ParseAlbumRequest(
      R"({"genre":"Polish disco polo","songs_count":3,"theme":" lake ","cover_description":""})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->genre, "disco-polo");
  EXPECT_EQ(ok->theme, "lake");
  EXPECT_FALSE(ok->has_seed);
  auto job = ParseAlbumJob("j", "u", AlbumJobPayload(*ok, 77, "ada", "r1"));
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->seed, 77u);
  EXPECT_EQ(job->artist, "ada");
  EXPECT_EQ(job->songs_count, 3);

  struct Case {
    std::string body;
    std::string field;
  };
  for (const auto& c : std::vector<Case>{
           {R"({"genre":"polka","songs_count":1,"theme":"x"})", "\"genre\" must be one of"},
           {R"({"genre":"pop","songs_count":0,"theme":"x"})", "\"songs_count\""},
           {R"({"genre":"pop","songs_count":11,"theme":"x"})", "\"songs_count\""},
           {R"({"genre":"pop","theme":"x"})", "\"songs_count\" is required"},
           {R"({"genre":"pop","songs_count":1,"theme":""})", "\"theme\""},
           {R"({"genre":"pop","songs_count":1,"theme":")" + std::string(201, 'a') + R"("})",
            "\"theme\" is longer than 200"},
           {R"({"genre":"pop","songs_count":1,"theme":"x","cover_description":")" +
                std::string(301, 'c') + R"("})",
            "\"cover_description\" is longer than 300"},
           {R"({"genre":"pop","songs_count":1,"theme":"x","seed":-1})", "\"seed\""},
           {R"({"genre":"pop","songs_count":1,"theme":"x","colour":1})", "unknown field"},
       }) {
    auto r = ParseAlbumRequest(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_THAT(r.error().message, ::testing::HasSubstr(c.field)) << c.body;
    // The same body as a payload fails in the worker too (no 202-then-failed).
    nlohmann::json payload = nlohmann::json::parse(c.body, nullptr, false);
    payload["seed"] = payload.contains("seed") ? payload["seed"] : nlohmann::json(1);
    payload["artist"] = "ada";
    EXPECT_FALSE(ParseAlbumJob("j", "u", payload.dump()).ok()) << c.body;
  }
}

TEST(AlbumJobTest, TheWorkerRefusesAJobWithoutOwnerSeedOrArtist) {
  const std::string base = R"({"genre":"pop","songs_count":1,"theme":"x")";
  auto no_owner = ParseAlbumJob("j", "", base + R"(,"seed":1,"artist":"ada"})");
  ASSERT_FALSE(no_owner.ok());
  EXPECT_EQ(no_owner.error().message, "album job: the job has no owner (user id)");
  auto no_seed = ParseAlbumJob("j", "u", base + R"(,"artist":"ada"})");
  ASSERT_FALSE(no_seed.ok());
  EXPECT_THAT(no_seed.error().message, ::testing::StartsWith("album job: "));
  EXPECT_THAT(no_seed.error().message, ::testing::HasSubstr("\"seed\" is required"));
  EXPECT_FALSE(ParseAlbumJob("j", "u", base + R"(,"seed":1})").ok());
  EXPECT_FALSE(ParseAlbumJob("j", "u", "[1]").ok());
}

}  // namespace
}  // namespace moodtape::worker
