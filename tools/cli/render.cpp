#include "tools/cli/render.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "tools/cli/album_files.h"

namespace moodtape::cli {
namespace {

using nlohmann::json;

const json& Get(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string Str(const json& j, const char* key, const std::string& fallback = "?") {
  const json& v = Get(j, key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return std::to_string(v.get<double>());
  return fallback;
}

std::string Fixed(double v, int decimals, bool sign = false) {
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

std::string Num(const json& j, const char* key, int decimals, bool sign = false) {
  const json& v = Get(j, key);
  return v.is_number() ? Fixed(v.get<double>(), decimals, sign) : "?";
}

std::string Percent(const json& v) {
  return v.is_number() ? Fixed(v.get<double>() * 100.0, 1) + "%" : "?";
}

bool Cached(const json& data) {
  const json& v = Get(data, "cached");
  return v.is_boolean() && v.get<bool>();
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

const json& Array(const json& j, const char* key) {
  static const json kEmpty = json::array();
  const json& v = Get(j, key);
  return v.is_array() ? v : kEmpty;
}

// "sad 82.0%, calm 10.0%, angry 3.0%": the `n` most likely emotions.
std::string TopProbabilities(const json& emotion, size_t n) {
  std::vector<std::pair<double, std::string>> probs;
  for (const json& p : Array(emotion, "probabilities")) {
    const json& v = Get(p, "probability");
    probs.emplace_back(v.is_number() ? v.get<double>() : 0.0, Str(p, "emotion"));
  }
  std::stable_sort(probs.begin(), probs.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out;
  for (size_t i = 0; i < probs.size() && i < n; ++i) {
    if (i) out += ", ";
    out += probs[i].second + " " + Fixed(probs[i].first * 100.0, 1) + "%";
  }
  return out;
}

std::string EmotionLine(const json& data) {
  std::string line = "emotion found: " + Str(data, "emotion");
  const json& probs = Array(data, "probabilities");
  for (const json& p : probs) {
    if (Str(p, "emotion") == Str(data, "emotion")) line += " " + Percent(Get(p, "probability"));
  }
  line += " " + FormatPoint(data);
  if (Cached(data)) line += " [cached]";
  return line;
}

std::string PlaylistLine(const json& data) {
  std::string line =
      "playlist planned: " + Plural(Array(data, "tracks").size(), "track", "tracks") + " from " +
      FormatPoint(Get(data, "start")) + " to " + FormatPoint(Get(data, "target"));
  if (Cached(data)) line += " [cached]";
  return line;
}

std::string TrackLine(const json& track) {
  std::string line = Str(track, "title") + " — " + Str(track, "artist");
  std::string genre = Str(track, "genre", "");
  std::string tempo = Num(track, "tempo_bpm", 0);
  line += "  [" + (genre.empty() ? std::string("?") : genre) + ", " + tempo + " bpm]";
  return line;
}

// Display width in code points, so accented titles line up (wide CJK glyphs still will not).
size_t Width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Rows as columns two spaces apart; the last column is never padded.
std::string Table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right_aligned) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) line += "  ";
      std::string fill(widths[c] - Width(row[c]), ' ');
      bool right = c < right_aligned.size() && right_aligned[c];
      if (right) line += fill;
      line += row[c];
      if (!right && c + 1 < row.size()) line += fill;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string SongNumberText(const json& song) {
  int number = SongNumber(song, -1);
  return number < 0 ? "?" : std::to_string(number);
}

std::string SongLabel(const json& data) { return "song " + SongNumberText(data); }

// Who wrote the words when it is not the built-in writer ("lyrics by openai:gpt-4o-mini").
std::string LyricsBy(const json& song) {
  std::string by = Str(song, "lyrics_by", "");
  return by.empty() || by == "builtin" ? "" : "lyrics by " + by;
}

std::string SongWrittenLine(const json& data) {
  std::string line = SongLabel(data) + " written: " + Str(data, "title") + " (" + Str(data, "key") +
                     ", " + Num(data, "tempo_bpm", 0) + " bpm";
  std::string by = LyricsBy(data);
  return line + (by.empty() ? "" : ", " + by) + ")";
}

std::string SongRenderedLine(const json& data) {
  std::string line =
      SongLabel(data) + " rendered (" + FormatDuration(Get(data, "duration_seconds"));
  if (Get(data, "loudness_lufs").is_number()) {
    line += ", " + Num(data, "loudness_lufs", 1) + " LUFS";
  }
  return line + ")";
}

std::string CoverLine(const json& data) {
  std::string line = "cover drawn";
  std::string designer = Str(data, "designed_by", "");
  if (!designer.empty() && designer != "builtin") line += " by " + designer;
  std::string motifs;
  for (const json& m : Array(data, "motifs")) {
    if (m.is_string()) motifs += (motifs.empty() ? "" : ", ") + m.get<std::string>();
  }
  if (!motifs.empty()) line += " (" + motifs + ")";
  return line;
}

// The album's songs' total length, "?" when a song's is unknown.
std::string TotalDuration(const json& songs) {
  double total = 0;
  for (const json& song : songs) {
    const json& d = Get(song, "duration_seconds");
    if (!d.is_number()) return "?";
    total += d.get<double>();
  }
  return FormatDuration(total);
}

std::string AlbumId(const json& album) { return Str(album, "id", Str(album, "album_id")); }

}  // namespace

std::string CannotReachText(const std::string& gateway) {
  return "cannot reach the gateway at " + gateway + ": is moodtape running? (make run)";
}

std::string GatewayErrorText(int status, const std::string& body, const std::string& request_id,
                             const std::string& retry_after) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const json& error = Get(j, "error");
  std::string message = Str(error, "message", "");
  std::string code = Str(error, "code", "");
  std::string id = Str(error, "request_id", request_id);
  std::string out;
  if (message.empty()) {
    out = "the gateway answered HTTP " + std::to_string(status);
  } else {
    out = message + " (HTTP " + std::to_string(status) + (code.empty() ? "" : " " + code) + ")";
  }
  if ((status == 429 || status == 503) && !retry_after.empty()) {
    out += "; try again in " + retry_after + " s";
  }
  if (!id.empty()) out += " [request id " + id + "]";
  return out;
}

std::string JobErrorText(const json& error) {
  if (error.is_string()) return error.get<std::string>();
  if (error.is_object()) {
    std::string message = Str(error, "message", "");
    std::string code = Str(error, "code", "");
    if (message.empty()) return code.empty() ? error.dump() : code;
    return code.empty() ? message : message + " (" + code + ")";
  }
  return error.is_null() ? "unknown error" : error.dump();
}

bool IsFinalState(const std::string& state) {
  return state == "succeeded" || state == "failed" || state == "dead";
}

std::string FormatPoint(const json& point) {
  return "(valence " + Num(point, "valence", 2, true) + ", arousal " +
         Num(point, "arousal", 2, true) + ")";
}

std::string FormatTimeMs(const json& unix_ms) {
  if (!unix_ms.is_number() || unix_ms.get<double>() <= 0) return "?";
  std::time_t seconds = static_cast<std::time_t>(unix_ms.get<double>() / 1000.0);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string RenderEventLine(const json& message) {
  std::string type = Str(message, "type", "");
  if (type == "snapshot") {
    std::string line = "job " + Str(message, "job_id") + ": " + Str(message, "state");
    std::string stage = Str(message, "stage", "");
    if (!stage.empty() && stage != Str(message, "state")) line += " (" + stage + ")";
    return line;
  }
  if (type != "event") return "";
  std::string stage = Str(message, "stage");
  const json& data = Get(message, "data");
  if (stage == "emotion") return EmotionLine(data);
  if (stage == "playlist") return PlaylistLine(data);
  if (stage == "song_written") return SongWrittenLine(data);
  if (stage == "song_rendered") return SongRenderedLine(data);
  if (stage == "cover") return CoverLine(data);
  if (stage == "saved" && !Str(data, "album_id", "").empty()) {
    return "saved album " + Str(data, "album_id");
  }
  if (stage == "saved") {
    std::string id = Str(data, "history_id", "");
    return "saved to history" + (id.empty() ? "" : " (" + id + ")");
  }
  if (stage == "running") {
    std::string attempt = Str(data, "attempt", "");
    return "running" + (attempt.empty() ? "" : " (attempt " + attempt + ")");
  }
  if (stage == "retrying") {
    const json& error = Get(data, "error");
    return "retrying" + (error.is_null() ? "" : ": " + JobErrorText(error));
  }
  if (stage == "succeeded") return "succeeded";
  if (stage == "failed") return "failed: " + JobErrorText(Get(data, "error"));
  if (stage == "dead")
    return "failed for good (dead-lettered): " + JobErrorText(Get(data, "error"));
  return stage;
}

std::string RenderResult(const json& result) {
  std::ostringstream out;
  const json& emotion = Get(result, "emotion");
  const json& playlist = Get(result, "playlist");
  out << "Emotion: " << Str(emotion, "emotion") << " " << FormatPoint(emotion) << "\n";
  std::string top = TopProbabilities(emotion, 3);
  if (!top.empty()) out << "  most likely: " << top << "\n";
  out << "From " << FormatPoint(Get(playlist, "start")) << " to "
      << FormatPoint(Get(playlist, "target")) << "\n";
  const json& tracks = Array(playlist, "tracks");
  out << "Playlist (" << Plural(tracks.size(), "track", "tracks") << "):\n";
  size_t index = 0;
  for (const json& t : tracks) {
    ++index;
    std::string position = Str(t, "position", std::to_string(index));
    out << "  " << (position.size() < 2 ? " " : "") << position << ". " << TrackLine(t) << " "
        << FormatPoint(Get(t, "point")) << "\n";
    out << "      why: closest to waypoint " << Str(t, "waypoint_index") << " "
        << FormatPoint(Get(t, "waypoint")) << ", distance " << Num(t, "distance", 3) << "\n";
  }
  std::string history_id = Str(result, "history_id", "");
  if (!history_id.empty()) out << "Saved to history as " << history_id << ".\n";
  return out.str();
}

std::string RenderHistory(const json& page) {
  std::ostringstream out;
  const json& items = Array(page, "items");
  if (items.empty()) out << "No moods yet.\n";
  for (const json& item : items) {
    const json& tracks = Array(item, "playlist");
    out << FormatTimeMs(Get(item, "created_at_ms")) << "  " << Str(item, "job_id") << "\n";
    out << "  \"" << Str(item, "text") << "\"\n";
    out << "  felt " << Str(item, "predicted_emotion") << " " << FormatPoint(Get(item, "start"))
        << ", wanted " << Str(item, "desired_emotion") << " " << FormatPoint(Get(item, "target"))
        << "\n";
    out << "  " << Plural(tracks.size(), "track", "tracks") << (tracks.empty() ? "" : ":") << "\n";
    size_t n = 0;
    for (const json& t : tracks) out << "    " << ++n << ". " << TrackLine(t) << "\n";
  }
  std::string next = Str(page, "next_cursor", "");
  if (!next.empty()) out << "More: moodtape history --cursor " << next << "\n";
  return out.str();
}

std::string RenderDeadLetters(const json& page) {
  std::ostringstream out;
  const json& items = Array(page, "items");
  if (items.empty()) out << "No dead letters.\n";
  for (const json& item : items) {
    out << Str(item, "job_id") << "  " << Str(item, "type") << "  owner " << Str(item, "owner")
        << "  failed " << FormatTimeMs(Get(item, "failed_at_ms")) << "  after "
        << Plural(Get(item, "attempts").is_number() ? Get(item, "attempts").get<size_t>() : 0,
                  "attempt", "attempts")
        << "\n";
    out << "  " << Str(item, "error_code", "error") << ": " << JobErrorText(Get(item, "error"))
        << "\n";
  }
  std::string next = Str(page, "next_cursor", "");
  if (!next.empty()) out << "More: moodtape admin dlq list --cursor " << next << "\n";
  return out.str();
}

std::string RenderDeadLetter(const json& item) {
  std::ostringstream out;
  out << "job:       " << Str(item, "job_id") << "\n"
      << "type:      " << Str(item, "type") << "\n"
      << "owner:     " << Str(item, "owner") << "\n"
      << "state:     " << Str(item, "state") << "\n"
      << "attempts:  " << Str(item, "attempts") << "\n"
      << "enqueued:  " << FormatTimeMs(Get(item, "enqueued_at_ms")) << "\n"
      << "failed:    " << FormatTimeMs(Get(item, "failed_at_ms")) << "\n"
      << "error:     " << Str(item, "error_code", "error") << ": "
      << JobErrorText(Get(item, "error")) << "\n";
  const json& history = Array(item, "history");
  if (!history.empty()) {
    out << "history:\n";
    for (const json& h : history) {
      out << "  - " << (h.is_string() ? h.get<std::string>() : h.dump()) << "\n";
    }
  }
  const json& payload = Get(item, "payload");
  if (!payload.is_null()) out << "payload:   " << payload.dump() << "\n";
  out << "Replay it: moodtape admin dlq replay " << Str(item, "job_id") << "\n";
  return out.str();
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  if (bytes < 1000 * 1000) return Fixed(static_cast<double>(bytes) / 1e3, 1) + " kB";
  if (bytes < 1000ULL * 1000 * 1000) return Fixed(static_cast<double>(bytes) / 1e6, 1) + " MB";
  return Fixed(static_cast<double>(bytes) / 1e9, 1) + " GB";
}

std::string FormatDuration(const json& seconds) {
  if (!seconds.is_number() || seconds.get<double>() < 0 || seconds.get<double>() > 1e9) return "?";
  auto total = static_cast<int64_t>(seconds.get<double>() + 0.5);
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  }
  return buf;
}

std::string RenderAlbum(const json& album, bool with_lyrics) {
  std::ostringstream out;
  const json& songs = Array(album, "songs");
  out << Str(album, "title") << "\n";
  out << "  album:    " << AlbumId(album) << "\n";
  out << "  genre:    " << Str(album, "genre") << "\n";
  out << "  theme:    " << Str(album, "theme") << "\n";
  std::string cover = Str(album, "cover_description", "");
  if (!cover.empty()) out << "  cover:    " << cover << "\n";
  out << "  seed:     " << Str(album, "seed") << "\n";
  if (Get(album, "created_at_ms").is_number()) {
    out << "  created:  " << FormatTimeMs(Get(album, "created_at_ms")) << "\n";
  }
  out << "  " << Plural(songs.size(), "song", "songs") << ", " << TotalDuration(songs) << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const json& song : songs) {
    std::string by = LyricsBy(song);
    rows.push_back({SongNumberText(song) + ".", Str(song, "title"),
                    FormatDuration(Get(song, "duration_seconds")),
                    Str(song, "key") + ", " + Num(song, "tempo_bpm", 0) + " bpm" +
                        (by.empty() ? "" : ", " + by)});
  }
  std::string table = Table(rows, {true, false, true, false});
  // One table for the widths, printed line by line so each song's lyrics can follow it.
  std::istringstream lines(table);
  std::string line;
  size_t i = 0;
  if (!songs.empty()) out << "\n";
  while (std::getline(lines, line) && i < songs.size()) {
    out << "  " << line << "\n";
    std::string lyrics = with_lyrics ? Str(songs[i], "lyrics", "") : "";
    ++i;
    if (lyrics.empty()) continue;
    while (!lyrics.empty() && lyrics.back() == '\n') lyrics.pop_back();
    out << "\n";
    std::istringstream verses(lyrics);
    std::string verse;
    while (std::getline(verses, verse)) out << (verse.empty() ? "" : "      " + verse) << "\n";
    if (i < songs.size()) out << "\n";
  }
  return out.str();
}

std::string RenderAlbums(const json& page) {
  const json& items = Array(page, "items");
  std::string out;
  if (items.empty()) {
    out = "No albums yet.\n";
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"CREATED", "ALBUM", "SONGS", "LENGTH", "GENRE", "TITLE"}};
    for (const json& a : items) {
      const json& songs = Array(a, "songs");
      const json& count = Get(a, "songs_count");
      rows.push_back({FormatTimeMs(Get(a, "created_at_ms")), AlbumId(a),
                      count.is_number() ? Str(a, "songs_count") : std::to_string(songs.size()),
                      TotalDuration(songs), Str(a, "genre"), Str(a, "title")});
    }
    out = Table(rows, {false, false, true, true, false, false});
  }
  std::string next = Str(page, "next_cursor", "");
  if (!next.empty()) out += "More: moodtape albums --cursor " + next + "\n";
  return out;
}

