// moodtape-designer's commands besides serve: draw (a cover to files, offline). Over plain
// streams so tests drive it without a process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace moodtape::designer {

// Returns the exit code: 0 ok, 1 failure, 2 bad usage.
//   draw --description "..." --genre G --title "..." --artist "..." [--seed N] --out cover.png
//        [--thumbnail thumb.png] [--preview preview.png]
int RunDrawCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string UsageText();

}  // namespace moodtape::designer
