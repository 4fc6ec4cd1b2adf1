#include "tools/cli/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/sample_album.h"
#include "tests/cli/sample_job.h"

namespace moodtape::cli {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

json Event(int seq, const std::string& stage, const std::string& state,
           json data = json::object()) {
  return {{"type", "event"}, {"job_id", "j1"}, {"seq", seq},
          {"stage", stage},  {"state", state}, {"data", std::move(data)}};
}

TEST(RenderTest, GatewayErrorShowsMessageCodeAndRequestId) {
  std::string body =
      R"({"error":{"code":"invalid_argument","message":"field \"text\" is empty","request_id":"rq-1"}})";
  EXPECT_EQ(GatewayErrorText(400, body, "hdr", ""),
            "field \"text\" is empty (HTTP 400 invalid_argument) [request id rq-1]");
  std::string busy = R"({"error":{"code":"resource_exhausted","message":"slow down"}})";
  EXPECT_EQ(GatewayErrorText(429, busy, "rq-2", "7"),
            "slow down (HTTP 429 resource_exhausted); try again in 7 s [request id rq-2]");
  EXPECT_EQ(GatewayErrorText(502, "<html>", "rq-3", ""),
            "the gateway answered HTTP 502 [request id rq-3]");
  EXPECT_EQ(CannotReachText("http://127.0.0.1:1"),
            "cannot reach the gateway at http://127.0.0.1:1: is moodtape running? (make run)");
}

TEST(RenderTest, JobErrorsAsStringOrObject) {
  EXPECT_EQ(JobErrorText("boom"), "boom");
  EXPECT_EQ(JobErrorText({{"code", "unavailable"}, {"message", "emotion is down"}}),
            "emotion is down (unavailable)");
  EXPECT_EQ(JobErrorText(nullptr), "unknown error");
}

TEST(RenderTest, EventLines) {
  EXPECT_EQ(RenderEventLine(Event(3, "emotion", "running", samples::SampleEmotion())),
            "emotion found: sad 82.0% (valence -0.60, arousal -0.40)");
  EXPECT_EQ(RenderEventLine(Event(4, "playlist", "running", samples::SamplePlaylist())),
            "playlist planned: 3 tracks from (valence -0.60, arousal -0.40) to (valence +0.70, "
            "arousal +0.50)");
  EXPECT_EQ(RenderEventLine(Event(5, "saved", "running", {{"history_id", "h-42"}})),
            "saved to history (h-42)");
  EXPECT_EQ(RenderEventLine(Event(6, "retrying", "retrying", {{"error", "emotion timed out"}})),
            "retrying: emotion timed out");
  EXPECT_EQ(RenderEventLine({{"type", "snapshot"}, {"job_id", "j1"}, {"state", "queued"}}),
            "job j1: queued");
}

TEST(RenderTest, ResultHasEmotionPointsAndWhyEachTrack) {
  std::string text = RenderResult(samples::SampleResult());
  EXPECT_THAT(text, HasSubstr("Emotion: sad (valence -0.60, arousal -0.40)"));
  EXPECT_THAT(text, HasSubstr("most likely: sad 82.0%, calm 10.0%, happy 5.0%"));
  EXPECT_THAT(text, Not(HasSubstr("angry")));
  EXPECT_THAT(text, HasSubstr("From (valence -0.60, arousal -0.40) to (valence +0.70"));
  EXPECT_THAT(text, HasSubstr(" 1. Grey Morning — Low Tide  [ambient, 92 bpm] (valence -0.50"));
  EXPECT_THAT(text, HasSubstr("why: closest to waypoint 0 (valence -0.45, arousal -0.30), "
                              "distance 0.050"));
  EXPECT_THAT(text, HasSubstr(" 3. Sunward — The Kites"));
  EXPECT_THAT(text, HasSubstr("Saved to history as h-42."));
}