std::string RenderGenres(const json& answer) {
  const json& genres = Array(answer, "genres");
  if (genres.empty()) return "The gateway knows no genres.\n";
  std::vector<std::vector<std::string>> rows = {{"GENRE", "NAME", "TEMPO", "ABOUT"}};
  for (const json& g : genres) {
    rows.push_back({Str(g, "id"), Str(g, "name"),
                    Num(g, "min_tempo_bpm", 0) + "-" + Num(g, "max_tempo_bpm", 0) + " bpm",
                    Str(g, "description", "")});
  }
  return Table(rows, {false, false, true, false}) +
         "Make an album: moodtape album --genre GENRE --songs N --theme \"what it is about\"\n";
}

JobWatch::Step JobWatch::Finish(const std::string& state, const json& result, const json& error) {
  Step step;
  step.done = true;
  if (state != "succeeded") {
    step.error = JobErrorText(error);
    if (state == "dead") step.error += " (dead-lettered)";
    return step;
  }
  step.succeeded = true;
  if (result.is_object()) {
    step.result = result;
  } else if (emotion_.is_object() && playlist_.is_object()) {
    step.result = {{"emotion", emotion_}, {"playlist", playlist_}};
    if (!history_id_.is_null()) step.result["history_id"] = history_id_;
  } else {
    step.fetch_result = true;
  }
  return step;
}

