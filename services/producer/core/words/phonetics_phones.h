// The CMU phone set as small integer ids, shared by the dictionary, the letter-to-sound rules and
// the rhyme measures, so phones are compared as bytes instead of strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace moodtape::producer::phones {

// Vowels first (ids 0..15), then consonants: a phone is a vowel exactly when its id < kVowelCount.
// clang-format off
enum PhoneId : uint8_t {
  kAA, kAE, kAH, kAO, kAW, kAX, kAY, kEH, kER, kEY, kIH, kIY, kOW, kOY, kUH, kUW,
  kB, kCH, kD, kDH, kF, kG, kHH, kJH, kK, kL, kM, kN, kNG, kP, kR, kS, kSH, kT, kTH,
  kV, kW, kY, kZ, kZH,
  kPhoneCount
};
// clang-format on
inline constexpr uint8_t kVowelCount = kB;

inline bool IsVowel(uint8_t id) { return id < kVowelCount; }

// Upper-case ARPAbet name: "AY".
std::string_view Name(uint8_t id);

// Parses "ay", "AY", "ay1", "AX0" (a trailing stress digit is ignored). nullopt for anything else.
std::optional<uint8_t> Parse(std::string_view text);

// Rhyme treats Festival's schwa AX as the ARPAbet AH0 it stands for.
inline uint8_t RhymeClass(uint8_t id) { return id == kAX ? uint8_t{kAH} : id; }

enum class Manner : uint8_t { kVowel, kStop, kAffricate, kFricative, kNasal, kLiquid, kGlide };
enum class Place : uint8_t {
  kNone,
  kLabial,
  kLabiodental,
  kDental,
  kAlveolar,
  kPostalveolar,
  kPalatal,
  kVelar,
  kGlottal
};

struct Features {
  Manner manner = Manner::kVowel;
  Place place = Place::kNone;
  bool voiced = true;
};
Features FeaturesOf(uint8_t id);

// How alike two phones sound, in [0, 1]: 1 the same phone (AX = AH), consonants of one manner and
// voicing high (M/N, P/T/K), one manner other voicing lower (T/D), vowels of one family (IH/IY,
// AA/AO) partial, unrelated 0. Drives the slant-rhyme score.
double Similarity(uint8_t a, uint8_t b);

// A legal English syllable onset (maximal-onset syllabification): "S T R" yes, "N G" no.
bool IsLegalOnset(const uint8_t* ids, int count);

}  // namespace moodtape::producer::phones