TEST(RenderTest, OddShapesNeverThrow) {
  EXPECT_NO_THROW(RenderResult(json::array()));
  EXPECT_NO_THROW(RenderResult({{"emotion", 3}, {"playlist", {{"tracks", "x"}}}}));
  EXPECT_NO_THROW(RenderHistory({{"items", {1, "x", {{"playlist", 2}}}}}));
  EXPECT_NO_THROW(RenderDeadLetters({{"items", {{{"attempts", "three"}}}}}));
  EXPECT_NO_THROW(RenderDeadLetter(nullptr));
  EXPECT_THAT(RenderResult({{"emotion", {{"emotion", 5}}}}), HasSubstr("Emotion: 5"));
}

TEST(RenderTest, HistoryAndDeadLetters) {
  json page = {{"items",
                {{{"job_id", "j1"},
                  {"text", "exhausted"},
                  {"desired_emotion", "calm"},
                  {"predicted_emotion", "sad"},
                  {"start", {{"valence", -0.6}, {"arousal", -0.4}}},
                  {"target", {{"valence", 0.3}, {"arousal", -0.5}}},
                  {"playlist", {samples::SampleTrack(1, "Grey Morning", "Low Tide", -0.5, -0.3)}},
                  {"created_at_ms", 1714564800000}}}},
               {"next_cursor", "c2"}};
  std::string text = RenderHistory(page);
  EXPECT_THAT(text, HasSubstr("2024-05-01 12:00:00 UTC  j1"));
  EXPECT_THAT(text, HasSubstr("felt sad (valence -0.60, arousal -0.40), wanted calm"));
  EXPECT_THAT(text, HasSubstr("1. Grey Morning — Low Tide"));
  EXPECT_THAT(text, HasSubstr("moodtape history --cursor c2"));
  EXPECT_EQ(RenderHistory({{"items", json::array()}, {"next_cursor", nullptr}}), "No moods yet.\n");

  json letter = {{"job_id", "j9"},
                 {"type", "mood"},
                 {"owner", "u1"},
                 {"error", "emotion unavailable"},
                 {"error_code", "unavailable"},
                 {"state", "dead"},
                 {"attempts", 3},
                 {"history", {"attempt 1: timeout"}},
                 {"payload", {{"text", "x"}}},
                 {"enqueued_at_ms", 1714564800000},
                 {"failed_at_ms", 1714564805000}};
  std::string list = RenderDeadLetters({{"items", {letter}}, {"next_cursor", "n"}});
  EXPECT_THAT(list, HasSubstr("j9  mood  owner u1  failed 2024-05-01 12:00:05 UTC  after 3 "
                              "attempts"));
  EXPECT_THAT(list, HasSubstr("unavailable: emotion unavailable"));
  EXPECT_THAT(list, HasSubstr("dlq list --cursor n"));
  std::string one = RenderDeadLetter(letter);
  EXPECT_THAT(one, HasSubstr("attempt 1: timeout"));
  EXPECT_THAT(one, HasSubstr("payload:   {\"text\":\"x\"}"));
  EXPECT_THAT(one, HasSubstr("moodtape admin dlq replay j9"));
}

