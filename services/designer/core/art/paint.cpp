#include "services/designer/core/art/paint.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace moodtape::designer {
namespace {

// One box pass over `n` samples `stride` apart, per channel, clamped at the ends.
void BoxPass(uint8_t* data, int n, int stride, int channels, int r, std::vector<uint8_t>& tmp) {
  tmp.resize(static_cast<size_t>(n) * channels);
  const int window = 2 * r + 1;
  for (int c = 0; c < channels; ++c) {
    int sum = 0;
    for (int i = -r; i <= r; ++i) sum += data[std::clamp(i, 0, n - 1) * stride + c];
    for (int i = 0; i < n; ++i) {
      tmp[static_cast<size_t>(i) * channels + c] = static_cast<uint8_t>(sum / window);
      const int add = std::min(i + r + 1, n - 1), drop = std::max(i - r, 0);
      sum += data[add * stride + c] - data[drop * stride + c];
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < channels; ++c)
      data[i * stride + c] = tmp[static_cast<size_t>(i) * channels + c];
  }
}

}  // namespace

void SetColor(cairo_t* cr, const Rgb& c, double alpha) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void AddStop(cairo_pattern_t* p, double offset, const Rgb& c, double alpha) {
  cairo_pattern_add_color_stop_rgba(p, offset, c.r, c.g, c.b, alpha);
}

PatternPtr VerticalGradient(double y0, double y1, const Rgb& top, const Rgb& bottom) {
  PatternPtr p(cairo_pattern_create_linear(0, y0, 0, y1));
  AddStop(p.get(), 0, top);
  AddStop(p.get(), 1, bottom);
  return p;
}

void FillGlow(cairo_t* cr, double cx, double cy, double radius, const Rgb& c, double alpha) {
  PatternPtr p(cairo_pattern_create_radial(cx, cy, 0, cx, cy, radius));
  AddStop(p.get(), 0, c, alpha);
  AddStop(p.get(), 0.35, c, alpha * 0.55);
  AddStop(p.get(), 1, c, 0);
  cairo_set_source(cr, p.get());
  cairo_arc(cr, cx, cy, radius, 0, 2 * M_PI);
  cairo_fill(cr);
}

void CirclePath(cairo_t* cr, double cx, double cy, double r) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
  cairo_close_path(cr);
}

void RoundedRectPath(cairo_t* cr, double x, double y, double w, double h, double r) {
  r = std::min({r, w / 2, h / 2});
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
  cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
  cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
  cairo_close_path(cr);
}

void HeartPath(cairo_t* cr, double cx, double cy, double size) {
  const double s = size / 2;
  const double top = cy - s * 0.55;
  cairo_new_sub_path(cr);
  cairo_move_to(cr, cx, top + s * 0.25);
  cairo_curve_to(cr, cx, top - s * 0.3, cx - s * 1.05, top - s * 0.35, cx - s * 1.0,
                 top + s * 0.45);
  cairo_curve_to(cr, cx - s * 0.95, top + s * 1.05, cx - s * 0.2, top + s * 1.3, cx, cy + s);
  cairo_curve_to(cr, cx + s * 0.2, top + s * 1.3, cx + s * 0.95, top + s * 1.05, cx + s * 1.0,
                 top + s * 0.45);
  cairo_curve_to(cr, cx + s * 1.05, top - s * 0.35, cx, top - s * 0.3, cx, top + s * 0.25);
  cairo_close_path(cr);
}

void SparklePath(cairo_t* cr, double cx, double cy, double r) {
  const double k = r * 0.18;  // how far the sides bow in
  cairo_new_sub_path(cr);
  cairo_move_to(cr, cx, cy - r);
  cairo_curve_to(cr, cx + k, cy - k, cx + k, cy - k, cx + r, cy);
  cairo_curve_to(cr, cx + k, cy + k, cx + k, cy + k, cx, cy + r);
  cairo_curve_to(cr, cx - k, cy + k, cx - k, cy + k, cx - r, cy);
  cairo_curve_to(cr, cx - k, cy - k, cx - k, cy - k, cx, cy - r);
  cairo_close_path(cr);
}

void PolygonPath(cairo_t* cr, const std::vector<Point>& points) {
  if (points.empty()) return;
  cairo_new_sub_path(cr);
  cairo_move_to(cr, points[0].x, points[0].y);
  for (size_t i = 1; i < points.size(); ++i) cairo_line_to(cr, points[i].x, points[i].y);
  cairo_close_path(cr);
}

void BlurSurface(cairo_surface_t* surface, int radius) {
  if (radius < 1) return;
  cairo_surface_flush(surface);
  const int w = cairo_image_surface_get_width(surface);
  const int h = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const int channels = cairo_image_surface_get_format(surface) == CAIRO_FORMAT_A8 ? 1 : 4;
  uint8_t* data = cairo_image_surface_get_data(surface);
  // Three passes of a box a third of the radius wide approximate a Gaussian.
  const int r = std::max(1, radius / 3);
  std::vector<uint8_t> tmp;
  for (int pass = 0; pass < 3; ++pass) {
    for (int y = 0; y < h; ++y) BoxPass(data + y * stride, w, channels, channels, r, tmp);
    for (int x = 0; x < w; ++x) BoxPass(data + x * channels, h, stride, channels, r, tmp);
  }
  cairo_surface_mark_dirty(surface);
}

}  // namespace moodtape::designer
