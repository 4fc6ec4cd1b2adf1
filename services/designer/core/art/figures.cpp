// The figures that stand in front of the scene: hearts, flowers, fire, a skull, a crown,
// diamonds and palms. Each is drawn in the layout's figure area unless it fills a band of the
// picture (a meadow, a wall of flames, floating hearts).
#include <algorithm>
#include <cmath>

#include "services/designer/core/art/art_internal.h"

namespace moodtape::designer::art {
namespace {

Point Centre(const Box& b) { return {b.x + b.w / 2, b.y + b.h / 2}; }
double Size(const Box& b) { return std::min(b.w, b.h); }

// A soft shadow under a figure, so it stands off the scene.
void GroundShadow(cairo_t* cr, double cx, double cy, double w, const Rgb& colour) {
  cairo_save(cr);
  cairo_translate(cr, cx, cy);
  cairo_scale(cr, 1, 0.18);
  FillGlow(cr, 0, 0, w, colour, 0.45);
  cairo_restore(cr);
}

// A flame tongue: a teardrop with a round foot of width w at (x, base), its tip h above,
// leaning by `sway`.
void FlamePath(cairo_t* cr, double x, double base, double w, double h, double sway) {
  const double tx = x + sway, ty = base - h;
  cairo_move_to(cr, tx, ty);
  cairo_curve_to(cr, tx - w * 0.05 - sway * 0.3, base - h * 0.55, x - w * 0.75, base - h * 0.38,
                 x - w * 0.5, base - h * 0.1);
  cairo_curve_to(cr, x - w * 0.32, base + h * 0.04, x + w * 0.32, base + h * 0.04, x + w * 0.5,
                 base - h * 0.1);
  cairo_curve_to(cr, x + w * 0.75, base - h * 0.38, tx + w * 0.2 - sway * 0.3, base - h * 0.5, tx,
                 ty);
  cairo_close_path(cr);
}

void Daisy(cairo_t* cr, double x, double y, double r, const Rgb& petal, const Rgb& heart,
           double turn) {
  SetColor(cr, petal);
  const int petals = 10;
  for (int i = 0; i < petals; ++i) {
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, turn + 2 * M_PI * i / petals);
    cairo_scale(cr, 1, 0.36);
    CirclePath(cr, r * 0.55, 0, r * 0.5);
    cairo_restore(cr);
  }
  cairo_fill(cr);
  SetColor(cr, heart);
  CirclePath(cr, x, y, r * 0.26);
  cairo_fill(cr);
}

}  // namespace

void DrawHearts(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Point at = Centre(c.figure);
  const double s = Size(c.figure) * 0.86;
  if (variant == 1) {
    // Hearts floating up across the picture, small and far ones fainter.
    for (int i = 0; i < (c.quick ? 10 : 22); ++i) {
      const double x = random.Range(40, 984), y = random.Range(60, 980);
      const double size = random.Range(22, 96);
      if (c.InQuiet(x, y, size * 0.6)) continue;
      cairo_save(cr);
      cairo_translate(cr, x, y);
      cairo_rotate(cr, random.Range(-0.45, 0.45));
      const Rgb colour = Mix(c.p.accent, c.p.glow, random.Range(0, 0.45));
      SetColor(cr, colour, random.Range(0.7, 1.0));
      HeartPath(cr, 0, 0, size);
      cairo_fill(cr);
      cairo_restore(cr);
    }
    return;
  }
  if (variant == 2) {
    // A neon heart: a glowing tube.
    const Rgb tube = Lighten(c.p.accent, 0.15);
    for (const auto& [w, a] : {std::pair{46.0, 0.08}, {26.0, 0.18}, {14.0, 0.4}}) {
      SetColor(cr, tube, a);
      cairo_set_line_width(cr, w);
      HeartPath(cr, at.x, at.y, s * 0.9);
      cairo_stroke(cr);
    }
    SetColor(cr, Lighten(tube, 0.6));
    cairo_set_line_width(cr, 6);
    HeartPath(cr, at.x, at.y, s * 0.9);
    cairo_stroke(cr);
    return;
  }
  // One big glossy heart.
  cairo_save(cr);
  cairo_translate(cr, 10, 16);
  SetColor(cr, Darken(c.p.near, 0.4), 0.35);
  HeartPath(cr, at.x, at.y, s);
  cairo_fill(cr);
  cairo_restore(cr);
  PatternPtr body = VerticalGradient(at.y - s / 2, at.y + s / 2, Lighten(c.p.accent, 0.25),
                                     Darken(c.p.accent, 0.25));
  cairo_set_source(cr, body.get());
  HeartPath(cr, at.x, at.y, s);
  cairo_fill(cr);
  cairo_save(cr);
  cairo_translate(cr, at.x - s * 0.25, at.y - s * 0.22);
  cairo_rotate(cr, -0.6);
  cairo_scale(cr, 1, 0.5);
  FillGlow(cr, 0, 0, s * 0.16, Hex("#ffffff"), 0.55);
  cairo_restore(cr);
}

