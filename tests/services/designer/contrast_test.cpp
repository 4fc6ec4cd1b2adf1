// The contrast rule's arithmetic (WCAG 2 relative luminance and ratio) and its measurement on
// pixels, upright and rotated.
#include <cmath>

#include <gtest/gtest.h>

#include "services/designer/core/art/paint.h"
#include "services/designer/core/lettering/contrast.h"

namespace moodtape::designer {
namespace {

TEST(ContrastTest, WcagRatiosOfKnownPairs) {
  EXPECT_NEAR(ContrastRatio(Hex("#ffffff"), Hex("#000000")), 21.0, 1e-9);
  EXPECT_NEAR(ContrastRatio(Hex("#777777"), Hex("#ffffff")), 4.48, 0.01);  // the famous near miss
  EXPECT_NEAR(ContrastRatio(Hex("#767676"), Hex("#ffffff")), 4.54, 0.01);
  EXPECT_NEAR(RelativeLuminance(Hex("#ff0000")), 0.2126, 1e-4);
  EXPECT_NEAR(ContrastRatio(Hex("#0000ff"), Hex("#ffffff")), 8.59, 0.01);
  EXPECT_EQ(ToHex(Hex("#1a2B3c")), "#1a2b3c");
  EXPECT_FALSE(ParseHex("#12345").has_value());
}

TEST(ContrastTest, MeasuresTheWorstPixelInsideTheBoxOnly) {
  SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 100));
  CairoPtr cr(cairo_create(s.get()));
  SetColor(cr.get(), Hex("#000000"));
  cairo_paint(cr.get());
  SetColor(cr.get(), Hex("#808080"));
  cairo_rectangle(cr.get(), 60, 60, 10, 10);  // a grey square outside the first box
  cairo_fill(cr.get());
  const Quad inside = DeviceQuad(cr.get(), {10, 10, 40, 40});
  const auto black = MeasureLuminance(s.get(), inside);
  EXPECT_EQ(black.pixels, 1600);
  EXPECT_NEAR(WorstContrast(black, Hex("#ffffff")), 21.0, 1e-9);

  const Quad over_grey = DeviceQuad(cr.get(), {50, 50, 40, 40});
  EXPECT_NEAR(WorstContrast(MeasureLuminance(s.get(), over_grey), Hex("#ffffff")),
              ContrastRatio(Hex("#ffffff"), Hex("#808080")), 1e-9);
  // Ink between the darkest and the brightest pixel behind it has no contrast worth the name.
  EXPECT_EQ(WorstContrast(MeasureLuminance(s.get(), over_grey), Hex("#404040")), 1);
}

TEST(ContrastTest, FollowsARotatedBox) {
  SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 200));
  CairoPtr cr(cairo_create(s.get()));
  SetColor(cr.get(), Hex("#ffffff"));
  cairo_paint(cr.get());
  cairo_translate(cr.get(), 100, 100);
  cairo_rotate(cr.get(), M_PI / 4);
  SetColor(cr.get(), Hex("#000000"));
  cairo_rectangle(cr.get(), -40, -20, 80, 40);
  cairo_fill(cr.get());
  // The rotated rectangle's inner part is all black though its bounding box is not.
  const Quad q = DeviceQuad(cr.get(), {-36, -16, 72, 32});
  const auto range = MeasureLuminance(s.get(), q);
  EXPECT_GT(range.pixels, 2000);
  EXPECT_NEAR(WorstContrast(range, Hex("#ffffff")), 21.0, 1e-9);
  const Quad bounds = DeviceQuad(cr.get(), {-60, -60, 120, 120});
  EXPECT_NEAR(WorstContrast(MeasureLuminance(s.get(), bounds), Hex("#ffffff")), 1, 1e-9);
}

}  // namespace
}  // namespace moodtape::designer
