// The scenes: city, sea, mountains, forest and road, each standing on the horizon.
#include <algorithm>
#include <cmath>

#include "services/designer/core/art/art_internal.h"

namespace moodtape::designer::art {
namespace {

// A ridge line from x = -20 to 1044 by midpoint displacement, `base` at the ends, peaks up to
// `height` above it.
std::vector<Point> Ridge(double base, double height, double roughness, CoverRandom& random) {
  const int n = 65;
  std::vector<double> y(n, 0);
  y[0] = random.Range(0.1, 0.5);
  y[n - 1] = random.Range(0.1, 0.5);
  double spread = 0.7;
  for (int step = (n - 1) / 2; step >= 1; step /= 2) {
    for (int i = step; i < n - 1; i += 2 * step) {
      y[i] = (y[i - step] + y[i + step]) / 2 + random.Range(-spread, spread);
    }
    spread *= roughness;
  }
  const double lo = *std::min_element(y.begin(), y.end());
  const double hi = *std::max_element(y.begin(), y.end());
  std::vector<Point> pts;
  for (int i = 0; i < n; ++i) {
    const double t = hi > lo ? (y[i] - lo) / (hi - lo) : 0;
    pts.push_back({-20 + 1064.0 * i / (n - 1), base - height * (0.15 + 0.85 * t)});
  }
  return pts;
}

void FillBelow(cairo_t* cr, const std::vector<Point>& ridge, const Rgb& colour, double alpha = 1) {
  SetColor(cr, colour, alpha);
  cairo_move_to(cr, ridge.front().x, kCoverUnits + 10);
  for (const auto& p : ridge) cairo_line_to(cr, p.x, p.y);
  cairo_line_to(cr, ridge.back().x, kCoverUnits + 10);
  cairo_close_path(cr);
  cairo_fill(cr);
}

// Water from the horizon down, with the sun's or moon's light on it.
void Water(Canvas& c, CoverRandom& random, bool glitter) {
  cairo_t* cr = c.cr;
  // Water mirrors the upper sky, darker towards the viewer.
  const Rgb top = Mix(Mix(c.p.sky_top, c.p.sky_bottom, 0.45), c.p.far, 0.2);
  const Rgb bottom = Darken(Mix(c.p.sky_top, c.p.near, 0.3), 0.35);
  PatternPtr water = VerticalGradient(c.horizon, kCoverUnits, top, bottom);
  cairo_set_source(cr, water.get());
  cairo_rectangle(cr, 0, c.horizon, kCoverUnits, kCoverUnits - c.horizon);
  cairo_fill(cr);
  // The horizon line catches the light.
  SetColor(cr, Lighten(c.p.sky_bottom, 0.4), 0.5);
  cairo_rectangle(cr, 0, c.horizon - 1, kCoverUnits, 2);
  cairo_fill(cr);
  if (!glitter) return;
  const auto light_place = SkyLight(c);
  const double x = light_place ? light_place->at.x : 512;
  const double width = light_place ? light_place->radius * 0.9 : 120;
  const Rgb light = Mix(c.p.accent, c.p.glow, 0.5);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (double y = c.horizon + 8; y < kCoverUnits; y += random.Range(9, 16)) {
    const double t = (y - c.horizon) / (kCoverUnits - c.horizon);
    const double w = width * (0.5 + 1.3 * t) * random.Range(0.3, 1.0);
    const double dx = random.Range(-width * 0.4, width * 0.4) * (0.5 + t);
    SetColor(cr, light, 0.55 * (1 - t * 0.6));
    cairo_set_line_width(cr, 2 + 4 * t);
    cairo_move_to(cr, x + dx - w / 2, y);
    cairo_line_to(cr, x + dx + w / 2, y);
    cairo_stroke(cr);
  }
}

void Windows(Canvas& c, double x, double top, double w, CoverRandom& random) {
  if (c.quick || w < 40) return;
  cairo_t* cr = c.cr;
  const Rgb lit = c.night ? Lighten(c.p.glow, 0.2) : Mix(c.p.near, c.p.sky_bottom, 0.35);
  const double cell_w = 16, cell_h = 22;
  const double chance = random.Range(0.12, 0.45);
  SetColor(cr, lit, c.night ? 0.85 : 0.6);
  for (double y = top + 16; y < c.horizon - 14; y += cell_h) {
    for (double wx = x + 10; wx + 8 < x + w - 8; wx += cell_w) {
      if (random.Chance(chance)) cairo_rectangle(cr, wx, y, 7, 11);
    }
  }
  cairo_fill(cr);
}

}  // namespace

void DrawCity(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const bool reflected = variant == 1;
  const bool towers = variant == 2;
  if (towers) FillGlow(cr, 512, c.horizon, 560, Mix(c.p.accent, c.p.sky_bottom, 0.4), 0.45);
  // Far layer: taller, hazier buildings with stepped tops and antennas.
  for (int layer = 0; layer < 2; ++layer) {
    const bool near = layer == 1;
    const Rgb colour = near ? c.p.near : c.p.far;
    double x = random.Range(-60, -10);
    while (x < kCoverUnits + 20) {
      const double w = near ? random.Range(60, 150) : random.Range(45, 110);
      double h = near ? random.Range(70, 250) : random.Range(140, 340);
      if (towers) h *= near ? random.Range(1.0, 1.6) : random.Range(1.1, 1.55);
      const double top = c.horizon - h;
      SetColor(cr, colour);
      cairo_rectangle(cr, x, top, w, h + 1);
      if (random.Chance(0.35)) {
        const double inset = w * random.Range(0.15, 0.3);
        cairo_rectangle(cr, x + inset, top - h * 0.12, w - 2 * inset, h * 0.12 + 1);
      }
      cairo_fill(cr);
      if (random.Chance(towers ? 0.4 : 0.22)) {
        // An antenna or spire.
        const double ax = x + w * random.Range(0.3, 0.7);
        if (towers && random.Chance(0.5)) {
          cairo_move_to(cr, ax - 14, top + 1);
          cairo_line_to(cr, ax, top - random.Range(60, 130));
          cairo_line_to(cr, ax + 14, top + 1);
          cairo_fill(cr);
        } else {
          cairo_rectangle(cr, ax - 2, top - random.Range(30, 80), 4, 80);
          cairo_fill(cr);
          if (c.night) {
            SetColor(cr, c.p.accent);
            CirclePath(cr, ax, top - 80, 3.5);
            cairo_fill(cr);
          }
        }
      }
      if (near) Windows(c, x, top, w, random);
      x += w + random.Range(-8, 14);
    }
  }
  if (reflected) {
    Water(c, random, false);
    // The skyline in the water: broken, fading strips.
    SetColor(cr, c.p.near, 0.45);
    for (double y = c.horizon + 4; y < c.horizon + 200; y += 9) {
      const double t = (y - c.horizon) / 200;
      for (double x = random.Range(-30, 0); x < kCoverUnits; x += random.Range(30, 120)) {
        cairo_rectangle(cr, x, y, random.Range(20, 90) * (1 - t * 0.5), 4);
      }
      cairo_fill(cr);
    }
    if (c.night) {
      SetColor(cr, c.p.glow, 0.35);
      for (int i = 0; i < 70; ++i) {
        const double y = c.horizon + random.Range(6, 190);
        cairo_rectangle(cr, random.Range(0, 1000), y, random.Range(6, 22), 2);
      }
      cairo_fill(cr);
    }
    return;
  }
  // The street: a strip of ground in front.
  PatternPtr ground =
      VerticalGradient(c.horizon, kCoverUnits, Darken(c.p.near, 0.1), Darken(c.p.near, 0.45));
  cairo_set_source(cr, ground.get());
  cairo_rectangle(cr, 0, c.horizon, kCoverUnits, kCoverUnits - c.horizon);
  cairo_fill(cr);
  if (c.night) {
    // Light trails of passing cars along the street: head lights and tail lights.
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int lane = 0; lane < 4; ++lane) {
      const double y = c.horizon + 18 + lane * 16 + random.Range(-3, 3);
      const Rgb colour = lane % 2 == 0 ? Lighten(c.p.glow, 0.3) : c.p.accent;
      for (const auto& [width, alpha] : {std::pair{10.0, 0.15}, {3.0, 0.85}}) {
        SetColor(cr, colour, alpha);
        cairo_set_line_width(cr, width * (0.7 + lane * 0.15));
        double x = random.Range(-200, 100);
        while (x < kCoverUnits) {
          const double len = random.Range(160, 420);
          cairo_move_to(cr, x, y);
          cairo_line_to(cr, x + len, y + random.Range(-2, 2));
          x += len + random.Range(40, 160);
        }
        cairo_stroke(cr);
      }
    }
  }
}