void DrawFlowers(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Rgb petal = c.night ? Lighten(c.p.glow, 0.5) : Hex("#fffaf0");
  if (variant == 0) {
    // A meadow in front: many daisies, bigger towards the viewer.
    struct Bloom {
      double x, y, r, turn;
      bool accent;
    };
    std::vector<Bloom> blooms;
    const double top = std::max(c.horizon + 20, 700.0);
    for (int i = 0; i < (c.quick ? 30 : 90); ++i) {
      const double y = random.Range(top, 1040);
      const double t = (y - top) / (1040 - top);
      blooms.push_back({random.Range(-20, 1044), y, 8 + 26 * t * t + random.Range(0, 6),
                        random.Range(0, M_PI), random.Chance(0.3)});
    }
    std::sort(blooms.begin(), blooms.end(),
              [](const Bloom& a, const Bloom& b) { return a.y < b.y; });
    const Rgb green = c.night ? Hex("#17331f") : Hex("#4f9a4a");
    PatternPtr grass = VerticalGradient(top - 30, kCoverUnits, Mix(green, c.p.near, 0.25),
                                        Darken(Mix(green, c.p.near, 0.35), 0.35));
    cairo_set_source(cr, grass.get());
    cairo_move_to(cr, 0, top - 10);
    for (double x = 0; x <= kCoverUnits; x += 64)
      cairo_line_to(cr, x, top - 10 - 18 * std::sin(x / 170));
    cairo_line_to(cr, kCoverUnits, kCoverUnits);
    cairo_line_to(cr, 0, kCoverUnits);
    cairo_close_path(cr);
    cairo_fill(cr);
    for (const auto& b : blooms) {
      SetColor(cr, Darken(green, 0.35));
      cairo_set_line_width(cr, std::max(1.5, b.r * 0.12));
      cairo_move_to(cr, b.x, b.y);
      cairo_line_to(cr, b.x + b.r * 0.2, b.y + b.r * 2.5);
      cairo_stroke(cr);
      Daisy(cr, b.x, b.y, b.r, b.accent ? Lighten(c.p.accent, 0.2) : petal,
            Mix(Hex("#ffc93c"), c.p.accent, 0.2), b.turn);
    }
    return;
  }
  const Point at = Centre(c.figure);
  const double s = Size(c.figure);
  if (variant == 1) {
    // One big bloom: two rings of petals around a seeded heart.
    GroundShadow(cr, at.x, at.y + s * 0.45, s * 0.45, Darken(c.p.near, 0.4));
    const double r = s * 0.44;
    const double turn = random.Range(0, M_PI);
    for (int ring = 0; ring < 2; ++ring) {
      const int petals = ring == 0 ? 12 : 9;
      const double len = ring == 0 ? r : r * 0.68;
      const Rgb colour = ring == 0 ? c.p.accent : Lighten(c.p.accent, 0.35);
      for (int i = 0; i < petals; ++i) {
        cairo_save(cr);
        cairo_translate(cr, at.x, at.y);
        cairo_rotate(cr, turn + 2 * M_PI * (i + ring * 0.5) / petals);
        PatternPtr fill(cairo_pattern_create_linear(0, 0, len, 0));
        AddStop(fill.get(), 0, Darken(colour, 0.3));
        AddStop(fill.get(), 1, colour);
        cairo_set_source(cr, fill.get());
        cairo_move_to(cr, 0, 0);
        cairo_curve_to(cr, len * 0.3, -len * 0.32, len * 0.85, -len * 0.28, len, 0);
        cairo_curve_to(cr, len * 0.85, len * 0.28, len * 0.3, len * 0.32, 0, 0);
        cairo_fill(cr);
        cairo_restore(cr);
      }
    }
    SetColor(cr, Mix(Hex("#ffc93c"), c.p.accent, 0.25));
    CirclePath(cr, at.x, at.y, r * 0.24);
    cairo_fill(cr);
    SetColor(cr, Darken(c.p.accent, 0.5), 0.55);
    for (int i = 0; i < 30; ++i) {
      const double a = i * 2.39996, d = r * 0.2 * std::sqrt(i / 30.0);
      CirclePath(cr, at.x + d * std::cos(a), at.y + d * std::sin(a), 2.6);
    }
    cairo_fill(cr);
    return;
  }
  // Tulips in a row.
  const int n = random.Between(5, 7);
  const double base = std::min(kCoverUnits - 10, c.figure.bottom() + 40);
  for (int i = 0; i < n; ++i) {
    const double x = c.figure.x + c.figure.w * (i + 0.5) / n + random.Range(-14, 14);
    const double h = s * random.Range(0.55, 0.85);
    const double cup = s * 0.11;
    const Rgb stem = Darken(Mix(c.p.near, Hex("#2f6b3a"), 0.55), 0.1);
    SetColor(cr, stem);
    cairo_set_line_width(cr, 7);
    cairo_move_to(cr, x, base);
    cairo_curve_to(cr, x - 10, base - h * 0.4, x + 10, base - h * 0.7, x, base - h);
    cairo_stroke(cr);
    cairo_move_to(cr, x, base - h * 0.2);
    cairo_curve_to(cr, x - 60, base - h * 0.35, x - 50, base - h * 0.6, x - 20, base - h * 0.68);
    cairo_curve_to(cr, x - 30, base - h * 0.45, x - 10, base - h * 0.3, x, base - h * 0.2);
    cairo_fill(cr);
    const Rgb colour = i % 2 == 0 ? c.p.accent : Mix(c.p.accent, c.p.glow, 0.45);
    PatternPtr fill = VerticalGradient(base - h - cup * 1.6, base - h + cup, Lighten(colour, 0.2),
                                       Darken(colour, 0.25));
    cairo_set_source(cr, fill.get());
    const double y = base - h;
    cairo_move_to(cr, x - cup, y - cup * 1.3);
    cairo_line_to(cr, x - cup * 0.35, y - cup * 0.7);
    cairo_line_to(cr, x, y - cup * 1.5);
    cairo_line_to(cr, x + cup * 0.35, y - cup * 0.7);
    cairo_line_to(cr, x + cup, y - cup * 1.3);
    cairo_curve_to(cr, x + cup * 1.15, y - cup * 0.2, x + cup * 0.6, y + cup * 0.5, x,
                   y + cup * 0.5);
    cairo_curve_to(cr, x - cup * 0.6, y + cup * 0.5, x - cup * 1.15, y - cup * 0.2, x - cup,
                   y - cup * 1.3);
    cairo_fill(cr);
  }
}

