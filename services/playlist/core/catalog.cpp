#include "services/playlist/core/catalog.h"

#include <charconv>
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

namespace moodtape::playlist {
namespace {

using platform::ErrorCode;
using platform::MakeError;

bool IsMissing(std::string_view s) { return s.empty() || s == "NA"; }

std::optional<double> ParseDouble(std::string_view s) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Reads one CSV record (which may span lines inside quotes). Returns false at end of input.
// `line` is advanced past the record; `*error` is set for an unterminated quote.
bool ReadCsvRecord(std::istream& in, std::size_t* line, std::vector<std::string>* fields,
                   std::string* error) {
  fields->clear();
  error->clear();
  std::string text;
  if (!std::getline(in, text)) return false;
  ++*line;
  std::string field;
  bool quoted = false;
  std::size_t i = 0;
  while (true) {
    if (i == text.size()) {
      if (quoted) {
        std::string more;
        if (!std::getline(in, more)) {
          *error = "unterminated quoted field";
          fields->push_back(std::move(field));
          return true;
        }
        ++*line;
        field += '\n';
        text = std::move(more);
        i = 0;
        continue;
      }
      break;
    }
    const char c = text[i++];
    if (quoted) {
      if (c == '"') {
        if (i < text.size() && text[i] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
    } else if (c != '\r' || i != text.size()) {
      field += c;
    }
  }
  fields->push_back(std::move(field));
  return true;
}

}  // namespace

double Distance(MoodPoint a, MoodPoint b) { return std::hypot(a.x - b.x, a.y - b.y); }

std::string CheckTrackRanges(const CatalogTrack& t) {
  // Negated comparisons so NaN fails them too (the JSON reader and the RPC can carry any double).
  if (!(t.valence >= 0 && t.valence <= 1)) return "valence outside [0, 1]";
  if (!(t.energy >= 0 && t.energy <= 1)) return "energy outside [0, 1]";
  if (!(t.danceability >= 0 && t.danceability <= 1)) return "danceability outside [0, 1]";
  if (!(t.tempo >= 0 && t.tempo <= 1000)) return "tempo outside 0-1000 BPM";
  if (t.key < -1 || t.key > 11) return "key outside 0-11";
  if (t.mode < -1 || t.mode > 1) return "mode not 0 or 1";
  if (t.duration_ms < 0) return "negative duration";
  return {};
}

void CatalogAdmitter::Malformed(std::size_t line, std::string reason) {
  ++result_.report.rejected["malformed"];
  if (result_.report.problems.size() < ImportReport::kMaxReportedProblems) {
    result_.report.problems.push_back({line, std::move(reason)});
  }
}

std::string_view CatalogAdmitter::Offer(CatalogTrack track, std::size_t line, std::string* detail) {
  std::string_view reason;
  std::string why;
  if (std::string range = CheckTrackRanges(track); !range.empty()) {
    reason = "malformed";
    why = std::move(range);
  } else if (IsMissing(track.id)) {
    reason = "missing_id";
    why = "the track has no id";
  } else if (IsMissing(track.title)) {
    reason = "missing_title";
    why = "track " + track.id + " has no title";
  } else if (IsMissing(track.artist)) {
    reason = "missing_artist";
    why = "track " + track.id + " has no artist";
  } else if (track.tempo <= 0) {
    reason = "zero_tempo";
    why = "track " + track.id + " has a zero tempo";
  } else if (!seen_.insert(track.id).second) {
    reason = "duplicate_id";
    why = "track id " + track.id + " appeared earlier in this import";
  }
  if (reason == "malformed") {
    Malformed(line, why);
  } else if (!reason.empty()) {
    ++result_.report.rejected[std::string(reason)];
  } else {
    ++result_.report.accepted;
    result_.tracks.push_back(std::move(track));
    result_.lines.push_back(line);
  }
  if (detail != nullptr) *detail = std::move(why);
  return reason;
}

std::size_t ImportReport::RejectedTotal() const {
  std::size_t n = 0;
  for (const auto& [reason, count] : rejected) n += count;
  return n;
}

platform::Result<ImportResult> ReadCatalogCsv(std::istream& in, std::string_view source) {
  std::size_t line = 0;
  std::vector<std::string> header;
  std::string error;
  if (!ReadCsvRecord(in, &line, &header, &error)) {
    return MakeError(ErrorCode::kInvalidArgument, "catalogue CSV is empty (no header)");
  }
  std::map<std::string, int> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = static_cast<int>(i);
  for (const char* required :
       {"track_id", "track_name", "track_artist", "valence", "energy", "tempo"}) {
    if (!col.contains(required)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string("catalogue CSV header lacks column \"") + required + "\"");
    }
  }
  auto index_of = [&](const char* name) { return col.contains(name) ? col[name] : -1; };
  const int c_id = col["track_id"], c_title = col["track_name"], c_artist = col["track_artist"];
  const int c_valence = col["valence"], c_energy = col["energy"], c_tempo = col["tempo"];
  const int c_album = index_of("track_album_name"), c_genre = index_of("playlist_genre");
  const int c_key = index_of("key"), c_mode = index_of("mode");
  const int c_dance = index_of("danceability"), c_duration = index_of("duration_ms");
  const int c_explicit = index_of("explicit");

  CatalogAdmitter admit;
  std::vector<std::string> f;
  while (true) {
    const std::size_t first_line = line + 1;
    if (!ReadCsvRecord(in, &line, &f, &error)) break;
    if (f.size() == 1 && f[0].empty() && error.empty()) continue;  // blank line
    admit.CountRow();
    if (!error.empty()) {
      admit.Malformed(first_line, error);
      continue;
    }
    if (f.size() != header.size()) {
      admit.Malformed(first_line, "expected " + std::to_string(header.size()) + " fields, got " +
                                      std::to_string(f.size()));
      continue;
    }
    auto text = [&](int c) { return c < 0 ? std::string() : f[static_cast<std::size_t>(c)]; };
    std::string bad;
    // A required number must parse; an optional one may be missing ("NA"/empty) but not garbage.
    auto number = [&](int c, const char* name, bool required, double fallback) -> double {
      if (c < 0) return fallback;
      const std::string& s = f[static_cast<std::size_t>(c)];
      if (!required && IsMissing(s)) return fallback;
      const auto v = ParseDouble(s);
      if (!v && bad.empty()) bad = std::string("bad ") + name + " \"" + s + "\"";
      return v.value_or(fallback);
    };
    CatalogTrack t;
    t.id = text(c_id);
    t.title = text(c_title);
    t.artist = text(c_artist);
    t.album = text(c_album);
    t.genre = text(c_genre);
    t.valence = number(c_valence, "valence", true, 0);
    t.energy = number(c_energy, "energy", true, 0);
    t.tempo = number(c_tempo, "tempo", true, 0);
    t.key = static_cast<int>(number(c_key, "key", false, -1));
    t.mode = static_cast<int>(number(c_mode, "mode", false, -1));
    t.danceability = number(c_dance, "danceability", false, 0);
    t.duration_ms = static_cast<std::int64_t>(number(c_duration, "duration_ms", false, 0));
    const std::string ex = text(c_explicit);
    if (ex == "true" || ex == "TRUE" || ex == "1") t.explicit_flag = ExplicitFlag::kExplicit;
    if (ex == "false" || ex == "FALSE" || ex == "0") t.explicit_flag = ExplicitFlag::kClean;
    t.source = std::string(source);
    if (!bad.empty()) {
      admit.Malformed(first_line, bad);
      continue;
    }
    admit.Offer(std::move(t), first_line);
  }
  return admit.Take();
}

ImportResult ReadCatalogJsonLines(std::istream& in, std::string_view source) {
  CatalogAdmitter admit;
  std::string text;
  std::size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    admit.CountRow();
    const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      admit.Malformed(line, j.is_discarded() ? "not valid JSON" : "not a JSON object");
      continue;
    }
    std::string bad;
    auto str = [&](const char* name) -> std::string {
      const auto it = j.find(name);
      if (it == j.end() || it->is_null()) return {};
      if (!it->is_string()) {
        if (bad.empty()) bad = std::string(name) + " is not a string";
        return {};
      }
      return it->get<std::string>();
    };
    auto num = [&](const char* name, bool required, double fallback) -> double {
      const auto it = j.find(name);
      if (it == j.end() || it->is_null()) {
        if (required && bad.empty()) bad = std::string("missing ") + name;
        return fallback;
      }
      if (!it->is_number()) {
        if (bad.empty()) bad = std::string(name) + " is not a number";
        return fallback;
      }
      return it->get<double>();
    };
    CatalogTrack t;
    t.id = str("id");
    t.title = str("title");
    t.artist = str("artist");
    t.album = str("album");
    t.genre = str("genre");
    t.duration_ms = static_cast<std::int64_t>(num("duration_ms", false, 0));
    t.tempo = num("tempo", true, 0);
    t.key = static_cast<int>(num("key", false, -1));
    t.mode = static_cast<int>(num("mode", false, -1));
    t.valence = num("valence", true, 0);
    t.energy = num("energy", true, 0);
    t.danceability = num("danceability", false, 0);
    if (const auto it = j.find("explicit"); it != j.end() && it->is_boolean()) {
      t.explicit_flag = it->get<bool>() ? ExplicitFlag::kExplicit : ExplicitFlag::kClean;
    }
    t.source = std::string(source);
    if (!bad.empty()) {
      admit.Malformed(line, bad);
      continue;
    }
    admit.Offer(std::move(t), line);
  }
  return admit.Take();
}

}  // namespace moodtape::playlist