void DrawSea(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  Water(c, random, variant == 0);
  if (variant == 0) {
    // Calm: a few long swells.
    SetColor(cr, Lighten(c.p.sky_bottom, 0.3), 0.18);
    cairo_set_line_width(cr, 2);
    for (int i = 0; i < 14; ++i) {
      const double y = c.horizon + random.Range(20, kCoverUnits - c.horizon);
      const double x = random.Range(-100, 900), w = random.Range(80, 260);
      cairo_move_to(cr, x, y);
      cairo_curve_to(cr, x + w / 3, y - 4, x + 2 * w / 3, y + 4, x + w, y);
      cairo_stroke(cr);
    }
    return;
  }
  // Bands of waves, each nearer one darker and taller; big crests with foam in variant 2.
  const int bands = variant == 2 ? 4 : 6;
  const double span = kCoverUnits - c.horizon;
  for (int b = 0; b < bands; ++b) {
    const double t = static_cast<double>(b + 1) / bands;
    const double base = c.horizon + span * (0.08 + 0.92 * std::pow(t, 1.4)) - span * 0.12;
    const double amp = (variant == 2 ? 26 : 9) * (0.4 + 1.6 * t);
    const double wave = (variant == 2 ? 260 : 140) * (0.5 + t);
    const double phase = random.Range(0, 2 * M_PI);
    const Rgb fill = Mix(Mix(c.p.sky_top, c.p.sky_bottom, 0.4),
                         Darken(Mix(c.p.sky_top, c.p.near, 0.3), 0.4), 0.15 + 0.8 * t);
    std::vector<Point> crest;
    for (double x = -20; x <= kCoverUnits + 20; x += 6) {
      const double s = std::sin(x / wave * 2 * M_PI + phase);
      // Peaked crests: |sin| raised, so the tops are sharp and the troughs round.
      const double shape = variant == 2
                               ? 1 - std::pow(std::abs(std::sin((x / wave) * M_PI + phase)), 0.6)
                               : (s + 1) / 2;
      crest.push_back({x, base - amp * shape});
    }
    SetColor(cr, fill);
    cairo_move_to(cr, -20, kCoverUnits + 10);
    for (const auto& p : crest) cairo_line_to(cr, p.x, p.y);
    cairo_line_to(cr, kCoverUnits + 20, kCoverUnits + 10);
    cairo_close_path(cr);
    cairo_fill(cr);
    SetColor(cr, Lighten(fill, variant == 2 ? 0.75 : 0.35), variant == 2 ? 0.8 : 0.5);
    cairo_set_line_width(cr, variant == 2 ? 4 + 4 * t : 2);
    cairo_move_to(cr, crest.front().x, crest.front().y);
    for (const auto& p : crest) cairo_line_to(cr, p.x, p.y);
    cairo_stroke(cr);
    if (variant == 2 && !c.quick) {
      SetColor(cr, Lighten(fill, 0.8), 0.6);
      for (int i = 0; i < 40; ++i) {
        const auto& p = crest[random.Index(crest.size())];
        CirclePath(cr, p.x + random.Range(-10, 10), p.y - random.Range(0, 14),
                   random.Range(1.5, 4));
        cairo_fill(cr);
      }
    }
  }
}

