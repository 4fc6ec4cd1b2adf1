#include "services/designer/core/palette.h"

#include <algorithm>
#include <map>
#include <optional>

namespace moodtape::designer {
namespace {

// How a mood word bends the whole palette after the slots are filled.
enum class Bend { kNone, kPastel, kDark, kBright, kMuted, kWarm, kCold, kVintage };

// One entry of the word table; empty strings leave a slot to other words or the genre.
struct WordColours {
  const char* sky_top = "";
  const char* sky_bottom = "";
  const char* accent = "";
  const char* glow = "";
  Bend bend = Bend::kNone;
};

const std::map<std::string, WordColours, std::less<>>& WordTable() {
  static const std::map<std::string, WordColours, std::less<>> kTable = {
      // light, time and places
      {"neon", {"", "", "#ff2bd6", "#19f6ff"}},
      {"midnight", {"#03051a", "#1c1454", "", "#e8e4ff"}},
      {"night", {"#060a1f", "#1e2a5c", "", "#fff3c4"}},
      {"noc", {"#060a1f", "#1e2a5c", "", "#fff3c4"}},
      {"evening", {"#1b1f4b", "#d9736a", "#ffb26b", ""}},
      {"dusk", {"#241a4a", "#e27a5f", "#ffc46b", ""}},
      {"twilight", {"#1a1446", "#8d5ba6", "#ffd48a", ""}},
      {"sunset", {"#3b1f5c", "#ff7b54", "#ffd36b", "#fff0c2"}},
      {"sunrise", {"#5b7fd6", "#ffc38a", "#ff8a5c", "#fff5d6"}},
      {"dawn", {"#6f86d6", "#ffd0a8", "#ff9a76", "#fff7e6"}},
      {"morning", {"#7ec8ff", "#fff1c9", "#ffb347", "#ffffff"}},
      {"day", {"#4aa8ff", "#cfeeff", "#ffd23f", "#ffffff"}},
      {"summer", {"#22a6f0", "#ffe08a", "#ff6b35", "#fffbe6"}},
      {"lato", {"#22a6f0", "#ffe08a", "#ff6b35", "#fffbe6"}},
      {"spring", {"#9fe3c5", "#fdf6c3", "#ff7fa8", "#ffffff"}},
      {"autumn", {"#5a2a12", "#d9822b", "#ffb03a", "#ffe7b3"}},
      {"winter", {"#203a5c", "#cfe3f2", "#8fd3ff", "#ffffff", Bend::kCold}},
      {"ocean", {"#012a4a", "#0a9bc4", "#7ff5e0", "#e6fffb"}},
      {"sea", {"#023e73", "#3fb8d9", "#ffd27a", "#ffffff"}},
      {"desert", {"#e8a35c", "#f7dba7", "#c2452d", "#fff6e0"}},
      {"forest", {"#0d2b1e", "#3f7d4e", "#d9c25a", "#f0ffd6"}},
      {"jungle", {"#052e1c", "#1f8a4c", "#ff9f1c", "#eaffd0"}},
      {"space", {"#020208", "#140c3a", "#9d6bff", "#ffffff"}},
      {"storm", {"#1c2230", "#5a6678", "#e8f0ff", "#ffffff", Bend::kMuted}},
      {"smoke", {"#2a2a2e", "#6b6b73", "#c9c9d1", "#f0f0f0", Bend::kMuted}},
      {"smoky", {"#2a2a2e", "#6b6b73", "#c9c9d1", "#f0f0f0", Bend::kMuted}},
      {"fog", {"#8e9aa6", "#d9dee3", "#5b6b7a", "#ffffff", Bend::kMuted}},
      {"ice", {"#0f3057", "#c9f0ff", "#9be7ff", "#ffffff", Bend::kCold}},
      {"fire", {"#1a0500", "#7a1d05", "#ff6a00", "#ffd23f"}},
      {"blood", {"#120000", "#4a0308", "#c1121f", "#ff8a8a"}},
      {"hell", {"#0d0000", "#5c0a00", "#ff3c00", "#ffb347"}},
      {"heaven", {"#bfe3ff", "#fffaf0", "#ffd56b", "#ffffff"}},
      // metals and materials
      {"gold", {"", "", "#e8b923", "#fff1b8"}},
      {"golden", {"", "", "#e8b923", "#fff1b8"}},
      {"złoto", {"", "", "#e8b923", "#fff1b8"}},
      {"silver", {"", "", "#c9d1d9", "#ffffff"}},
      {"chrome", {"", "", "#dfe6ee", "#ffffff"}},
      {"steel", {"#141a21", "#46525e", "#aab7c4", "#eef3f8"}},
      {"rust", {"#2b1308", "#8a3b12", "#d9652b", "#ffd2a6"}},
      // colour names
      {"red", {"#2b0000", "#7a0a0a", "#e0102f", "#ffc2c2"}},
      {"crimson", {"#1f0008", "#6d0a1e", "#dc143c", "#ffc8d2"}},
      {"scarlet", {"#2b0400", "#8a1200", "#ff2400", "#ffd0c2"}},
      {"czerwony", {"#2b0000", "#7a0a0a", "#e0102f", "#ffc2c2"}},
      {"orange", {"#3a1400", "#c2530a", "#ff8c1a", "#ffe2bf"}},
      {"amber", {"#2e1a00", "#9c5c00", "#ffb000", "#ffeab3"}},
      {"yellow", {"#3a3300", "#e0c000", "#ffe600", "#fffbd1"}},
      {"green", {"#062b1a", "#1f7a4a", "#6be38a", "#e6ffe9"}},
      {"emerald", {"#02291c", "#0b7a56", "#2ee6a6", "#dcfff2"}},
      {"teal", {"#012b2e", "#0b7a7a", "#2ee6d6", "#dcfffb"}},
      {"cyan", {"#002a33", "#007f99", "#19e6ff", "#e0fcff"}},
      {"turquoise", {"#003b3b", "#12a3a3", "#40e0d0", "#e0fffb"}},
      {"blue", {"#0a1a4a", "#2f6fd6", "#5fb4ff", "#e3f2ff"}},
      {"niebieski", {"#0a1a4a", "#2f6fd6", "#5fb4ff", "#e3f2ff"}},
      {"navy", {"#030b24", "#13296b", "#4f7bff", "#dfe8ff"}},
      {"indigo", {"#0d0630", "#3a1f8f", "#7b5cff", "#e6e0ff"}},
      {"purple", {"#1a0630", "#5b1f8f", "#b15cff", "#f0e0ff"}},
      {"violet", {"#1c0a33", "#6a2bb3", "#c77dff", "#f3e6ff"}},
      {"lilac", {"#5b4a7a", "#d8c7f0", "#a77bd9", "#ffffff"}},
      {"pink", {"#4a0a2e", "#e0528f", "#ff7eb6", "#ffe6f2"}},
      {"różowy", {"#4a0a2e", "#e0528f", "#ff7eb6", "#ffe6f2"}},
      {"magenta", {"#33002b", "#a3008a", "#ff2bd6", "#ffd6f7"}},
      {"black", {"#000000", "#141414", "", "#f2f2f2", Bend::kDark}},
      {"white", {"#f7f7f2", "#e6e6e0", "", "#ffffff", Bend::kBright}},
      {"grey", {"#2e3338", "#8a9299", "#d0d5da", "#ffffff", Bend::kMuted}},
      {"gray", {"#2e3338", "#8a9299", "#d0d5da", "#ffffff", Bend::kMuted}},
      {"brown", {"#2b1a0e", "#7a5230", "#d9a066", "#fff0dc"}},
      // moods
      {"pastel", {"", "", "", "", Bend::kPastel}},
      {"soft", {"", "", "", "", Bend::kPastel}},
      {"dreamy", {"#c9b6ff", "#ffd6ec", "#ff9ecf", "#ffffff", Bend::kPastel}},
      {"dream", {"#c9b6ff", "#ffd6ec", "#ff9ecf", "#ffffff", Bend::kPastel}},
      {"dark", {"", "", "", "", Bend::kDark}},
      {"darkness", {"#000000", "#0f0f14", "", "", Bend::kDark}},
      {"shadow", {"", "", "", "", Bend::kDark}},
      {"gloomy", {"#14161c", "#3a3f4b", "", "", Bend::kDark}},
      {"evil", {"#080000", "#300000", "#a3000f", "#ff9a8a", Bend::kDark}},
      {"happy", {"", "", "#ffd23f", "", Bend::kBright}},
      {"joy", {"", "", "#ffd23f", "", Bend::kBright}},
      {"sunny", {"#4ab8ff", "#fff0b3", "#ffcc00", "#ffffff", Bend::kBright}},
      {"bright", {"", "", "", "", Bend::kBright}},
      {"party", {"#2a0845", "#e0218a", "#ffe600", "#19f6ff", Bend::kBright}},
      {"euphoric", {"", "", "#ff3cac", "#fff36b", Bend::kBright}},
      {"sad", {"#1d2636", "#56657a", "#9fb4cc", "#e6eef7", Bend::kMuted}},
      {"melancholy", {"#1d2233", "#4f5a73", "#a7b3cc", "#e8ecf5", Bend::kMuted}},
      {"lonely", {"#0f1a2b", "#3b536e", "#b7c7d9", "#f0f5fa", Bend::kCold}},
      {"blue-eyed", {"", "", "#5fb4ff", ""}},
      {"cold", {"", "", "", "", Bend::kCold}},
      {"warm", {"", "", "", "", Bend::kWarm}},
      {"angry", {"#1a0000", "#5c0000", "#ff1e1e", "#ffd0d0"}},
      {"rage", {"#1a0000", "#5c0000", "#ff1e1e", "#ffd0d0"}},
      {"calm", {"#a8d8ea", "#f0f7f4", "#5fa8a8", "#ffffff", Bend::kPastel}},
      {"chill", {"#0e3b43", "#5fb3b3", "#ffd6a5", "#f0fffb"}},
      {"romantic", {"#3d0a2a", "#d9487a", "#ff8fab", "#ffe3ec"}},
      {"vintage", {"", "", "", "", Bend::kVintage}},
      {"old", {"", "", "", "", Bend::kVintage}},
      {"nostalgic", {"", "", "", "", Bend::kVintage}},
      {"dusty", {"", "", "", "", Bend::kVintage}},
      {"toxic", {"#0a1400", "#2b4a00", "#a6ff00", "#f0ffd1"}},
      {"electric", {"", "", "#19f6ff", "#ffffff", Bend::kBright}},
  };
  return kTable;
}

struct GenrePalette {
  const char* sky_top;
  const char* sky_bottom;
  const char* accent;
  const char* glow;
};

// A few palettes per genre; the seed picks one when no word says otherwise.
const std::vector<GenrePalette>& GenrePalettes(CoverGenre genre) {
  static const std::map<CoverGenre, std::vector<GenrePalette>> kPalettes = {
      {CoverGenre::kGangstaRap,
       {{"#07070b", "#2a1f3d", "#e8b923", "#fff1b8"},
        {"#0d0b0a", "#3a1212", "#d9d9d9", "#ffd27a"},
        {"#050a10", "#163248", "#3cd0ff", "#f2c14e"}}},
      {CoverGenre::kHeavyMetal,
       {{"#030303", "#2b0a0a", "#c1121f", "#e0e0e0"},
        {"#05080c", "#2c3e50", "#ff6a00", "#dfe6ee"},
        {"#060606", "#2e2e2e", "#9fa8b3", "#ffffff"}}},
      {CoverGenre::kDiscoPolo,
       {{"#3a0ca3", "#f72585", "#ffe600", "#4cf6ff"},
        {"#0077b6", "#ff8fab", "#ffd60a", "#ffffff"},
        {"#7209b7", "#ff9e00", "#00f5d4", "#fff36b"}}},
      {CoverGenre::kPop,
       {{"#ffd6e8", "#c8e7ff", "#ff5d8f", "#ffffff"},
        {"#fef3c7", "#fbcfe8", "#8b5cf6", "#ffffff"},
        {"#b8f2e6", "#ffa69e", "#5e6472", "#ffffff"}}},
      {CoverGenre::kSynthwave,
       {{"#0d0221", "#b3206f", "#ffb627", "#19f6ff"},
        {"#07001f", "#4a0f7a", "#ff2a6d", "#05d9e8"},
        {"#001233", "#7b2cbf", "#ff9e00", "#ff5ed1"}}},
      {CoverGenre::kBlues,
       {{"#07142b", "#274b7a", "#e0a458", "#f4e9d8"},
        {"#111018", "#3d3550", "#c9a227", "#efe6d8"},
        {"#0b1e24", "#2f5d62", "#d98c5f", "#f2efe4"}}},
      {CoverGenre::kPunk,
       {{"#ff3ea5", "#ffe14d", "#111111", "#ffffff"},
        {"#111111", "#3a3a3a", "#ff1e56", "#f5f5f5"},
        {"#18e0a0", "#f4f4f0", "#ff2d2d", "#111111"}}},
  };
  return kPalettes.at(genre);
}

Palette Derive(const Rgb& top, const Rgb& bottom, const Rgb& accent, const Rgb& glow) {
  Palette p;
  p.sky_top = top;
  p.sky_bottom = bottom;
  p.accent = accent;
  p.glow = glow;
  const double l = (RelativeLuminance(top) + RelativeLuminance(bottom)) / 2;
  if (l < 0.18) {
    // Dark skies: near silhouettes go almost black in the sky's hue, distant ones hazier.
    p.near = Darken(Saturate(top, 0.8), 0.55);
    p.far = Mix(bottom, p.near, 0.55);
  } else {
    // Light skies: silhouettes in a deep shade of the sky, so a cover never turns to mud.
    Hsl h = ToHsl(Mix(top, bottom, 0.5));
    h.s = std::min(1.0, h.s * 0.9 + 0.1);
    h.l = 0.22;
    p.near = FromHsl(h);
    p.far = Mix(bottom, p.near, 0.4);
  }
  p.ink_light = Lighten(glow, 0.8);
  p.ink_dark = Darken(p.near, 0.55);
  return p;
}

Rgb Bent(const Rgb& c, Bend bend) {
  switch (bend) {
    case Bend::kPastel:
      return Lighten(Saturate(c, 0.75), 0.45);
    case Bend::kDark:
      return Darken(c, 0.5);
    case Bend::kBright:
      return Saturate(Lighten(c, 0.08), 1.3);
    case Bend::kMuted:
      return Saturate(c, 0.45);
    case Bend::kWarm:
      return Mix(c, Hex("#ff8a3c"), 0.22);
    case Bend::kCold:
      return Mix(c, Hex("#3c8dff"), 0.22);
    case Bend::kVintage:
      return Mix(Saturate(c, 0.65), Hex("#c8a675"), 0.28);
    case Bend::kNone:
      break;
  }
  return c;
}

}  // namespace

std::vector<std::string> Palette::HexList() const {
  return {ToHex(sky_top), ToHex(sky_bottom), ToHex(far), ToHex(near), ToHex(accent), ToHex(glow)};
}

bool Palette::Dark() const {
  return (RelativeLuminance(sky_top) + RelativeLuminance(sky_bottom)) / 2 < 0.18;
}

bool IsPaletteWord(const std::string& word) { return WordTable().count(word) > 0; }

PaletteChoice ChoosePalette(const std::vector<std::string>& words, CoverGenre genre,
                            CoverRandom random) {
  PaletteChoice out;
  std::optional<Rgb> top, bottom, accent, glow;
  std::string background_word;
  std::vector<Bend> bends;
  const auto& table = WordTable();
  for (const auto& word : words) {
    auto it = table.find(word);
    if (it == table.end()) continue;
    const WordColours& w = it->second;
    bool used = false;
    if (!top && *w.sky_top) {
      top = Hex(w.sky_top), bottom = Hex(w.sky_bottom), background_word = word, used = true;
    }
    // The word that set the background gives the accent only if no other word does: "red
    // ocean" wants a red sun over the sea, not a teal one.
    if (!accent && *w.accent && word != background_word) accent = Hex(w.accent), used = true;
    if (!glow && *w.glow && word != background_word) glow = Hex(w.glow), used = true;
    if (w.bend != Bend::kNone && bends.size() < 2) bends.push_back(w.bend), used = true;
    if (used && out.words.size() < 4) out.words.push_back(word);
  }
  if (!background_word.empty()) {
    const WordColours& w = table.find(background_word)->second;
    if (!accent && *w.accent) accent = Hex(w.accent);
    if (!glow && *w.glow) glow = Hex(w.glow);
    // The background's word first: it sets most of the picture.
    out.words.erase(std::remove(out.words.begin(), out.words.end(), background_word),
                    out.words.end());
    out.words.insert(out.words.begin(), background_word);
  }
  const auto& genre_palettes = GenrePalettes(genre);
  const GenrePalette& g = genre_palettes[random.Index(genre_palettes.size())];
  Palette p = Derive(top.value_or(Hex(g.sky_top)), bottom.value_or(Hex(g.sky_bottom)),
                     accent.value_or(Hex(g.accent)), glow.value_or(Hex(g.glow)));
  for (Bend bend : bends) {
    Rgb* slots[] = {&p.sky_top, &p.sky_bottom, &p.accent, &p.glow};
    for (Rgb* c : slots) *c = Bent(*c, bend);
  }
  if (!bends.empty()) p = Derive(p.sky_top, p.sky_bottom, p.accent, p.glow);
  out.palette = p;
  return out;
}

}  // namespace moodtape::designer
