#include "services/designer/core/lettering/lettering.h"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "services/designer/core/cover_random.h"
#include "services/designer/core/lettering/contrast.h"
#include "services/designer/core/lettering/text_fit.h"

namespace moodtape::designer {
namespace {

const Rgb kWhite{1, 1, 1};
const Rgb kBlack{0.04, 0.04, 0.05};

bool IsLight(const Rgb& c) { return RelativeLuminance(c) > 0.18; }

// `start` moved towards black (or white) until it has `ratio` against `ink`.
Rgb AwayFrom(const Rgb& ink, const Rgb& start, double ratio) {
  const bool darken = IsLight(ink);
  Rgb c = start;
  for (int i = 0; i < 20 && ContrastRatio(c, ink) < ratio; ++i) {
    c = darken ? Darken(c, 0.15) : Lighten(c, 0.15);
  }
  return c;
}

// Effects sit on the far side of the ink from the background, so they only add contrast.
Rgb EffectColour(const Rgb& ink, const Palette& p) {
  return IsLight(ink) ? AwayFrom(ink, Darken(p.near, 0.6), 7)
                      : AwayFrom(ink, Lighten(p.glow, 0.85), 7);
}
Rgb GlowColour(const Rgb& ink, const Palette& p) { return AwayFrom(ink, p.accent, 5); }

Rgb PlateColour(PlateStyle style, const Rgb& ink, const Palette& p) {
  const bool light_ink = IsLight(ink);
  switch (style) {
    case PlateStyle::kRounded: {
      // A pill in the palette's most vivid hue, deep under light ink, pale under dark ink.
      Hsl vivid = ToHsl(p.accent);
      for (const Rgb& c : {p.sky_top, p.sky_bottom, p.glow}) {
        const Hsl h = ToHsl(c);
        if (h.s * (1 - std::abs(h.l - 0.5)) > vivid.s * (1 - std::abs(vivid.l - 0.5))) vivid = h;
      }
      vivid.s = std::max(vivid.s, 0.7);
      vivid.l = light_ink ? 0.3 : 0.9;
      return AwayFrom(ink, FromHsl(vivid), 7);
    }
    case PlateStyle::kLabel:
      return light_ink ? AwayFrom(ink, Darken(p.near, 0.5), 7)
                       : AwayFrom(ink, Mix(Hex("#f4efe1"), p.glow, 0.15), 7);
    case PlateStyle::kTape:
      return light_ink ? Hex("#161616") : AwayFrom(ink, Mix(Hex("#efe8d2"), p.accent, 0.12), 7);
    case PlateStyle::kScrim:
    case PlateStyle::kBand:
      break;
  }
  return light_ink ? AwayFrom(ink, Darken(p.near, 0.65), 7)
                   : AwayFrom(ink, Lighten(p.glow, 0.85), 7);
}

// An A8 mask placed at (x, y) in the cover's pixels.
struct DeviceMask {
  SurfacePtr mask;
  int x = 0, y = 0;
};

// What is drawn for one block of text.
struct Block {
  const TextStyle* style = nullptr;
  SetText text;
  Rgb ink, effect, glow, plate_colour;
  double plate_alpha = 0;
  double tape_angle = 0;
  std::optional<Box> avoid;  // the other block's ink: plates and effects keep out of it
  // The blurred effects' shapes, in the cover's pixels: they do not depend on colours, so they
  // are made once and painted in every trial.
  std::optional<DeviceMask> glow_mask, shadow_mask;

