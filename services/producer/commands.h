// moodtape-producer's commands besides serve: write (print a song), render (write its files) and
// genres. Over plain streams so tests drive them without a process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "platform/base/config.h"
#include "services/producer/core/song_engine.h"

namespace moodtape::producer {

// [producer] cmu_dir, wordnet_dir, soundfont: where the Debian data lives.
EngineOptions ReadEngineOptions(platform::Config& config);

// Each returns the exit code: 0 ok, 1 failure, 2 bad usage.
//   write  --genre G --theme T [--seed N] [--index I] [--json]
//   render --genre G --theme T [--seed N] [--index I] --out FILE [--midi F] [--mp3 F] [--lrc F]
//          [--stems F]     (--out's format from its extension: .ogg .mp3 .mid .lrc .tar)
//   genres [--json]
int RunWriteCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunRenderCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunGenresCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string UsageText();

}  // namespace moodtape::producer
