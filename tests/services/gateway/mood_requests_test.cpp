// The pure decisions behind the mood routes and the WebSocket frames (no network).
#include "services/gateway/core/mood_requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace moodtape::gateway {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The error message of parsing `body`, "" when it parses.
std::string MoodError(const std::string& body) {
  auto r = ParseMoodRequest(body);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, platform::ErrorCode::kInvalidArgument);
  return r.error().message;
}

template <typename T>
T Ok(platform::Result<T> r) {
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : T();
}

json Base() { return {{"text", "rainy monday"}, {"desired_emotion", "happiness"}}; }

json With(const std::string& key, json value) {
  json j = Base();
  j[key] = std::move(value);
  return j;
}

json WithOption(const std::string& key, json value) {
  json j = Base();
  j["options"][key] = std::move(value);
  return j;
}

TEST(MoodRequestsTest, ParsesMinimalRequestWithDefaults) {
  auto r = ParseMoodRequest(R"({"text": "  rainy monday \n", "desired_emotion": "relief"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text, "rainy monday");
  EXPECT_EQ(r->desired_emotion, "relief");
  EXPECT_EQ(r->length, 12);
  EXPECT_TRUE(r->options.include_genres.empty());
  EXPECT_EQ(r->options.max_tracks_per_artist, 0);
  EXPECT_TRUE(r->options.allow_explicit);
  EXPECT_EQ(r->options.seed, 0u);
}

TEST(MoodRequestsTest, ParsesEveryField) {
  json j = Base();
  j["length"] = 50;
  j["options"] = {{"include_genres", {"jazz", "soul"}},
                  {"exclude_genres", {"metal"}},
                  {"max_tracks_per_artist", 2},
                  {"allow_explicit", false},
                  {"seed", 18446744073709551615ULL}};
  auto r = ParseMoodRequest(j.dump());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->length, 50);
  EXPECT_EQ(r->options.include_genres, (std::vector<std::string>{"jazz", "soul"}));
  EXPECT_EQ(r->options.exclude_genres, (std::vector<std::string>{"metal"}));
  EXPECT_EQ(r->options.max_tracks_per_artist, 2);
  EXPECT_FALSE(r->options.allow_explicit);
  EXPECT_EQ(r->options.seed, 18446744073709551615ULL);
}

TEST(MoodRequestsTest, AcceptsEveryEmotionAndTheTextLimits) {
  for (auto e : kEmotionNames) {
    EXPECT_EQ(MoodError(With("desired_emotion", std::string(e)).dump()), "") << e;
  }
  EXPECT_EQ(MoodError(With("text", std::string(2000, 'a')).dump()), "");
  // 2000 characters, not bytes: "é" is two bytes.
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(MoodError(With("text", accents).dump()), "");
  EXPECT_EQ(MoodError(With("length", 3).dump()), "");
  EXPECT_EQ(MoodError(WithOption("max_tracks_per_artist", 0).dump()), "");
}

TEST(MoodRequestsTest, RefusesBadBodies) {
  EXPECT_THAT(MoodError(""), HasSubstr("not valid JSON"));
  EXPECT_THAT(MoodError("{"), HasSubstr("not valid JSON"));
  EXPECT_THAT(MoodError("[1]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(MoodError("\"x\""), HasSubstr("must be a JSON object"));
  EXPECT_THAT(MoodError("{\"text\": \"a\xff\"}"), HasSubstr("not valid UTF-8"));
}

