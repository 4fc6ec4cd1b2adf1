#include "services/playlist/core/catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace moodtape::playlist {
namespace {

constexpr char kHeader[] =
    "track_id,track_name,track_artist,track_album_name,playlist_genre,danceability,energy,key,"
    "mode,valence,tempo,duration_ms\n";

TEST(CatalogCsvTest, ReadsRowsAndMapsThemIntoTheMoodPlane) {
  std::istringstream in(std::string(kHeader) +
                        "a1,Song,Band,Album,rock,0.5,0.75,7,1,0.25,128.5,200000\n");
  auto r = ReadCatalogCsv(in, "test");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->tracks.size(), 1u);
  const CatalogTrack& t = r->tracks[0];
  EXPECT_EQ(t.id, "a1");
  EXPECT_EQ(t.title, "Song");
  EXPECT_EQ(t.artist, "Band");
  EXPECT_EQ(t.album, "Album");
  EXPECT_EQ(t.genre, "rock");
  EXPECT_EQ(t.key, 7);
  EXPECT_EQ(t.mode, 1);
  EXPECT_DOUBLE_EQ(t.tempo, 128.5);
  EXPECT_EQ(t.duration_ms, 200000);
  EXPECT_EQ(t.explicit_flag, ExplicitFlag::kUnknown);
  EXPECT_EQ(t.source, "test");
  EXPECT_DOUBLE_EQ(t.Point().x, -0.5);  // 2 * 0.25 - 1
  EXPECT_DOUBLE_EQ(t.Point().y, 0.5);   // 2 * 0.75 - 1
  EXPECT_EQ(r->report.rows, 1u);
  EXPECT_EQ(r->report.accepted, 1u);
}

TEST(CatalogCsvTest, DropsAndCountsBadRowsWithLineNumbers) {
  const std::string csv =
      std::string(kHeader) +
      "a1,Song,Band,Album,rock,0.5,0.5,0,1,0.5,120,1000\n"   // line 2 ok
      "a1,Again,Band,Album,rock,0.5,0.5,0,1,0.5,120,1000\n"  // 3 duplicate
      "b1,NA,Band,Album,rock,0.5,0.5,0,1,0.5,120,1000\n"     // 4 no title
      "b2,Song,,Album,rock,0.5,0.5,0,1,0.5,120,1000\n"       // 5 no artist
      "b3,Song,Band,Album,rock,0.5,0.5,0,1,0.5,0,1000\n"     // 6 zero tempo
      "b4,Song,Band,Album,rock,0.5,loud,0,1,0.5,120,1000\n"  // 7 bad energy
      "b5,Song,Band,Album,rock,0.5,0.5,0,1\n"                // 8 short
      "\"c1\",\"Hello, \"\"World\"\"\",Band,\"Two\nLines\",pop,0.5,0.5,0,0,0.5,90,1000\r\n"  // 9-10
      "\n"                                                  // 11 blank
      "b6,Song,Band,Album,rock,0.5,0.5,0,1,1.5,120,1000\n"  // 12 valence
      "d1,Song,Band,Album,rock,NA,0.5,NA,NA,0.5,100,NA\n";  // 13 ok
  std::istringstream in(csv);
  auto r = ReadCatalogCsv(in, "test");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->tracks.size(), 3u);
  EXPECT_EQ(r->tracks[0].title, "Song");  // the first a1 wins
  EXPECT_EQ(r->tracks[1].title, "Hello, \"World\"");
  EXPECT_EQ(r->tracks[1].album, "Two\nLines");
  EXPECT_EQ(r->tracks[1].duration_ms, 1000);  // the \r before the newline is not part of the field
  EXPECT_EQ(r->tracks[2].key, -1);
  EXPECT_EQ(r->tracks[2].mode, -1);

  const ImportReport& rep = r->report;
  EXPECT_EQ(rep.rows, 10u);  // the quoted two-line record is one row
  EXPECT_EQ(rep.accepted, 3u);
  EXPECT_EQ(rep.RejectedTotal(), 7u);
  EXPECT_EQ(rep.rejected.at("duplicate_id"), 1u);
  EXPECT_EQ(rep.rejected.at("missing_title"), 1u);
  EXPECT_EQ(rep.rejected.at("missing_artist"), 1u);
  EXPECT_EQ(rep.rejected.at("zero_tempo"), 1u);
  EXPECT_EQ(rep.rejected.at("malformed"), 3u);
  ASSERT_EQ(rep.problems.size(), 3u);
  EXPECT_EQ(rep.problems[0].line, 7u);
  EXPECT_EQ(rep.problems[0].reason, "bad energy \"loud\"");
  EXPECT_EQ(rep.problems[1].line, 8u);
  EXPECT_EQ(rep.problems[1].reason, "expected 12 fields, got 9");
  EXPECT_EQ(rep.problems[2].line, 12u);
  EXPECT_EQ(rep.problems[2].reason, "valence outside [0, 1]");
}

