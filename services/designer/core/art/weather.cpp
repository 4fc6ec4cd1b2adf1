// Weather over the whole picture (rain, snow), and each genre's finish.
#include <cmath>

#include "services/designer/core/art/art_internal.h"

namespace moodtape::designer::art {

void DrawRain(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  // The air gets heavier first.
  SetColor(cr, Mix(c.p.sky_top, c.p.far, 0.5), 0.18);
  cairo_paint(cr);
  const Rgb drop = c.night ? Lighten(c.p.glow, 0.3) : Lighten(c.p.sky_bottom, 0.6);
  const double slant = random.Range(0.15, 0.35);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  const int n = c.quick ? 120 : (variant == 1 ? 220 : 420);
  for (int i = 0; i < n; ++i) {
    const double x = random.Range(-60, 1080), y = random.Range(-40, 1040);
    const double len = variant == 1 ? random.Range(10, 22) : random.Range(26, 70);
    if (c.InQuiet(x, y, 8) && random.Chance(0.85)) continue;
    SetColor(cr, drop, random.Range(0.2, 0.5));
    cairo_set_line_width(cr, random.Range(1.2, 2.6));
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x - len * slant, y + len);
    cairo_stroke(cr);
  }
  if (variant == 1) {
    // Ripples where drops land.
    for (int i = 0; i < 30; ++i) {
      const double x = random.Range(0, 1024), y = random.Range(c.horizon + 30, 1010);
      if (c.InQuiet(x, y, 20)) continue;
      const double r = random.Range(8, 30) * (0.4 + (y - c.horizon) / (kCoverUnits - c.horizon));
      cairo_save(cr);
      cairo_translate(cr, x, y);
      cairo_scale(cr, 1, 0.3);
      SetColor(cr, drop, 0.35);
      cairo_set_line_width(cr, 2);
      CirclePath(cr, 0, 0, r);
      cairo_restore(cr);
      cairo_stroke(cr);
    }
  }
}

void DrawSnow(Canvas& c, int variant, CoverRandom random) {
  cairo_t* cr = c.cr;
  const Rgb snow = Hex("#f7fbff");
  for (int i = 0; i < (c.quick ? 80 : 260); ++i) {
    const double x = random.Range(0, 1024), y = random.Range(0, 1024);
    if (c.InQuiet(x, y, 6) && random.Chance(0.85)) continue;
    SetColor(cr, snow, random.Range(0.5, 0.95));
    CirclePath(cr, x, y, random.Range(1.5, 5));
    cairo_fill(cr);
  }
  if (variant != 1) return;
  // Flakes: six arms with a pair of twigs each.
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (int i = 0; i < 26; ++i) {
    const double x = random.Range(30, 994), y = random.Range(30, 994), r = random.Range(8, 24);
    if (c.InQuiet(x, y, r)) continue;
    SetColor(cr, snow, 0.9);
    cairo_set_line_width(cr, std::max(1.5, r * 0.1));
    const double turn = random.Range(0, M_PI / 3);
    for (int k = 0; k < 6; ++k) {
      const double a = turn + k * M_PI / 3, ca = std::cos(a), sa = std::sin(a);
      cairo_move_to(cr, x, y);
      cairo_line_to(cr, x + r * ca, y + r * sa);
      const double bx = x + r * 0.6 * ca, by = y + r * 0.6 * sa;
      for (double side : {-0.6, 0.6}) {
        cairo_move_to(cr, bx, by);
        cairo_line_to(cr, bx + r * 0.3 * std::cos(a + side), by + r * 0.3 * std::sin(a + side));
      }
    }
    cairo_stroke(cr);
  }
}

void DrawFinish(Canvas& c, CoverRandom random) {
  cairo_t* cr = c.cr;
  const CoverGenre genre = c.plan.spec.genre;
  if (genre == CoverGenre::kPunk && !c.quick) {
    // Halftone dots in one corner, as if photocopied.
    const bool right = random.Chance(0.5);
    SetColor(cr, c.p.near, 0.22);
    for (double y = 8; y < kCoverUnits; y += 18) {
      for (double x = 8; x < kCoverUnits; x += 18) {
        const double t = std::hypot(right ? kCoverUnits - x : x, kCoverUnits - y) / 900;
        const double r = 7 * (1 - t);
        if (r > 0.6) CirclePath(cr, x + (static_cast<int>(y / 18) % 2) * 9, y, r);
      }
    }
    cairo_fill(cr);
  }
  if (genre == CoverGenre::kHeavyMetal || genre == CoverGenre::kBlues ||
      genre == CoverGenre::kGangstaRap || genre == CoverGenre::kSynthwave) {
    // A vignette pulls the eye to the middle.
    PatternPtr v(cairo_pattern_create_radial(512, 512, 330, 512, 512, 760));
    AddStop(v.get(), 0, Hex("#000000"), 0);
    AddStop(v.get(), 1, Hex("#000000"), genre == CoverGenre::kSynthwave ? 0.35 : 0.6);
    cairo_set_source(cr, v.get());
    cairo_paint(cr);
  }
  if (genre == CoverGenre::kDiscoPolo && !c.quick) {
    // Glitter.
    for (int i = 0; i < 14; ++i) {
      const double x = random.Range(30, 994), y = random.Range(30, 994);
      if (c.InQuiet(x, y, 30)) continue;
      const double r = random.Range(8, 22);
      FillGlow(cr, x, y, r * 1.8, c.p.glow, 0.35);
      SetColor(cr, Hex("#ffffff"), 0.95);
      SparklePath(cr, x, y, r);
      cairo_fill(cr);
    }
  }
}

}  // namespace moodtape::designer::art
