// The typographic layout of each genre: fonts, weights, case, placement and effects of the title
// and the artist, and where the picture should leave room for them. All measures are in cover
// units (the cover is 1024 x 1024 units at every pixel size).
#pragma once

#include <string_view>

#include "services/designer/core/cover_spec.h"

namespace moodtape::designer {

inline constexpr double kCoverUnits = 1024;
// Lettering keeps at least this far from every edge (a printer's safe area; thumbnails crop).
inline constexpr double kSafeMargin = 40;

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
  double right() const { return x + w; }
  double bottom() const { return y + h; }
  bool Contains(const Box& o) const {
    return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom();
  }
  bool Overlaps(const Box& o) const {
    return o.x < right() && x < o.right() && o.y < bottom() && y < o.bottom();
  }
};

enum class TextCase { kAsTyped, kUpper, kLower };
enum class Align { kLeft, kCenter };
enum class Anchor { kTop, kCenter, kBottom };  // where the text sits in its box, vertically
// Which colour the lettering tries first.
enum class InkPreference { kLight, kDark, kAccent, kContrast };
// What goes behind a block whose background is too busy for the contrast rule (or always).
enum class PlateStyle {
  kScrim,    // a full-width shade fading out above and below the text
  kBand,     // a solid full-width bar
  kRounded,  // a pill around the text
  kLabel,    // a paper label with a thin rule inside its edge
  kTape,     // a strip of tape, slightly tilted
};

// Effects, sized in em of the block's font so a shrunk title keeps its proportions. Their colour
// is always on the far side of the ink from the background (dark under light ink), so an effect
// can only add contrast.
struct TextEffects {
  double outline = 0;    // stroke width
  double shadow_dx = 0;  // shadow offset
  double shadow_dy = 0;
  double shadow_blur = 0;  // 0: a hard shadow
  double glow = 0;         // blur radius of a soft halo in the effect colour
  double extrude = 0;      // depth of a stepped 3-D extrusion towards bottom right
};

struct TextStyle {
  std::string_view family;  // fontconfig families, comma-separated fallbacks
  int weight = 400;         // 100..1000, as CSS
  bool italic = false;
  TextCase text_case = TextCase::kAsTyped;
  double tracking = 0;  // extra letter spacing, em
  double max_px = 120, min_px = 18;
  int max_lines = 2;
  double line_spacing = 0;  // factor of the font's height; 0 = the font's own
  Align align = Align::kCenter;
  Anchor anchor = Anchor::kCenter;
  InkPreference ink = InkPreference::kLight;
  TextEffects effects = {};
  PlateStyle plate = PlateStyle::kScrim;
  bool always_plate = false;
};

// How the second block is placed: in its own box, or right above / below the first one's ink.
enum class Stack { kOwnBox, kAbove, kBelow };

struct TypeLayout {
  std::string_view name;      // reported to callers: "metal-blackletter-top"
  bool artist_first = false;  // which block is fitted first (the other may stack on it)
  TextStyle title, artist;
  Box title_box, artist_box;  // for a stacked second block only the box's x, w and h count
  Stack stack = Stack::kOwnBox;
  double stack_gap = 20;
  bool ransom_title = false;  // the title as cut-out words on paper scraps (punk)
  // The picture's composition: where the horizon sits (fraction of the height) and where the
  // main figure goes, clear of the lettering.
  double horizon = 0.66;
  Box figure_area;
};

const TypeLayout& LayoutFor(CoverGenre genre);

}  // namespace moodtape::designer
