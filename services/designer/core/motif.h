// What a cover can show. Motifs come from the description's nouns ("sea", "stars"), and the genre
// fills in when the description names none. Each has a role in the composition, drawn back to
// front: the sky's objects, one scene (the landscape), figures in front of it, then weather.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace moodtape::designer {

enum class Motif {
  // scenes
  kSky,
  kCity,
  kSea,
  kMountains,
  kForest,
  kRoad,
  // in the sky
  kSun,
  kMoon,
  kStars,
  kBirds,
  kLightning,
  // figures
  kHearts,
  kFlowers,
  kFire,
  kSkull,
  kCrown,
  kDiamonds,
  kPalms,
  // weather
  kRain,
  kSnow,
};

enum class MotifRole { kScene, kSky, kFigure, kWeather };

struct MotifInfo {
  Motif motif;
  std::string_view name;  // "sea": what the API reports
  MotifRole role;
  int variants;  // how many ways it can be drawn
};

const std::vector<MotifInfo>& AllMotifs();
const MotifInfo& InfoOf(Motif motif);
std::optional<Motif> MotifNamed(std::string_view name);

// The motif a (lower-case) word names: "ocean" -> sea, "skyline" -> city, "love" -> hearts,
// plurals and a few Polish words ("morze", "serce") included; nullopt for other words.
std::optional<Motif> MotifForWord(std::string_view word);

}  // namespace moodtape::designer