TEST(RenderTest, AlbumStageLines) {
  auto stages = samples::SampleAlbumStages();
  EXPECT_EQ(RenderEventLine(Event(3, "song_written", "running", stages[0].second)),
            "song 1 written: Iron Sky (E minor, 140 bpm)");
  json by_model = stages[1].second;
  by_model["lyrics_by"] = "openai:gpt-4o-mini";
  EXPECT_EQ(RenderEventLine(Event(4, "song_written", "running", by_model)),
            "song 2 written: Ember Crown! (A minor, 150 bpm, lyrics by openai:gpt-4o-mini)");
  EXPECT_EQ(RenderEventLine(Event(6, "song_rendered", "running", stages[3].second)),
            "song 1 rendered (3:12, -14.0 LUFS)");
  EXPECT_EQ(RenderEventLine(Event(7, "song_rendered", "running", stages[4].second)),
            "song 2 rendered (3:05)");
  EXPECT_EQ(RenderEventLine(Event(9, "cover", "running", samples::SampleCover())),
            "cover drawn (dragon, fire)");
  EXPECT_EQ(RenderEventLine(Event(9, "cover", "running", {{"designed_by", "sdxl"}})),
            "cover drawn by sdxl");
  EXPECT_EQ(RenderEventLine(Event(10, "saved", "running", {{"album_id", "alb-1"}})),
            "saved album alb-1");
  // A mood's "saved" is unchanged.
  EXPECT_EQ(RenderEventLine(Event(5, "saved", "running", {{"history_id", "h-42"}})),
            "saved to history (h-42)");
  // A song without an index still gets a line.
  EXPECT_EQ(RenderEventLine(Event(3, "song_written", "running", {{"title", "X"}})),
            "song ? written: X (?, ? bpm)");
}

TEST(RenderTest, DurationsAndSizes) {
  EXPECT_EQ(FormatDuration(191.6), "3:12");
  EXPECT_EQ(FormatDuration(59.4), "0:59");
  EXPECT_EQ(FormatDuration(0), "0:00");
  EXPECT_EQ(FormatDuration(3723), "1:02:03");
  EXPECT_EQ(FormatDuration("3:12"), "?");
  EXPECT_EQ(FormatDuration(-1), "?");
  EXPECT_EQ(FormatBytes(1), "1 byte");
  EXPECT_EQ(FormatBytes(812), "812 bytes");
  EXPECT_EQ(FormatBytes(48300), "48.3 kB");
  EXPECT_EQ(FormatBytes(3100000), "3.1 MB");
}

TEST(RenderTest, AlbumWithAndWithoutLyrics) {
  std::string summary = RenderAlbum(samples::SampleAlbumResult(), /*with_lyrics=*/false);
  EXPECT_EQ(summary,
            "Iron Sky\n"
            "  album:    alb-1\n"
            "  genre:    heavy-metal\n"
            "  theme:    dragons and fire\n"
            "  cover:    a red dragon over a burning city\n"
            "  seed:     7\n"
            "  3 songs, 9:40\n"
            "\n"
            "  1.  Iron Sky       3:12  E minor, 140 bpm\n"
            "  2.  Ember Crown!   3:05  A minor, 150 bpm\n"
            "  3.  Ashes & Wings  3:23  D minor, 132 bpm\n");
  std::string shown = RenderAlbum(samples::SampleStoredAlbum(), /*with_lyrics=*/true);
  EXPECT_THAT(shown, HasSubstr("  album:    alb-1\n"));
  EXPECT_THAT(shown, HasSubstr("  created:  2024-05-01 12:00:00 UTC\n"));
  EXPECT_THAT(shown, HasSubstr("  1.  Iron Sky       3:12  E minor, 140 bpm\n"
                               "\n"
                               "      [Verse 1]\n"
                               "      Steel wings over the burning town\n"
                               "      No one left to bring them down\n"
                               "\n"
                               "      [Chorus]\n"
                               "      Iron sky, iron sky\n"
                               "\n"
                               "  2.  Ember Crown!"));
  EXPECT_THAT(shown, HasSubstr("      Ashes fall\n"));
}

TEST(RenderTest, AlbumsTable) {
  json page = {{"items", {samples::SampleStoredAlbum(false)}}, {"next_cursor", "c2"}};
  EXPECT_EQ(RenderAlbums(page),
            "CREATED                  ALBUM  SONGS  LENGTH  GENRE        TITLE\n"
            "2024-05-01 12:00:00 UTC  alb-1      3    9:40  heavy-metal  Iron Sky\n"
            "More: moodtape albums --cursor c2\n");
  EXPECT_EQ(RenderAlbums({{"items", json::array()}, {"next_cursor", ""}}), "No albums yet.\n");
}

