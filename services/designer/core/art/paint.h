// Small Cairo helpers the picture and the lettering share: owning pointers, colours, gradients,
// shapes, and a blur for soft shadows and halos (Cairo has none).
#pragma once

#include <cairo.h>

#include <memory>
#include <vector>

#include "services/designer/core/color.h"

namespace moodtape::designer {

struct CairoDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  void operator()(cairo_pattern_t* p) const { cairo_pattern_destroy(p); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDestroy>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoDestroy>;
using PatternPtr = std::unique_ptr<cairo_pattern_t, CairoDestroy>;

struct Point {
  double x = 0, y = 0;
};

void SetColor(cairo_t* cr, const Rgb& c, double alpha = 1);
void AddStop(cairo_pattern_t* p, double offset, const Rgb& c, double alpha = 1);
PatternPtr VerticalGradient(double y0, double y1, const Rgb& top, const Rgb& bottom);
// A soft round light: `c` at alpha `alpha` in the middle, transparent at `radius`.
void FillGlow(cairo_t* cr, double cx, double cy, double radius, const Rgb& c, double alpha);

void CirclePath(cairo_t* cr, double cx, double cy, double r);
void RoundedRectPath(cairo_t* cr, double x, double y, double w, double h, double r);
// A heart whose bounding box is about size x size, centred on (cx, cy).
void HeartPath(cairo_t* cr, double cx, double cy, double size);
// A four-pointed sparkle with concave sides.
void SparklePath(cairo_t* cr, double cx, double cy, double r);
// A closed polygon through `points`.
void PolygonPath(cairo_t* cr, const std::vector<Point>& points);

// Blurs an A8 or ARGB32 image surface in place: three box passes, close to a Gaussian of
// about `radius` pixels.
void BlurSurface(cairo_surface_t* surface, int radius);

}  // namespace moodtape::designer