TEST(MoodRequestsTest, EveryFieldErrorNamesTheField) {
  struct Case {
    json body;
    std::string needle;
  };
  json no_text = Base();
  no_text.erase("text");
  json no_emotion = Base();
  no_emotion.erase("desired_emotion");
  std::vector<Case> cases = {
      {no_text, "field \"text\" is required"},
      {no_emotion, "field \"desired_emotion\" is required"},
      {With("text", 5), "field \"text\" must be a string, not a number"},
      {With("text", nullptr), "field \"text\" must be a string, not null"},
      {With("text", "   \t\n"), "field \"text\" must not be empty"},
      {With("text", std::string(2001, 'a')), "field \"text\" is longer than 2000 characters"},
      {With("desired_emotion", "joy"), "field \"desired_emotion\" must be one of: anger"},
      {With("desired_emotion", "Happiness"), "field \"desired_emotion\" must be one of"},
      {With("desired_emotion", true), "field \"desired_emotion\" must be a string"},
      {With("length", 2), "field \"length\" must be between 3 and 50"},
      {With("length", 51), "field \"length\" must be between 3 and 50"},
      {With("length", -1), "field \"length\" must be between 3 and 50"},
      {With("length", 12.5), "field \"length\" must be an integer, not a number"},
      {With("length", "12"), "field \"length\" must be an integer, not a string"},
      {With("length", 18446744073709551615ULL), "field \"length\" must be between"},
      {With("mood", "x"), "unknown field \"mood\""},
      {With("options", "x"), "field \"options\" must be an object, not a string"},
      {With("options", json::array()), "field \"options\" must be an object, not an array"},
      {WithOption("colour", 1), "unknown field \"options.colour\""},
      {WithOption("include_genres", "jazz"), "field \"options.include_genres\" must be an array"},
      {WithOption("include_genres", {"jazz", 1}), "element 1 is a number"},
      {WithOption("exclude_genres", {""}), "field \"options.exclude_genres\" element 0 is empty"},
      {WithOption("exclude_genres", nullptr), "field \"options.exclude_genres\" must be an array"},
      {WithOption("max_tracks_per_artist", -1),
       "field \"options.max_tracks_per_artist\" must be >= 0"},
      {WithOption("max_tracks_per_artist", 1.5),
       "field \"options.max_tracks_per_artist\" must be an integer"},
      {WithOption("max_tracks_per_artist", 4294967296LL),
       "field \"options.max_tracks_per_artist\" is too large"},
      {WithOption("allow_explicit", "yes"), "field \"options.allow_explicit\" must be a boolean"},
      {WithOption("allow_explicit", 1), "field \"options.allow_explicit\" must be a boolean"},
      {WithOption("seed", -5), "field \"options.seed\" must be >= 0"},
      {WithOption("seed", "7"), "field \"options.seed\" must be an unsigned 64-bit integer"},
      {WithOption("seed", 1.0), "field \"options.seed\" must be an unsigned 64-bit integer"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(MoodError(c.body.dump()), HasSubstr(c.needle)) << c.body.dump();
  }
}

TEST(MoodRequestsTest, PayloadHasEveryOptionWithDefaultsAndTheRequestId) {
  auto r = ParseMoodRequest(Base().dump());
  ASSERT_TRUE(r.ok());
  json p = json::parse(MoodJobPayload(*r, "req-1"));
  EXPECT_EQ(p["text"], "rainy monday");
  EXPECT_EQ(p["desired_emotion"], "happiness");
  EXPECT_EQ(p["length"], 12);
  EXPECT_EQ(p["request_id"], "req-1");
  EXPECT_EQ(p["options"], json({{"include_genres", json::array()},
                                {"exclude_genres", json::array()},
                                {"max_tracks_per_artist", 0},
                                {"allow_explicit", true},
                                {"seed", 0}}));
}

TEST(MoodRequestsTest, IdempotencyKey) {
  EXPECT_EQ(Ok(ParseIdempotencyKey("")), "");
  EXPECT_EQ(Ok(ParseIdempotencyKey("abc-123")), "abc-123");
  EXPECT_EQ(Ok(ParseIdempotencyKey(std::string(128, 'k'))), std::string(128, 'k'));
  EXPECT_THAT(ParseIdempotencyKey(std::string(129, 'k')).error().message,
              HasSubstr("Idempotency-Key is longer than 128"));
  EXPECT_THAT(ParseIdempotencyKey("a\tb").error().message, HasSubstr("printable ASCII"));
  EXPECT_THAT(ParseIdempotencyKey("caf\xC3\xA9").error().message, HasSubstr("printable ASCII"));
  EXPECT_THAT(ParseIdempotencyKey(" a").error().message, HasSubstr("space"));
}

TEST(MoodRequestsTest, Limits) {
  EXPECT_EQ(Ok(ParseLimit(std::nullopt, 20, 1, 100)), 20);
  EXPECT_EQ(Ok(ParseLimit("1", 20, 1, 100)), 1);
  EXPECT_EQ(Ok(ParseLimit("100", 20, 1, 100)), 100);
  for (std::string bad : {"", "0", "101", "-1", "1x", " 5", "abc", "99999999999"}) {
    auto r = ParseLimit(bad, 20, 1, 100);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("\"limit\" must be an integer between 1 and 100"));
  }
}