TEST(RenderTest, GenresTable) {
  json answer = {{"genres",
                  {{{"id", "heavy-metal"},
                    {"name", "Heavy metal"},
                    {"description", "distorted guitars, double kick"},
                    {"min_tempo_bpm", 100},
                    {"max_tempo_bpm", 180}},
                   {{"id", "disco-polo"},
                    {"name", "Disco polo"},
                    {"description", "synths and a wedding"},
                    {"min_tempo_bpm", 120.0},
                    {"max_tempo_bpm", 140.0}}}}};
  EXPECT_EQ(RenderGenres(answer),
            "GENRE        NAME               TEMPO  ABOUT\n"
            "heavy-metal  Heavy metal  100-180 bpm  distorted guitars, double kick\n"
            "disco-polo   Disco polo   120-140 bpm  synths and a wedding\n"
            "Make an album: moodtape album --genre GENRE --songs N --theme \"what it is about\"\n");
  EXPECT_EQ(RenderGenres(json::object()), "The gateway knows no genres.\n");
}

TEST(RenderTest, OddAlbumShapesNeverThrow) {
  EXPECT_NO_THROW(RenderAlbum(nullptr, true));
  EXPECT_NO_THROW(RenderAlbum({{"songs", {1, "x", {{"lyrics", 5}}}}}, true));
  EXPECT_NO_THROW(RenderAlbums({{"items", {1, {{"songs", "x"}}}}}));
  EXPECT_NO_THROW(RenderGenres({{"genres", {1, nullptr}}}));
  EXPECT_NO_THROW(RenderEventLine(Event(1, "cover", "running", {{"motifs", {1, nullptr}}})));
  EXPECT_THAT(RenderAlbum({{"seed", 18446744073709551615ULL}}, false),
              HasSubstr("seed:     18446744073709551615"));
}

TEST(JobWatchTest, AlbumEventsEndWithTheAlbum) {
  JobWatch watch("j1");
  std::vector<std::string> lines;
  int seq = 1;
  auto feed = [&](const json& m) {
    auto step = watch.OnMessage(m.dump());
    lines.insert(lines.end(), step.lines.begin(), step.lines.end());
    return step;
  };
  feed(Event(seq++, "running", "running", {{"attempt", 1}}));
  for (const auto& [stage, data] : samples::SampleAlbumStages()) {
    EXPECT_FALSE(feed(Event(seq++, stage, "running", data)).done) << stage;
  }
  auto last =
      feed(Event(seq++, "succeeded", "succeeded", {{"result", samples::SampleAlbumResult()}}));
  ASSERT_TRUE(last.done);
  EXPECT_TRUE(last.succeeded);
  EXPECT_FALSE(last.fetch_result);
  EXPECT_EQ(last.result, samples::SampleAlbumResult());
  EXPECT_THAT(lines,
              ElementsAre("running (attempt 1)", "song 1 written: Iron Sky (E minor, 140 bpm)",
                          "song 2 written: Ember Crown! (A minor, 150 bpm)",
                          "song 3 written: Ashes & Wings (D minor, 132 bpm)",
                          "song 1 rendered (3:12, -14.0 LUFS)", "song 2 rendered (3:05)",
                          "song 3 rendered (3:23)", "cover drawn (dragon, fire)",
                          "saved album alb-1", "succeeded"));

  // Without a result on the final event the album is fetched from the job.
  JobWatch bare("j1");
  auto step = bare.OnMessage(Event(2, "succeeded", "succeeded").dump());
  EXPECT_TRUE(step.done && step.succeeded && step.fetch_result);

  JobWatch failed("j1");
  step = failed.OnMessage(Event(5, "failed", "failed",
                                {{"error", {{"code", "unavailable"}, {"message", "no producer"}}}})
                              .dump());
  EXPECT_TRUE(step.done);
  EXPECT_FALSE(step.succeeded);
  EXPECT_EQ(step.error, "no producer (unavailable)");
}

