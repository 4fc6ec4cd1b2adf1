// The title and the artist set on a drawn picture, under the contrast rule: each block is fitted
// to its box (text_fit.h), then the ink colour, and if need be a plate or scrim behind it, are
// chosen by measuring the pixels that will actually be behind it (contrast.h). Effects (shadow,
// outline, glow, extrusion) are part of what is measured.
#pragma once

#include <cairo.h>

#include <string>

#include "services/designer/core/color.h"
#include "services/designer/core/cover_plan.h"

namespace moodtape::designer {

struct LetteredBlock {
  Box ink;              // where the lettering's ink is, cover units (the union for ransom words)
  double contrast = 0;  // the worst measured contrast ratio against the pixels behind it
  Rgb colour;           // the ink
  bool plate = false;   // a plate or scrim had to go behind it
  double size_px = 0;   // the font size it was set at
  bool words_broken = false;
};

struct Lettering {
  LetteredBlock title, artist;
};

// Sets the plan's title and artist on `cr`, whose target is an RGB24 image surface and whose
// matrix maps cover units to its pixels. Deterministic in the plan.
Lettering DrawLettering(cairo_t* cr, const CoverPlan& plan);

// The ink candidates for a layout's preference, best first, for a given palette.
std::vector<Rgb> InkCandidates(InkPreference preference, const Palette& palette);

}  // namespace moodtape::designer