TEST(CatalogCsvTest, UnterminatedQuoteIsMalformed) {
  std::istringstream in(std::string(kHeader) +
                        "a1,\"Song,Band,Album,rock,0.5,0.5,0,1,0.5,120,1000\n");
  auto r = ReadCatalogCsv(in, "test");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->report.rejected.at("malformed"), 1u);
  ASSERT_EQ(r->report.problems.size(), 1u);
  EXPECT_EQ(r->report.problems[0].line, 2u);
  EXPECT_EQ(r->report.problems[0].reason, "unterminated quoted field");
}

TEST(CatalogCsvTest, HeaderWithoutARequiredColumnIsRefused) {
  std::istringstream in("track_id,track_name,track_artist,valence,energy\n");
  auto r = ReadCatalogCsv(in, "test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, platform::ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("\"tempo\""), std::string::npos);
  std::istringstream empty("");
  EXPECT_FALSE(ReadCatalogCsv(empty, "test").ok());
}

TEST(CatalogCsvTest, ReadsTheDefaultCatalogue) {
  std::ifstream in(std::string(MOODTAPE_SOURCE_DIR) + "/data/spotify_songs/spotify_songs.csv");
  ASSERT_TRUE(in.good());
  auto r = ReadCatalogCsv(in, "spotify_songs");
  ASSERT_TRUE(r.ok());
  // Figures from data/spotify_songs/README.md: 32,833 rows, 28,356 distinct ids, 5 NA names.
  EXPECT_EQ(r->report.rows, 32833u);
  EXPECT_EQ(r->report.accepted, 28351u);
  EXPECT_EQ(r->report.rejected.at("duplicate_id"), 4476u);
  EXPECT_EQ(r->report.rejected.at("missing_title"), 5u);
  EXPECT_EQ(r->report.rejected.at("zero_tempo"), 1u);
  EXPECT_FALSE(r->report.rejected.contains("malformed"));
}

TEST(CatalogJsonLinesTest, ReadsTracksAndReportsBadLines) {
  std::istringstream in(
      R"({"id":"a","title":"A","artist":"X","genre":"pop","tempo":100,"valence":0.5,"energy":1,"key":2,"mode":0,"explicit":true})"
      "\n"
      "\n"           // 2 blank
      "{not json\n"  // 3
      "[1,2]\n"      // 4
      R"({"id":"b","title":"B","artist":"X","valence":0.5,"energy":0.5})"
      "\n"  // 5 no tempo
      R"({"id":"c","title":"C","artist":"X","tempo":"fast","valence":0.5,"energy":0.5})"
      "\n"  // 6
      R"({"id":"a","title":"A2","artist":"X","tempo":100,"valence":0.5,"energy":0.5})"
      "\n"  // 7 dup
      R"({"id":"d","title":"","artist":"X","tempo":100,"valence":0.5,"energy":0.5})"
      "\n"  // 8
      R"({"id":"e","title":"E","artist":"Y","tempo":0,"valence":0.5,"energy":0.5})"
      "\n"  // 9
      R"({"id":"f","title":"F","artist":"Y","tempo":90,"valence":0.1,"energy":0.2,"explicit":false})"
      "\n");
  const ImportResult r = ReadCatalogJsonLines(in, "upload");
  ASSERT_EQ(r.tracks.size(), 2u);
  EXPECT_EQ(r.tracks[0].id, "a");
  EXPECT_EQ(r.tracks[0].title, "A");
  EXPECT_EQ(r.tracks[0].explicit_flag, ExplicitFlag::kExplicit);
  EXPECT_EQ(r.tracks[0].key, 2);
  EXPECT_EQ(r.tracks[0].mode, 0);
  EXPECT_DOUBLE_EQ(r.tracks[0].Point().y, 1.0);
  EXPECT_EQ(r.tracks[1].explicit_flag, ExplicitFlag::kClean);
  EXPECT_EQ(r.tracks[1].source, "upload");
  EXPECT_EQ(r.report.rows, 9u);
  EXPECT_EQ(r.report.accepted, 2u);
  EXPECT_EQ(r.report.rejected.at("malformed"), 4u);
  EXPECT_EQ(r.report.rejected.at("duplicate_id"), 1u);
  EXPECT_EQ(r.report.rejected.at("missing_title"), 1u);
  EXPECT_EQ(r.report.rejected.at("zero_tempo"), 1u);
  ASSERT_EQ(r.report.problems.size(), 4u);
  EXPECT_EQ(r.report.problems[0].line, 3u);
  EXPECT_EQ(r.report.problems[0].reason, "not valid JSON");
  EXPECT_EQ(r.report.problems[1].line, 4u);
  EXPECT_EQ(r.report.problems[1].reason, "not a JSON object");
  EXPECT_EQ(r.report.problems[2].line, 5u);
  EXPECT_EQ(r.report.problems[2].reason, "missing tempo");
  EXPECT_EQ(r.report.problems[3].line, 6u);
  EXPECT_EQ(r.report.problems[3].reason, "tempo is not a number");
}

}  // namespace
}  // namespace moodtape::playlist