TEST(JobWatchTest, FollowsEventsToTheEndAndBuildsTheResult) {
  JobWatch watch("j1");
  std::vector<std::string> lines;
  auto feed = [&](const json& m) {
    auto step = watch.OnMessage(m.dump());
    lines.insert(lines.end(), step.lines.begin(), step.lines.end());
    return step;
  };
  EXPECT_FALSE(feed({{"type", "snapshot"},
                     {"job_id", "j1"},
                     {"seq", 1},
                     {"state", "queued"},
                     {"stage", "queued"}})
                   .done);
  EXPECT_FALSE(feed(Event(1, "running", "running")).done);  // replayed: already seen
  EXPECT_FALSE(feed(Event(2, "running", "running")).done);
  EXPECT_FALSE(feed({{"type", "event"}, {"job_id", "other"}, {"seq", 3}}).done);
  EXPECT_FALSE(feed({{"type", "hello"}}).done);
  feed(Event(3, "emotion", "running", samples::SampleEmotion()));
  feed(Event(4, "playlist", "running", samples::SamplePlaylist()));
  feed(Event(5, "saved", "running", {{"history_id", "h-42"}}));
  auto last = feed(Event(6, "succeeded", "succeeded"));
  ASSERT_TRUE(last.done);
  EXPECT_TRUE(last.succeeded);
  EXPECT_FALSE(last.fetch_result);
  EXPECT_EQ(last.result, samples::SampleResult());
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "job j1: queued");
  EXPECT_EQ(lines[1], "running");
  EXPECT_THAT(lines[2], HasSubstr("emotion found"));
  EXPECT_THAT(lines[3], HasSubstr("playlist planned"));
  EXPECT_THAT(lines[4], HasSubstr("saved"));
  EXPECT_EQ(lines[5], "succeeded");
}

TEST(JobWatchTest, FinalSnapshotEndsAtOnce) {
  JobWatch done("j1");
  auto step = done.OnMessage(json{
      {"type", "snapshot"},
      {"job_id", "j1"},
      {"seq", 9},
      {"state", "succeeded"},
      {"stage", "succeeded"},
      {"result",
       samples::SampleResult()}}.dump());
  EXPECT_TRUE(step.done);
  EXPECT_TRUE(step.succeeded);
  EXPECT_EQ(step.result, samples::SampleResult());

  JobWatch no_result("j1");
  step = no_result.OnMessage(
      json{{"type", "snapshot"}, {"job_id", "j1"}, {"seq", 9}, {"state", "succeeded"}}.dump());
  EXPECT_TRUE(step.done && step.succeeded && step.fetch_result);

  JobWatch dead("j1");
  step = dead.OnMessage(json{{"type", "snapshot"},
                             {"job_id", "j1"},
                             {"seq", 9},
                             {"state", "dead"},
                             {"error", {{"code", "unavailable"}, {"message", "no emotion"}}}}
                            .dump());
  EXPECT_TRUE(step.done);
  EXPECT_FALSE(step.succeeded);
  EXPECT_EQ(step.error, "no emotion (unavailable) (dead-lettered)");
}

TEST(JobWatchTest, FailuresAndProtocolErrors) {
  JobWatch watch("j1");
  auto step = watch.OnMessage(Event(2, "failed", "failed", {{"error", "bad text"}}).dump());
  EXPECT_TRUE(step.done);
  EXPECT_FALSE(step.succeeded);
  EXPECT_EQ(step.error, "bad text");
  EXPECT_THAT(step.lines, ElementsAre("failed: bad text"));

  JobWatch err("j1");
  step = err.OnMessage(
      json{{"type", "error"}, {"code", "not_found"}, {"message", "no such job"}}.dump());
  EXPECT_TRUE(step.done);
  EXPECT_EQ(step.error, "no such job (not_found)");

  JobWatch junk("j1");
  EXPECT_TRUE(junk.OnMessage("not json").done);
}

}  // namespace
}  // namespace moodtape::cli
