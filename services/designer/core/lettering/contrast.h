// The contrast rule, measured on pixels: the relative luminance of every pixel behind a block of
// lettering (inside its ink box, which may be rotated) and the worst WCAG contrast ratio of the
// ink against them.
#pragma once

#include <cairo.h>

#include "services/designer/core/art/paint.h"
#include "services/designer/core/color.h"
#include "services/designer/core/layout.h"

namespace moodtape::designer {

inline constexpr double kMinContrast = 4.5;  // WCAG 2 AA for normal text

// Four corners in device pixels, in order around the shape.
struct Quad {
  Point corner[4];
};

// `box` (user units of `cr`) through the current transformation to device pixels.
Quad DeviceQuad(cairo_t* cr, const Box& box);
// The device-pixel bounding box of a quad.
Box Bounds(const Quad& quad);

struct LuminanceRange {
  double min = 1, max = 0;
  long pixels = 0;
};

// Over the pixels of an RGB24/ARGB32 image surface whose centres lie inside `quad` (device
// pixels of that surface, shifted by `offset_x/y` for a surface holding part of the cover).
LuminanceRange MeasureLuminance(cairo_surface_t* image, const Quad& quad, double offset_x = 0,
                                double offset_y = 0);

// The lowest contrast of `ink` against any pixel in the range (21 when the range is empty).
double WorstContrast(const LuminanceRange& range, const Rgb& ink);

}  // namespace moodtape::designer
