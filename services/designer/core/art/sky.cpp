// The sky and what is in it: the background gradient, sun, moon, stars, birds, lightning, and
// the clouds of the "sky" scene.
#include <algorithm>
#include <cmath>

#include "services/designer/core/art/art_internal.h"

namespace moodtape::designer::art {
namespace {

// The sky colour at height y (the background gradient), for painting "holes".
PatternPtr SkyPattern(const Canvas& c) {
  PatternPtr sky(cairo_pattern_create_linear(0, 0, 0, c.horizon));
  AddStop(sky.get(), 0, c.p.sky_top);
  AddStop(sky.get(), 1, c.p.sky_bottom);
  return sky;
}

}  // namespace

void DrawSkyBackground(Canvas& c) {
  cairo_t* cr = c.cr;
  PatternPtr sky = SkyPattern(c);
  cairo_set_source(cr, sky.get());
  cairo_paint(cr);
  // Haze where the sky meets the land, lit by the accent: every scene gets depth from it.
  PatternPtr haze(cairo_pattern_create_linear(0, c.horizon - 320, 0, c.horizon));
  const Rgb haze_colour = Mix(c.p.sky_bottom, c.p.accent, c.night ? 0.35 : 0.25);
  AddStop(haze.get(), 0, haze_colour, 0);
  AddStop(haze.get(), 1, haze_colour, c.night ? 0.55 : 0.4);
  cairo_set_source(cr, haze.get());
  cairo_rectangle(cr, 0, c.horizon - 320, kCoverUnits, 320);
  cairo_fill(cr);
  SetColor(cr, c.p.sky_bottom);
  cairo_rectangle(cr, 0, c.horizon, kCoverUnits, kCoverUnits - c.horizon);
  cairo_fill(cr);
}

void DrawSun(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const auto [at, r] = PlaceLight(c, Motif::kSun);
  // A sun is warm whatever the palette: a cool accent is pulled towards orange.
  const double hue = ToHsl(c.p.accent).h;
  const bool warm = hue < 75 || hue > 290;
  const Rgb bottom = warm ? c.p.accent : Mix(c.p.accent, Hex("#ffa23c"), 0.65);
  const Rgb top = Mix(Hex("#fff1a8"), bottom, 0.25);
  if (variant == 2) {
    // Rays: alternating wedges over the whole sky.
    SetColor(cr, Lighten(c.p.accent, 0.3), c.night ? 0.16 : 0.22);
    const int rays = 18;
    const double turn = random.Range(0, M_PI / rays);
    for (int i = 0; i < rays; ++i) {
      const double a0 = turn + 2 * M_PI * i / rays, a1 = a0 + M_PI / rays;
      cairo_move_to(cr, at.x, at.y);
      cairo_line_to(cr, at.x + 1600 * std::cos(a0), at.y + 1600 * std::sin(a0));
      cairo_line_to(cr, at.x + 1600 * std::cos(a1), at.y + 1600 * std::sin(a1));
      cairo_close_path(cr);
    }
    cairo_fill(cr);
  }
  FillGlow(cr, at.x, at.y, r * 2.6, Mix(c.p.accent, c.p.glow, 0.3), c.night ? 0.5 : 0.4);
  PatternPtr disc = VerticalGradient(at.y - r, at.y + r, top, bottom);
  cairo_push_group(cr);
  cairo_set_source(cr, disc.get());
  CirclePath(cr, at.x, at.y, r);
  cairo_fill(cr);
  if (variant == 1) {
    // The retro sun: slits that widen towards the bottom.
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    double y = at.y - r * 0.05;
    for (int i = 0; i < 8 && y < at.y + r; ++i) {
      const double h = 3 + i * 3.2;
      cairo_rectangle(cr, at.x - r - 2, y, 2 * r + 4, h);
      y += h + r * 0.13 - i * 1.5;
    }
    cairo_fill(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
  }
  cairo_pop_group_to_source(cr);
  cairo_paint(cr);
  if (variant == 0) {
    // A ring of light just outside the disc.
    SetColor(cr, Lighten(top, 0.4), 0.35);
    cairo_set_line_width(cr, 3);
    CirclePath(cr, at.x, at.y, r * 1.18);
    cairo_stroke(cr);
  }
}

void DrawMoon(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const auto [at, r] = PlaceLight(c, Motif::kMoon);
  const Rgb pale = Mix(Lighten(c.p.glow, 0.55), Hex("#fff8e1"), 0.4);
  FillGlow(cr, at.x, at.y, r * 3.2, Mix(pale, c.p.accent, 0.2), 0.35);
  if (variant == 2) {
    // Eclipse: a dark disc in a corona.
    PatternPtr corona(cairo_pattern_create_radial(at.x, at.y, r * 0.95, at.x, at.y, r * 1.7));
    AddStop(corona.get(), 0, Lighten(pale, 0.5), 0.95);
    AddStop(corona.get(), 0.25, Mix(pale, c.p.accent, 0.4), 0.5);
    AddStop(corona.get(), 1, c.p.accent, 0);
    cairo_set_source(cr, corona.get());
    CirclePath(cr, at.x, at.y, r * 1.7);
    cairo_fill(cr);
    SetColor(cr, Darken(c.p.sky_top, 0.5));
    CirclePath(cr, at.x, at.y, r);
    cairo_fill(cr);
    return;
  }
  cairo_push_group(cr);
  PatternPtr face(
      cairo_pattern_create_radial(at.x - r * 0.3, at.y - r * 0.3, r * 0.1, at.x, at.y, r));
  AddStop(face.get(), 0, Lighten(pale, 0.4));
  AddStop(face.get(), 1, Mix(pale, c.p.sky_bottom, 0.18));
  cairo_set_source(cr, face.get());
  CirclePath(cr, at.x, at.y, r);
  cairo_fill(cr);
  if (variant == 1) {
    // Full moon with soft craters.
    SetColor(cr, Darken(pale, 0.35), 0.16);
    for (int i = 0; i < 9; ++i) {
      const double a = random.Range(0, 2 * M_PI), d = random.Range(0, r * 0.7);
      CirclePath(cr, at.x + d * std::cos(a), at.y + d * std::sin(a),
                 random.Range(r * 0.07, r * 0.2));
      cairo_fill(cr);
    }
  } else {
    // Crescent: a second disc bites the first.
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    const double side = random.Chance(0.5) ? 1 : -1;
    CirclePath(cr, at.x + side * r * 0.45, at.y - r * 0.2, r * 0.9);
    cairo_fill(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
  }
  cairo_pop_group_to_source(cr);
  cairo_paint(cr);
}

void DrawStars(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Rgb star = c.night ? Lighten(c.p.glow, 0.4) : Lighten(c.p.sky_top, 0.85);
  const double bottom = c.horizon - 20;
  const int count = c.quick ? 70 : (variant == 2 ? 120 : 240);
  for (int i = 0; i < count; ++i) {
    const double x = random.Range(0, kCoverUnits), y = random.Range(0, bottom);
    const double u = random.Unit();
    const double size = 0.7 + 2.4 * u * u * u;
    const double alpha = random.Range(0.35, 1.0) * (y > bottom - 150 ? (bottom - y) / 150 : 1);
    // Stars thin out in the lettering zones; a plate behind the text is the last resort.
    if (c.InQuiet(x, y, 10) && random.Chance(0.92)) continue;
    SetColor(cr, star, alpha);
    CirclePath(cr, x, y, size);
    cairo_fill(cr);
  }
  if (variant == 1) {
    // Two constellations: a few bright stars joined by faint lines.
    for (int k = 0; k < 2; ++k) {
      const double cx = random.Range(150, 874),
                   cy = random.Range(80, std::max(120.0, bottom - 120));
      std::vector<Point> pts;
      for (int i = 0; i < random.Between(5, 7); ++i) {
        pts.push_back({cx + random.Range(-150, 150), cy + random.Range(-90, 90)});
      }
      std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
      SetColor(cr, star, 0.45);
      cairo_set_line_width(cr, 1.6);
      cairo_move_to(cr, pts[0].x, pts[0].y);
      for (const auto& p : pts) cairo_line_to(cr, p.x, p.y);
      cairo_stroke(cr);
      for (const auto& p : pts) {
        FillGlow(cr, p.x, p.y, 16, star, 0.5);
        SetColor(cr, star);
        CirclePath(cr, p.x, p.y, 3.5);
        cairo_fill(cr);
      }
    }
  }
  // Sparkles: a few in every variant, many in the disco one.
  const int sparkles = variant == 2 ? 26 : 7;
  for (int i = 0; i < sparkles; ++i) {
    const double x = random.Range(30, 994), y = random.Range(30, std::max(60.0, bottom - 40));
    if (c.InQuiet(x, y, 24)) continue;
    const double r = variant == 2 ? random.Range(8, 30) : random.Range(6, 14);
    FillGlow(cr, x, y, r * 1.6, star, 0.35);
    SetColor(cr, Lighten(star, 0.5), 0.95);
    SparklePath(cr, x, y, r);
    cairo_fill(cr);
  }
}

void DrawBirds(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Rgb colour = c.night ? Lighten(c.p.far, 0.2) : Darken(c.p.near, 0.2);
  const int n = variant == 1 ? 9 : random.Between(7, 13);
  double x0 = random.Range(180, 520), y0 = random.Range(c.horizon * 0.3, c.horizon * 0.6);
  const double dir = random.Chance(0.5) ? 1 : -1;
  for (int i = 0; i < n; ++i) {
    double x, y, s;
    if (variant == 1) {
      // A V of geese.
      const int arm = (i + 1) / 2, side = i % 2 == 0 ? 1 : -1;
      x = x0 + dir * arm * 46;
      y = y0 + side * arm * 30;
      s = 20;
    } else {
      x = x0 + random.Range(-200, 260);
      y = y0 + random.Range(-110, 110);
      s = random.Range(10, 30);
    }
    if (c.InQuiet(x, y, 20)) continue;
    SetColor(cr, colour, 0.9);
    cairo_set_line_width(cr, s * 0.16);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_move_to(cr, x - s, y - s * 0.25);
    cairo_curve_to(cr, x - s * 0.6, y - s * 0.7, x - s * 0.2, y - s * 0.45, x, y);
    cairo_curve_to(cr, x + s * 0.2, y - s * 0.45, x + s * 0.6, y - s * 0.7, x + s, y - s * 0.25);
    cairo_stroke(cr);
  }
}

void DrawLightning(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const int bolts = variant == 1 ? 2 : 1;
  const Rgb core = Lighten(c.p.glow, 0.7);
  const Rgb halo = Mix(c.p.glow, c.p.accent, 0.3);
  for (int b = 0; b < bolts; ++b) {
    double x = bolts == 1 ? random.Range(300, 724)
                          : (b == 0 ? random.Range(150, 380) : random.Range(640, 870));
    double y = -10;
    const double end = c.horizon * random.Range(0.75, 0.95);
    std::vector<Point> main{{x, y}};
    std::vector<std::vector<Point>> branches;
    while (y < end) {
      y += random.Range(28, 70);
      x += random.Range(-48, 48);
      main.push_back({x, y});
      if (random.Chance(0.18)) {
        std::vector<Point> branch{{x, y}};
        double bx = x, by = y;
        const double side = random.Chance(0.5) ? 1 : -1;
        for (int k = 0; k < random.Between(2, 4); ++k) {
          bx += side * random.Range(15, 50);
          by += random.Range(20, 50);
          branch.push_back({bx, by});
        }
        branches.push_back(branch);
      }
    }
    auto stroke = [&](const std::vector<Point>& pts, double width, const Rgb& col, double alpha) {
      cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
      SetColor(cr, col, alpha);
      cairo_set_line_width(cr, width);
      cairo_move_to(cr, pts[0].x, pts[0].y);
      for (const auto& p : pts) cairo_line_to(cr, p.x, p.y);
      cairo_stroke(cr);
    };
    for (const auto& [width, alpha] : {std::pair{34.0, 0.1}, {16.0, 0.25}}) {
      stroke(main, width, halo, alpha);
      for (const auto& br : branches) stroke(br, width * 0.6, halo, alpha);
    }
    stroke(main, 5, core, 1);
    for (const auto& br : branches) stroke(br, 2.5, core, 0.9);
  }
}

void DrawClouds(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Rgb light = c.night ? Mix(c.p.sky_bottom, c.p.glow, 0.25) : Lighten(c.p.sky_bottom, 0.55);
  const Rgb shade = c.night ? Mix(c.p.sky_top, c.p.far, 0.5) : Mix(c.p.sky_bottom, c.p.far, 0.35);
  if (variant == 1) {
    // Wisps: long soft streaks across the sky.
    for (int i = 0; i < 14; ++i) {
      const double y = random.Range(60, c.horizon - 40), x = random.Range(-200, 900);
      const double w = random.Range(260, 640), h = random.Range(10, 26);
      SetColor(cr, light, random.Range(0.18, 0.45));
      RoundedRectPath(cr, x, y, w, h, h / 2);
      cairo_fill(cr);
    }
  }
  // A sea of clouds at the horizon, in rows of overlapping puffs, far rows in shade.
  const int rows = variant == 2 ? 5 : 4;
  for (int row = 0; row < rows; ++row) {
    const double t = static_cast<double>(row) / (rows - 1);
    const double base = c.horizon - 70 + row * ((kCoverUnits - c.horizon + 90) / rows);
    const Rgb fill = Mix(shade, light, 0.25 + 0.75 * t);
    SetColor(cr, fill);
    double x = -60;
    while (x < kCoverUnits + 60) {
      const double r = random.Range(40, 95) * (0.8 + 0.5 * t);
      CirclePath(cr, x, base - r * 0.35 + random.Range(-12, 12), r);
      x += r * random.Range(0.9, 1.4);
    }
    cairo_rectangle(cr, -10, base, kCoverUnits + 20, kCoverUnits - base + 10);
    cairo_fill(cr);
    // A light rim on top of each row.
    SetColor(cr, Lighten(fill, 0.35), 0.25);
    cairo_rectangle(cr, -10, base - 4, kCoverUnits + 20, 3);
    cairo_fill(cr);
  }
  if (variant == 2) {
    // A few big clouds floating above.
    for (int i = 0; i < 3; ++i) {
      const double cx = random.Range(120, 900), cy = random.Range(150, c.horizon - 160);
      if (c.QuietOverlap(cx, cy, 110) > 0.3) continue;
      SetColor(cr, light, 0.92);
      for (int k = 0; k < 5; ++k) {
        CirclePath(cr, cx + (k - 2) * 42, cy + (k % 2 == 0 ? 10 : -18), 46 + (k == 2 ? 20 : 0));
      }
      RoundedRectPath(cr, cx - 130, cy, 260, 50, 25);
      cairo_fill(cr);
    }
  }
}

}  // namespace moodtape::designer::art