void DrawFire(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Rgb deep = Mix(Darken(c.p.accent, 0.35), Hex("#8a1500"), 0.4);
  const Rgb mid = Mix(c.p.accent, Hex("#ff6a00"), 0.45);
  const Rgb hot = Mix(c.p.glow, Hex("#ffe066"), 0.6);
  if (variant == 0) {
    // A wall of flames along the bottom, three layers deep.
    FillGlow(cr, 512, kCoverUnits + 120, 820, mid, 0.55);
    const Rgb layers[] = {deep, mid, hot};
    for (int layer = 0; layer < 3; ++layer) {
      SetColor(cr, layers[layer], layer == 2 ? 0.95 : 1);
      const double scale = 1.0 - layer * 0.28;
      for (double x = random.Range(-40, 0); x < kCoverUnits + 40; x += random.Range(40, 80)) {
        const double h = random.Range(180, 400) * scale;
        FlamePath(cr, x, kCoverUnits + 10, random.Range(70, 130) * scale, h, random.Range(-50, 50));
      }
      cairo_fill(cr);
    }
    return;
  }
  const Point at = Centre(c.figure);
  const double s = Size(c.figure);
  if (variant == 2) {
    // A ring of fire: tongues pointing out from a circle.
    const double r = s * 0.3;
    FillGlow(cr, at.x, at.y, r * 2.2, mid, 0.5);
    const Rgb layers[] = {deep, mid, hot};
    for (int layer = 0; layer < 3; ++layer) {
      SetColor(cr, layers[layer]);
      const int tongues = 26;
      for (int i = 0; i < tongues; ++i) {
        cairo_save(cr);
        cairo_translate(cr, at.x, at.y);
        cairo_rotate(cr, 2 * M_PI * (i + layer * 0.33) / tongues);
        const double h = r * random.Range(0.45, 0.9) * (1 - layer * 0.25);
        FlamePath(cr, 0, -r + 6, r * 0.3, h, random.Range(-h * 0.2, h * 0.2));
        cairo_fill(cr);
        cairo_restore(cr);
      }
    }
    SetColor(cr, Darken(c.p.sky_top, 0.3));
    CirclePath(cr, at.x, at.y, r * 0.92);
    cairo_fill(cr);
    return;
  }
  // One flame with embers rising from it.
  const double base = at.y + s * 0.45;
  FillGlow(cr, at.x, base - s * 0.3, s * 0.85, mid, 0.55);
  SetColor(cr, deep);
  FlamePath(cr, at.x, base, s * 0.5, s * 0.95, random.Range(-30, 30));
  cairo_fill(cr);
  SetColor(cr, mid);
  FlamePath(cr, at.x, base, s * 0.36, s * 0.72, random.Range(-25, 25));
  cairo_fill(cr);
  SetColor(cr, hot);
  FlamePath(cr, at.x, base, s * 0.2, s * 0.45, random.Range(-15, 15));
  cairo_fill(cr);
  for (int i = 0; i < 24; ++i) {
    const double x = at.x + random.Range(-s * 0.45, s * 0.45),
                 y = base - random.Range(s * 0.3, s * 1.1);
    if (c.InQuiet(x, y)) continue;
    SetColor(cr, hot, random.Range(0.4, 0.95));
    CirclePath(cr, x, y, random.Range(1.5, 4.5));
    cairo_fill(cr);
  }
}

