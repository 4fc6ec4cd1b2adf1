#include "services/designer/core/cover_spec.h"

#include <cctype>

#include "platform/base/text.h"

namespace moodtape::designer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

struct GenreName {
  CoverGenre genre;
  std::string_view id;
};

constexpr GenreName kGenreNames[] = {
    {CoverGenre::kGangstaRap, "gangsta-rap"},
    {CoverGenre::kHeavyMetal, "heavy-metal"},
    {CoverGenre::kDiscoPolo, "disco-polo"},
    {CoverGenre::kPop, "pop"},
    {CoverGenre::kSynthwave, "synthwave"},
    {CoverGenre::kBlues, "blues"},
    {CoverGenre::kPunk, "punk"},
};

// Trimmed, with every run of ASCII white space (tabs and line breaks too) one space.
std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : platform::TrimWhitespace(text)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

platform::Result<std::string> Name(std::string_view field, std::string_view value) {
  const std::string range = "field \"" + std::string(field) + "\" must be 1 to " +
                            std::to_string(kMaxNameChars) + " characters";
  if (!platform::IsValidUtf8(value)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "field \"" + std::string(field) + "\" is not valid UTF-8");
  }
  if (platform::CountCodePoints(value) > kMaxNameChars) {
    return MakeError(ErrorCode::kInvalidArgument, range);
  }
  std::string text = CollapseWhitespace(value);
  if (text.empty()) return MakeError(ErrorCode::kInvalidArgument, range);
  return text;
}

}  // namespace

const std::vector<CoverGenre>& AllCoverGenres() {
  static const std::vector<CoverGenre> kAll = [] {
    std::vector<CoverGenre> all;
    for (const auto& g : kGenreNames) all.push_back(g.genre);
    return all;
  }();
  return kAll;
}

std::string_view CoverGenreId(CoverGenre genre) {
  for (const auto& g : kGenreNames) {
    if (g.genre == genre) return g.id;
  }
  return "pop";
}

std::optional<CoverGenre> ParseCoverGenre(std::string_view id) {
  std::string key;
  for (char c : id) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    key.push_back(l == '_' || l == ' ' ? '-' : l);
  }
  for (const auto& g : kGenreNames) {
    if (key == g.id) return g.genre;
  }
  return std::nullopt;
}

std::string CoverGenreIds() {
  std::string all;
  for (const auto& g : kGenreNames) all += (all.empty() ? "" : ", ") + std::string(g.id);
  return all;
}

platform::Result<CoverSpec> MakeCoverSpec(std::string_view description, std::string_view genre,
                                          std::string_view title, std::string_view artist,
                                          uint64_t seed) {
  CoverSpec spec;
  if (!platform::IsValidUtf8(description)) {
    return MakeError(ErrorCode::kInvalidArgument, "field \"description\" is not valid UTF-8");
  }
  // Counted as sent, so a limit a caller checks on its side holds here too.
  if (platform::CountCodePoints(description) > kMaxDescriptionChars) {
    return MakeError(ErrorCode::kInvalidArgument, "field \"description\" must be at most " +
                                                      std::to_string(kMaxDescriptionChars) +
                                                      " characters");
  }
  spec.description = CollapseWhitespace(description);
  const auto parsed = ParseCoverGenre(genre);
  if (!parsed) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "field \"genre\" must be one of: " + CoverGenreIds());
  }
  spec.genre = *parsed;
  auto t = Name("title", title);
  if (!t.ok()) return t.error();
  spec.title = std::move(t).value();
  auto a = Name("artist", artist);
  if (!a.ok()) return a.error();
  spec.artist = std::move(a).value();
  spec.seed = seed;
  return spec;
}

}  // namespace moodtape::designer
