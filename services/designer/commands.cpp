#include "services/designer/commands.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "platform/base/command_flags.h"
#include "platform/base/files.h"
#include "platform/base/seed.h"
#include "services/designer/core/cover_designer.h"

namespace moodtape::designer {
namespace {

// The file whole or not at all, and why not in words a person can act on.
bool WriteFile(const std::string& path, const std::string& bytes, std::ostream& err) {
  const platform::Status written = platform::WriteFileAtomically(path, bytes);
  if (!written.ok()) err << written.error().message << "\n";
  return written.ok();
}

bool ParseSeed(const std::string& text, uint64_t* seed) {
  try {
    size_t used = 0;
    *seed = std::stoull(text, &used);
    return used == text.size() && !text.empty() && text.front() != '-';
  } catch (...) {
    return false;
  }
}

}  // namespace

std::string UsageText() {
  return "usage: moodtape-designer [serve]\n"
         "       moodtape-designer draw --description \"...\" --genre G --title \"...\" "
         "--artist \"...\"\n"
         "                              [--seed N] --out cover.png [--thumbnail thumb.png] "
         "[--preview preview.png]\n"
         "genres: " +
         CoverGenreIds() + "\n";
}

int RunDrawCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  platform::CommandFlags flags(args,
                               {"--description", "--genre", "--title", "--artist", "--seed",
                                "--out", "--thumbnail", "--preview"},
                               {});
  auto usage = [&](const std::string& why) {
    err << "draw: " << why << "\n" << UsageText();
    return 2;
  };
  if (!flags.error().empty()) return usage(flags.error());
  uint64_t seed = 0;
  if (flags.Has("--seed")) {
    if (!ParseSeed(flags.Get("--seed", ""), &seed)) {
      return usage("--seed must be a whole number from 0 to 18446744073709551615");
    }
  } else {
    // No seed: a fresh cover, told to the user so they can have it again.
    seed = platform::FreshSeed();
    out << "seed " << seed << " (pass --seed " << seed << " to draw this cover again)\n";
  }
  const std::string path = flags.Get("--out", "");
  if (path.empty()) return usage("--out FILE.png is required");
  auto spec = MakeCoverSpec(flags.Get("--description", ""), flags.Get("--genre", ""),
                            flags.Get("--title", ""), flags.Get("--artist", ""), seed);
  if (!spec.ok()) {
    // The core names proto fields; the command's are options.
    std::string why = spec.error().message;
    if (auto at = why.find("field \""); at != std::string::npos) why.replace(at, 7, "--");
    if (auto at = why.find('"'); at != std::string::npos) why.erase(at, 1);
    return usage(why);
  }
  const CoverDesigner designer;
  const auto start = std::chrono::steady_clock::now();
  auto cover = designer.Design(*spec);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!cover.ok()) {
    err << "draw: " << cover.error().message << "\n";
    return 1;
  }
  if (!WriteFile(path, cover->png, err)) return 1;
  if (flags.Has("--thumbnail") &&
      !WriteFile(flags.Get("--thumbnail", ""), cover->thumbnail_png, err)) {
    return 1;
  }
  if (flags.Has("--preview") &&
      !WriteFile(flags.Get("--preview", ""), designer.Preview(*spec), err)) {
    return 1;
  }
  char line[512];
  std::snprintf(line, sizeof(line),
                "%s: %zu KiB, %.0f ms; layout %s; contrast title %.2f, artist %.2f\n", path.c_str(),
                cover->png.size() / 1024, ms, cover->layout.c_str(), cover->title_contrast,
                cover->artist_contrast);
  out << line << "motifs:";
  for (const auto& m : cover->motifs) out << " " << m;
  out << "\npalette:";
  for (const auto& c : cover->palette) out << " " << c;
  out << "\n";
  return 0;
}

}  // namespace moodtape::designer