void DrawSkull(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Point at = Centre(c.figure);
  const double s = Size(c.figure) * 0.82;
  const Rgb bone = Mix(Hex("#ece3cf"), c.p.glow, 0.2);
  const Rgb dark = Darken(c.p.near, 0.5);
  const Rgb shade = Mix(bone, c.p.far, 0.35);
  (void)random;
  FillGlow(cr, at.x, at.y, s * 0.9, c.p.accent, 0.35);
  if (variant == 1) {
    // Crossed bones behind.
    for (double a : {0.72, -0.72}) {
      cairo_save(cr);
      cairo_translate(cr, at.x, at.y + s * 0.12);
      cairo_rotate(cr, a);
      const double len = s * 0.62, w = s * 0.07;
      SetColor(cr, shade);
      RoundedRectPath(cr, -len, -w / 2, 2 * len, w, w / 2);
      for (double end : {-len, len}) {
        CirclePath(cr, end, -w * 0.7, w * 0.85);
        CirclePath(cr, end, w * 0.7, w * 0.85);
      }
      cairo_fill(cr);
      cairo_restore(cr);
    }
  }
  // Cranium and jaw.
  PatternPtr fill = VerticalGradient(at.y - s * 0.5, at.y + s * 0.45, Lighten(bone, 0.2), shade);
  cairo_set_source(cr, fill.get());
  cairo_save(cr);
  cairo_translate(cr, at.x, at.y - s * 0.1);
  cairo_scale(cr, 1, 1.08);
  CirclePath(cr, 0, 0, s * 0.38);
  cairo_restore(cr);
  RoundedRectPath(cr, at.x - s * 0.22, at.y + s * 0.1, s * 0.44, s * 0.32, s * 0.08);
  cairo_fill(cr);
  // Eyes, nose and teeth.
  SetColor(cr, dark);
  for (double side : {-1.0, 1.0}) {
    cairo_save(cr);
    cairo_translate(cr, at.x + side * s * 0.15, at.y - s * 0.02);
    cairo_rotate(cr, side * 0.15);
    cairo_scale(cr, 1, 0.85);
    CirclePath(cr, 0, 0, s * 0.105);
    cairo_restore(cr);
  }
  cairo_fill(cr);
  cairo_move_to(cr, at.x, at.y + s * 0.09);
  cairo_line_to(cr, at.x - s * 0.05, at.y + s * 0.19);
  cairo_line_to(cr, at.x + s * 0.05, at.y + s * 0.19);
  cairo_close_path(cr);
  cairo_fill(cr);
  cairo_set_line_width(cr, s * 0.014);
  for (int i = -3; i <= 3; ++i) {
    const double x = at.x + i * s * 0.055;
    cairo_move_to(cr, x, at.y + s * 0.27);
    cairo_line_to(cr, x, at.y + s * 0.4);
  }
  cairo_move_to(cr, at.x - s * 0.2, at.y + s * 0.33);
  cairo_line_to(cr, at.x + s * 0.2, at.y + s * 0.33);
  cairo_stroke(cr);
  // A glint in the eyes.
  SetColor(cr, c.p.accent, 0.9);
  for (double side : {-1.0, 1.0})
    CirclePath(cr, at.x + side * s * 0.15, at.y - s * 0.02, s * 0.025);
  cairo_fill(cr);
}

