// Setting a block of text with Pango so it fits its box: the largest size that fits in the
// style's lines, never ellipsized and never clipped, lines balanced. Metrics are unhinted and
// glyph positions unrounded, so a layout measured in cover units draws the same at any pixel
// size (the 1024 cover and the 128 preview agree).
#pragma once

#include <pango/pangocairo.h>

#include <memory>
#include <string>

#include "services/designer/core/art/paint.h"
#include "services/designer/core/layout.h"

namespace moodtape::designer {

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
using PangoContextPtr = std::unique_ptr<PangoContext, GObjectUnref>;
using PangoLayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;

// A context on this thread's font map with the designer's fixed font options (grey
// antialiasing, no hinting): PangoCairo font maps are per thread, so is the context.
PangoContextPtr MakeTextContext();

// `text` in the style's case (Unicode-aware: "miłość" -> "MIŁOŚĆ").
std::string InCase(const std::string& text, TextCase text_case);

struct SetText {
  PangoLayoutPtr layout;
  double size_px = 0;
  Point origin;  // where the layout's top-left goes, cover units
  Box ink;       // the ink, cover units
  int lines = 0;
  bool words_broken = false;  // a word too long for the box had to be broken
};

// One layout of `text` in `style` at `size_px`, wrapped at `width` (0: no wrapping).
PangoLayoutPtr MakeLayout(PangoContext* context, const std::string& text, const TextStyle& style,
                          double size_px, double width, PangoWrapMode wrap);
// The layout's ink and logical rectangles in cover units, relative to its origin.
Box InkOf(PangoLayout* layout);

// Fits `text` (already in its case) into `box`: sizes from style.max_px down; at least
// style.min_px if at all possible, smaller rather than clipped. Whole words are kept when the
// text fits at half its largest size or more; past that, long words break.
SetText FitText(PangoContext* context, const std::string& text, const TextStyle& style,
                const Box& box);

}  // namespace moodtape::designer
