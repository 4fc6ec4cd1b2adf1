// Reading a description for what to draw: its words, lower-cased, and the motifs they name in the
// order they are first named.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "services/designer/core/motif.h"

namespace moodtape::designer {

// Lower-case words of UTF-8 text (letters and digits; "night's" gives "night" and "s").
std::vector<std::string> LowerCaseWords(std::string_view utf8);

// Motifs named by `words`, each once, in order of first mention.
std::vector<Motif> MotifsNamed(const std::vector<std::string>& words);

}  // namespace moodtape::designer