void DrawCrown(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Point at = Centre(c.figure);
  const double w = Size(c.figure) * 0.82, h = w * 0.62;
  const Rgb gold = Mix(c.p.accent, Hex("#e8b923"), 0.55);
  const double left = at.x - w / 2, base = at.y + h / 2, top = at.y - h / 2;
  FillGlow(cr, at.x, at.y, w * 0.85, Lighten(gold, 0.2), 0.4);
  GroundShadow(cr, at.x, base + 20, w * 0.55, Darken(c.p.near, 0.5));
  PatternPtr metal(cairo_pattern_create_linear(0, top, 0, base));
  AddStop(metal.get(), 0, Lighten(gold, 0.45));
  AddStop(metal.get(), 0.5, gold);
  AddStop(metal.get(), 0.55, Darken(gold, 0.2));
  AddStop(metal.get(), 1, Darken(gold, 0.45));
  cairo_set_source(cr, metal.get());
  std::vector<Point> tips;
  if (variant == 0) {
    // Five points with pearls.
    cairo_move_to(cr, left, base);
    cairo_line_to(cr, left, top + h * 0.25);
    for (int i = 0; i < 5; ++i) {
      const double x0 = left + w * i / 4.0;
      const double tip_y = top + (i % 2 == 0 ? 0 : h * 0.12);
      if (i > 0) cairo_line_to(cr, x0 - w / 8, top + h * 0.5);
      cairo_line_to(cr, x0, tip_y);
      tips.push_back({x0, tip_y});
    }
    cairo_line_to(cr, left + w, base);
    cairo_close_path(cr);
    cairo_fill(cr);
  } else {
    // Three rounded arches.
    cairo_move_to(cr, left, base);
    cairo_line_to(cr, left, top + h * 0.35);
    for (int i = 0; i < 3; ++i) {
      const double x0 = left + w * i / 3.0, x1 = left + w * (i + 1) / 3.0;
      cairo_curve_to(cr, x0 + w * 0.04, top - h * 0.05, x1 - w * 0.04, top - h * 0.05, x1,
                     top + h * 0.35);
      tips.push_back({(x0 + x1) / 2, top + h * 0.02});
    }
    cairo_line_to(cr, left + w, base);
    cairo_close_path(cr);
    cairo_fill(cr);
  }
  // The band and its jewels.
  SetColor(cr, Darken(gold, 0.35));
  cairo_rectangle(cr, left - 6, base - h * 0.22, w + 12, h * 0.22);
  cairo_fill(cr);
  const Rgb jewel = RotateHue(c.p.accent, random.Chance(0.5) ? 150 : 200);
  for (int i = 0; i < 5; ++i) {
    const double x = left + w * (i + 0.5) / 5;
    SetColor(cr, i % 2 == 0 ? Saturate(jewel, 1.4) : Lighten(c.p.glow, 0.3));
    CirclePath(cr, x, base - h * 0.11, h * 0.055);
    cairo_fill(cr);
  }
  for (const auto& t : tips) {
    SetColor(cr, Lighten(c.p.glow, 0.5));
    CirclePath(cr, t.x, t.y - h * 0.03, h * 0.065);
    cairo_fill(cr);
  }
}