  double Em(double em) const { return em * text.size_px; }
  double Pad() const { return std::clamp(text.size_px * 0.3, 8.0, 40.0); }
  // Padding above and below the ink, shortened towards the other block so two plates meet
  // edge to edge instead of one covering the other's text.
  double PadAbove(double factor = 1) const {
    double pad = Pad() * factor;
    if (avoid && avoid->bottom() <= text.ink.y)
      pad = std::min(pad, (text.ink.y - avoid->bottom()) / 2);
    return std::max(pad, 0.0);
  }
  double PadBelow(double factor = 1) const {
    double pad = Pad() * factor;
    if (avoid && avoid->y >= text.ink.bottom())
      pad = std::min(pad, (avoid->y - text.ink.bottom()) / 2);
    return std::max(pad, 0.0);
  }
  // How far a scrim may fade out above and below before it reaches the other block.
  double FadeAbove() const {
    return avoid && avoid->bottom() <= text.ink.y
               ? std::clamp(text.ink.y - PadAbove() - avoid->bottom(), 0.0, 160.0)
               : 160;
  }
  double FadeBelow() const {
    return avoid && avoid->y >= text.ink.bottom()
               ? std::clamp(avoid->y - text.ink.bottom() - PadBelow(), 0.0, 160.0)
               : 160;
  }
};

Box Grow(const Box& b, double by) { return {b.x - by, b.y - by, b.w + 2 * by, b.h + 2 * by}; }

// How opaque a plate may be, lightest first. A shade (scrim, band) can be anything from a hint
// to solid; a shape (pill, label, tape) looks cheap half transparent, so it is nearly solid.
std::vector<double> PlateAlphas(const TextStyle& style) {
  std::vector<double> alphas;
  if (!style.always_plate) alphas.push_back(0);
  switch (style.plate) {
    case PlateStyle::kScrim:
      alphas.insert(alphas.end(), {0.35, 0.55, 0.7, 0.85, 1.0});
      break;
    case PlateStyle::kBand:
      alphas.insert(alphas.end(), {0.6, 0.8, 0.92, 1.0});
      break;
    case PlateStyle::kRounded:
    case PlateStyle::kLabel:
      alphas.insert(alphas.end(), {0.92, 1.0});
      break;
    case PlateStyle::kTape:
      alphas.push_back(1.0);
      break;
  }
  return alphas;
}

// Keeps later drawing out of `avoid` (and inside the cover).
void ClipAvoiding(cairo_t* cr, const std::optional<Box>& avoid) {
  if (!avoid) return;
  cairo_rectangle(cr, -10, -10, kCoverUnits + 20, kCoverUnits + 20);
  cairo_rectangle(cr, avoid->x, avoid->y, avoid->w, avoid->h);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_clip(cr);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
}

void DrawPlate(cairo_t* cr, const Block& b) {
  if (b.plate_alpha <= 0) return;
  const Box& ink = b.text.ink;
  const double pad = b.Pad();
  const Rgb& c = b.plate_colour;
  const double a = b.plate_alpha;
  switch (b.style->plate) {
    case PlateStyle::kScrim: {
      // Even under the text, fading out above and below.
      const double top = ink.y - b.PadAbove(), bottom = ink.bottom() + b.PadBelow();
      const double up = b.FadeAbove(), down = b.FadeBelow();
      const double span = bottom - top + up + down;
      PatternPtr shade(cairo_pattern_create_linear(0, top - up, 0, bottom + down));
      AddStop(shade.get(), 0, c, 0);
      AddStop(shade.get(), up / span, c, a);
      AddStop(shade.get(), (up + bottom - top) / span, c, a);
      AddStop(shade.get(), 1, c, 0);
      cairo_set_source(cr, shade.get());
      cairo_rectangle(cr, 0, top - up, kCoverUnits, span);
      cairo_fill(cr);
      return;
    }
    case PlateStyle::kBand: {
      SetColor(cr, c, a);
      const double top = ink.y - b.PadAbove(), bottom = ink.bottom() + b.PadBelow();
      cairo_rectangle(cr, 0, top, kCoverUnits, bottom - top);
      cairo_fill(cr);
      return;
    }
    case PlateStyle::kRounded: {
      const double top = ink.y - b.PadAbove(), bottom = ink.bottom() + b.PadBelow();
      const double r = std::min((bottom - top) / 2, 70.0);
      // Wide enough that the rounded corners clear the ink box's corners.
      const double v = std::min(ink.y - top, bottom - ink.bottom());
      const double reach = v >= r ? 0 : r - std::sqrt(r * r - (r - v) * (r - v));
      const double side = std::max(pad * 1.4, reach + 2);
      SetColor(cr, c, a);
      RoundedRectPath(cr, ink.x - side, top, ink.w + 2 * side, bottom - top, r);
      cairo_fill(cr);
      return;
    }
    case PlateStyle::kLabel: {
      const double top = ink.y - b.PadAbove(1.2), bottom = ink.bottom() + b.PadBelow(1.2);
      const Box label{ink.x - pad * 1.3, top, ink.w + pad * 2.6, bottom - top};
      SetColor(cr, c, a);
      cairo_rectangle(cr, label.x, label.y, label.w, label.h);
      cairo_fill(cr);
      // A thin rule inside the edge, clear of the ink.
      const double in = std::min(pad * 0.45, std::min(b.PadAbove(1.2), b.PadBelow(1.2)) * 0.45);
      if (in >= 3) {
        SetColor(cr, b.ink, 0.6 * a);
        cairo_set_line_width(cr, 2);
        cairo_rectangle(cr, label.x + in, label.y + in, label.w - 2 * in, label.h - 2 * in);
        cairo_stroke(cr);
      }
      return;
    }
    case PlateStyle::kTape: {
      // A strip a little crooked, wide enough that the straight text stays on it.
      const double s = std::abs(std::sin(b.tape_angle));
      const double w = ink.w + pad * 2.6 + ink.h * s, h = ink.h + pad * 2 + ink.w * s;
      cairo_save(cr);
      cairo_translate(cr, ink.x + ink.w / 2, ink.y + ink.h / 2);
      cairo_rotate(cr, b.tape_angle);
      SetColor(cr, Darken(c, 0.7), a * 0.3);
      cairo_rectangle(cr, -w / 2 + 5, -h / 2 + 6, w, h);
      cairo_fill(cr);
      SetColor(cr, c, a);
      cairo_move_to(cr, -w / 2, -h / 2);
      cairo_line_to(cr, w / 2, -h / 2);
      // Torn ends: a zigzag outside the text.
      for (int i = 0; i <= 6; ++i) {
        cairo_line_to(cr, w / 2 + (i % 2 == 0 ? 0 : 7), -h / 2 + h * i / 6);
      }
      cairo_line_to(cr, -w / 2, h / 2);
      for (int i = 6; i >= 0; --i) {
        cairo_line_to(cr, -w / 2 - (i % 2 == 0 ? 0 : 7), -h / 2 + h * i / 6);
      }
      cairo_close_path(cr);
      cairo_fill(cr);
      cairo_restore(cr);
      return;
    }
  }
}

// What `draw_path` fills, blurred by `blur` cover units, as a mask in `cr`'s device pixels.
DeviceMask BlurredMask(cairo_t* cr, const Box& bounds, double blur,
                       const std::function<void(cairo_t*)>& draw_path) {
  cairo_matrix_t m;
  cairo_get_matrix(cr, &m);
  const Box device = Bounds(DeviceQuad(cr, Grow(bounds, blur * 2)));
  DeviceMask out;
  out.x = static_cast<int>(std::floor(device.x));
  out.y = static_cast<int>(std::floor(device.y));
  const int w = std::max(1, static_cast<int>(std::ceil(device.right())) - out.x);
  const int h = std::max(1, static_cast<int>(std::ceil(device.bottom())) - out.y);
  out.mask.reset(cairo_image_surface_create(CAIRO_FORMAT_A8, w, h));
  {
    CairoPtr mcr(cairo_create(out.mask.get()));
    cairo_matrix_t shifted = m;
    shifted.x0 -= out.x;
    shifted.y0 -= out.y;
    cairo_set_matrix(mcr.get(), &shifted);
    cairo_set_source_rgba(mcr.get(), 1, 1, 1, 1);
    draw_path(mcr.get());
  }
  BlurSurface(out.mask.get(), static_cast<int>(std::lround(blur * m.xx)));
  return out;
}

// Paints `colour` through `mask` on `cr`, whose device pixels are the cover's shifted by
// (`shift_x`, `shift_y`) (a trial copy of part of the cover).
void PaintMask(cairo_t* cr, const DeviceMask& mask, const Rgb& colour, double alpha, int shift_x,
               int shift_y) {
  cairo_save(cr);
  cairo_identity_matrix(cr);
  SetColor(cr, colour, alpha);
  cairo_mask_surface(cr, mask.mask.get(), mask.x - shift_x, mask.y - shift_y);
  cairo_restore(cr);
}

void LayoutPath(cairo_t* cr, const Block& b, double dx, double dy) {
  cairo_save(cr);
  cairo_translate(cr, b.text.origin.x + dx, b.text.origin.y + dy);
  pango_cairo_layout_path(cr, b.text.layout.get());
  cairo_restore(cr);
}

// Made once per block with the cover's own context.
void PrepareMasks(cairo_t* cr, Block& b) {
  const TextEffects& fx = b.style->effects;
  const Box& ink = b.text.ink;
  if (fx.glow > 0) {
    const double width = b.Em(fx.glow) * 0.5;
    b.glow_mask = BlurredMask(cr, Grow(ink, width), b.Em(fx.glow), [&](cairo_t* m) {
      LayoutPath(m, b, 0, 0);
      cairo_set_line_width(m, width);
      cairo_set_line_join(m, CAIRO_LINE_JOIN_ROUND);
      cairo_fill_preserve(m);
      cairo_stroke(m);
    });
  }
  if ((fx.shadow_dx != 0 || fx.shadow_dy != 0) && fx.shadow_blur > 0) {
    const double dx = b.Em(fx.shadow_dx), dy = b.Em(fx.shadow_dy);
    const Box shifted{ink.x + dx, ink.y + dy, ink.w, ink.h};
    b.shadow_mask =
        BlurredMask(cr, Grow(shifted, b.Em(fx.outline)), b.Em(fx.shadow_blur), [&](cairo_t* m) {
          LayoutPath(m, b, dx, dy);
          cairo_set_line_width(m, b.Em(fx.outline) * 2);
          cairo_fill_preserve(m);
          cairo_stroke(m);
        });
  }
}

void DrawEffects(cairo_t* cr, const Block& b, int shift_x, int shift_y) {
  const TextEffects& fx = b.style->effects;
  if (b.glow_mask) PaintMask(cr, *b.glow_mask, b.glow, 0.9, shift_x, shift_y);
  if (b.shadow_mask) {
    PaintMask(cr, *b.shadow_mask, b.effect, 0.85, shift_x, shift_y);
  } else if (fx.shadow_dx != 0 || fx.shadow_dy != 0) {
    SetColor(cr, b.effect);
    LayoutPath(cr, b, b.Em(fx.shadow_dx), b.Em(fx.shadow_dy));
    cairo_fill(cr);
  }
  if (fx.extrude > 0) {
    // Stacked copies towards the bottom right read as depth.
    const double depth = b.Em(fx.extrude);
    const double step = 1.5;
    SetColor(cr, b.glow);
    for (double d = depth; d > 0; d -= step) LayoutPath(cr, b, d, d);
    cairo_fill(cr);
    SetColor(cr, b.effect);
    LayoutPath(cr, b, depth, depth);
    cairo_set_line_width(cr, b.Em(fx.outline) * 1.2);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
  }
  if (fx.outline > 0) {
    SetColor(cr, b.effect);
    LayoutPath(cr, b, 0, 0);
    cairo_set_line_width(cr, b.Em(fx.outline) * 2);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
  }
}

void DrawInk(cairo_t* cr, const Block& b) {
  SetColor(cr, b.ink);
  cairo_save(cr);
  cairo_translate(cr, b.text.origin.x, b.text.origin.y);
  pango_cairo_show_layout(cr, b.text.layout.get());
  cairo_restore(cr);
}

// The contrast the block would have if its plate and effects were drawn now: drawn on a copy of
// the pixels under its ink box, at the same pixel grid, so the answer is exact.
double Simulate(cairo_t* cr, const Block& b) {
  cairo_surface_t* target = cairo_get_target(cr);
  const Quad quad = DeviceQuad(cr, b.text.ink);
  const Box device = Bounds(quad);
  const int x0 = std::max(0, static_cast<int>(std::floor(device.x)) - 1);
  const int y0 = std::max(0, static_cast<int>(std::floor(device.y)) - 1);
  const int x1 = std::min(cairo_image_surface_get_width(target),
                          static_cast<int>(std::ceil(device.right())) + 1);
  const int y1 = std::min(cairo_image_surface_get_height(target),
                          static_cast<int>(std::ceil(device.bottom())) + 1);
  if (x1 <= x0 || y1 <= y0) return 21;
  SurfacePtr copy(cairo_image_surface_create(CAIRO_FORMAT_RGB24, x1 - x0, y1 - y0));
  CairoPtr scr(cairo_create(copy.get()));
  cairo_set_source_surface(scr.get(), target, -x0, -y0);
  cairo_paint(scr.get());
  cairo_matrix_t m;
  cairo_get_matrix(cr, &m);
  m.x0 -= x0;
  m.y0 -= y0;
  cairo_set_matrix(scr.get(), &m);
  ClipAvoiding(scr.get(), b.avoid);
  DrawPlate(scr.get(), b);
  DrawEffects(scr.get(), b, x0, y0);
  return WorstContrast(MeasureLuminance(copy.get(), quad, x0, y0), b.ink);
}

double MeasureNow(cairo_t* cr, const Box& ink_box, const Rgb& ink) {
  return WorstContrast(MeasureLuminance(cairo_get_target(cr), DeviceQuad(cr, ink_box)), ink);
}

LetteredBlock Finish(const Block& b, double contrast) {
  LetteredBlock out;
  out.ink = b.text.ink;
  out.contrast = contrast;
  out.colour = b.ink;
  out.plate = b.plate_alpha > 0;
  out.size_px = b.text.size_px;
  out.words_broken = b.text.words_broken;
  return out;
}

// Chooses ink and plate by simulation, then draws: plate, effects, a measurement of what is now
// behind the ink, the ink.
LetteredBlock DrawBlock(cairo_t* cr, Block b, const Palette& p, CoverRandom random) {
  b.tape_angle = random.Range(-0.05, 0.05);
  PrepareMasks(cr, b);
  const std::vector<double> alphas = PlateAlphas(*b.style);
  std::vector<Rgb> inks = InkCandidates(b.style->ink, p);
  if (b.style->ink == InkPreference::kContrast || b.style->always_plate) {
    // Best first against what is there now (or against the plate that will be).
    const LuminanceRange behind =
        MeasureLuminance(cairo_get_target(cr), DeviceQuad(cr, b.text.ink));
    std::stable_sort(inks.begin(), inks.end(), [&](const Rgb& x, const Rgb& y) {
      if (b.style->always_plate) {
        return ContrastRatio(x, PlateColour(b.style->plate, x, p)) >
               ContrastRatio(y, PlateColour(b.style->plate, y, p));
      }
      return WorstContrast(behind, x) > WorstContrast(behind, y);
    });
  }
  bool chosen = false;
  for (double alpha : alphas) {
    // Without a plate any ink may do; with one, the two first choices (light and dark, or the
    // layout's colour and the one against it) cover every background.
    const size_t tries = alpha == 0 ? inks.size() : std::min<size_t>(2, inks.size());
    for (size_t i = 0; i < tries; ++i) {
      const Rgb& ink = inks[i];
      b.ink = ink;
      b.effect = EffectColour(ink, p);
      b.glow = GlowColour(ink, p);
      b.plate_colour = PlateColour(b.style->plate, ink, p);
      b.plate_alpha = alpha;
      if (Simulate(cr, b) >= kMinContrast) {
        chosen = true;
        break;
      }
    }
    if (chosen) break;
  }
  cairo_save(cr);
  ClipAvoiding(cr, b.avoid);
  DrawPlate(cr, b);
  DrawEffects(cr, b, 0, 0);
  cairo_restore(cr);
  double contrast = MeasureNow(cr, b.text.ink, b.ink);
  if (contrast < kMinContrast) {
    // Cannot happen when the simulation was right; if it does, a solid plate under plain ink.
    const bool light = IsLight(b.ink);
    b.ink = light ? kWhite : kBlack;
    b.plate_colour = light ? kBlack : kWhite;
    b.plate_alpha = 1;
    SetColor(cr, b.plate_colour);
    const Box plate = Grow(b.text.ink, 3);
    cairo_rectangle(cr, plate.x, plate.y, plate.w, plate.h);
    cairo_fill(cr);
    contrast = MeasureNow(cr, b.text.ink, b.ink);
  }
  DrawInk(cr, b);
  return Finish(b, contrast);
}

// --- The punk title: words cut out of different papers and fonts. ---

struct RansomFont {
  const char* family;
  int weight;
  bool italic;
};

constexpr RansomFont kRansomFonts[] = {
    {"Nimbus Sans, DejaVu Sans", 700, false},
    {"C059, DejaVu Serif", 700, false},
    {"Bebas Neue, DejaVu Sans Condensed", 700, false},
    {"Nimbus Mono PS, DejaVu Sans Mono", 700, false},
    {"League Spartan, DejaVu Sans", 900, false},
    {"URW Bookman, DejaVu Serif", 600, true},
    {"P052, DejaVu Serif", 700, true},
    {"Nimbus Sans Narrow, DejaVu Sans Condensed", 700, false},
};

struct Scrap {
  std::string text;
  TextStyle style;
  double scale = 1;  // of the base size
  double angle = 0;
  Rgb paper, ink;
  PangoLayoutPtr layout;
  Box ink_box;            // relative to the layout origin
  double w = 0, h = 0;    // the paper
  double bw = 0, bh = 0;  // the rotated paper's bounding box
  Point centre;
};

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (c == ' ') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

struct RansomSet {
  std::vector<Scrap> scraps;
  Box ink;
  double size = 0;
};

// Lays the scraps out in lines at base size `size`; false when they do not fit the box.
bool PlaceScraps(PangoContext* context, std::vector<Scrap>& scraps, double size, const Box& box,
                 int max_lines) {
  const double gap = std::max(size * 0.14, 12.0);
  double x = 0, y = 0, line_h = 0;
  int lines = 1;
  std::vector<size_t> line_start{0};
  for (size_t i = 0; i < scraps.size(); ++i) {
    Scrap& s = scraps[i];
    s.layout = MakeLayout(context, s.text, s.style, size * s.scale, 0, PANGO_WRAP_WORD);
    s.ink_box = InkOf(s.layout.get());
    const double pad = size * s.scale * 0.14 + 4;
    s.w = s.ink_box.w + 2 * pad;
    s.h = s.ink_box.h + 2 * pad;
    const double c = std::abs(std::cos(s.angle)), sn = std::abs(std::sin(s.angle));
    s.bw = s.w * c + s.h * sn;
    s.bh = s.w * sn + s.h * c;
    if (s.bw > box.w) return false;
    if (x > 0 && x + s.bw > box.w) {
      y += line_h + gap * 0.6;
      x = 0, line_h = 0;
      ++lines;
      line_start.push_back(i);
    }
    s.centre = {box.x + x + s.bw / 2, box.y + y};  // y: the line's top for now
    x += s.bw + gap;
    line_h = std::max(line_h, s.bh);
  }
  if (lines > max_lines || y + line_h > box.h) return false;
  // Centre each scrap vertically in its line.
  line_start.push_back(scraps.size());
  double top = box.y;
  for (size_t l = 0; l + 1 < line_start.size(); ++l) {
    double h = 0;
    for (size_t i = line_start[l]; i < line_start[l + 1]; ++i) h = std::max(h, scraps[i].bh);
    for (size_t i = line_start[l]; i < line_start[l + 1]; ++i) scraps[i].centre.y = top + h / 2;
    top += h + gap * 0.6;
  }
  return true;
}

LetteredBlock DrawRansom(cairo_t* cr, PangoContext* context, const std::string& title,
                         const TypeLayout& layout, const Palette& p, CoverRandom random,
                         const std::optional<Box>& avoid, RansomSet* set_out) {
  const Rgb papers[] = {Hex("#f4f1e8"), Hex("#141414"), p.accent,
                        Hex("#ffe14d"), Hex("#ffffff"), Lighten(p.glow, 0.6)};
  const Rgb inks[] = {Hex("#111111"), Hex("#f4f1e8"), Hex("#d10a2a")};
  std::vector<Scrap> scraps;
  size_t last_font = std::size(kRansomFonts), last_paper = 6;
  for (const auto& word : SplitWords(title)) {
    Scrap s;
    // Never the same font or paper twice in a row: that is what makes it a ransom note.
    size_t font = random.Index(std::size(kRansomFonts));
    if (font == last_font)
      font = (font + 1 + random.Index(std::size(kRansomFonts) - 1)) % std::size(kRansomFonts);
    last_font = font;
    const RansomFont& f = kRansomFonts[font];
    s.style = layout.title;
    s.style.family = f.family;
    s.style.weight = f.weight;
    s.style.italic = f.italic;
    s.style.tracking = 0;
    s.text = random.Chance(0.75) ? InCase(word, TextCase::kUpper) : word;
    s.scale = random.Range(0.82, 1.12);
    s.angle = random.Range(-0.09, 0.09);
    size_t paper = random.Index(std::size(papers));
    if (paper == last_paper)
      paper = (paper + 1 + random.Index(std::size(papers) - 1)) % std::size(papers);
    last_paper = paper;
    s.paper = papers[paper];
    // The ink with the most contrast on this paper; a palette paper with no ink at 7:1 on it
    // gives way to newsprint.
    s.ink = inks[0];
    for (const Rgb& ink : inks) {
      if (ContrastRatio(ink, s.paper) > ContrastRatio(s.ink, s.paper)) s.ink = ink;
    }
    if (ContrastRatio(s.ink, s.paper) < 7) s.paper = papers[0], s.ink = inks[0];
    scraps.push_back(std::move(s));
  }
  double size = layout.title.max_px;
  while (size > 4 &&
         !PlaceScraps(context, scraps, size, layout.title_box, layout.title.max_lines)) {
    size *= 0.95;
  }
  if (size <= 4) {
    // Too many words for the lines allowed: any number of lines, smallest size first up.
    size = 4;
    PlaceScraps(context, scraps, size, layout.title_box, 1000);
  }
  LetteredBlock out;
  out.contrast = 21;
  out.size_px = size;
  out.plate = true;
  out.colour = scraps.empty() ? kBlack : scraps.front().ink;
  bool first = true;
  cairo_save(cr);
  ClipAvoiding(cr, avoid);
  for (const Scrap& s : scraps) {
    cairo_save(cr);
    cairo_translate(cr, s.centre.x, s.centre.y);
    cairo_rotate(cr, s.angle);
    SetColor(cr, Darken(p.near, 0.6), 0.4);
    cairo_rectangle(cr, -s.w / 2 + 4, -s.h / 2 + 5, s.w, s.h);
    cairo_fill(cr);
    SetColor(cr, s.paper);
    cairo_rectangle(cr, -s.w / 2, -s.h / 2, s.w, s.h);
    cairo_fill(cr);
    const Point origin{-s.ink_box.w / 2 - s.ink_box.x, -s.ink_box.h / 2 - s.ink_box.y};
    const Box ink_local{origin.x + s.ink_box.x, origin.y + s.ink_box.y, s.ink_box.w, s.ink_box.h};
    out.contrast = std::min(out.contrast, MeasureNow(cr, ink_local, s.ink));
    SetColor(cr, s.ink);
    cairo_translate(cr, origin.x, origin.y);
    pango_cairo_show_layout(cr, s.layout.get());
    cairo_restore(cr);
    const Box bounds{s.centre.x - s.bw / 2, s.centre.y - s.bh / 2, s.bw, s.bh};
    if (first) {
      out.ink = bounds;
      first = false;
    } else {
      const double x0 = std::min(out.ink.x, bounds.x), y0 = std::min(out.ink.y, bounds.y);
      const double x1 = std::max(out.ink.right(), bounds.right());
      const double y1 = std::max(out.ink.bottom(), bounds.bottom());
      out.ink = {x0, y0, x1 - x0, y1 - y0};
    }
  }
  cairo_restore(cr);
  if (set_out) set_out->size = size;
  return out;
}

}  // namespace

std::vector<Rgb> InkCandidates(InkPreference preference, const Palette& p) {
  switch (preference) {
    case InkPreference::kLight:
      return {p.ink_light, p.ink_dark, kWhite, kBlack};
    case InkPreference::kDark:
      return {p.ink_dark, p.ink_light, kBlack, kWhite};
    case InkPreference::kAccent:
      return {Lighten(p.accent, 0.1), p.ink_light, p.ink_dark, kWhite, kBlack};
    case InkPreference::kContrast:
      break;
  }
  return {p.ink_dark, p.ink_light, kBlack, kWhite};
}

Lettering DrawLettering(cairo_t* cr, const CoverPlan& plan) {
  const TypeLayout& layout = *plan.layout;
  const Palette& p = plan.palette;
  PangoContextPtr context = MakeTextContext();
  const CoverRandom random = CoverRandom(plan.spec.seed).Fork("lettering");

  const bool artist_first = layout.artist_first;
  const TextStyle& first_style = artist_first ? layout.artist : layout.title;
  const TextStyle& second_style = artist_first ? layout.title : layout.artist;
  const std::string first_text =
      InCase(artist_first ? plan.spec.artist : plan.spec.title, first_style.text_case);
  const std::string second_text =
      InCase(artist_first ? plan.spec.title : plan.spec.artist, second_style.text_case);
  const Box first_box = artist_first ? layout.artist_box : layout.title_box;
  Box second_box = artist_first ? layout.title_box : layout.artist_box;

  Lettering out;
  if (layout.ransom_title) {
    // The title's scraps go first; the artist has its own box.
    Block artist;
    artist.style = &layout.artist;
    artist.text = FitText(context.get(), InCase(plan.spec.artist, layout.artist.text_case),
                          layout.artist, layout.artist_box);
    out.title = DrawRansom(cr, context.get(), plan.spec.title, layout, p, random.Fork("ransom"),
                           Grow(artist.text.ink, 6), nullptr);
    artist.avoid = Grow(out.title.ink, 4);
    out.artist = DrawBlock(cr, std::move(artist), p, random.Fork("artist"));
    return out;
  }

  Block first, second;
  first.style = &first_style;
  first.text = FitText(context.get(), first_text, first_style, first_box);
  if (layout.stack == Stack::kAbove) {
    second_box.y = std::max(kSafeMargin, first.text.ink.y - layout.stack_gap - second_box.h);
  } else if (layout.stack == Stack::kBelow) {
    second_box.y = std::min(kCoverUnits - kSafeMargin - second_box.h,
                            first.text.ink.bottom() + layout.stack_gap);
  }
  second.style = &second_style;
  second.text = FitText(context.get(), second_text, second_style, second_box);
  first.avoid = Grow(second.text.ink, 4);
  second.avoid = Grow(first.text.ink, 4);
  LetteredBlock a = DrawBlock(cr, std::move(first), p, random.Fork("first"));
  LetteredBlock b = DrawBlock(cr, std::move(second), p, random.Fork("second"));
  out.title = artist_first ? b : a;
  out.artist = artist_first ? a : b;
  return out;
}

}  // namespace moodtape::designer
