// The first step of a cover: what to draw, decided from the spec alone (no pixels). Palette from
// the colour and mood words, motifs from the nouns (the description's, then the title's), the
// genre's layout, and a variant of each motif, all seeded, so a plan can be printed and tested.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "services/designer/core/cover_spec.h"
#include "services/designer/core/layout.h"
#include "services/designer/core/motif.h"
#include "services/designer/core/palette.h"

namespace moodtape::designer {

struct MotifChoice {
  Motif motif;
  int variant = 0;
};

struct CoverPlan {
  CoverSpec spec;
  Palette palette;
  std::vector<std::string> palette_words;  // the words that chose the colours
  MotifChoice scene;                       // the landscape
  std::vector<MotifChoice> sky;            // sun or moon, stars, birds, lightning
  std::vector<MotifChoice> figures;        // in front of the scene
  std::optional<MotifChoice> weather;      // over everything
  const TypeLayout* layout = nullptr;

  // Every motif drawn, back to front ("stars", "sea", "hearts").
  std::vector<std::string> MotifNames() const;
};

CoverPlan PlanCover(const CoverSpec& spec);

}  // namespace moodtape::designer