void DrawDiamonds(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Rgb ice = Mix(Hex("#e6f7ff"), c.p.glow, 0.3);
  auto gem = [&](double cx, double cy, double w) {
    const double table = w * 0.5, crown_h = w * 0.22, pav_h = w * 0.58;
    const double top = cy - (crown_h + pav_h) / 2, girdle = top + crown_h, tip = girdle + pav_h;
    // Facets, alternately light and dark, so it reads as cut stone.
    const Point tl{cx - table / 2, top}, tr{cx + table / 2, top}, gl{cx - w / 2, girdle},
        gr{cx + w / 2, girdle}, bottom{cx, tip};
    const std::vector<std::vector<Point>> crown = {{gl, tl, {cx - w * 0.18, girdle}},
                                                   {tl, tr, {cx, girdle}},
                                                   {tr, gr, {cx + w * 0.18, girdle}},
                                                   {tl, {cx - w * 0.18, girdle}, {cx, girdle}},
                                                   {tr, {cx, girdle}, {cx + w * 0.18, girdle}}};
    double shade = 0.0;
    for (const auto& f : crown) {
      SetColor(cr, Mix(ice, c.p.accent, shade));
      PolygonPath(cr, f);
      cairo_fill(cr);
      shade = shade > 0.2 ? 0.05 : shade + 0.14;
    }
    const std::vector<std::vector<Point>> pavilion = {
        {gl, {cx - w * 0.18, girdle}, bottom},
        {{cx - w * 0.18, girdle}, {cx, girdle}, bottom},
        {{cx, girdle}, {cx + w * 0.18, girdle}, bottom},
        {{cx + w * 0.18, girdle}, gr, bottom}};
    const double shades[] = {0.45, 0.15, 0.3, 0.55};
    for (size_t i = 0; i < pavilion.size(); ++i) {
      SetColor(cr, Mix(Darken(ice, 0.1), c.p.accent, shades[i]));
      PolygonPath(cr, pavilion[i]);
      cairo_fill(cr);
    }
    SetColor(cr, Hex("#ffffff"), 0.6);
    cairo_set_line_width(cr, std::max(1.0, w * 0.008));
    PolygonPath(cr, {tl, tr, gr, bottom, gl});
    cairo_stroke(cr);
  };
  if (variant == 1) {
    for (int i = 0; i < (c.quick ? 6 : 14); ++i) {
      const double x = random.Range(60, 964), y = random.Range(80, 960), w = random.Range(40, 120);
      if (c.InQuiet(x, y, w * 0.6)) continue;
      gem(x, y, w);
    }
  } else {
    const Point at = Centre(c.figure);
    const double w = Size(c.figure) * 0.8;
    FillGlow(cr, at.x, at.y, w * 0.9, Lighten(c.p.accent, 0.3), 0.45);
    gem(at.x, at.y, w);
  }
  for (int i = 0; i < 9; ++i) {
    const Point at = Centre(c.figure);
    const double x = at.x + random.Range(-c.figure.w * 0.6, c.figure.w * 0.6);
    const double y = at.y + random.Range(-c.figure.h * 0.6, c.figure.h * 0.6);
    if (c.InQuiet(x, y, 20)) continue;
    SetColor(cr, Hex("#ffffff"), 0.95);
    SparklePath(cr, x, y, random.Range(8, 22));
    cairo_fill(cr);
  }
}

