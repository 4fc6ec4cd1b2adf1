#include "services/designer/core/cover_plan.h"

#include <algorithm>

#include "services/designer/core/cover_random.h"
#include "services/designer/core/description.h"

namespace moodtape::designer {
namespace {

// What each genre draws when the words name nothing of that role.
struct GenreDefaults {
  std::vector<Motif> scenes;
  std::vector<Motif> figures;
  double figure_chance;
};

GenreDefaults DefaultsFor(CoverGenre genre) {
  switch (genre) {
    case CoverGenre::kGangstaRap:
      return {{Motif::kCity, Motif::kCity, Motif::kRoad},
              {Motif::kCrown, Motif::kDiamonds, Motif::kSkull},
              0.8};
    case CoverGenre::kHeavyMetal:
      return {{Motif::kMountains, Motif::kMountains, Motif::kForest},
              {Motif::kSkull, Motif::kFire, Motif::kSkull},
              0.85};
    case CoverGenre::kDiscoPolo:
      return {{Motif::kSea, Motif::kSea, Motif::kSky},
              {Motif::kHearts, Motif::kPalms, Motif::kFlowers},
              0.8};
    case CoverGenre::kPop:
      return {{Motif::kSky, Motif::kSea, Motif::kSky},
              {Motif::kHearts, Motif::kFlowers, Motif::kDiamonds},
              0.75};
    case CoverGenre::kSynthwave:
      return {{Motif::kRoad, Motif::kRoad, Motif::kCity}, {Motif::kPalms}, 0.55};
    case CoverGenre::kBlues:
      return {{Motif::kRoad, Motif::kCity, Motif::kSea}, {Motif::kFlowers}, 0.15};
    case CoverGenre::kPunk:
      return {{Motif::kCity, Motif::kCity, Motif::kRoad},
              {Motif::kSkull, Motif::kHearts, Motif::kFire},
              0.6};
  }
  return {{Motif::kSky}, {}, 0};
}

// Some genres have a way of drawing a motif that is part of their look.
std::optional<int> GenreVariant(CoverGenre genre, Motif motif) {
  if (genre == CoverGenre::kSynthwave) {
    if (motif == Motif::kRoad) return 1;  // the neon grid
    if (motif == Motif::kSun) return 1;   // the striped sun
  }
  if (genre == CoverGenre::kDiscoPolo && motif == Motif::kStars) return 2;  // sparkles
  return std::nullopt;
}

// The variant of a figure that spreads over the picture instead of standing in the figure area.
std::optional<int> SpreadVariant(Motif motif) {
  switch (motif) {
    case Motif::kHearts:
    case Motif::kDiamonds:
      return 1;
    case Motif::kFlowers:
    case Motif::kFire:
    case Motif::kPalms:
      return 0;
    default:
      return std::nullopt;
  }
}

bool UsesFigureArea(const MotifChoice& m) {
  const auto spread = SpreadVariant(m.motif);
  return !spread || *spread != m.variant;
}

MotifChoice Choose(Motif motif, CoverGenre genre, CoverRandom& random) {
  const int variants = InfoOf(motif).variants;
  const int pick = random.Between(0, variants - 1);
  return {motif, GenreVariant(genre, motif).value_or(pick)};
}

}  // namespace

std::vector<std::string> CoverPlan::MotifNames() const {
  std::vector<std::string> names;
  for (const auto& m : sky) names.emplace_back(InfoOf(m.motif).name);
  names.emplace_back(InfoOf(scene.motif).name);
  for (const auto& m : figures) names.emplace_back(InfoOf(m.motif).name);
  if (weather) names.emplace_back(InfoOf(weather->motif).name);
  return names;
}

CoverPlan PlanCover(const CoverSpec& spec) {
  CoverPlan plan;
  plan.spec = spec;
  plan.layout = &LayoutFor(spec.genre);
  const CoverRandom root(spec.seed);

  // The description speaks first. The title's words choose colours the description left open,
  // and motifs only when the description names none ("Midnight City" with an empty description
  // still gets a city at night; "Reign of Ash" does not put a crown in a described landscape).
  std::vector<std::string> words = LowerCaseWords(spec.description);
  const std::vector<std::string> title_words = LowerCaseWords(spec.title);
  std::vector<Motif> named = MotifsNamed(words);
  if (named.empty()) named = MotifsNamed(title_words);
  words.insert(words.end(), title_words.begin(), title_words.end());

  PaletteChoice palette = ChoosePalette(words, spec.genre, root.Fork("palette"));
  plan.palette = palette.palette;
  plan.palette_words = std::move(palette.words);

  CoverRandom random = root.Fork("motifs");
  const GenreDefaults defaults = DefaultsFor(spec.genre);
  auto named_with_role = [&](MotifRole role) {
    std::vector<Motif> out;
    for (Motif m : named) {
      if (InfoOf(m).role == role) out.push_back(m);
    }
    return out;
  };

  const auto scenes = named_with_role(MotifRole::kScene);
  plan.scene =
      Choose(scenes.empty() ? random.Pick(defaults.scenes) : scenes.front(), spec.genre, random);

  // At most one of sun and moon, stars as well if named, and one more sky object.
  const auto sky = named_with_role(MotifRole::kSky);
  bool has_light = false;
  for (Motif m : sky) {
    const bool light = m == Motif::kSun || m == Motif::kMoon;
    if (light && has_light) continue;
    if (plan.sky.size() >= 3) break;
    has_light = has_light || light;
    plan.sky.push_back(Choose(m, spec.genre, random));
  }
  if (sky.empty()) {
    // A sky of the palette's kind: sun by day, moon or stars by night.
    const double roll = random.Unit();
    if (spec.genre == CoverGenre::kSynthwave) {
      plan.sky.push_back(Choose(Motif::kSun, spec.genre, random));
      if (plan.palette.Dark()) plan.sky.push_back(Choose(Motif::kStars, spec.genre, random));
    } else if (plan.palette.Dark()) {
      if (roll < 0.45) plan.sky.push_back(Choose(Motif::kStars, spec.genre, random));
      if (roll > 0.3 && roll < 0.75) plan.sky.push_back(Choose(Motif::kMoon, spec.genre, random));
    } else if (roll < 0.6) {
      plan.sky.push_back(Choose(Motif::kSun, spec.genre, random));
    }
  }
  // Stars behind the sun or moon.
  std::stable_sort(plan.sky.begin(), plan.sky.end(),
                   [](const MotifChoice& a, const MotifChoice& b) {
                     return (a.motif == Motif::kStars) > (b.motif == Motif::kStars);
                   });

  // One figure in the figure area at most; a second one only in a way that spreads over the
  // picture (floating hearts, a meadow, a wall of fire, palms at the sides).
  const auto figures = named_with_role(MotifRole::kFigure);
  for (Motif m : figures) {
    if (plan.figures.size() >= 2) break;
    MotifChoice choice = Choose(m, spec.genre, random);
    if (!plan.figures.empty() && UsesFigureArea(plan.figures.front())) {
      const auto spread = SpreadVariant(m);
      if (!spread) continue;
      choice.variant = *spread;
    }
    if (!plan.figures.empty() && UsesFigureArea(choice)) continue;
    plan.figures.push_back(choice);
  }
  // The genre's figure only when the words named no motif at all: a description that asks for
  // "an empty beach" should get an empty beach.
  if (named.empty() && !defaults.figures.empty() && random.Chance(defaults.figure_chance)) {
    plan.figures.push_back(Choose(random.Pick(defaults.figures), spec.genre, random));
  }

  const auto weather = named_with_role(MotifRole::kWeather);
  if (!weather.empty()) plan.weather = Choose(weather.front(), spec.genre, random);
  return plan;
}

}  // namespace moodtape::designer
