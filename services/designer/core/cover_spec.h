// What a cover is drawn from: the description, the genre, the album title, the artist and a seed.
// The same spec always gives the same builtin cover, byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::designer {

// The producer's genres (services/producer/core/genre.h), by the same ids: the designer draws the
// covers of the albums the producer writes. Kept as a separate list so the designer does not link
// the song engine; tests/services/designer/cover_spec_test.cpp checks the two lists agree.
enum class CoverGenre { kGangstaRap, kHeavyMetal, kDiscoPolo, kPop, kSynthwave, kBlues, kPunk };

inline constexpr size_t kMaxDescriptionChars = 300;
inline constexpr size_t kMaxNameChars = 100;  // title and artist

const std::vector<CoverGenre>& AllCoverGenres();
std::string_view CoverGenreId(CoverGenre genre);
// The id ("disco-polo"), case-insensitively, with '_' or ' ' for '-'; nullopt otherwise.
std::optional<CoverGenre> ParseCoverGenre(std::string_view id);
// "gangsta-rap, heavy-metal, ..." for error messages.
std::string CoverGenreIds();

struct CoverSpec {
  std::string description;  // 0..300 characters of UTF-8
  CoverGenre genre = CoverGenre::kPop;
  std::string title;   // 1..100 characters
  std::string artist;  // 1..100 characters
  uint64_t seed = 0;
};

// The spec as a caller sent it (genre as text), checked: kInvalidArgument naming the field for a
// description over 300 characters or not UTF-8, an unknown genre, a title or artist that is empty
// (after trimming) or over 100 characters or not UTF-8. Runs of white space (line breaks
// included) become one space, so a caller's stray newline cannot break the layout.
platform::Result<CoverSpec> MakeCoverSpec(std::string_view description, std::string_view genre,
                                          std::string_view title, std::string_view artist,
                                          uint64_t seed);

}  // namespace moodtape::designer