void DrawPalms(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Rgb colour = Darken(c.p.near, c.night ? 0.3 : 0.1);
  // The crowns stay below any lettering in the upper half.
  double ceiling = 0;
  for (const Box& q : c.quiet) {
    if (q.y < kCoverUnits / 2) ceiling = std::max(ceiling, q.bottom());
  }
  const double max_h = (kCoverUnits - ceiling - 20) / 1.15;
  auto palm = [&](double base_x, double lean, double h) {
    h = std::min(h, max_h);
    // A trunk curving up from the bottom edge, then fronds arching out and drooping.
    const double top_x = base_x + lean * h * 0.4, top_y = kCoverUnits - h;
    SetColor(cr, colour);
    const double w0 = h * 0.05, w1 = h * 0.022;
    cairo_move_to(cr, base_x - w0, kCoverUnits + 5);
    cairo_curve_to(cr, base_x - w0, kCoverUnits - h * 0.5, top_x - w1 - lean * 30, top_y + h * 0.3,
                   top_x - w1, top_y);
    cairo_line_to(cr, top_x + w1, top_y);
    cairo_curve_to(cr, top_x + w1 - lean * 30, top_y + h * 0.3, base_x + w0, kCoverUnits - h * 0.5,
                   base_x + w0, kCoverUnits + 5);
    cairo_close_path(cr);
    cairo_fill(cr);
    const int fronds = 10;
    for (int i = 0; i < fronds; ++i) {
      // Half the fronds to each side; the lower a frond starts, the further it droops.
      const double side = i % 2 == 0 ? -1 : 1;
      const double lift = (i / 2) / (fronds / 2 - 1.0) * 0.85 + random.Range(0, 0.1);
      const double len = h * random.Range(0.34, 0.44) * (1 - 0.3 * lift);
      const double ex = top_x + side * len * (0.95 - 0.45 * lift);
      const double ey = top_y + len * (0.6 - 0.75 * lift);
      const double cx = top_x + side * len * (0.5 - 0.2 * lift);
      const double cy = top_y - len * (0.22 + 0.3 * lift);
      const double w = len * 0.11;
      // A leaf: the band between two curves from the crown to the same tip.
      cairo_move_to(cr, top_x, top_y);
      cairo_curve_to(cr, cx, cy - w, cx + side * w, cy - w * 0.3, ex, ey);
      cairo_curve_to(cr, cx + side * w * 0.3, cy + w * 1.2, cx - side * w * 0.5, cy + w, top_x,
                     top_y + 4);
      cairo_close_path(cr);
    }
    cairo_fill(cr);
    for (int i = 0; i < 3; ++i)
      CirclePath(cr, top_x + (i - 1) * h * 0.028, top_y + h * 0.03, h * 0.02);
    cairo_fill(cr);
  };
  if (variant == 1) {
    const bool left = random.Chance(0.5);
    palm(left ? 130 : 894, left ? 1 : -1, random.Range(620, 760));
  } else {
    palm(random.Range(40, 150), 1, random.Range(560, 700));
    palm(random.Range(874, 984), -1, random.Range(460, 620));
  }
}

}  // namespace moodtape::designer::art
