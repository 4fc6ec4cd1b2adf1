#include "services/designer/core/color.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace moodtape::designer {
namespace {

double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

double Linear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

double HueToRgb(double p, double q, double t) {
  if (t < 0) t += 1;
  if (t > 1) t -= 1;
  if (t < 1.0 / 6) return p + (q - p) * 6 * t;
  if (t < 1.0 / 2) return q;
  if (t < 2.0 / 3) return p + (q - p) * (2.0 / 3 - t) * 6;
  return p;
}

}  // namespace

std::optional<Rgb> ParseHex(std::string_view hex) {
  if (!hex.empty() && hex.front() == '#') hex.remove_prefix(1);
  if (hex.size() != 6) return std::nullopt;
  int v[6];
  for (int i = 0; i < 6; ++i) {
    v[i] = HexDigit(hex[i]);
    if (v[i] < 0) return std::nullopt;
  }
  return Rgb{(v[0] * 16 + v[1]) / 255.0, (v[2] * 16 + v[3]) / 255.0, (v[4] * 16 + v[5]) / 255.0};
}

Rgb Hex(std::string_view hex) { return ParseHex(hex).value_or(Rgb{1, 0, 1}); }

std::string ToHex(const Rgb& c) {
  char out[8];
  std::snprintf(out, sizeof(out), "#%02x%02x%02x",
                static_cast<int>(std::lround(Clamp01(c.r) * 255)),
                static_cast<int>(std::lround(Clamp01(c.g) * 255)),
                static_cast<int>(std::lround(Clamp01(c.b) * 255)));
  return out;
}

double RelativeLuminance(const Rgb& c) {
  return 0.2126 * Linear(Clamp01(c.r)) + 0.7152 * Linear(Clamp01(c.g)) +
         0.0722 * Linear(Clamp01(c.b));
}

double LinearFromSrgb8(int value) {
  static const std::array<double, 256> kTable = [] {
    std::array<double, 256> t{};
    for (int i = 0; i < 256; ++i) t[i] = Linear(i / 255.0);
    return t;
  }();
  return kTable[static_cast<size_t>(std::clamp(value, 0, 255))];
}

double ContrastRatio(double a, double b) {
  const double hi = std::max(a, b), lo = std::min(a, b);
  return (hi + 0.05) / (lo + 0.05);
}

double ContrastRatio(const Rgb& a, const Rgb& b) {
  return ContrastRatio(RelativeLuminance(a), RelativeLuminance(b));
}

Rgb Mix(const Rgb& a, const Rgb& b, double t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}
Rgb Lighten(const Rgb& c, double t) { return Mix(c, {1, 1, 1}, t); }
Rgb Darken(const Rgb& c, double t) { return Mix(c, {0, 0, 0}, t); }

Hsl ToHsl(const Rgb& c) {
  const double mx = std::max({c.r, c.g, c.b}), mn = std::min({c.r, c.g, c.b});
  Hsl out;
  out.l = (mx + mn) / 2;
  if (mx == mn) return out;
  const double d = mx - mn;
  out.s = out.l > 0.5 ? d / (2 - mx - mn) : d / (mx + mn);
  double h;
  if (mx == c.r) {
    h = (c.g - c.b) / d + (c.g < c.b ? 6 : 0);
  } else if (mx == c.g) {
    h = (c.b - c.r) / d + 2;
  } else {
    h = (c.r - c.g) / d + 4;
  }
  out.h = h * 60;
  return out;
}

Rgb FromHsl(const Hsl& c) {
  const double s = Clamp01(c.s), l = Clamp01(c.l);
  double h = std::fmod(c.h, 360.0);
  if (h < 0) h += 360;
  h /= 360;
  if (s == 0) return {l, l, l};
  const double q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const double p = 2 * l - q;
  return {HueToRgb(p, q, h + 1.0 / 3), HueToRgb(p, q, h), HueToRgb(p, q, h - 1.0 / 3)};
}

Rgb Saturate(const Rgb& c, double factor) {
  Hsl h = ToHsl(c);
  h.s = Clamp01(h.s * factor);
  return FromHsl(h);
}

Rgb RotateHue(const Rgb& c, double degrees) {
  Hsl h = ToHsl(c);
  h.h += degrees;
  return FromHsl(h);
}

}  // namespace moodtape::designer