void DrawMountains(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  if (variant == 1) {
    // One great peak with snow, smaller ranges around it.
    auto back = Ridge(c.horizon, 190, 0.5, random);
    FillBelow(cr, back, Mix(c.p.sky_bottom, c.p.far, 0.55));
    const double px = random.Range(380, 640), py = c.horizon - random.Range(380, 460);
    const double half = random.Range(380, 480);
    std::vector<Point> peak;
    const int steps = 12;
    for (int i = steps; i >= 0; --i) {  // left flank, foot to summit
      const double t = static_cast<double>(i) / steps;
      peak.push_back(
          {px - half * t, py + (c.horizon - py) * t + (i % steps ? random.Range(-12, 12) : 0)});
    }
    for (int i = 1; i <= steps; ++i) {  // right flank, summit to foot
      const double t = static_cast<double>(i) / steps;
      peak.push_back(
          {px + half * t, py + (c.horizon - py) * t + (i % steps ? random.Range(-12, 12) : 0)});
    }
    peak.push_back({px + half, kCoverUnits});
    peak.push_back({px - half, kCoverUnits});
    const Rgb rock =
        c.night ? Lighten(Mix(c.p.far, c.p.accent, 0.12), 0.12) : Mix(c.p.far, c.p.sky_top, 0.2);
    SetColor(cr, rock);
    PolygonPath(cr, peak);
    cairo_fill(cr);
    cairo_save(cr);
    PolygonPath(cr, peak);
    cairo_clip(cr);
    // The shaded face, right of a line from the summit.
    SetColor(cr, Darken(rock, 0.35), 0.7);
    cairo_move_to(cr, px, py - 5);
    cairo_line_to(cr, px + half + 20, py - 5);
    cairo_line_to(cr, px + half + 20, kCoverUnits);
    cairo_line_to(cr, px + half * 0.12, kCoverUnits);
    cairo_close_path(cr);
    cairo_fill(cr);
    // Snow on the top third, its lower edge ragged.
    const double snow_line = py + (c.horizon - py) * 0.32;
    SetColor(cr, Mix(Hex("#f4f7fb"), c.p.sky_bottom, 0.12), 0.96);
    cairo_move_to(cr, px - half, py - 10);
    cairo_line_to(cr, px + half, py - 10);
    const int teeth = 9;
    for (int i = 0; i <= teeth; ++i) {
      const double x = px + half * 0.42 - half * 0.84 * i / teeth;
      cairo_line_to(cr, x, snow_line + (i % 2 == 0 ? random.Range(-30, -5) : random.Range(10, 45)));
    }
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_restore(cr);
    auto front = Ridge(c.horizon + 40, 120, 0.55, random);
    FillBelow(cr, front, c.p.near);
    return;
  }
  const int ranges = 3;
  for (int i = 0; i < ranges; ++i) {
    const double t = static_cast<double>(i) / (ranges - 1);
    const double height = (variant == 2 ? 200 : 360) * (1 - 0.45 * t);
    const double base = c.horizon + 40 * t;
    auto ridge = Ridge(base, height, variant == 2 ? 0.35 : 0.58, random);
    if (variant == 2) {
      // Rolling hills: smooth the ridge.
      for (int pass = 0; pass < 4; ++pass) {
        for (size_t k = 1; k + 1 < ridge.size(); ++k) {
          ridge[k].y = (ridge[k - 1].y + 2 * ridge[k].y + ridge[k + 1].y) / 4;
        }
      }
    }
    const Rgb colour = Mix(Mix(c.p.sky_bottom, c.p.far, 0.6), c.p.near, t);
    FillBelow(cr, ridge, colour);
    // Atmosphere between ranges.
    if (i < ranges - 1) {
      PatternPtr haze(cairo_pattern_create_linear(0, base - height * 0.4, 0, base + 30));
      AddStop(haze.get(), 0, c.p.sky_bottom, 0);
      AddStop(haze.get(), 1, c.p.sky_bottom, 0.35);
      cairo_set_source(cr, haze.get());
      cairo_rectangle(cr, 0, base - height * 0.4, kCoverUnits, kCoverUnits);
      cairo_fill(cr);
    }
  }
}

