// What the motif painters share: the canvas, the palette, where the horizon and the figure go,
// and the lettering zones that small details should keep out of.
#pragma once

#include <cairo.h>

#include <optional>
#include <vector>

#include "services/designer/core/art/paint.h"
#include "services/designer/core/cover_plan.h"
#include "services/designer/core/cover_random.h"

namespace moodtape::designer::art {

struct Canvas {
  cairo_t* cr;
  const CoverPlan& plan;
  const Palette& p;
  double horizon;          // y of the horizon
  Box figure;              // where the main figure goes
  std::vector<Box> quiet;  // the lettering's zones
  bool quick;
  bool night;  // a dark sky: lights glow, silhouettes are black

  bool InQuiet(double x, double y, double pad = 0) const;
  // How much of the circle (cx, cy, r) lies in the lettering zones, 0..1 (a coarse estimate).
  double QuietOverlap(double cx, double cy, double r) const;
  bool Has(Motif m) const;  // is `m` in the plan
  int VariantOf(Motif m) const;
};

// Where the sun or moon sits and how big it is: on the horizon for open scenes, above the
// skyline otherwise, moved up or sideways out of the lettering. The same for the painter of the
// light and for the water that reflects it.
struct LightPlace {
  Point at;
  double radius;
};
LightPlace PlaceLight(const Canvas& c, Motif m);
// The plan's sun or moon, if it has one.
std::optional<LightPlace> SkyLight(const Canvas& c);

// sky.cpp
void DrawSkyBackground(Canvas& c);
void DrawSun(Canvas& c, int variant, CoverRandom random);
void DrawMoon(Canvas& c, int variant, CoverRandom random);
void DrawStars(Canvas& c, int variant, CoverRandom random);
void DrawBirds(Canvas& c, int variant, CoverRandom random);
void DrawLightning(Canvas& c, int variant, CoverRandom random);
void DrawClouds(Canvas& c, int variant, CoverRandom random);  // the "sky" scene

// land.cpp
void DrawCity(Canvas& c, int variant, CoverRandom random);
void DrawSea(Canvas& c, int variant, CoverRandom random);
void DrawMountains(Canvas& c, int variant, CoverRandom random);
void DrawForest(Canvas& c, int variant, CoverRandom random);
void DrawRoad(Canvas& c, int variant, CoverRandom random);

// figures.cpp
void DrawHearts(Canvas& c, int variant, CoverRandom random);
void DrawFlowers(Canvas& c, int variant, CoverRandom random);
void DrawFire(Canvas& c, int variant, CoverRandom random);
void DrawSkull(Canvas& c, int variant, CoverRandom random);
void DrawCrown(Canvas& c, int variant, CoverRandom random);
void DrawDiamonds(Canvas& c, int variant, CoverRandom random);
void DrawPalms(Canvas& c, int variant, CoverRandom random);

// weather.cpp
void DrawRain(Canvas& c, int variant, CoverRandom random);
void DrawSnow(Canvas& c, int variant, CoverRandom random);
// The genre's finish over everything: vignette, halftone, sparkles.
void DrawFinish(Canvas& c, CoverRandom random);

}  // namespace moodtape::designer::art
