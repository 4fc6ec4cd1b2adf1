#include "services/designer/core/lettering/contrast.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace moodtape::designer {
namespace {

double Cross(const Point& a, const Point& b, double x, double y) {
  return (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
}

}  // namespace

Quad DeviceQuad(cairo_t* cr, const Box& box) {
  Quad q;
  const Point corners[4] = {
      {box.x, box.y}, {box.right(), box.y}, {box.right(), box.bottom()}, {box.x, box.bottom()}};
  for (int i = 0; i < 4; ++i) {
    double x = corners[i].x, y = corners[i].y;
    cairo_user_to_device(cr, &x, &y);
    q.corner[i] = {x, y};
  }
  return q;
}

Box Bounds(const Quad& q) {
  double x0 = q.corner[0].x, x1 = x0, y0 = q.corner[0].y, y1 = y0;
  for (const auto& p : q.corner) {
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

LuminanceRange MeasureLuminance(cairo_surface_t* image, const Quad& quad, double offset_x,
                                double offset_y) {
  cairo_surface_flush(image);
  const int w = cairo_image_surface_get_width(image);
  const int h = cairo_image_surface_get_height(image);
  const int stride = cairo_image_surface_get_stride(image);
  const unsigned char* data = cairo_image_surface_get_data(image);
  Quad q = quad;
  for (auto& p : q.corner) p.x -= offset_x, p.y -= offset_y;
  const Box b = Bounds(q);
  // The winding of the quad decides which side of each edge is inside.
  const double sign = Cross(q.corner[0], q.corner[1], q.corner[2].x, q.corner[2].y) >= 0 ? 1 : -1;
  LuminanceRange range;
  const int x0 = std::max(0, static_cast<int>(std::floor(b.x))),
            x1 = std::min(w - 1, static_cast<int>(std::ceil(b.right())));
  const int y0 = std::max(0, static_cast<int>(std::floor(b.y))),
            y1 = std::min(h - 1, static_cast<int>(std::ceil(b.bottom())));
  // Text is almost always upright: then the quad is its bounding box and needs no edge tests.
  const bool upright = q.corner[0].y == q.corner[1].y && q.corner[1].x == q.corner[2].x;
  for (int y = y0; y <= y1; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    const double cy = y + 0.5;
    if (upright && (cy < b.y || cy > b.bottom())) continue;
    for (int x = x0; x <= x1; ++x) {
      const double cx = x + 0.5;
      bool inside = true;
      if (upright) {
        inside = cx >= b.x && cx <= b.right();
      } else {
        for (int e = 0; e < 4 && inside; ++e) {
          inside = sign * Cross(q.corner[e], q.corner[(e + 1) % 4], cx, cy) >= 0;
        }
      }
      if (!inside) continue;
      const uint32_t p = row[x];
      const double l = 0.2126 * LinearFromSrgb8((p >> 16) & 0xff) +
                       0.7152 * LinearFromSrgb8((p >> 8) & 0xff) +
                       0.0722 * LinearFromSrgb8(p & 0xff);
      range.min = std::min(range.min, l);
      range.max = std::max(range.max, l);
      ++range.pixels;
    }
  }
  return range;
}

double WorstContrast(const LuminanceRange& range, const Rgb& ink) {
  if (range.pixels == 0) return 21;
  const double l = RelativeLuminance(ink);
  if (l >= range.max) return ContrastRatio(l, range.max);
  if (l <= range.min) return ContrastRatio(l, range.min);
  return 1;  // some pixel behind is as bright as the ink
}

}  // namespace moodtape::designer
