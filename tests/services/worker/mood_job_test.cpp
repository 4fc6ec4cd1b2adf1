// The mood job's one definition. The gateway (ParseMoodRequest on the POST body) and the worker
// (ParseMoodJob on the queued payload) must accept and refuse exactly the same things, or a user
// gets 202 for a job that then fails: every limit is probed at its edge from both sides.
#include "services/worker/core/mood_job.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace moodtape::worker {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Base() { return {{"text", "rainy monday"}, {"desired_emotion", "relief"}}; }
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

// The same body as the worker would see it if the gateway enqueued it unchanged.
json AsPayload(json body) {
  body["request_id"] = "req-1";
  return body;
}

struct Case {
  json body;
  bool accepted;
  std::string field;  // named in the refusal
};

std::vector<Case> EdgeCases() {
  std::vector<std::string> genres_at_limit(kMaxGenreFilters, "jazz");
  std::vector<std::string> genres_over(kMaxGenreFilters + 1, "jazz");
  return {
      {Base(), true, ""},
      {With("text", std::string(kMaxMoodTextChars, 'a')), true, ""},
      {With("text", std::string(kMaxMoodTextChars + 1, 'a')), false, "text"},
      {With("text", "   "), false, "text"},
      {With("desired_emotion", "joy"), false, "desired_emotion"},
      {With("length", kMinPlaylistLength), true, ""},
      {With("length", kMinPlaylistLength - 1), false, "length"},
      {With("length", kMaxPlaylistLength), true, ""},
      {With("length", kMaxPlaylistLength + 1), false, "length"},
      {WithOption("max_tracks_per_artist", 0), true, ""},
      {WithOption("max_tracks_per_artist", kMaxTracksPerArtistCap), true, ""},
      {WithOption("max_tracks_per_artist", kMaxTracksPerArtistCap + 1), false,
       "options.max_tracks_per_artist"},
      {WithOption("max_tracks_per_artist", 100), false, "options.max_tracks_per_artist"},
      {WithOption("max_tracks_per_artist", -1), false, "options.max_tracks_per_artist"},
      {WithOption("include_genres", genres_at_limit), true, ""},
      {WithOption("include_genres", genres_over), false, "options.include_genres"},
      {WithOption("exclude_genres", genres_over), false, "options.exclude_genres"},
      {WithOption("include_genres", {std::string(kMaxGenreNameChars, 'g')}), true, ""},
      {WithOption("include_genres", {std::string(kMaxGenreNameChars + 1, 'g')}), false,
       "options.include_genres"},
      {WithOption("exclude_genres", {""}), false, "options.exclude_genres"},
      {WithOption("seed", 18446744073709551615ULL), true, ""},
      {WithOption("seed", -1), false, "options.seed"},
      {WithOption("allow_explicit", "yes"), false, "options.allow_explicit"},
      {WithOption("colour", 1), false, "options.colour"},
      {With("mood", "x"), false, "mood"},
  };
}

TEST(MoodJobTest, GatewayAndWorkerAcceptAndRefuseTheSameThingsAtEveryLimit) {
  for (const auto& c : EdgeCases()) {
    const std::string body = c.body.dump();
    auto at_gateway = ParseMoodRequest(body);
    auto at_worker = ParseMoodJob("j1", "u1", AsPayload(c.body).dump());
    EXPECT_EQ(at_gateway.ok(), c.accepted) << body;
    EXPECT_EQ(at_worker.ok(), c.accepted) << body;
    if (!c.accepted) {
      if (!at_gateway.ok()) {
        EXPECT_THAT(at_gateway.error().message, HasSubstr("\"" + c.field + "\"")) << body;
      }
      if (!at_worker.ok()) {
        EXPECT_EQ(at_worker.error().code, platform::ErrorCode::kInvalidArgument);
      }
    }
  }
}

TEST(MoodJobTest, EveryRequestTheGatewayAcceptsIsAJobTheWorkerRunsUnchanged) {
  for (const auto& c : EdgeCases()) {
    auto request = ParseMoodRequest(c.body.dump());
    if (!request.ok()) continue;
    auto job = ParseMoodJob("j1", "u1", MoodJobPayload(*request, "req-9"));
    ASSERT_TRUE(job.ok()) << c.body.dump() << ": " << job.error().message;
    EXPECT_EQ(job->text, request->text);
    EXPECT_EQ(job->desired_emotion, request->desired_emotion);
    EXPECT_EQ(job->length, request->length);
    EXPECT_EQ(job->options.include_genres, request->options.include_genres);
    EXPECT_EQ(job->options.exclude_genres, request->options.exclude_genres);
    EXPECT_EQ(job->options.max_tracks_per_artist, request->options.max_tracks_per_artist);
    EXPECT_EQ(job->options.allow_explicit, request->options.allow_explicit);
    EXPECT_EQ(job->options.seed, request->options.seed);
    EXPECT_EQ(job->request_id, "req-9");
    EXPECT_EQ(job->job_id, "j1");
    EXPECT_EQ(job->user_id, "u1");
  }
}

TEST(MoodJobTest, TheReportedBugAPerArtistCapOf100IsRefusedAtSubmission) {
  auto r = ParseMoodRequest(WithOption("max_tracks_per_artist", 100).dump());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "field \"options.max_tracks_per_artist\" must be an integer from 0 to 50");
}

TEST(MoodJobTest, PayloadSpellsOutEveryOptionWithDefaults) {
  auto r = ParseMoodRequest(Base().dump());
  ASSERT_TRUE(r.ok());
  json p = json::parse(MoodJobPayload(*r, "req-1"));
  EXPECT_EQ(p["text"], "rainy monday");
  EXPECT_EQ(p["length"], kDefaultPlaylistLength);
  EXPECT_EQ(p["options"], json({{"include_genres", json::array()},
                                {"exclude_genres", json::array()},
                                {"max_tracks_per_artist", 0},
                                {"allow_explicit", true},
                                {"seed", 0}}));
}

