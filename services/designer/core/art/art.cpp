#include "services/designer/core/art/art.h"

#include <algorithm>
#include <cmath>

#include "services/designer/core/art/art_internal.h"

namespace moodtape::designer {
namespace art {

bool Canvas::InQuiet(double x, double y, double pad) const {
  for (const Box& b : quiet) {
    if (x >= b.x - pad && x <= b.right() + pad && y >= b.y - pad && y <= b.bottom() + pad) {
      return true;
    }
  }
  return false;
}

double Canvas::QuietOverlap(double cx, double cy, double r) const {
  int inside = 0, total = 0;
  for (int i = -4; i <= 4; ++i) {
    for (int j = -4; j <= 4; ++j) {
      const double x = cx + r * i / 4.0, y = cy + r * j / 4.0;
      if (std::hypot(x - cx, y - cy) > r) continue;
      ++total;
      inside += InQuiet(x, y) ? 1 : 0;
    }
  }
  return total == 0 ? 0 : static_cast<double>(inside) / total;
}

bool Canvas::Has(Motif m) const {
  if (plan.scene.motif == m) return true;
  for (const auto& s : plan.sky) {
    if (s.motif == m) return true;
  }
  for (const auto& f : plan.figures) {
    if (f.motif == m) return true;
  }
  return plan.weather && plan.weather->motif == m;
}

int Canvas::VariantOf(Motif m) const {
  if (plan.scene.motif == m) return plan.scene.variant;
  for (const auto& s : plan.sky) {
    if (s.motif == m) return s.variant;
  }
  for (const auto& f : plan.figures) {
    if (f.motif == m) return f.variant;
  }
  return 0;
}

LightPlace PlaceLight(const Canvas& c, Motif m) {
  CoverRandom random = CoverRandom(c.plan.spec.seed).Fork("light");
  const bool moon = m == Motif::kMoon;
  const double r = moon ? 105 * random.Range(0.85, 1.15)
                        : (c.plan.spec.genre == CoverGenre::kSynthwave ? 215 : 170);
  const Motif scene = c.plan.scene.motif;
  const bool open = scene == Motif::kSea || scene == Motif::kRoad || scene == Motif::kSky;
  // A sun is drawn before the scene, so one "on the horizon" is half hidden behind it; the moon
  // rides high.
  // Synthwave's sun always sets behind the scene, skyline or not: that is the genre's picture.
  const bool setting = open || c.plan.spec.genre == CoverGenre::kSynthwave;
  double preferred_y = setting ? c.horizon - r * 0.35 : c.horizon - r * 1.25;
  if (moon) preferred_y = std::min(c.horizon - r * 1.8, 420.0);
  const double jitter =
      c.plan.spec.genre == CoverGenre::kSynthwave && !moon ? 0 : random.Range(-90, 90);
  Point best{512 + jitter, preferred_y};
  double best_score = 1e9;
  // Candidates from the preferred spot upwards, then to either side.
  for (double dx : {0.0, -230.0, 230.0, -300.0, 300.0, -380.0, 380.0}) {
    for (double y = preferred_y; y >= r * 0.9; y -= 40) {
      const double x = std::clamp(512 + jitter + dx, r * 0.8, 1024 - r * 0.8);
      double overlap = c.QuietOverlap(x, y, r * 1.05);
      // Behind a figure the light would be hidden: the moon always moves aside, the sun only
      // a little (a sun behind palms is the point of synthwave).
      if (!c.plan.figures.empty()) {
        const Box& f = c.figure;
        const double dx_f = std::max({f.x - x, 0.0, x - f.right()});
        const double dy_f = std::max({f.y - y, 0.0, y - f.bottom()});
        if (std::hypot(dx_f, dy_f) < r) overlap += moon ? 0.8 : 0.15;
      }
      // Staying near the preferred spot matters a little: a sun high in the sky is a different
      // picture.
      const double score = overlap + (preferred_y - y) / 4000 + std::abs(dx) / 6000;
      if (score < best_score) best_score = score, best = {x, y};
    }
  }
  return {best, r};
}

std::optional<LightPlace> SkyLight(const Canvas& c) {
  for (const auto& s : c.plan.sky) {
    if (s.motif == Motif::kSun || s.motif == Motif::kMoon) return PlaceLight(c, s.motif);
  }
  return std::nullopt;
}

}  // namespace art

void DrawArt(cairo_t* cr, const CoverPlan& plan, bool quick) {
  const TypeLayout& layout = *plan.layout;
  art::Canvas c{cr, plan,  plan.palette,       layout.horizon * kCoverUnits, layout.figure_area,
                {}, quick, plan.palette.Dark()};
  // The lettering's zones. A stacked block's place depends on how much of its box the first
  // block's ink fills; about half is typical.
  const Box& first = layout.artist_first ? layout.artist_box : layout.title_box;
  Box second = layout.artist_first ? layout.title_box : layout.artist_box;
  if (layout.stack == Stack::kAbove) {
    second.y = first.y + first.h * 0.35 - layout.stack_gap - second.h;
  } else if (layout.stack == Stack::kBelow) {
    second.y = first.y + first.h * 0.5 + layout.stack_gap;
  }
  c.quiet = {first, second};

  const CoverRandom root = CoverRandom(plan.spec.seed).Fork("art");
  cairo_save(cr);
  cairo_rectangle(cr, 0, 0, kCoverUnits, kCoverUnits);
  cairo_clip(cr);
  art::DrawSkyBackground(c);
  for (const auto& s : plan.sky) {
    CoverRandom r = root.Fork(std::string("sky ") + std::string(InfoOf(s.motif).name));
    switch (s.motif) {
      case Motif::kSun:
        art::DrawSun(c, s.variant, r);
        break;
      case Motif::kMoon:
        art::DrawMoon(c, s.variant, r);
        break;
      case Motif::kStars:
        art::DrawStars(c, s.variant, r);
        break;
      case Motif::kBirds:
        art::DrawBirds(c, s.variant, r);
        break;
      case Motif::kLightning:
        art::DrawLightning(c, s.variant, r);
        break;
      default:
        break;
    }
  }
  CoverRandom scene_random = root.Fork("scene");
  switch (plan.scene.motif) {
    case Motif::kCity:
      art::DrawCity(c, plan.scene.variant, scene_random);
      break;
    case Motif::kSea:
      art::DrawSea(c, plan.scene.variant, scene_random);
      break;
    case Motif::kMountains:
      art::DrawMountains(c, plan.scene.variant, scene_random);
      break;
    case Motif::kForest:
      art::DrawForest(c, plan.scene.variant, scene_random);
      break;
    case Motif::kRoad:
      art::DrawRoad(c, plan.scene.variant, scene_random);
      break;
    default:
      art::DrawClouds(c, plan.scene.variant, scene_random);
      break;
  }
  for (size_t i = 0; i < plan.figures.size(); ++i) {
    const auto& f = plan.figures[i];
    CoverRandom r = root.Fork("figure " + std::to_string(i));
    // A second figure goes to the other side of the figure area.
    if (i == 1) {
      c.figure.x += c.figure.w * 0.35;
      c.figure.y += c.figure.h * 0.3;
      c.figure.w *= 0.6;
      c.figure.h *= 0.6;
    }
    switch (f.motif) {
      case Motif::kHearts:
        art::DrawHearts(c, f.variant, r);
        break;
      case Motif::kFlowers:
        art::DrawFlowers(c, f.variant, r);
        break;
      case Motif::kFire:
        art::DrawFire(c, f.variant, r);
        break;
      case Motif::kSkull:
        art::DrawSkull(c, f.variant, r);
        break;
      case Motif::kCrown:
        art::DrawCrown(c, f.variant, r);
        break;
      case Motif::kDiamonds:
        art::DrawDiamonds(c, f.variant, r);
        break;
      case Motif::kPalms:
        art::DrawPalms(c, f.variant, r);
        break;
      default:
        break;
    }
  }
  if (plan.weather) {
    CoverRandom r = root.Fork("weather");
    if (plan.weather->motif == Motif::kRain) art::DrawRain(c, plan.weather->variant, r);
    if (plan.weather->motif == Motif::kSnow) art::DrawSnow(c, plan.weather->variant, r);
  }
  art::DrawFinish(c, root.Fork("finish"));
  cairo_restore(cr);
}

}  // namespace moodtape::designer
