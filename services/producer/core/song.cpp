#include "services/producer/core/song.h"

namespace moodtape::producer {

const char* SectionKindName(SectionKind kind) {
  switch (kind) {
    case SectionKind::kIntro:
      return "Intro";
    case SectionKind::kVerse:
      return "Verse";
    case SectionKind::kPreChorus:
      return "Pre-chorus";
    case SectionKind::kChorus:
      return "Chorus";
    case SectionKind::kHook:
      return "Hook";
    case SectionKind::kBridge:
      return "Bridge";
    case SectionKind::kSolo:
      return "Solo";
    case SectionKind::kOutro:
      return "Outro";
  }
  return "Section";
}

int LyricLine::SyllableCount() const {
  int n = 0;
  for (const auto& w : words) n += static_cast<int>(w.syllables.size());
  return n;
}

std::string LyricsText(const Lyrics& lyrics) {
  std::string out;
  for (const auto& section : lyrics.sections) {
    if (section.lines.empty()) continue;
    if (!out.empty()) out += "\n";
    out += "[" + section.label + "]\n";
    for (const auto& line : section.lines) out += line.text + "\n";
  }
  return out;
}

const Part* Composition::Lead() const {
  for (const auto& p : parts) {
    if (p.role == PartRole::kLead) return &p;
  }
  return nullptr;
}

std::vector<int> ScalePitchClasses(int tonic, Mode mode) {
  static const int kMajor[] = {0, 2, 4, 5, 7, 9, 11};
  static const int kMinor[] = {0, 2, 3, 5, 7, 8, 10};
  static const int kDorian[] = {0, 2, 3, 5, 7, 9, 10};
  static const int kMixolydian[] = {0, 2, 4, 5, 7, 9, 10};
  static const int kPhrygian[] = {0, 1, 3, 5, 7, 8, 10};
  const int* steps = kMajor;
  switch (mode) {
    case Mode::kMajor:
      steps = kMajor;
      break;
    case Mode::kMinor:
      steps = kMinor;
      break;
    case Mode::kDorian:
      steps = kDorian;
      break;
    case Mode::kMixolydian:
      steps = kMixolydian;
      break;
    case Mode::kPhrygian:
      steps = kPhrygian;
      break;
  }
  std::vector<int> out;
  for (int i = 0; i < 7; ++i) out.push_back(((tonic % 12) + 12 + steps[i]) % 12);
  return out;
}

}  // namespace moodtape::producer
