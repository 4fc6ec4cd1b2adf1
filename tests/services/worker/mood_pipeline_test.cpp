// The mood pipeline without a network: fake ports count calls, an in-memory cache stands in for
// Redis (the real cache is tested against redis-server in tests/platform).
#include "services/worker/core/mood_pipeline.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace moodtape::worker {
namespace {

using ::testing::HasSubstr;

class FakeEmotion final : public EmotionPort {
 public:
  platform::Result<std::string> ModelVersion() override { return version; }
  platform::Result<Json> Predict(const std::string& text) override {
    ++predictions;
    if (fail) return *fail;
    return Json{{"emotion", "sadness"},
                {"probabilities", {{{"emotion", "sadness"}, {"probability", 0.7}}}},
                {"scores", {{{"emotion", "sadness"}, {"probability", 0.7}}}},
                {"valence", -0.61},
                {"arousal", -0.33},
                {"start", {{"valence", -0.612}, {"arousal", -0.338}}},
                {"model_version", version},
                {"text_seen", text}};
  }
  std::string version = "m1";
  int predictions = 0;
  std::optional<platform::Error> fail;
};

class FakePlaylist final : public PlaylistPort {
 public:
  platform::Result<std::int64_t> CatalogVersion() override { return version; }
  platform::Result<Json> Plan(double sv, double sa, const std::string& target, int length,
                              const MoodOptions&) override {
    ++plans;
    last_start = {sv, sa};
    Json tracks = Json::array();
    for (int i = 0; i < length; ++i)
      tracks.push_back({{"position", i}, {"id", "t" + std::to_string(i)}});
    return Json{{"start", {{"valence", sv}, {"arousal", sa}}},
                {"target", target},
                {"calm", false},
                {"catalog_version", version},
                {"tracks", tracks}};
  }
  std::int64_t version = 3;
  int plans = 0;
  std::pair<double, double> last_start;
};

class FakeHistory final : public HistoryPort {
 public:
  platform::Result<std::string> Save(const MoodJob& job, const Json&, const Json&) override {
    if (fail) return *fail;
    auto [it, created] = rows.emplace(job.job_id, "h" + std::to_string(rows.size() + 1));
    return it->second;
  }
  std::map<std::string, std::string> rows;
  std::optional<platform::Error> fail;
};

class MapCache final : public CachePort {
 public:
  platform::Result<std::string> GetOrCompute(
      const std::string& key, const std::function<platform::Result<std::string>()>& compute,
      bool* hit) override {
    keys.push_back(key);
    if (auto it = values.find(key); it != values.end()) {
      *hit = true;
      return it->second;
    }
    auto v = compute();
    if (!v.ok()) return v.error();
    *hit = false;
    values[key] = *v;
    return *v;
  }
  std::map<std::string, std::string> values;
  std::vector<std::string> keys;
};

class MoodPipelineTest : public ::testing::Test {
 protected:
  MoodJob Job(const std::string& id, const std::string& text = "so tired and sad") {
    auto job =
        ParseMoodJob(id, "user-1",
                     Json{{"text", text}, {"desired_emotion", "enthusiasm"}, {"length", 5}}.dump());
    EXPECT_TRUE(job.ok());
    return *job;
  }
  platform::Result<Json> Run(const MoodJob& job) {
    return pipeline_.Run(job, [&](std::string_view stage, const Json& data) {
      events_.emplace_back(std::string(stage), data);
    });
  }

