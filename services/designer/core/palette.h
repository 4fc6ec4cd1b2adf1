// The cover's colours. Colour and mood words in the description ("neon", "midnight", "pastel",
// "happy") fill the palette's slots; the genre's own palettes fill whatever no word set.
#pragma once

#include <string>
#include <vector>

#include "services/designer/core/color.h"
#include "services/designer/core/cover_random.h"
#include "services/designer/core/cover_spec.h"

namespace moodtape::designer {

struct Palette {
  Rgb sky_top, sky_bottom;  // the background, top to horizon
  Rgb far, near;            // distant and near silhouettes
  Rgb accent;               // what pops: the sun, hearts, flames
  Rgb glow;                 // small lights: stars, windows, sparkles
  Rgb ink_light, ink_dark;  // lettering: the lightest and darkest colour of the palette

  // "#rrggbb", background to accent: sky_top, sky_bottom, far, near, accent, glow.
  std::vector<std::string> HexList() const;
  bool Dark() const;  // is the background dark (light lettering reads best on it)
};

struct PaletteChoice {
  Palette palette;
  std::vector<std::string> words;  // the words that set it, in order ("neon", "midnight")
};

// `words` are the description's lower-case words (ReadDescription). Deterministic in `random`.
PaletteChoice ChoosePalette(const std::vector<std::string>& words, CoverGenre genre,
                            CoverRandom random);

// True when `word` is in the colour and mood table (for tests and for reading titles).
bool IsPaletteWord(const std::string& word);

}  // namespace moodtape::designer
