// Colours as the designer reasons about them: sRGB components in 0..1, "#rrggbb" for people and
// the API, and WCAG 2 relative luminance and contrast ratio for the lettering rule.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moodtape::designer {

struct Rgb {
  double r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

// "#rrggbb" (or "rrggbb"); nullopt for anything else.
std::optional<Rgb> ParseHex(std::string_view hex);
// Crashes on nothing: a bad literal in a table is a programming error, so it gives magenta.
Rgb Hex(std::string_view hex);
std::string ToHex(const Rgb& c);

// WCAG 2.x relative luminance (sRGB linearised) and contrast ratio (1..21).
double RelativeLuminance(const Rgb& c);
double LinearFromSrgb8(int value);  // table-backed, for reading pixels
double ContrastRatio(double luminance_a, double luminance_b);
double ContrastRatio(const Rgb& a, const Rgb& b);

// Straight mix in sRGB (t = 0 gives a, 1 gives b), the way Cairo composites.
Rgb Mix(const Rgb& a, const Rgb& b, double t);
Rgb Lighten(const Rgb& c, double t);  // towards white
Rgb Darken(const Rgb& c, double t);   // towards black

// Hue in degrees [0, 360), saturation and lightness in 0..1.
struct Hsl {
  double h = 0, s = 0, l = 0;
};
Hsl ToHsl(const Rgb& c);
Rgb FromHsl(const Hsl& c);
// Saturation scaled by `factor` (0 grey .. >1 more vivid), clamped.
Rgb Saturate(const Rgb& c, double factor);
Rgb RotateHue(const Rgb& c, double degrees);

}  // namespace moodtape::designer
