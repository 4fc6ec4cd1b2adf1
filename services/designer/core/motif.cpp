#include "services/designer/core/motif.h"

#include <algorithm>
#include <map>
#include <string>

namespace moodtape::designer {
namespace {

// Nouns (and a few verbs and adjectives that clearly picture one thing) for each motif. Polish
// words because disco polo is sung in Polish and its listeners describe it so.
const std::map<std::string, Motif, std::less<>>& WordTable() {
  static const std::map<std::string, Motif, std::less<>> kTable = [] {
    std::map<std::string, Motif, std::less<>> t;
    auto add = [&](Motif m, std::initializer_list<const char*> words) {
      for (const char* w : words) t.emplace(w, m);
    };
    add(Motif::kSky, {"sky", "cloud", "clouds", "cloudy", "heaven", "heavens", "air", "flight",
                      "float", "floating", "niebo", "chmury"});
    add(Motif::kCity, {"city", "town", "street", "downtown", "skyline", "building", "tower",
                       "metropolis", "hood", "block", "urban", "avenue", "boulevard", "skyscraper",
                       "rooftop", "nightlife", "miasto", "ulica", "ghetto"});
    add(Motif::kSea, {"sea",    "ocean", "beach", "wave",    "shore", "lake",   "river",
                      "water",  "tide",  "surf",  "coast",   "bay",   "island", "harbour",
                      "harbor", "sail",  "morze", "jezioro", "plaża", "fala",   "woda"});
    add(Motif::kMountains, {"mountain", "peak", "hill", "valley", "alps", "summit", "cliff",
                            "canyon", "ridge", "góry", "góra", "volcano"});
    add(Motif::kForest, {"forest", "wood", "woods", "tree", "jungle", "pine", "wilderness", "grove",
                         "las", "drzewo"});
    add(Motif::kRoad, {"road", "highway", "drive", "driving", "route", "journey", "freeway", "car",
                       "ride", "riding", "miles", "cruise", "cruising", "travel", "droga", "trasa",
                       "interstate", "motorway"});
    add(Motif::kSun, {"sun", "sunrise", "sunset", "dawn", "sunshine", "sunny", "daylight", "słońce",
                      "zachód", "wschód", "sunlight"});
    add(Motif::kMoon, {"moon", "moonlight", "lunar", "księżyc", "moonlit", "eclipse"});
    add(Motif::kStars, {"star", "galaxy", "cosmos", "space", "universe", "constellation",
                        "starlight", "starry", "gwiazdy", "gwiazda", "cosmic", "astral", "comet"});
    add(Motif::kBirds, {"bird", "wings", "wing", "fly", "flying", "freedom", "dove", "crow",
                        "raven", "seagull", "gull", "eagle", "ptaki", "ptak", "swallow"});
    add(Motif::kLightning, {"lightning", "thunder", "electric", "bolt", "thunderstorm", "power",
                            "voltage", "burza", "piorun", "electricity"});
    add(Motif::kHearts, {"heart", "love", "lover", "lovers", "kiss", "romance", "valentine",
                         "serce", "miłość", "kocham", "crush", "darling", "sweetheart"});
    add(Motif::kFlowers, {"flower", "rose", "bloom", "blooming", "garden", "blossom", "petal",
                          "daisy", "tulip", "meadow", "kwiaty", "kwiat", "róża", "lily", "spring"});
    add(Motif::kFire, {"fire", "flame", "burn", "burning", "blaze", "inferno", "hell", "ember",
                       "embers", "ogień", "płomień", "hot", "heat", "torch", "wildfire"});
    add(Motif::kSkull, {"skull", "death", "dead", "bones", "bone", "grave", "doom", "ghost",
                        "reaper", "undead", "zombie", "czaszka", "śmierć", "cemetery"});
    add(Motif::kCrown, {"crown", "king", "queen", "throne", "royal", "kingdom", "empire", "king's",
                        "royalty", "korona", "król", "królowa", "boss", "reign"});
    add(Motif::kDiamonds, {"diamond", "jewel", "gem", "money", "cash", "rich", "bling", "ice",
                           "gold", "treasure", "luxury", "diament", "crystal", "wealth"});
    add(Motif::kPalms, {"palm", "tropical", "tropics", "paradise", "miami", "vacation", "holiday",
                        "palma", "wakacje", "hawaii", "coconut"});
    add(Motif::kRain, {"rain", "rainy", "storm", "drizzle", "tears", "tear", "cry", "crying",
                       "umbrella", "deszcz", "łzy", "raining", "downpour", "monsoon"});
    add(Motif::kSnow, {"snow", "winter", "snowflake", "frost", "frozen", "blizzard", "śnieg",
                       "zima", "snowfall", "icy"});
    return t;
  }();
  return kTable;
}

}  // namespace

const std::vector<MotifInfo>& AllMotifs() {
  static const std::vector<MotifInfo> kAll = {
      {Motif::kSky, "sky", MotifRole::kScene, 3},
      {Motif::kCity, "city", MotifRole::kScene, 3},
      {Motif::kSea, "sea", MotifRole::kScene, 3},
      {Motif::kMountains, "mountains", MotifRole::kScene, 3},
      {Motif::kForest, "forest", MotifRole::kScene, 3},
      {Motif::kRoad, "road", MotifRole::kScene, 3},
      {Motif::kSun, "sun", MotifRole::kSky, 3},
      {Motif::kMoon, "moon", MotifRole::kSky, 3},
      {Motif::kStars, "stars", MotifRole::kSky, 3},
      {Motif::kBirds, "birds", MotifRole::kSky, 2},
      {Motif::kLightning, "lightning", MotifRole::kSky, 2},
      {Motif::kHearts, "hearts", MotifRole::kFigure, 3},
      {Motif::kFlowers, "flowers", MotifRole::kFigure, 3},
      {Motif::kFire, "fire", MotifRole::kFigure, 3},
      {Motif::kSkull, "skull", MotifRole::kFigure, 2},
      {Motif::kCrown, "crown", MotifRole::kFigure, 2},
      {Motif::kDiamonds, "diamonds", MotifRole::kFigure, 2},
      {Motif::kPalms, "palms", MotifRole::kFigure, 2},
      {Motif::kRain, "rain", MotifRole::kWeather, 2},
      {Motif::kSnow, "snow", MotifRole::kWeather, 2},
  };
  return kAll;
}

const MotifInfo& InfoOf(Motif motif) {
  const auto& all = AllMotifs();
  return *std::find_if(all.begin(), all.end(),
                       [&](const MotifInfo& m) { return m.motif == motif; });
}

std::optional<Motif> MotifNamed(std::string_view name) {
  for (const auto& m : AllMotifs()) {
    if (m.name == name) return m.motif;
  }
  return std::nullopt;
}

std::optional<Motif> MotifForWord(std::string_view word) {
  const auto& table = WordTable();
  if (auto it = table.find(word); it != table.end()) return it->second;
  // Plurals: "cities" -> "city", "roses" -> "rose", "beaches" -> "beach", "stars" -> "star".
  const auto ends = [&](std::string_view s) {
    return word.size() > s.size() + 1 && word.substr(word.size() - s.size()) == s;
  };
  std::string stem;
  if (ends("ies")) {
    stem = std::string(word.substr(0, word.size() - 3)) + "y";
    if (auto it = table.find(stem); it != table.end()) return it->second;
  }
  if (ends("es")) {
    stem = std::string(word.substr(0, word.size() - 2));
    if (auto it = table.find(stem); it != table.end()) return it->second;
  }
  if (ends("s")) {
    stem = std::string(word.substr(0, word.size() - 1));
    if (auto it = table.find(stem); it != table.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace moodtape::designer