void DrawForest(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const bool lake = variant == 2;
  auto pine = [&](double x, double base, double h, const Rgb& colour) {
    SetColor(cr, colour);
    const double w = h * 0.42;
    std::vector<Point> pts{{x, base - h}};
    const int tiers = 4;
    for (int i = 1; i <= tiers; ++i) {
      const double t = static_cast<double>(i) / tiers;
      pts.push_back({x + w / 2 * t, base - h + h * 0.85 * t});
      pts.push_back({x + w / 2 * t * 0.55, base - h + h * 0.85 * t - 2});
    }
    pts.back() = {x + w * 0.06, base - h * 0.12};
    pts.push_back({x + w * 0.06, base});
    pts.push_back({x - w * 0.06, base});
    std::vector<Point> mirrored;
    for (auto it = pts.rbegin(); it != pts.rend(); ++it) {
      if (it->x == x && it->y == base - h) continue;
      mirrored.push_back({2 * x - it->x, it->y});
    }
    pts.insert(pts.end(), mirrored.begin() + 2, mirrored.end());
    PolygonPath(cr, pts);
    cairo_fill(cr);
  };
  auto round_tree = [&](double x, double base, double h, const Rgb& colour) {
    SetColor(cr, colour);
    cairo_rectangle(cr, x - h * 0.04, base - h * 0.45, h * 0.08, h * 0.45);
    const double r = h * 0.28;
    CirclePath(cr, x, base - h + r, r);
    CirclePath(cr, x - r * 0.7, base - h + r * 1.6, r * 0.8);
    CirclePath(cr, x + r * 0.7, base - h + r * 1.6, r * 0.8);
    cairo_fill(cr);
  };
  const int rows = lake ? 2 : 3;
  for (int row = 0; row < rows; ++row) {
    const double t = static_cast<double>(row) / std::max(1, rows - 1);
    const Rgb colour = Mix(Mix(c.p.sky_bottom, c.p.far, 0.65), c.p.near, t);
    const double base = lake ? c.horizon + 2 : c.horizon + 30 + row * 70;
    SetColor(cr, colour);
    cairo_rectangle(cr, 0, base - 2, kCoverUnits, kCoverUnits - base + 2);
    cairo_fill(cr);
    double x = random.Range(-30, 10);
    while (x < kCoverUnits + 30) {
      const double h = (lake ? random.Range(90, 210) : random.Range(110, 240)) * (0.75 + 0.5 * t);
      if (variant == 1) {
        round_tree(x, base, h, colour);
      } else {
        pine(x, base, h, colour);
      }
      x += h * random.Range(0.18, 0.38);
    }
    if (lake) break;
  }
  if (lake) {
    PatternPtr water = VerticalGradient(c.horizon, kCoverUnits, Mix(c.p.sky_bottom, c.p.far, 0.4),
                                        Darken(c.p.near, 0.2));
    cairo_set_source(cr, water.get());
    cairo_rectangle(cr, 0, c.horizon + 2, kCoverUnits, kCoverUnits);
    cairo_fill(cr);
    // The treeline in the water, upside down and broken by ripples.
    cairo_save(cr);
    cairo_rectangle(cr, 0, c.horizon + 2, kCoverUnits, kCoverUnits);
    cairo_clip(cr);
    cairo_translate(cr, 0, 2 * c.horizon + 4);
    cairo_scale(cr, 1, -1);
    CoverRandom again = random.Fork("mirror");
    double x = again.Range(-30, 10);
    while (x < kCoverUnits + 30) {
      const double h = again.Range(90, 210) * 0.75;
      pine(x, c.horizon + 2, h, Mix(c.p.far, c.p.near, 0.5));
      x += h * again.Range(0.18, 0.38);
    }
    cairo_restore(cr);
    SetColor(cr, Lighten(c.p.sky_bottom, 0.3), 0.25);
    for (double y = c.horizon + 10; y < kCoverUnits; y += random.Range(10, 22)) {
      cairo_rectangle(cr, random.Range(-50, 600), y, random.Range(100, 500), 2);
    }
    cairo_fill(cr);
  }
}

