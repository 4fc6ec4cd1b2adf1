// Everything the CLI prints, as pure functions of the gateway's JSON: job events (one line per
// stage), the final mood result, history pages, albums, genres, dead letters and error texts.
// They never throw on an unexpected shape (a missing or mistyped field prints as "?"), so a
// gateway that grows new fields or sends a bad one cannot crash the client.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace moodtape::cli {

inline constexpr const char* kLoginExpiredText = "your login expired: run moodtape login";
inline constexpr const char* kNotLoggedInText = "not logged in: run moodtape login";

// "cannot reach the gateway at URL: is moodtape running? (make run)"
std::string CannotReachText(const std::string& gateway);

// A non-2xx answer: the gateway's message, its code and status, the request id (from the body,
// else the X-Request-Id header) and, for 429/503, when to try again.
std::string GatewayErrorText(int status, const std::string& body, const std::string& request_id,
                             const std::string& retry_after);

// A job error as the gateway reports it: a string, or {"code","message"}.
std::string JobErrorText(const nlohmann::json& error);

bool IsFinalState(const std::string& state);

// "(valence +0.60, arousal -0.40)"
std::string FormatPoint(const nlohmann::json& point);
// "2024-05-01 12:00:03 UTC"; "?" for 0 or a non-number.
std::string FormatTimeMs(const nlohmann::json& unix_ms);

// One line for a WebSocket "snapshot" or "event" message ("" for anything else).
std::string RenderEventLine(const nlohmann::json& message);

// The final result of a mood job ({"emotion","playlist","history_id"}), several lines.
std::string RenderResult(const nlohmann::json& result);

std::string RenderHistory(const nlohmann::json& page);
std::string RenderDeadLetters(const nlohmann::json& page);
std::string RenderDeadLetter(const nlohmann::json& item);

// "812 bytes", "48.3 kB", "3.1 MB" (powers of 1000).
std::string FormatBytes(uint64_t bytes);

// "3:12" (minutes:seconds, rounded); "1:02:03" from an hour; "?" for a non-number.
std::string FormatDuration(const nlohmann::json& seconds);

// An album: its title, id, genre, theme, cover description, seed, creation time and one line per
// song (number, title, length, key, tempo). `with_lyrics` adds each song's lyrics under it.
// Takes a job's result (album_id, songs[].assets) as well as GET /api/v1/albums/{id} (id).
std::string RenderAlbum(const nlohmann::json& album, bool with_lyrics);

// GET /api/v1/albums: one row per album (created, id, songs, length, genre, title).
std::string RenderAlbums(const nlohmann::json& page);

// GET /api/v1/genres: one row per genre (id, name, tempo range, description).
std::string RenderGenres(const nlohmann::json& answer);

// Follows one job's WebSocket messages: dedupes by seq, turns each into a line, gathers the
// stage data and decides when the job is over. No I/O, so the protocol is unit tested.
class JobWatch {
 public:
  explicit JobWatch(std::string job_id) : job_id_(std::move(job_id)) {}

  struct Step {
    std::vector<std::string> lines;  // to print, in order
    bool done = false;
    bool succeeded = false;
    // Succeeded but neither the message nor the events carried the result: GET the job.
    bool fetch_result = false;
    nlohmann::json result;  // when succeeded and !fetch_result
    std::string error;      // when done and !succeeded
  };

  Step OnMessage(const std::string& text);

 private:
  Step Finish(const std::string& state, const nlohmann::json& result, const nlohmann::json& error);

  std::string job_id_;
  int64_t last_seq_ = -1;
  nlohmann::json emotion_;
  nlohmann::json playlist_;
  nlohmann::json history_id_;
};

}  // namespace moodtape::cli
