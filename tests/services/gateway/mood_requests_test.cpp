// The pure decisions behind the job routes and the WebSocket frames (no network). The mood
// request body itself is tested with its definition, tests/services/worker/mood_job_test.cpp.
#include "services/gateway/core/mood_requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace moodtape::gateway {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

template <typename T>
T Ok(platform::Result<T> r) {
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : T();
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
              HasSubstr("must be one of: subscribe, unsubscribe"));
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