void DrawRoad(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const double vx = 512, vy = c.horizon;
  if (variant == 1) {
    // The neon grid of synthwave: a dark floor, lines converging on the horizon.
    PatternPtr floor =
        VerticalGradient(vy, kCoverUnits, Darken(c.p.sky_top, 0.2), Darken(c.p.sky_top, 0.6));
    cairo_set_source(cr, floor.get());
    cairo_rectangle(cr, 0, vy, kCoverUnits, kCoverUnits - vy);
    cairo_fill(cr);
    const Rgb line = c.p.glow;
    for (int pass = 0; pass < 2; ++pass) {
      SetColor(cr, line, pass == 0 ? 0.22 : 0.95);
      for (int i = -14; i <= 14; ++i) {
        cairo_set_line_width(cr, pass == 0 ? 9 : 2.2);
        cairo_move_to(cr, vx + i * 6.0, vy);
        cairo_line_to(cr, vx + i * 150.0, kCoverUnits + 40);
      }
      cairo_stroke(cr);
      for (int k = 1; k < 16; ++k) {
        const double y = vy + (kCoverUnits - vy) * std::pow(k / 12.0, 2.0);
        if (y > kCoverUnits + 10) break;
        cairo_set_line_width(cr, (pass == 0 ? 8 : 1.6) * (0.6 + (y - vy) / (kCoverUnits - vy)));
        cairo_move_to(cr, 0, y);
        cairo_line_to(cr, kCoverUnits, y);
      }
      cairo_stroke(cr);
    }
    SetColor(cr, Lighten(c.p.accent, 0.3), 0.9);
    cairo_rectangle(cr, 0, vy - 1.5, kCoverUnits, 3);
    cairo_fill(cr);
    return;
  }
  // Land on both sides.
  PatternPtr land = VerticalGradient(vy, kCoverUnits, Mix(c.p.far, c.p.sky_bottom, 0.3), c.p.near);
  if (variant == 2) {
    auto hills = Ridge(vy + 10, 110, 0.4, random);
    for (int pass = 0; pass < 4; ++pass) {
      for (size_t k = 1; k + 1 < hills.size(); ++k) {
        hills[k].y = (hills[k - 1].y + 2 * hills[k].y + hills[k + 1].y) / 4;
      }
    }
    FillBelow(cr, hills, Mix(c.p.far, c.p.sky_bottom, 0.25));
  }
  cairo_set_source(cr, land.get());
  cairo_rectangle(cr, 0, vy, kCoverUnits, kCoverUnits - vy);
  cairo_fill(cr);
  const Rgb asphalt = Darken(Mix(c.p.near, c.p.far, 0.3), 0.35);
  const Rgb paint = Mix(c.p.glow, Hex("#ffffff"), 0.3);
  if (variant == 2) {
    // A road winding to the horizon: a ribbon along a curve, narrowing with distance.
    const double bend = random.Chance(0.5) ? 1 : -1;
    auto centre = [&](double t) {  // t: 0 at the bottom, 1 at the horizon
      const double x = 512 + bend * 260 * std::sin(t * M_PI * 1.2) * (1 - t);
      return Point{x, kCoverUnits + 20 - (kCoverUnits + 20 - vy) * (1 - std::pow(1 - t, 1.6))};
    };
    std::vector<Point> left, right;
    for (int i = 0; i <= 60; ++i) {
      const double t = i / 60.0;
      const Point p = centre(t);
      const double half = 260 * std::pow(1 - t, 1.5) + 2;
      left.push_back({p.x - half, p.y});
      right.push_back({p.x + half, p.y});
    }
    std::vector<Point> ribbon = left;
    for (auto it = right.rbegin(); it != right.rend(); ++it) ribbon.push_back(*it);
    SetColor(cr, asphalt);
    PolygonPath(cr, ribbon);
    cairo_fill(cr);
    SetColor(cr, paint, 0.9);
    for (int i = 0; i < 60; i += 3) {
      const Point a = centre(i / 60.0), b = centre((i + 1.4) / 60.0);
      cairo_set_line_width(cr, 10 * std::pow(1 - i / 60.0, 1.5) + 0.5);
      cairo_move_to(cr, a.x, a.y);
      cairo_line_to(cr, b.x, b.y);
      cairo_stroke(cr);
    }
    return;
  }
  // The straight road to the vanishing point.
  const double half_bottom = 430;
  SetColor(cr, asphalt);
  cairo_move_to(cr, vx - 3, vy);
  cairo_line_to(cr, vx + 3, vy);
  cairo_line_to(cr, vx + half_bottom, kCoverUnits);
  cairo_line_to(cr, vx - half_bottom, kCoverUnits);
  cairo_close_path(cr);
  cairo_fill(cr);
  SetColor(cr, paint, 0.85);
  for (double side : {-1.0, 1.0}) {
    cairo_move_to(cr, vx + side * 2, vy);
    cairo_line_to(cr, vx + side * (half_bottom - 40), kCoverUnits);
    cairo_line_to(cr, vx + side * (half_bottom - 58), kCoverUnits);
    cairo_close_path(cr);
    cairo_fill(cr);
  }
  // Centre dashes: evenly spaced on the ground, so closer together towards the horizon.
  SetColor(cr, Mix(c.p.accent, paint, 0.4), 0.95);
  for (int k = 0; k < 14; ++k) {
    const double z0 = 1.0 / (k + 1.0), z1 = 1.0 / (k + 1.55);
    const double y0 = vy + (kCoverUnits - vy) * z0 * 0.999, y1 = vy + (kCoverUnits - vy) * z1;
    const double w0 = 16 * z0 + 0.5, w1 = 16 * z1 + 0.5;
    cairo_move_to(cr, vx - w0, y0);
    cairo_line_to(cr, vx + w0, y0);
    cairo_line_to(cr, vx + w1, y1);
    cairo_line_to(cr, vx - w1, y1);
    cairo_close_path(cr);
    cairo_fill(cr);
  }
}

}  // namespace moodtape::designer::art