JobWatch::Step JobWatch::OnMessage(const std::string& text) {
  Step step;
  json m = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!m.is_object()) {
    step.done = true;
    step.error = "the gateway sent a WebSocket message that is not a JSON object";
    return step;
  }
  std::string type = Str(m, "type", "");
  if (type == "error") {
    step.done = true;
    step.error = Str(m, "message", "unknown error");
    std::string code = Str(m, "code", "");
    if (!code.empty()) step.error += " (" + code + ")";
    return step;
  }
  if (type != "snapshot" && type != "event") return step;  // unknown types: newer gateways
  if (Str(m, "job_id", job_id_) != job_id_) return step;
  const json& seq = Get(m, "seq");
  if (seq.is_number_integer()) {
    if (seq.get<int64_t>() <= last_seq_) return step;  // already seen (snapshot/event overlap)
    last_seq_ = seq.get<int64_t>();
  }
  const json& data = Get(m, "data");
  std::string stage = Str(m, "stage", "");
  if (type == "event") {
    if (stage == "emotion") emotion_ = data;
    if (stage == "playlist") playlist_ = data;
    if (stage == "saved") history_id_ = Get(data, "history_id");
  }
  step.lines.push_back(RenderEventLine(m));
  std::string state = Str(m, "state", "");
  if (type == "event" && IsFinalState(stage)) state = stage;
  if (!IsFinalState(state)) return step;
  const json& result = type == "snapshot" ? Get(m, "result") : Get(data, "result");
  const json& error = type == "snapshot" ? Get(m, "error") : Get(data, "error");
  Step final_step = Finish(state, result, error);
  final_step.lines = std::move(step.lines);
  return final_step;
}

}  // namespace moodtape::cli
