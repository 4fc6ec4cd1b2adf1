#include "tools/cli/album_files.h"

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>

namespace moodtape::cli {
namespace {

using nlohmann::json;

constexpr std::string_view kAssetPrefix = "/api/v1/assets/";
constexpr size_t kMaxSlugBytes = 60;

const json& Get(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string Text(const json& j, const char* key) {
  const json& v = Get(j, key);
  return v.is_string() ? v.get<std::string>() : "";
}

bool IsAssetId(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A bare asset id or an /api/v1/assets/<id> URL as the path to fetch; nullopt for anything else,
// so a malformed album can never make the CLI request another URL.
std::optional<std::string> AssetPath(const json& ref) {
  if (!ref.is_string()) return std::nullopt;
  std::string_view id = ref.get_ref<const std::string&>();
  if (id.substr(0, kAssetPrefix.size()) == kAssetPrefix) id.remove_prefix(kAssetPrefix.size());
  if (!IsAssetId(id)) return std::nullopt;
  return std::string(kAssetPrefix) + std::string(id);
}

// The first of the candidates that names an asset.
std::optional<std::string> FirstAsset(std::initializer_list<const json*> candidates) {
  for (const json* c : candidates) {
    if (auto path = AssetPath(*c)) return path;
  }
  return std::nullopt;
}

const json& Songs(const json& album) {
  static const json kEmpty = json::array();
  const json& v = Get(album, "songs");
  return v.is_array() ? v : kEmpty;
}

// Where a UTF-8 sequence starts (not a continuation byte).
bool StartsCodePoint(unsigned char c) { return (c & 0xC0) != 0x80; }

}  // namespace

std::string TitleSlug(std::string_view title) {
  std::string slug;
  bool dash = false;
  for (unsigned char c : title) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<unsigned char>(c - 'A' + 'a');
      keep = true;
    }
    if (!keep) {
      dash = !slug.empty();
      continue;
    }
    if (dash) slug.push_back('-');
    dash = false;
    slug.push_back(static_cast<char>(c));
  }
  if (slug.size() > kMaxSlugBytes) {
    size_t cut = kMaxSlugBytes;
    while (cut > 0 && !StartsCodePoint(static_cast<unsigned char>(slug[cut]))) --cut;
    slug.resize(cut);
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
  }
  return slug.empty() ? "song" : slug;
}

int SongNumber(const json& song, int fallback) {
  const json& index = Get(song, "index");
  if (index.is_number_integer() && index.get<int64_t>() >= 0 && index.get<int64_t>() < 1000) {
    return static_cast<int>(index.get<int64_t>()) + 1;
  }
  return fallback;
}

AlbumFilePlan PlanAlbumFiles(const json& album) {
  AlbumFilePlan plan;
  const json& cover = Get(album, "cover");
  if (auto path = FirstAsset({&Get(cover, "asset_id"), &Get(cover, "url")})) {
    plan.downloads.push_back({kCoverFileName, *path});
  } else {
    plan.missing.push_back("the album has no cover image");
  }
  int position = 0;
  for (const json& song : Songs(album)) {
    const int number = SongNumber(song, ++position);
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02d-", number);
    const std::string stem = prefix + TitleSlug(Text(song, "title"));
    const json& assets = Get(song, "assets");
    const json& audio = Get(song, "audio");
    struct Format {
      const char* name;
      const char* extension;
      std::optional<std::string> path;
    };
    const Format formats[] = {
        {"ogg", ".ogg", FirstAsset({&Get(assets, "ogg"), &Get(audio, "ogg")})},
        {"mp3", ".mp3", FirstAsset({&Get(assets, "mp3"), &Get(audio, "mp3")})},
        {"midi", ".mid", FirstAsset({&Get(assets, "midi"), &Get(song, "midi")})},
    };
    for (const Format& f : formats) {
      if (f.path) {
        plan.downloads.push_back({stem + f.extension, *f.path});
      } else {
        plan.missing.push_back("song " + std::to_string(number) + " has no " + f.name);
      }
    }
  }
  return plan;
}

std::string LyricsMarkdown(const json& album) {
  std::string title = Text(album, "title");
  std::string out = "# " + (title.empty() ? std::string("Untitled album") : title) + "\n";
  int position = 0;
  for (const json& song : Songs(album)) {
    const int number = SongNumber(song, ++position);
    out += "\n## " + std::to_string(number) + ". " + Text(song, "title") + "\n\n";
    std::string lyrics = Text(song, "lyrics");
    while (!lyrics.empty() && (lyrics.back() == '\n' || lyrics.back() == ' ')) lyrics.pop_back();
    if (lyrics.empty()) {
      out += "*(no lyrics)*\n";
      continue;
    }
    // A line followed by another line gets a hard break; a blank line already ends a paragraph.
    size_t start = 0;
    while (start <= lyrics.size()) {
      size_t end = lyrics.find('\n', start);
      if (end == std::string::npos) end = lyrics.size();
      std::string line = lyrics.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      bool next_is_text = end < lyrics.size() && end + 1 < lyrics.size() && lyrics[end + 1] != '\n';
      out += line + (next_is_text && !line.empty() ? "  \n" : "\n");
      start = end + 1;
    }
  }
  return out;
}

}  // namespace moodtape::cli
