#include "services/producer/core/words/phonetics_phones.h"

#include <array>
#include <cctype>

namespace moodtape::producer::phones {
namespace {

constexpr std::array<std::string_view, kPhoneCount> kNames = {
    "AA", "AE", "AH", "AO", "AW", "AX", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY",
    "UH", "UW", "B",  "CH", "D",  "DH", "F",  "G",  "HH", "JH", "K",  "L",  "M",  "N",
    "NG", "P",  "R",  "S",  "SH", "T",  "TH", "V",  "W",  "Y",  "Z",  "ZH"};

// Two-phone and three-phone onsets of English words (single consonants other than NG are all
// legal). Syllabification only needs to be plausible for made-up words, so this errs towards the
// common clusters.
constexpr std::array<std::array<uint8_t, 2>, 37> kOnsetPairs = {
    {{kP, kR}, {kP, kL},  {kP, kY}, {kB, kR}, {kB, kL},  {kB, kY},  {kT, kR},  {kT, kW},
     {kD, kR}, {kD, kW},  {kK, kR}, {kK, kL}, {kK, kW},  {kK, kY},  {kG, kR},  {kG, kL},
     {kG, kW}, {kF, kR},  {kF, kL}, {kF, kY}, {kTH, kR}, {kTH, kW}, {kSH, kR}, {kS, kP},
     {kS, kT}, {kS, kK},  {kS, kM}, {kS, kN}, {kS, kL},  {kS, kW},  {kS, kF},  {kM, kY},
     {kV, kY}, {kHH, kY}, {kN, kY}, {kP, kW}, {kHH, kW}}};
constexpr std::array<std::array<uint8_t, 3>, 8> kOnsetTriples = {{{kS, kP, kR},
                                                                  {kS, kP, kL},
                                                                  {kS, kT, kR},
                                                                  {kS, kK, kR},
                                                                  {kS, kK, kW},
                                                                  {kS, kK, kL},
                                                                  {kS, kP, kY},
                                                                  {kS, kK, kY}}};

// The vowel families used for partial vowel similarity.
int VowelFamily(uint8_t id) {
  switch (id) {
    case kIH:
    case kIY:
      return 1;
    case kEH:
    case kAE:
    case kEY:
      return 2;
    case kAA:
    case kAO:
    case kAW:
      return 3;
    case kAH:
    case kAX:
    case kER:
      return 4;
    case kUH:
    case kUW:
    case kOW:
      return 5;
    case kAY:
    case kOY:
      return 6;
    default:
      return 0;
  }
}

}  // namespace

std::string_view Name(uint8_t id) { return id < kPhoneCount ? kNames[id] : std::string_view(); }

std::optional<uint8_t> Parse(std::string_view text) {
  while (!text.empty() && std::isdigit(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 2) return std::nullopt;
  char up[2] = {0, 0};
  for (size_t i = 0; i < text.size(); ++i) {
    up[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  }
  const std::string_view key(up, text.size());
  for (uint8_t id = 0; id < kPhoneCount; ++id) {
    if (kNames[id] == key) return id;
  }
  return std::nullopt;
}

Features FeaturesOf(uint8_t id) {
  switch (id) {
    case kB:
      return {Manner::kStop, Place::kLabial, true};
    case kP:
      return {Manner::kStop, Place::kLabial, false};
    case kD:
      return {Manner::kStop, Place::kAlveolar, true};
    case kT:
      return {Manner::kStop, Place::kAlveolar, false};
    case kG:
      return {Manner::kStop, Place::kVelar, true};
    case kK:
      return {Manner::kStop, Place::kVelar, false};
    case kJH:
      return {Manner::kAffricate, Place::kPostalveolar, true};
    case kCH:
      return {Manner::kAffricate, Place::kPostalveolar, false};
    case kV:
      return {Manner::kFricative, Place::kLabiodental, true};
    case kF:
      return {Manner::kFricative, Place::kLabiodental, false};
    case kDH:
      return {Manner::kFricative, Place::kDental, true};
    case kTH:
      return {Manner::kFricative, Place::kDental, false};
    case kZ:
      return {Manner::kFricative, Place::kAlveolar, true};
    case kS:
      return {Manner::kFricative, Place::kAlveolar, false};
    case kZH:
      return {Manner::kFricative, Place::kPostalveolar, true};
    case kSH:
      return {Manner::kFricative, Place::kPostalveolar, false};
    case kHH:
      return {Manner::kFricative, Place::kGlottal, false};
    case kM:
      return {Manner::kNasal, Place::kLabial, true};
    case kN:
      return {Manner::kNasal, Place::kAlveolar, true};
    case kNG:
      return {Manner::kNasal, Place::kVelar, true};
    case kL:
      return {Manner::kLiquid, Place::kAlveolar, true};
    case kR:
      return {Manner::kLiquid, Place::kPostalveolar, true};
    case kW:
      return {Manner::kGlide, Place::kLabial, true};
    case kY:
      return {Manner::kGlide, Place::kPalatal, true};
    default:
      return {Manner::kVowel, Place::kNone, true};
  }
}

double Similarity(uint8_t a, uint8_t b) {
  if (RhymeClass(a) == RhymeClass(b)) return 1.0;
  if (IsVowel(a) != IsVowel(b)) return 0.0;
  if (IsVowel(a)) {
    const int fa = VowelFamily(a);
    return fa != 0 && fa == VowelFamily(b) ? 0.5 : 0.0;
  }
  const Features fa = FeaturesOf(a);
  const Features fb = FeaturesOf(b);
  // Stops, affricates and fricatives are heard as one "obstruent" family in slant rhyme.
  const auto obstruent = [](Manner m) {
    return m == Manner::kStop || m == Manner::kAffricate || m == Manner::kFricative;
  };
  if (fa.manner == fb.manner) return fa.voiced == fb.voiced ? 0.7 : 0.5;
  if (obstruent(fa.manner) && obstruent(fb.manner)) {
    if (fa.place == fb.place) return 0.45;
    return fa.voiced == fb.voiced ? 0.3 : 0.15;
  }
  if (fa.place == fb.place && fa.voiced == fb.voiced) return 0.25;
  return 0.0;
}

bool IsLegalOnset(const uint8_t* ids, int count) {
  for (int i = 0; i < count; ++i) {
    if (IsVowel(ids[i])) return false;
  }
  if (count == 0) return true;
  if (count == 1) return ids[0] != kNG;
  if (count == 2) {
    for (const auto& pair : kOnsetPairs) {
      if (pair[0] == ids[0] && pair[1] == ids[1]) return true;
    }
    return false;
  }
  if (count == 3) {
    for (const auto& triple : kOnsetTriples) {
      if (triple[0] == ids[0] && triple[1] == ids[1] && triple[2] == ids[2]) return true;
    }
  }
  return false;
}

}  // namespace moodtape::producer::phones
