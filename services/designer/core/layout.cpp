#include "services/designer/core/layout.h"

namespace moodtape::designer {
namespace {

TypeLayout Rap() {
  TypeLayout l;
  l.name = "rap-condensed-bottom";
  l.title = {.family = "Bebas Neue, League Spartan, DejaVu Sans Condensed",
             .weight = 700,
             .text_case = TextCase::kUpper,
             .tracking = 0.01,
             .max_px = 250,
             .min_px = 30,
             .max_lines = 3,
             .line_spacing = 0.86,
             .align = Align::kLeft,
             .anchor = Anchor::kBottom,
             .ink = InkPreference::kAccent,
             .effects = {.shadow_dx = 0.035, .shadow_dy = 0.035},
             .plate = PlateStyle::kBand};
  l.artist = {.family = "League Spartan, DejaVu Sans",
              .weight = 900,
              .text_case = TextCase::kUpper,
              .tracking = 0.2,
              .max_px = 44,
              .min_px = 16,
              .max_lines = 2,
              .align = Align::kLeft,
              .anchor = Anchor::kBottom,
              .ink = InkPreference::kLight,
              .plate = PlateStyle::kBand};
  l.title_box = {64, 600, 896, 360};
  l.artist_box = {64, 0, 896, 96};
  l.stack = Stack::kAbove;
  l.stack_gap = 18;
  l.horizon = 0.7;
  l.figure_area = {262, 110, 500, 440};
  return l;
}

TypeLayout Metal() {
  TypeLayout l;
  l.name = "metal-blackletter-top";
  l.artist_first = true;
  // The band's name is the logo, as metal covers have it; the album title is small below.
  l.artist = {.family = "Blankenburg_UNZ1A, Blankenburg, UnifrakturMaguntia, DejaVu Serif",
              .weight = 400,
              .max_px = 190,
              .min_px = 30,
              .max_lines = 2,
              .line_spacing = 0.9,
              .align = Align::kCenter,
              .anchor = Anchor::kTop,
              .ink = InkPreference::kLight,
              .effects = {.outline = 0.05, .shadow_dy = 0.04, .shadow_blur = 0.08},
              .plate = PlateStyle::kScrim};
  l.title = {.family = "C059, Century Schoolbook L, DejaVu Serif",
             .weight = 700,
             .text_case = TextCase::kUpper,
             .tracking = 0.22,
             .max_px = 54,
             .min_px = 16,
             .max_lines = 2,
             .align = Align::kCenter,
             .anchor = Anchor::kBottom,
             .ink = InkPreference::kLight,
             .effects = {.outline = 0.06},
             .plate = PlateStyle::kScrim};
  l.artist_box = {64, 56, 896, 300};
  l.title_box = {64, 830, 896, 140};
  l.horizon = 0.76;
  l.figure_area = {272, 330, 480, 460};
  return l;
}

TypeLayout Disco() {
  TypeLayout l;
  l.name = "disco-script-center";
  l.title = {.family = "Lobster Two, Lobster, Z003, DejaVu Serif",
             .weight = 700,
             .italic = true,
             .max_px = 220,
             .min_px = 28,
             .max_lines = 3,
             .line_spacing = 0.9,
             .align = Align::kCenter,
             .anchor = Anchor::kCenter,
             .ink = InkPreference::kLight,
             .effects = {.outline = 0.06, .extrude = 0.07},
             .plate = PlateStyle::kRounded};
  l.artist = {.family = "Comfortaa, URW Gothic, DejaVu Sans",
              .weight = 700,
              .text_case = TextCase::kUpper,
              .tracking = 0.25,
              .max_px = 46,
              .min_px = 16,
              .max_lines = 2,
              .align = Align::kCenter,
              .anchor = Anchor::kTop,
              .ink = InkPreference::kLight,
              .effects = {.outline = 0.08},
              .plate = PlateStyle::kRounded};
  l.title_box = {64, 590, 896, 340};
  l.artist_box = {64, 60, 896, 110};
  l.horizon = 0.6;
  l.figure_area = {292, 170, 440, 400};
  return l;
}

TypeLayout Pop() {
  TypeLayout l;
  l.name = "pop-rounded-stack";
  l.title = {.family = "Comfortaa, URW Gothic, DejaVu Sans",
             .weight = 700,
             .text_case = TextCase::kLower,
             .tracking = -0.01,
             .max_px = 170,
             .min_px = 26,
             .max_lines = 3,
             .line_spacing = 0.92,
             .align = Align::kLeft,
             .anchor = Anchor::kTop,
             .ink = InkPreference::kContrast,
             .plate = PlateStyle::kRounded};
  l.artist = {.family = "League Spartan, DejaVu Sans",
              .weight = 600,
              .text_case = TextCase::kUpper,
              .tracking = 0.12,
              .max_px = 46,
              .min_px = 16,
              .max_lines = 2,
              .align = Align::kLeft,
              .anchor = Anchor::kTop,
              .ink = InkPreference::kContrast,
              .plate = PlateStyle::kRounded};
  l.title_box = {72, 72, 880, 330};
  l.artist_box = {72, 0, 880, 90};
  l.stack = Stack::kBelow;
  l.stack_gap = 22;
  l.horizon = 0.72;
  l.figure_area = {330, 420, 560, 520};
  return l;
}

TypeLayout Synthwave() {
  TypeLayout l;
  l.name = "synthwave-chrome-horizon";
  l.title = {.family = "Ferrite Core DX, Bebas Neue, DejaVu Sans",
             .weight = 900,
             .italic = false,
             .text_case = TextCase::kUpper,
             .tracking = 0.08,
             .max_px = 150,
             .min_px = 24,
             .max_lines = 3,
             .line_spacing = 0.95,
             .align = Align::kCenter,
             .anchor = Anchor::kCenter,
             .ink = InkPreference::kLight,
             .effects = {.outline = 0.03, .glow = 0.22},
             .plate = PlateStyle::kScrim};
  l.artist = {.family = "Bebas Neue, League Spartan, DejaVu Sans",
              .weight = 400,
              .text_case = TextCase::kUpper,
              .tracking = 0.45,
              .max_px = 52,
              .min_px = 16,
              .max_lines = 2,
              .align = Align::kCenter,
              .anchor = Anchor::kBottom,
              .ink = InkPreference::kLight,
              .effects = {.glow = 0.25},
              .plate = PlateStyle::kScrim};
  l.title_box = {64, 80, 896, 280};
  l.artist_box = {64, 880, 896, 90};
  l.horizon = 0.64;
  l.figure_area = {262, 340, 500, 330};
  return l;
}

TypeLayout Blues() {
  TypeLayout l;
  l.name = "blues-serif-label";
  l.artist_first = true;
  l.artist = {.family = "C059, P052, DejaVu Serif",
              .weight = 400,
              .italic = true,
              .max_px = 120,
              .min_px = 22,
              .max_lines = 2,
              .line_spacing = 0.95,
              .align = Align::kLeft,
              .anchor = Anchor::kTop,
              .ink = InkPreference::kLight,
              .plate = PlateStyle::kLabel};
  l.title = {.family = "URW Bookman, P052, DejaVu Serif",
             .weight = 600,
             .text_case = TextCase::kUpper,
             .tracking = 0.14,
             .max_px = 56,
             .min_px = 16,
             .max_lines = 3,
             .align = Align::kLeft,
             .anchor = Anchor::kTop,
             .ink = InkPreference::kAccent,
             .plate = PlateStyle::kLabel};
  l.artist_box = {80, 76, 864, 240};
  l.title_box = {80, 0, 864, 160};
  l.stack = Stack::kBelow;
  l.stack_gap = 18;
  l.horizon = 0.7;
  l.figure_area = {420, 430, 520, 500};
  return l;
}

TypeLayout Punk() {
  TypeLayout l;
  l.name = "punk-ransom-tilted";
  l.ransom_title = true;
  l.title = {.family = "Nimbus Sans, DejaVu Sans",
             .weight = 700,
             .text_case = TextCase::kUpper,
             .max_px = 150,
             .min_px = 20,
             .max_lines = 5,
             .align = Align::kLeft,
             .anchor = Anchor::kTop,
             .ink = InkPreference::kContrast,
             .plate = PlateStyle::kLabel,
             .always_plate = true};
  l.artist = {.family = "Nimbus Sans Narrow, DejaVu Sans Condensed",
              .weight = 700,
              .text_case = TextCase::kUpper,
              .tracking = 0.06,
              .max_px = 64,
              .min_px = 16,
              .max_lines = 2,
              .align = Align::kLeft,
              .anchor = Anchor::kCenter,
              .ink = InkPreference::kDark,
              .plate = PlateStyle::kTape,
              .always_plate = true};
  l.title_box = {64, 64, 896, 470};
  l.artist_box = {80, 850, 760, 110};
  l.horizon = 0.74;
  l.figure_area = {420, 380, 520, 520};
  return l;
}

}  // namespace

const TypeLayout& LayoutFor(CoverGenre genre) {
  static const TypeLayout kRap = Rap(), kMetal = Metal(), kDisco = Disco(), kPop = Pop(),
                          kSynthwave = Synthwave(), kBlues = Blues(), kPunk = Punk();
  switch (genre) {
    case CoverGenre::kGangstaRap:
      return kRap;
    case CoverGenre::kHeavyMetal:
      return kMetal;
    case CoverGenre::kDiscoPolo:
      return kDisco;
    case CoverGenre::kPop:
      return kPop;
    case CoverGenre::kSynthwave:
      return kSynthwave;
    case CoverGenre::kBlues:
      return kBlues;
    case CoverGenre::kPunk:
      return kPunk;
  }
  return kPop;
}

}  // namespace moodtape::designer