TEST(MoodJobTest, WorkerRefusesAJobWithoutOwnerOrWithAPayloadThatIsNotJson) {
  EXPECT_FALSE(ParseMoodJob("j", "", Base().dump()).ok());
  auto not_json = ParseMoodJob("j", "u", "{");
  ASSERT_FALSE(not_json.ok());
  EXPECT_THAT(not_json.error().message, HasSubstr("mood job:"));
}

// The error message of parsing `body` at the gateway, "" when it parses.
std::string MoodError(const std::string& body) {
  auto r = ParseMoodRequest(body);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, platform::ErrorCode::kInvalidArgument);
  return r.error().message;
}

TEST(MoodRequestTest, ParsesMinimalRequestWithDefaults) {
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

TEST(MoodRequestTest, ParsesEveryField) {
  json j = Base();
  j["length"] = 50;
  j["options"] = {{"include_genres", {"jazz", " soul "}},
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

TEST(MoodRequestTest, AcceptsEveryEmotionNullOptionsAndCharactersNotBytes) {
  for (const char* e : {"anger", "boredom", "empty", "enthusiasm", "fun", "happiness", "hate",
                        "love", "neutral", "relief", "sadness", "surprise", "worry"}) {
    EXPECT_EQ(MoodError(With("desired_emotion", e).dump()), "") << e;
  }
  // 2000 characters, not bytes: "\u00e9" is two bytes.
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(MoodError(With("text", accents).dump()), "");
  // null is "not given" for optional fields.
  EXPECT_EQ(MoodError(WithOption("exclude_genres", nullptr).dump()), "");
  EXPECT_EQ(MoodError(With("options", nullptr).dump()), "");
}

TEST(MoodRequestTest, RefusesBodiesThatAreNotUtf8JsonObjects) {
  EXPECT_THAT(MoodError(""), HasSubstr("empty"));
  EXPECT_THAT(MoodError("{"), HasSubstr("not valid JSON"));
  EXPECT_THAT(MoodError("[1]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(MoodError("\"x\""), HasSubstr("must be a JSON object"));
  EXPECT_THAT(MoodError("{\"text\": \"a\xff\"}"), HasSubstr("field \"text\" is not valid UTF-8"));
}

TEST(MoodRequestTest, EveryFieldErrorNamesTheField) {
  struct FieldCase {
    json body;
    std::string needle;
  };
  json no_text = Base();
  no_text.erase("text");
  json no_emotion = Base();
  no_emotion.erase("desired_emotion");
  const std::string u64 = "18446744073709551615";
  std::vector<FieldCase> cases = {
      {no_text, "field \"text\" is required"},
      {no_emotion, "field \"desired_emotion\" is required"},
      {With("text", 5), "field \"text\" must be a string, not a number"},
      {With("text", nullptr), "field \"text\" must be a string, not null"},
      {With("text", "   \t\n"), "field \"text\" must not be empty"},
      {With("text", std::string(2001, 'a')), "field \"text\" is longer than 2000 characters"},
      {With("desired_emotion", "joy"), "field \"desired_emotion\" must be one of: anger"},
      {With("desired_emotion", "Happiness"), "field \"desired_emotion\" must be one of"},
      {With("desired_emotion", true), "field \"desired_emotion\" must be a string"},
      {With("length", 2), "field \"length\" must be an integer from 3 to 50"},
      {With("length", 51), "field \"length\" must be an integer from 3 to 50"},
      {With("length", -1), "field \"length\" must be an integer from 3 to 50"},
      {With("length", 12.5), "field \"length\" must be an integer, not a number"},
      {With("length", "12"), "field \"length\" must be an integer, not a string"},
      {With("length", 18446744073709551615ULL), "field \"length\" must be an integer from 3"},
      {With("mood", "x"), "unknown field \"mood\""},
      {With("options", "x"), "field \"options\" must be an object, not a string"},
      {With("options", json::array()), "field \"options\" must be an object, not an array"},
      {WithOption("colour", 1), "unknown field \"options.colour\""},
      {WithOption("include_genres", "jazz"),
       "field \"options.include_genres\" must be an array of strings, not a string"},
      {WithOption("include_genres", {"jazz", 1}), "element 1 must be a string, not a number"},
      {WithOption("exclude_genres", {""}),
       "field \"options.exclude_genres\" element 0 must not be empty"},
      {WithOption("max_tracks_per_artist", -1),
       "field \"options.max_tracks_per_artist\" must be an integer from 0 to 50"},
      {WithOption("max_tracks_per_artist", 1.5),
       "field \"options.max_tracks_per_artist\" must be an integer, not a number"},
      {WithOption("max_tracks_per_artist", 4294967296LL),
       "field \"options.max_tracks_per_artist\" must be an integer from 0 to 50"},
      {WithOption("allow_explicit", "yes"),
       "field \"options.allow_explicit\" must be true or false, not a string"},
      {WithOption("allow_explicit", 1), "field \"options.allow_explicit\" must be true or false"},
      {WithOption("seed", -5), "field \"options.seed\" must be an integer from 0 to " + u64},
      {WithOption("seed", "7"),
       "field \"options.seed\" must be an integer from 0 to " + u64 + ", not a string"},
      {WithOption("seed", 1.0),
       "field \"options.seed\" must be an integer from 0 to " + u64 + ", not a number"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(MoodError(c.body.dump()), HasSubstr(c.needle)) << c.body.dump();
  }
}

}  // namespace
}  // namespace moodtape::worker
