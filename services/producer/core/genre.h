// The genres the producer writes in. The first three are the source project's categories
// (gangsta rap, heavy metal, polish disco polo); the others are what users ask for next. Each
// genre has its own song form (forms.h), phrase banks (lyric_writer), harmony, groove and
// instruments (composer).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace moodtape::producer {

enum class Genre {
  kGangstaRap,
  kHeavyMetal,
  kDiscoPolo,
  kPop,
  kSynthwave,
  kBlues,
  kPunk,
};

struct GenreInfo {
  Genre genre;
  std::string_view id;           // stable, used in APIs and config: "heavy-metal"
  std::string_view name;         // for people: "Heavy metal"
  std::string_view description;  // one sentence on the sound and the form
  int min_tempo_bpm;
  int max_tempo_bpm;
};

// Every genre, in the order above (the source's three first).
const std::vector<GenreInfo>& AllGenres();
const GenreInfo& InfoOf(Genre genre);
std::string_view GenreId(Genre genre);
// Accepts the id ("disco-polo"), case-insensitively, and the aliases people type:
// "polish-disco-polo", "gangsta_rap", "GANGSTA_RAP", "metal", "rap", "hip-hop". nullopt otherwise.
std::optional<Genre> ParseGenre(std::string_view text);

}  // namespace moodtape::producer