  FakeEmotion emotion_;
  FakePlaylist playlist_;
  FakeHistory history_;
  MapCache predictions_, playlists_;
  MoodPipeline pipeline_{emotion_, playlist_, history_, predictions_, playlists_};
  std::vector<std::pair<std::string, Json>> events_;
};

TEST_F(MoodPipelineTest, RunsEveryStageAndPublishesEachInOrder) {
  auto result = Run(Job("j1"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].first, "emotion");
  EXPECT_EQ(events_[0].second["emotion"], "sadness");
  EXPECT_FALSE(events_[0].second["cached"].get<bool>());
  EXPECT_EQ(events_[1].first, "playlist");
  EXPECT_EQ(events_[1].second["tracks"].size(), 5u);
  EXPECT_EQ(events_[2].first, "saved");
  EXPECT_EQ((*result)["history_id"], "h1");
  EXPECT_EQ((*result)["job_id"], "j1");
  EXPECT_EQ((*result)["playlist"]["catalog_version"], 3);
  // The start point is snapped to the 0.05 grid before planning.
  EXPECT_DOUBLE_EQ(playlist_.last_start.first, -0.6);
  EXPECT_DOUBLE_EQ(playlist_.last_start.second, -0.35);
}

TEST_F(MoodPipelineTest, SameTextAndTargetHitBothCaches) {
  ASSERT_TRUE(Run(Job("j1", "So tired   and SAD")).ok());
  events_.clear();
  ASSERT_TRUE(Run(Job("j2", "so tired and sad ")).ok());  // normalises to the same key
  EXPECT_EQ(emotion_.predictions, 1);
  EXPECT_EQ(playlist_.plans, 1);
  EXPECT_TRUE(events_[0].second["cached"].get<bool>());
  EXPECT_TRUE(events_[1].second["cached"].get<bool>());
  EXPECT_EQ(history_.rows.size(), 2u);  // history is per job, never cached
}

TEST_F(MoodPipelineTest, NewModelOrCatalogueVersionMissesTheCache) {
  ASSERT_TRUE(Run(Job("j1")).ok());
  emotion_.version = "m2";
  playlist_.version = 4;
  ASSERT_TRUE(Run(Job("j2")).ok());
  EXPECT_EQ(emotion_.predictions, 2);
  EXPECT_EQ(playlist_.plans, 2);
  EXPECT_THAT(predictions_.keys.back(), HasSubstr("emotion:m2:"));
  EXPECT_THAT(playlists_.keys.back(), HasSubstr("playlist:4:"));
}

TEST_F(MoodPipelineTest, ARedeliveredJobSavesHistoryOnce) {
  ASSERT_TRUE(Run(Job("j1")).ok());
  auto again = Run(Job("j1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)["history_id"], "h1");
  EXPECT_EQ(history_.rows.size(), 1u);
}

TEST_F(MoodPipelineTest, PeerErrorsPassThroughWithTheirCode) {
  emotion_.fail = platform::MakeError(platform::ErrorCode::kUnavailable, "emotion is down");
  auto result = Run(Job("j1"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, platform::ErrorCode::kUnavailable);
  EXPECT_TRUE(events_.empty());
  EXPECT_TRUE(predictions_.values.empty());  // an error is never cached

  emotion_.fail.reset();
  history_.fail = platform::MakeError(platform::ErrorCode::kUnavailable, "store is down");
  result = Run(Job("j1"));
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(events_.size(), 2u);  // emotion and playlist were published, saved was not
}

TEST(ParseMoodJobTest, RejectsBadPayloadsNamingTheField) {
  struct Case {
    Json payload;
    std::string says;
  };
  const std::vector<Case> cases = {
      {Json::array(), "must be a JSON object"},
      {{{"desired_emotion", "fun"}}, "text"},
      {{{"text", "   "}, {"desired_emotion", "fun"}}, "\"text\" must not be empty"},
      {{{"text", "hi"}, {"desired_emotion", "glee"}}, "desired_emotion"},
      {{{"text", "hi"}, {"desired_emotion", "fun"}, {"length", 2}}, "length"},
      {{{"text", "hi"}, {"desired_emotion", "fun"}, {"length", "12"}}, "length"},
      {{{"text", "hi"}, {"desired_emotion", "fun"}, {"options", 5}}, "options"},
      {{{"text", "hi"}, {"desired_emotion", "fun"}, {"options", {{"include_genres", "pop"}}}},
       "include_genres"},
      {{{"text", "hi"}, {"desired_emotion", "fun"}, {"options", {{"max_tracks_per_artist", -1}}}},
       "max_tracks_per_artist"},
      {{{"text", "hi"}, {"desired_emotion", "fun"}, {"options", {{"allow_explicit", "no"}}}},
       "allow_explicit"},
      {{{"text", "hi"}, {"desired_emotion", "fun"}, {"options", {{"seed", -3}}}}, "seed"},
      {{{"text", std::string(9000, 'a')}, {"desired_emotion", "fun"}}, "2000 characters"},
  };
  for (const auto& c : cases) {
    auto job = ParseMoodJob("j", "u", c.payload.dump());
    ASSERT_FALSE(job.ok()) << c.payload.dump();
    EXPECT_EQ(job.error().code, platform::ErrorCode::kInvalidArgument);
    EXPECT_THAT(job.error().message, HasSubstr(c.says)) << c.payload.dump();
  }
  EXPECT_FALSE(ParseMoodJob("j", "", R"({"text":"hi","desired_emotion":"fun"})").ok());
  EXPECT_FALSE(ParseMoodJob("j", "u", "{not json").ok());
}

TEST(ParseMoodJobTest, FillsDefaultsAndReadsOptions) {
  auto job = ParseMoodJob("j", "u", R"({"text":"hi","desired_emotion":"relief","request_id":"r1",
      "options":{"include_genres":["pop"],"exclude_genres":["rock"],"max_tracks_per_artist":2,
      "allow_explicit":false,"seed":9}})");
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->length, 12);
  EXPECT_EQ(job->options.include_genres, std::vector<std::string>{"pop"});
  EXPECT_EQ(job->options.exclude_genres, std::vector<std::string>{"rock"});
  EXPECT_EQ(job->options.max_tracks_per_artist, 2);
  EXPECT_FALSE(job->options.allow_explicit);
  EXPECT_EQ(job->options.seed, 9u);
  EXPECT_EQ(job->request_id, "r1");
}

TEST(CacheKeyTest, KeysSeparateWhatChangesTheAnswer) {
  EXPECT_EQ(PredictionCacheKey("m1", "Hello  World"), PredictionCacheKey("m1", " hello world"));
  EXPECT_NE(PredictionCacheKey("m1", "hello"), PredictionCacheKey("m2", "hello"));
  MoodOptions a, b;
  b.seed = 1;
  EXPECT_NE(PlaylistCacheKey(1, 0, 0, "fun", 12, a), PlaylistCacheKey(1, 0, 0, "fun", 12, b));
  EXPECT_NE(PlaylistCacheKey(1, 0, 0, "fun", 12, a), PlaylistCacheKey(2, 0, 0, "fun", 12, a));
  EXPECT_NE(PlaylistCacheKey(1, 0, 0, "fun", 12, a), PlaylistCacheKey(1, 0, 0, "fun", 13, a));
  EXPECT_NE(PlaylistCacheKey(1, 0, 0, "fun", 12, a), PlaylistCacheKey(1, 0, 0, "love", 12, a));
  EXPECT_DOUBLE_EQ(QuantiseStart(0.0249), 0.0);
  EXPECT_DOUBLE_EQ(QuantiseStart(0.026), 0.05);
  EXPECT_DOUBLE_EQ(QuantiseStart(-1.02), -1.0);
}

}  // namespace
}  // namespace moodtape::worker
