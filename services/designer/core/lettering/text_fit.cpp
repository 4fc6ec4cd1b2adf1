#include "services/designer/core/lettering/text_fit.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace moodtape::designer {
namespace {

// Below this nothing is legible on a 1024 cover, but a too-long title still is not clipped.
constexpr double kSmallestPx = 6;

struct Trial {
  PangoLayoutPtr layout;
  Box ink;
  int lines = 0;
};

Trial Try(PangoContext* context, const std::string& text, const TextStyle& style, double size,
          double width, PangoWrapMode wrap) {
  Trial t;
  t.layout = MakeLayout(context, text, style, size, width, wrap);
  t.ink = InkOf(t.layout.get());
  t.lines = pango_layout_get_line_count(t.layout.get());
  return t;
}

// The layout fits when its ink is no wider and no taller than the box, in at most max_lines
// lines. Where the ink starts does not matter: it is placed by its ink (an italic or a swash
// reaches left of the layout's origin).
bool Fits(const Trial& t, const TextStyle& style, const Box& box) {
  return t.lines <= style.max_lines && t.ink.w <= box.w && t.ink.h <= box.h &&
         !pango_layout_is_ellipsized(t.layout.get());
}

}  // namespace

PangoContextPtr MakeTextContext() {
  PangoFontMap* map = pango_cairo_font_map_get_default();
  PangoContextPtr context(pango_font_map_create_context(map));
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(context.get(), options);
  cairo_font_options_destroy(options);
  pango_context_set_round_glyph_positions(context.get(), FALSE);
  pango_cairo_context_set_resolution(context.get(), 72);
  return context;
}

std::string InCase(const std::string& text, TextCase text_case) {
  if (text_case == TextCase::kAsTyped) return text;
  gchar* out = text_case == TextCase::kUpper
                   ? g_utf8_strup(text.data(), static_cast<gssize>(text.size()))
                   : g_utf8_strdown(text.data(), static_cast<gssize>(text.size()));
  std::string result(out);
  g_free(out);
  return result;
}

PangoLayoutPtr MakeLayout(PangoContext* context, const std::string& text, const TextStyle& style,
                          double size_px, double width, PangoWrapMode wrap) {
  PangoLayoutPtr layout(pango_layout_new(context));
  PangoFontDescription* font = pango_font_description_new();
  const std::string family(style.family);
  pango_font_description_set_family(font, family.c_str());
  pango_font_description_set_weight(font, static_cast<PangoWeight>(style.weight));
  pango_font_description_set_style(font, style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_font_description_set_absolute_size(font, size_px * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font);
  pango_font_description_free(font);
  if (style.tracking != 0) {
    PangoAttrList* attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(static_cast<int>(
                                      std::lround(style.tracking * size_px * PANGO_SCALE))));
    pango_layout_set_attributes(layout.get(), attrs);
    pango_attr_list_unref(attrs);
  }
  if (style.line_spacing > 0)
    pango_layout_set_line_spacing(layout.get(), static_cast<float>(style.line_spacing));
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  pango_layout_set_alignment(layout.get(),
                             style.align == Align::kCenter ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  if (width > 0) {
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), wrap);
  }
  pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_NONE);
  return layout;
}

Box InkOf(PangoLayout* layout) {
  PangoRectangle ink, logical;
  pango_layout_get_extents(layout, &ink, &logical);
  return {static_cast<double>(ink.x) / PANGO_SCALE, static_cast<double>(ink.y) / PANGO_SCALE,
          static_cast<double>(ink.width) / PANGO_SCALE,
          static_cast<double>(ink.height) / PANGO_SCALE};
}

SetText FitText(PangoContext* context, const std::string& text, const TextStyle& style,
                const Box& box) {
  std::optional<Trial> chosen;
  double chosen_size = 0;
  bool broken = false;
  std::optional<Trial> char_fit;
  double char_size = 0;
  for (double size = style.max_px; size >= kSmallestPx; size *= 0.95) {
    Trial words = Try(context, text, style, size, box.w, PANGO_WRAP_WORD);
    if (Fits(words, style, box)) {
      chosen = std::move(words), chosen_size = size;
      break;
    }
    if (!char_fit) {
      Trial chars = Try(context, text, style, size, box.w, PANGO_WRAP_WORD_CHAR);
      if (Fits(chars, style, box)) char_fit = std::move(chars), char_size = size;
    }
    // Keeping words whole is worth halving the size, not more.
    if (char_fit && size < std::max(style.max_px * 0.5, style.min_px)) {
      chosen = std::move(char_fit), chosen_size = char_size, broken = true;
      break;
    }
  }
  // Fewer lines read better: one line is worth losing up to a fifth of the size.
  if (chosen && chosen->lines > 1) {
    const PangoWrapMode wrap = broken ? PANGO_WRAP_WORD_CHAR : PANGO_WRAP_WORD;
    for (double size = chosen_size * 0.97; size >= chosen_size * 0.8; size *= 0.97) {
      Trial t = Try(context, text, style, size, box.w, wrap);
      if (t.lines < chosen->lines && Fits(t, style, box)) {
        chosen = std::move(t), chosen_size = size;
        break;
      }
    }
  }
  if (!chosen) {
    // Not even at the smallest size in the allowed lines: let it take more lines.
    TextStyle any = style;
    any.max_lines = 1000;
    for (double size = kSmallestPx; !chosen && size > 1; size *= 0.9) {
      Trial t = Try(context, text, any, size, box.w, PANGO_WRAP_WORD_CHAR);
      if (Fits(t, any, box)) chosen = std::move(t), chosen_size = size, broken = true;
    }
    if (!chosen) chosen = Try(context, text, style, 1, box.w, PANGO_WRAP_WORD_CHAR);
  }
  // Balance the lines: the narrowest width that still gives the same number of lines, so a
  // two-line title is not one long line and a stray word.
  if (chosen->lines > 1) {
    const PangoWrapMode wrap = broken ? PANGO_WRAP_WORD_CHAR : PANGO_WRAP_WORD;
    double lo = box.w * 0.35, hi = box.w;
    for (int i = 0; i < 10; ++i) {
      const double mid = (lo + hi) / 2;
      Trial t = Try(context, text, style, chosen_size, mid, wrap);
      if (t.lines == chosen->lines && t.ink.w <= box.w && t.ink.h <= box.h) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    if (hi < box.w) {
      Trial t = Try(context, text, style, chosen_size, hi, wrap);
      if (t.lines == chosen->lines) chosen = std::move(t);
    }
  }
  SetText out;
  out.layout = std::move(chosen->layout);
  out.size_px = chosen_size;
  out.lines = chosen->lines;
  out.words_broken = broken;
  const Box ink = chosen->ink;
  // Placed by the ink: its left edge on the box's, or its middle on the box's.
  const double x =
      style.align == Align::kCenter ? box.x + (box.w - ink.w) / 2 - ink.x : box.x - ink.x;
  double y = box.y - ink.y;
  if (style.anchor == Anchor::kCenter) y = box.y + (box.h - ink.h) / 2 - ink.y;
  if (style.anchor == Anchor::kBottom) y = box.bottom() - ink.h - ink.y;
  out.origin = {x, y};
  out.ink = {x + ink.x, y + ink.y, ink.w, ink.h};
  return out;
}

}  // namespace moodtape::designer
