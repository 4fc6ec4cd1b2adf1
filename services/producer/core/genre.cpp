#include "services/producer/core/genre.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace moodtape::producer {

const std::vector<GenreInfo>& AllGenres() {
  static const std::vector<GenreInfo> kGenres = {
      {Genre::kGangstaRap, "gangsta-rap", "Gangsta rap",
       "Swung 808 beats under a near-monotone flow: couplets packed with internal and "
       "multi-syllable rhymes, and a hook.",
       82, 96},
      {Genre::kHeavyMetal, "heavy-metal", "Heavy metal",
       "Distorted power chords and double-kick drums in a minor mode: verse, pre-chorus, chorus "
       "and bridge rhyming ABAB.",
       120, 168},
      {Genre::kDiscoPolo, "disco-polo", "Disco polo",
       "Four-on-the-floor synths in a bright major key: short AABB lines and a chorus sung "
       "twice.",
       118, 130},
      {Genre::kPop, "pop", "Pop",
       "Clean guitars, piano and a steady backbeat: verse, pre-chorus and a big chorus that "
       "returns three times.",
       96, 124},
      {Genre::kSynthwave, "synthwave", "Synthwave",
       "Retro analogue synth pads, arpeggios and gated drums at night-drive tempo, in minor.", 84,
       112},
      {Genre::kBlues, "blues", "Blues",
       "A shuffle over the twelve-bar form: AAB verses, a line stated, repeated and answered.", 70,
       100},
      {Genre::kPunk, "punk", "Punk",
       "Fast, loud and short: downstroked power chords, shouted two-line choruses.", 160, 200},
  };
  return kGenres;
}

const GenreInfo& InfoOf(Genre genre) {
  const auto& all = AllGenres();
  return *std::find_if(all.begin(), all.end(),
                       [&](const GenreInfo& g) { return g.genre == genre; });
}

std::string_view GenreId(Genre genre) { return InfoOf(genre).id; }

std::optional<Genre> ParseGenre(std::string_view text) {
  std::string key;
  for (char c : text) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    key.push_back(l == '_' || l == ' ' ? '-' : l);
  }
  for (const auto& g : AllGenres()) {
    if (key == g.id) return g.genre;
  }
  if (key == "polish-disco-polo" || key == "discopolo") return Genre::kDiscoPolo;
  if (key == "metal") return Genre::kHeavyMetal;
  if (key == "rap" || key == "hip-hop" || key == "hiphop" || key == "gangsta") {
    return Genre::kGangstaRap;
  }
  if (key == "synth-wave" || key == "retrowave") return Genre::kSynthwave;
  return std::nullopt;
}

}  // namespace moodtape::producer