TEST(MoodRequestsTest, JobIdsAndRetryAfter) {
  EXPECT_TRUE(LooksLikeJobId("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(LooksLikeJobId(""));
  EXPECT_FALSE(LooksLikeJobId("a/b"));
  EXPECT_FALSE(LooksLikeJobId("%2e%2e"));
  EXPECT_FALSE(LooksLikeJobId(std::string(65, 'a')));
  EXPECT_EQ(RetryAfterSeconds(-1), 1);
  EXPECT_EQ(RetryAfterSeconds(1), 1);
  EXPECT_EQ(RetryAfterSeconds(1000), 1);
  EXPECT_EQ(RetryAfterSeconds(1001), 2);
  EXPECT_EQ(RetryAfterSeconds(59999), 60);
}

TEST(MoodRequestsTest, EmotionNamesFollowTheProtoEnum) {
  EXPECT_EQ(EmotionNameForValue(0), "");
  EXPECT_EQ(EmotionNameForValue(1), "anger");
  EXPECT_EQ(EmotionNameForValue(6), "happiness");
  EXPECT_EQ(EmotionNameForValue(13), "worry");
  EXPECT_EQ(EmotionNameForValue(14), "");
}

TEST(MoodRequestsTest, JobJsonParsesTheResult) {
  platform::JobRecord job;
  job.id = "j1";
  job.state = platform::JobState::kSucceeded;
  job.stage = "saved";
  job.attempts = 1;
  job.enqueued_ms = 10;
  job.finished_ms = 20;
  job.result = R"({"playlist":[1,2]})";
  json j = JobJson(job);
  EXPECT_EQ(j["job_id"], "j1");
  EXPECT_EQ(j["state"], "succeeded");
  EXPECT_EQ(j["stage"], "saved");
  EXPECT_EQ(j["attempts"], 1);
  EXPECT_EQ(j["enqueued_at_ms"], 10);
  EXPECT_EQ(j["finished_at_ms"], 20);
  EXPECT_EQ(j["result"], json({{"playlist", {1, 2}}}));
  EXPECT_FALSE(j.contains("error"));
  job.result.clear();
  job.error = "boom";
  j = JobJson(job);
  EXPECT_FALSE(j.contains("result"));
  EXPECT_EQ(j["error"], "boom");
}

TEST(MoodRequestsTest, DeadLetterJson) {
  platform::DeadLetter d;
  d.job_id = "j1";
  d.type = "mood";
  d.owner = "u1";
  d.payload = R"({"text":"x"})";
  d.error = "bad";
  d.error_code = "invalid_argument";
  d.state = platform::JobState::kFailed;
  d.attempts = 1;
  d.history.push_back({1, 0, 5, 6, "invalid_argument", "bad", "w1"});
  json j = DeadLetterJson(d);
  EXPECT_EQ(j["payload"], json({{"text", "x"}}));
  EXPECT_EQ(j["state"], "failed");
  EXPECT_EQ(j["history"][0]["code"], "invalid_argument");
  EXPECT_EQ(j["history"][0]["worker"], "w1");
  for (auto key : {"job_id", "type", "owner", "error", "error_code", "attempts", "enqueued_at_ms",
                   "failed_at_ms"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
}

// ----- WebSocket frames -----

std::string FrameError(const std::string& text) {
  auto r = ParseClientFrame(text);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, platform::ErrorCode::kInvalidArgument);
  return r.error().message;
}

TEST(MoodRequestsTest, ParsesClientFrames) {
  auto s = ParseClientFrame(R"({"type":"subscribe","job_id":"abc"})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->type, ClientFrameType::kSubscribe);
  EXPECT_EQ(s->job_id, "abc");
  auto u = ParseClientFrame(R"({"job_id":"abc","type":"unsubscribe"})");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->type, ClientFrameType::kUnsubscribe);
}

TEST(MoodRequestsTest, RefusesBadClientFrames) {
  EXPECT_THAT(FrameError("hello"), HasSubstr("not valid JSON"));
  EXPECT_THAT(FrameError("[]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(FrameError(R"({"job_id":"a"})"), HasSubstr("field \"type\" is required"));
  EXPECT_THAT(FrameError(R"({"type":"subscribe"})"), HasSubstr("field \"job_id\" is required"));
  EXPECT_THAT(FrameError(R"({"type":"watch","job_id":"a"})"),
              HasSubstr("must be \"subscribe\" or \"unsubscribe\""));
  EXPECT_THAT(FrameError(R"({"type":1,"job_id":"a"})"),
              HasSubstr("field \"type\" must be a string"));
  EXPECT_THAT(FrameError(R"({"type":"subscribe","job_id":7})"),
              HasSubstr("field \"job_id\" must be a string"));
  EXPECT_THAT(FrameError(R"({"type":"subscribe","job_id":""})"), HasSubstr("must not be empty"));
  EXPECT_THAT(FrameError(R"({"type":"subscribe","job_id":"a","x":1})"),
              HasSubstr("unknown field \"x\""));
  EXPECT_THAT(FrameError("{\"type\":\"subscribe\",\"job_id\":\"\xff\"}"),
              HasSubstr("not valid UTF-8"));
}

TEST(MoodRequestsTest, ServerFrames) {
  platform::JobRecord job;
  job.id = "j1";
  job.seq = 4;
  job.state = platform::JobState::kSucceeded;
  job.stage = "succeeded";
  job.result = R"({"ok":true})";
  json snap = json::parse(SnapshotFrame(job));
  EXPECT_EQ(snap, json({{"type", "snapshot"},
                        {"job_id", "j1"},
                        {"seq", 4},
                        {"state", "succeeded"},
                        {"stage", "succeeded"},
                        {"result", {{"ok", true}}}}));
  platform::JobEvent e{"j1", 5, "emotion", "running", R"({"emotion":"sadness"})"};
  EXPECT_EQ(json::parse(EventFrame(e)), json({{"type", "event"},
                                              {"job_id", "j1"},
                                              {"seq", 5},
                                              {"stage", "emotion"},
                                              {"state", "running"},
                                              {"data", {{"emotion", "sadness"}}}}));
  EXPECT_EQ(json::parse(ErrorFrame("j1", "not_found", "no such job")),
            json({{"type", "error"},
                  {"job_id", "j1"},
                  {"code", "not_found"},
                  {"message", "no such job"}}));
  EXPECT_FALSE(json::parse(ErrorFrame("", "invalid_argument", "x")).contains("job_id"));
}

}  // namespace
}  // namespace moodtape::gateway
