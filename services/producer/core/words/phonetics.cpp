#include "services/producer/core/words/phonetics.h"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "services/producer/core/words/cmu_dictionary.h"
#include "services/producer/core/words/lts_rules.h"
#include "services/producer/core/words/phonetics_phones.h"

namespace moodtape::producer {

using platform::ErrorCode;
using platform::MakeError;

// A pronunciation while it is being put together: one byte per phone as the dictionary stores it
// (id, stressed-vowel flag, syllable-start flag), so dictionary entries, letter-to-sound output and
// affixes all splice the same way.
using Packed = std::vector<uint8_t>;

struct PronouncingDictionary::Data {
  CmuDictionary cmu;
  LtsRules lts;
  // WordsWithRhymeKey hands out references, so each key's list is built once on first use and
  // kept (unordered_map nodes never move).
  mutable std::mutex rhyme_mutex;
  mutable std::unordered_map<std::string, std::vector<std::string>> rhyme_words;
};

namespace {

constexpr int kMaxDepth = 4;  // nesting of word parts (hyphens, contractions, compounds)

uint8_t IdOf(uint8_t packed) { return packed & kPackedIdMask; }

// ----- Reading the files -------------------------------------------------------------------------

platform::Result<std::string> ReadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return MakeError(ErrorCode::kUnavailable,
                     path + " is missing (install the festlex-cmu package)");
  }
  // One allocation of the file's size: the 5 MB text is dropped right after parsing, and
  // growing it piecemeal would leave freed blocks behind in the heap.
  std::string text;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    const long size = std::ftell(f);
    if (size > 0) text.reserve(static_cast<size_t>(size));
    std::rewind(f);
  }
  char buffer[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) text.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return MakeError(ErrorCode::kUnavailable, "cannot read " + path);
  return text;
}

// ----- Building pronunciations -------------------------------------------------------------------

Pronunciation ToPronunciation(const Packed& packed, bool from_dictionary) {
  Pronunciation p;
  p.from_dictionary = from_dictionary;
  for (uint8_t b : packed) {
    if ((b & kPackedSyllableStart) || p.syllables.empty()) p.syllables.emplace_back();
    PhoneSyllable& s = p.syllables.back();
    s.phones.emplace_back(phones::Name(IdOf(b)));
    if (b & kPackedStressed) s.stress = 1;
  }
  return p;
}

// Splits a phone string into syllables by maximal onset: between two vowels, the longest run of
// consonants that can begin an English syllable starts the next one.
void Syllabify(Packed& p) {
  std::vector<size_t> vowels;
  for (size_t i = 0; i < p.size(); ++i) {
    p[i] &= static_cast<uint8_t>(~kPackedSyllableStart);
    if (phones::IsVowel(IdOf(p[i]))) vowels.push_back(i);
  }
  if (p.empty()) return;
  p[0] |= kPackedSyllableStart;
  std::vector<uint8_t> ids(p.size());
  for (size_t i = 0; i < p.size(); ++i) ids[i] = IdOf(p[i]);
  for (size_t v = 0; v + 1 < vowels.size(); ++v) {
    const size_t next = vowels[v + 1];
    size_t start = vowels[v] + 1;
    while (start < next &&
           !phones::IsLegalOnset(ids.data() + start, static_cast<int>(next - start))) {
      ++start;
    }
    p[start] |= kPackedSyllableStart;
  }
}

// Stress for letter-to-sound output when the trees marked none: one syllable is stressed; two
// syllables stress the first; longer words the penultimate; a schwa (AX) is never stressed, the
// stress moves to the syllable before it, or else to the first full vowel.
void EnsureStress(Packed& p) {
  if (std::any_of(p.begin(), p.end(), [](uint8_t b) { return (b & kPackedStressed) != 0; })) {
    return;
  }
  std::vector<size_t> vowels;
  for (size_t i = 0; i < p.size(); ++i) {
    if (phones::IsVowel(IdOf(p[i]))) vowels.push_back(i);
  }
  if (vowels.empty()) return;
  const auto full = [&](size_t v) { return IdOf(p[vowels[v]]) != phones::kAX; };
  const size_t n = vowels.size();
  size_t chosen = 0;
  if (n == 2) {
    chosen = full(0) ? 0 : 1;
  } else if (n >= 3) {
    if (full(n - 2)) {
      chosen = n - 2;
    } else if (full(n - 3)) {
      chosen = n - 3;
    } else {
      while (chosen + 1 < n && !full(chosen)) ++chosen;
    }
  }
  uint8_t& vowel = p[vowels[chosen]];
  // A word whose only vowels are schwas: the stressed one is a full AH (ARPAbet AH1).
  if (IdOf(vowel) == phones::kAX) {
    vowel = static_cast<uint8_t>((vowel & ~kPackedIdMask) | phones::kAH);
  }
  vowel |= kPackedStressed;
}

// Words like "skrrt", "hmm" or "psst" come out of the rules without a vowel; a sung word has at
// least one syllable, so an R becomes ER, or a schwa goes before a nasal or L, or after the first
// consonant.
void EnsureVowel(std::vector<LtsRules::Phone>& phones) {
  for (const auto& p : phones) {
    if (phones::IsVowel(p.id)) return;
  }
  if (phones.empty()) return;
  for (size_t i = 0; i < phones.size(); ++i) {
    if (phones[i].id == phones::kR) {
      phones[i] = {phones::kER, 1};
      return;
    }
  }
  for (size_t i = 0; i < phones.size(); ++i) {
    if (phones[i].id == phones::kM || phones[i].id == phones::kN || phones[i].id == phones::kL) {
      phones.insert(phones.begin() + static_cast<std::ptrdiff_t>(i), {phones::kAH, 1});
      return;
    }
  }
  phones.insert(phones.begin() + 1, {phones::kAH, 1});
}

bool IsVowelLetter(const std::string& w, size_t i);

// Sonority from obstruents (1) to glides (5): syllables rise in sonority towards the vowel.
int Sonority(uint8_t id) {
  switch (phones::FeaturesOf(id).manner) {
    case phones::Manner::kStop:
    case phones::Manner::kAffricate:
      return 1;
    case phones::Manner::kFricative:
      return 2;
    case phones::Manner::kNasal:
      return 3;
    case phones::Manner::kLiquid:
      return 4;
    default:
      return 5;
  }
}

// A consonant run English allows after a vowel: falling sonority ("rp", "nk", "lm"), two
// obstruents in either order ("sk", "ft"), plus up to two of S Z T D TH at the end ("-nts").
bool IsLegalCoda(const uint8_t* ids, int count) {
  while (count > 1 && (ids[count - 1] == phones::kS || ids[count - 1] == phones::kZ ||
                       ids[count - 1] == phones::kT || ids[count - 1] == phones::kD ||
                       ids[count - 1] == phones::kTH)) {
    --count;
  }
  if (count > 3) return false;
  for (int i = 0; i < count; ++i) {
    const uint8_t id = ids[i];
    if (id == phones::kHH || id == phones::kW || id == phones::kY) return false;
    if (id == phones::kNG && i > 0) return false;
    if (i == 0) continue;
    const int before = Sonority(ids[i - 1]);
    const int now = Sonority(id);
    if (now > before || (now == before && now > 2)) return false;
  }
  return true;
}

// Whether the consonants between two vowels (or a word edge) can be split into a legal coda and
// a legal onset.
bool IsLegalCluster(const std::vector<uint8_t>& run, bool after_vowel, bool before_vowel) {
  const int n = static_cast<int>(run.size());
  if (!after_vowel) return !before_vowel || phones::IsLegalOnset(run.data(), n);
  if (!before_vowel) return IsLegalCoda(run.data(), n);
  for (int k = 0; k <= n; ++k) {
    if (IsLegalCoda(run.data(), k) && phones::IsLegalOnset(run.data() + k, n - k)) return true;
  }
  return false;
}

// The trees sometimes drop a whole vowel ("blorptastic" -> B L R P T AE S T IH K). When a vowel
// letter group produced no vowel and the consonants around it cannot be syllabified, the
// group's vowel is put back (a AE, e EH, i IH, o AA, u AH, y IY); a silent final e stays silent.
std::vector<LtsRules::Phone> RestoreDroppedVowels(
    std::string_view word, const std::vector<std::vector<LtsRules::Phone>>& letters) {
  std::string w;
  for (char c : word) {
    if (c >= 'a' && c <= 'z') w.push_back(c);
  }
  std::vector<std::vector<LtsRules::Phone>> out = letters;
  const auto has_vowel = [](const std::vector<LtsRules::Phone>& ps) {
    return std::any_of(ps.begin(), ps.end(),
                       [](const LtsRules::Phone& p) { return phones::IsVowel(p.id); });
  };
  for (size_t i = 0; i < w.size() && i < out.size();) {
    if (!IsVowelLetter(w, i)) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < w.size() && IsVowelLetter(w, end)) ++end;
    bool voiced = false;
    for (size_t k = i; k < end; ++k) voiced = voiced || has_vowel(out[k]);
    const bool final_e =
        w[i] == 'e' && end - i == 1 &&
        (end == w.size() || (end + 1 == w.size() && (w[end] == 'd' || w[end] == 's')));
    if (!voiced && !final_e) {
      // The consonants on either side of the group, up to the nearest vowels.
      std::vector<uint8_t> run;
      bool after_vowel = false;
      bool before_vowel = false;
      for (size_t k = i; k-- > 0;) {
        bool stop = false;
        for (size_t p = out[k].size(); p-- > 0;) {
          if (phones::IsVowel(out[k][p].id)) {
            stop = after_vowel = true;
            break;
          }
          run.insert(run.begin(), out[k][p].id);
        }
        if (stop) break;
      }
      for (size_t k = end; k < out.size(); ++k) {
        bool stop = false;
        for (const auto& p : out[k]) {
          if (phones::IsVowel(p.id)) {
            stop = before_vowel = true;
            break;
          }
          run.push_back(p.id);
        }
        if (stop) break;
      }
      if (!IsLegalCluster(run, after_vowel, before_vowel)) {
        static constexpr std::string_view kLetters = "aeiouy";
        static constexpr uint8_t kVowels[] = {phones::kAE, phones::kEH, phones::kIH,
                                              phones::kAA, phones::kAH, phones::kIY};
        const size_t which = kLetters.find(w[i]);
        if (which != std::string_view::npos) {
          out[i].insert(out[i].begin(), LtsRules::Phone{kVowels[which], 0});
        }
      }
    }
    i = end;
  }
  std::vector<LtsRules::Phone> flat;
  for (const auto& letter : out) flat.insert(flat.end(), letter.begin(), letter.end());
  return flat;
}

// Appends a syllable (which begins with a vowel) and moves the longest legal onset from the end
// of the previous syllable into it: "did" + "ent" -> "di | dent".
void AppendSyllable(Packed& p, std::initializer_list<uint8_t> syllable) {
  const size_t join = p.size();
  for (uint8_t id : syllable) p.push_back(id);
  if (join == p.size()) return;
  p[join] |= kPackedSyllableStart;
  size_t prev_vowel = join;
  for (size_t i = join; i-- > 0;) {
    if (phones::IsVowel(IdOf(p[i]))) {
      prev_vowel = i;
      break;
    }
  }
  if (prev_vowel == join) return;
  std::vector<uint8_t> ids;
  for (size_t i = prev_vowel + 1; i < join; ++i) ids.push_back(IdOf(p[i]));
  size_t start = 0;
  while (start < ids.size() &&
         !phones::IsLegalOnset(ids.data() + start, static_cast<int>(ids.size() - start))) {
    ++start;
  }
  const size_t new_start = prev_vowel + 1 + start;
  if (new_start < join) {
    p[join] &= static_cast<uint8_t>(~kPackedSyllableStart);
    p[new_start] |= kPackedSyllableStart;
  }
}

bool EndsWithVowel(const Packed& p) { return !p.empty() && phones::IsVowel(IdOf(p.back())); }

void Append(Packed& to, const Packed& part) {
  const size_t start = to.size();
  to.insert(to.end(), part.begin(), part.end());
  if (start < to.size()) to[start] |= kPackedSyllableStart;
}

// ----- Spelling ----------------------------------------------------------------------------------

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsVowelLetter(const std::string& w, size_t i) {
  const char c = w[i];
  if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
    // The u of "qu" and "gu" before a vowel is a consonant glide.
    if (c == 'u' && i > 0 && (w[i - 1] == 'q' || w[i - 1] == 'g') && i + 1 < w.size() &&
        std::string_view("aeiouy").find(w[i + 1]) != std::string_view::npos) {
      return false;
    }
    return true;
  }
  // y is a vowel except at the start of a word or a syllable before a vowel ("yes", "beyond").
  if (c == 'y') {
    if (i == 0) return false;
    return !(i + 1 < w.size() &&
             std::string_view("aeiou").find(w[i + 1]) != std::string_view::npos);
  }
  return false;
}

// Lower case, typographic apostrophes as "'", common accented Latin letters as their base letter
// ("café" -> "cafe"); other bytes are kept and treated as separators later.
std::string Fold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == 0xE2 && i + 2 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(raw[i + 2]) == 0x98 ||
         static_cast<unsigned char>(raw[i + 2]) == 0x99)) {
      out.push_back('\'');
      i += 2;
      continue;
    }
    if (c == 0xC3 && i + 1 < raw.size()) {
      const auto d = static_cast<unsigned char>(raw[i + 1]) | 0x20;  // upper -> lower Latin-1
      static constexpr std::string_view kBase = "aaaaaaeceeeeiiiidnooooo/ouuuuyty";
      if (d >= 0xA0 && d <= 0xBF && kBase[d - 0xA0] != '/') {
        out.push_back(kBase[d - 0xA0]);
        ++i;
        continue;
      }
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
  }
  return out;
}

// Drops surrounding punctuation; keeps the apostrophe of a dropped g ("runnin'").
std::string Clean(std::string_view raw) {
  std::string s = Fold(raw);
  size_t begin = 0;
  while (begin < s.size() && !IsAlnum(s[begin])) ++begin;
  size_t end = s.size();
  while (end > begin && !IsAlnum(s[end - 1])) --end;
  const bool dropped_g =
      end < s.size() && s[end] == '\'' && end - begin >= 3 && s.compare(end - 2, 2, "in") == 0;
  return s.substr(begin, end - begin + (dropped_g ? 1 : 0));
}

// ----- Numbers -----------------------------------------------------------------------------------

constexpr std::string_view kOnes[] = {"zero",    "one",     "two",       "three",    "four",
                                      "five",    "six",     "seven",     "eight",    "nine",
                                      "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                      "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::string_view kTens[] = {"",      "",      "twenty",  "thirty", "forty",
                                      "fifty", "sixty", "seventy", "eighty", "ninety"};

void BelowThousand(uint64_t n, std::vector<std::string>& out) {
  if (n >= 100) {
    out.emplace_back(kOnes[n / 100]);
    out.emplace_back("hundred");
    n %= 100;
    if (n == 0) return;
  }
  if (n < 20) {
    out.emplace_back(kOnes[n]);
  } else {
    out.emplace_back(kTens[n / 10]);
    if (n % 10 != 0) out.emplace_back(kOnes[n % 10]);
  }
}

// How a number is read aloud: "99" -> "ninety nine", "1999" -> "nineteen ninety nine", "007" ->
// "zero zero seven" (leading zeros and very long numbers are read digit by digit).
std::vector<std::string> NumberWords(std::string_view digits) {
  std::vector<std::string> out;
  if (digits.empty()) return out;
  if ((digits.size() > 1 && digits[0] == '0') || digits.size() > 12) {
    for (char d : digits) out.emplace_back(kOnes[d - '0']);
    return out;
  }
  uint64_t n = 0;
  for (char d : digits) n = n * 10 + static_cast<uint64_t>(d - '0');
  if (n == 0) return {"zero"};
  const bool year = digits.size() == 4 && ((n >= 1100 && n < 2000) || (n >= 2010 && n < 2100));
  if (year) {
    BelowThousand(n / 100, out);
    const uint64_t low = n % 100;
    if (low == 0) {
      out.emplace_back("hundred");
    } else {
      if (low < 10) out.emplace_back("oh");
      BelowThousand(low, out);
    }
    return out;
  }
  static constexpr std::pair<uint64_t, std::string_view> kScales[] = {
      {1000000000ULL, "billion"}, {1000000ULL, "million"}, {1000ULL, "thousand"}};
  for (const auto& [scale, name] : kScales) {
    if (n >= scale) {
      BelowThousand(n / scale, out);
      out.emplace_back(name);
      n %= scale;
    }
  }
  if (n > 0) BelowThousand(n, out);
  return out;
}

std::string Ordinal(const std::string& cardinal) {
  static const std::unordered_map<std::string, std::string> kIrregular = {
      {"one", "first"},    {"two", "second"}, {"three", "third"},   {"five", "fifth"},
      {"eight", "eighth"}, {"nine", "ninth"}, {"twelve", "twelfth"}};
  const auto found = kIrregular.find(cardinal);
  if (found != kIrregular.end()) return found->second;
  if (cardinal.size() > 1 && cardinal.back() == 'y') {
    return cardinal.substr(0, cardinal.size() - 1) + "ieth";
  }
  return cardinal + "th";
}

// ----- The pronouncer ----------------------------------------------------------------------------

struct Piece {
  Packed phones;
  bool from_dictionary = true;
};

class Pronouncer {
 public:
  explicit Pronouncer(const PronouncingDictionary::Data& data) : data_(data) {}

  std::optional<Packed> Lookup(std::string_view word) const {
    const auto entry = data_.cmu.Find(word);
    if (!entry) return std::nullopt;
    const auto phones = data_.cmu.Phones(*entry);
    return Packed(phones.begin(), phones.end());
  }

  Packed Rules(std::string_view word) const {
    // No real word is this long; chunks keep the repair passes linear on garbage input.
    constexpr size_t kChunk = 32;
    if (word.size() > 2 * kChunk) {
      Packed p;
      for (size_t i = 0; i < word.size(); i += kChunk) Append(p, Rules(word.substr(i, kChunk)));
      return p;
    }
    std::vector<LtsRules::Phone> predicted =
        RestoreDroppedVowels(word, data_.lts.PredictLetters(word));
    EnsureVowel(predicted);
    Packed p;
    p.reserve(predicted.size());
    for (const auto& phone : predicted) {
      p.push_back(static_cast<uint8_t>(phone.id | (phone.stress > 0 ? kPackedStressed : 0)));
    }
    Syllabify(p);
    EnsureStress(p);
    return p;
  }

  Piece Word(std::string_view w, int depth) const {
    if (w.empty()) return {};
    if (auto found = Lookup(w)) return {std::move(*found), true};
    if (depth >= kMaxDepth) return {Rules(w), false};

    const bool has_digit = std::any_of(w.begin(), w.end(), IsDigit);
    const bool has_apostrophe = w.find('\'') != std::string_view::npos;
    const bool has_other =
        std::any_of(w.begin(), w.end(), [](char c) { return !IsAlnum(c) && c != '\''; });
    if (has_other &&
        std::all_of(w.begin(), w.end(), [](char c) { return IsDigit(c) || c == ','; })) {
      std::string digits;  // "1,000" is one number
      for (char c : w) {
        if (c != ',') digits.push_back(c);
      }
      return WithDigits(digits, depth);
    }
    if (has_other) return Parts(w, depth);
    if (has_digit) return WithDigits(w, depth);
    if (has_apostrophe) return Contraction(w, depth);
    if (auto dropped = DroppedG(w)) return {std::move(*dropped), true};
    if (auto compound = Compound(w)) return {std::move(*compound), true};
    return {Rules(w), false};
  }

 private:
  // Hyphenated and other joined words: each part pronounced on its own, syllables in order.
  Piece Parts(std::string_view w, int depth) const {
    Piece out;
    size_t i = 0;
    while (i < w.size()) {
      while (i < w.size() && !IsAlnum(w[i]) && w[i] != '\'') ++i;
      size_t j = i;
      while (j < w.size() && (IsAlnum(w[j]) || w[j] == '\'')) ++j;
      if (j > i) {
        std::string part(w.substr(i, j - i));
        while (!part.empty() && part.front() == '\'') part.erase(part.begin());
        while (!part.empty() && part.back() == '\'' &&
               !(part.size() > 3 && part.compare(part.size() - 3, 2, "in") == 0)) {
          part.pop_back();
        }
        // "rock-n-roll": a lone n between parts is "and", not the letter.
        Piece piece =
            part == "n" && i > 0 && j < w.size()
                ? Piece{{static_cast<uint8_t>(phones::kAH | kPackedSyllableStart), phones::kN},
                        true}
                : Word(part, depth + 1);
        Append(out.phones, piece.phones);
        out.from_dictionary = out.from_dictionary && piece.from_dictionary;
      }
      i = j;
    }
    return out;
  }

  // "2" -> "two", "4ever" -> "four" + "ever", "21st" -> "twenty first".
  Piece WithDigits(std::string_view w, int depth) const {
    Piece out;
    size_t i = 0;
    while (i < w.size()) {
      size_t j = i;
      const bool digits = IsDigit(w[i]);
      while (j < w.size() && IsDigit(w[j]) == digits) ++j;
      std::vector<std::string> words;
      if (digits) {
        words = NumberWords(w.substr(i, j - i));
        // An ordinal suffix right after the digits turns the last word into an ordinal.
        size_t k = j;
        while (k < w.size() && IsLetter(w[k])) ++k;
        const std::string_view suffix = w.substr(j, k - j);
        if (!words.empty() &&
            (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th")) {
          words.back() = Ordinal(words.back());
          j = k;
        }
      } else {
        words.emplace_back(w.substr(i, j - i));
      }
      for (const std::string& word : words) {
        Piece piece = Word(word, depth + 1);
        Append(out.phones, piece.phones);
        out.from_dictionary = out.from_dictionary && piece.from_dictionary;
      }
      i = j;
    }
    return out;
  }

  // "don't", "i'm", "we'll", "summer's", "runnin'", "rock'n'roll", "y'all".
  Piece Contraction(std::string_view w, int depth) const {
    const size_t last = w.rfind('\'');
    const std::string_view stem = w.substr(0, last);
    const std::string_view clitic = w.substr(last + 1);
    std::string joined;
    for (char c : w) {
      if (c != '\'') joined.push_back(c);
    }

    if (clitic.empty()) {  // "runnin'"
      if (auto dropped = DroppedG(stem)) return {std::move(*dropped), true};
      return Word(stem, depth + 1);
    }
    if (w == "ain't") {  // no stem to build it from
      return {{static_cast<uint8_t>(phones::kEY | kPackedStressed | kPackedSyllableStart),
               phones::kN, phones::kT},
              true};
    }
    if (clitic == "t" && !stem.empty() && stem.back() == 'n' &&
        stem.find('\'') == std::string_view::npos) {
      const std::string_view base = stem.substr(0, stem.size() - 1);
      const auto base_phones = Lookup(base);
      if (base_phones && !EndsWithVowel(*base_phones)) {  // "didn't" -> did + ent
        Packed p = *base_phones;
        AppendSyllable(p, {phones::kAH, phones::kN, phones::kT});
        return {std::move(p), true};
      }
      if (auto found = Lookup(joined)) return {std::move(*found), true};  // "dont", "cant"
      if (base_phones) {
        Packed p = *base_phones;
        p.push_back(phones::kN);
        p.push_back(phones::kT);
        return {std::move(p), true};
      }
      return {Rules(joined), false};
    }
    static constexpr std::string_view kClitics[] = {"s", "ll", "re", "ve", "d", "m"};
    const bool is_clitic =
        std::find(std::begin(kClitics), std::end(kClitics), clitic) != std::end(kClitics);
    if (is_clitic && !stem.empty() && stem.find('\'') == std::string_view::npos) {
      Piece piece = Word(stem, depth + 1);
      Packed& p = piece.phones;
      if (p.empty()) return piece;
      const uint8_t last_id = IdOf(p.back());
      const bool vowel_end = phones::IsVowel(last_id);
      if (clitic == "s") {
        const bool sibilant = last_id == phones::kS || last_id == phones::kZ ||
                              last_id == phones::kSH || last_id == phones::kZH ||
                              last_id == phones::kCH || last_id == phones::kJH;
        const phones::Features f = phones::FeaturesOf(last_id);
        if (sibilant) {
          AppendSyllable(p, {phones::kIH, phones::kZ});
        } else {
          p.push_back(!vowel_end && !f.voiced ? phones::kS : phones::kZ);
        }
      } else if (clitic == "m") {
        p.push_back(phones::kM);
      } else {
        const uint8_t consonant = clitic == "ll"   ? phones::kL
                                  : clitic == "re" ? phones::kR
                                  : clitic == "ve" ? phones::kV
                                                   : phones::kD;
        if (vowel_end) {
          p.push_back(consonant);
        } else if (clitic == "re") {
          AppendSyllable(p, {phones::kER});
        } else {
          AppendSyllable(p, {phones::kAH, consonant});
        }
      }
      return piece;
    }
    if (auto found = Lookup(joined)) return {std::move(*found), true};  // "o'clock"

    // Apostrophes inside a phrase: "rock'n'roll", "y'all".
    Piece out;
    std::optional<uint8_t> carried_onset;
    size_t i = 0;
    while (i <= w.size()) {
      size_t j = w.find('\'', i);
      if (j == std::string_view::npos) j = w.size();
      const std::string_view part = w.substr(i, j - i);
      i = j + 1;
      if (part.empty()) continue;
      Packed p;
      if (part == "n") {
        p = {static_cast<uint8_t>(phones::kAH | kPackedSyllableStart), phones::kN};
      } else if (part == "o") {
        p = {static_cast<uint8_t>(phones::kAX | kPackedSyllableStart)};
      } else if (part == "y") {
        carried_onset = phones::kY;
        continue;
      } else {
        Piece piece = Word(part, depth + 1);
        p = std::move(piece.phones);
        out.from_dictionary = out.from_dictionary && piece.from_dictionary;
      }
      if (carried_onset && !p.empty()) {
        p.insert(p.begin(), *carried_onset);
        p[1] &= static_cast<uint8_t>(~kPackedSyllableStart);
        carried_onset.reset();
      }
      Append(out.phones, p);
    }
    return out;
  }

  // "gatekeepin" / "runnin" -> the -ing word with its final NG as N; "thuggin", "makin" ->
  // the stem ("thug", "make") plus IH N.
  std::optional<Packed> DroppedG(std::string_view w) const {
    if (w.size() < 4 || w.substr(w.size() - 2) != "in") return std::nullopt;
    if (auto found = Lookup(std::string(w) + "g")) {
      if (!found->empty() && IdOf(found->back()) == phones::kNG) {
        found->back() = static_cast<uint8_t>((found->back() & ~kPackedIdMask) | phones::kN);
      }
      return found;
    }
    const std::string_view stem = w.substr(0, w.size() - 2);
    std::vector<std::string> candidates = {std::string(stem)};
    if (stem.size() >= 3 && stem.back() == stem[stem.size() - 2]) {
      candidates.emplace_back(stem.substr(0, stem.size() - 1));
    }
    candidates.push_back(std::string(stem) + "e");
    for (const std::string& c : candidates) {
      if (c.size() < 3) continue;
      if (auto found = Lookup(c)) {
        AppendSyllable(*found, {phones::kIH, phones::kN});
        return found;
      }
    }
    return std::nullopt;
  }

  // Made-up compounds of two dictionary words ("moodtape" = mood + tape): both parts at least
  // four letters (the dictionary's many short names make "zoomer" = "zoo" + "mer"), the longest
  // first part that works.
  std::optional<Packed> Compound(std::string_view w) const {
    constexpr size_t kMinPart = 4;
    if (w.size() < 2 * kMinPart || w.size() > 32) return std::nullopt;
    for (size_t split = w.size() - kMinPart; split >= kMinPart; --split) {
      const auto left = Lookup(w.substr(0, split));
      if (!left) continue;
      const std::string_view right_word = w.substr(split);
      std::optional<Packed> right = Lookup(right_word);
      if (!right) right = DroppedG(right_word);
      if (!right) continue;
      Packed p = *left;
      Append(p, *right);
      return p;
    }
    return std::nullopt;
  }

  const PronouncingDictionary::Data& data_;
};

// ----- Rhyme helpers -----------------------------------------------------------------------------

struct FlatPhones {
  std::vector<uint8_t> ids;      // through phones::RhymeClass
  std::vector<bool> stressed;    // per phone: a vowel of a stressed syllable
  std::vector<uint8_t> raw_ids;  // as pronounced (AX kept)
};

FlatPhones Flatten(const Pronunciation& p) {
  FlatPhones flat;
  for (const PhoneSyllable& s : p.syllables) {
    for (const std::string& name : s.phones) {
      const auto id = phones::Parse(name);
      if (!id) continue;
      flat.raw_ids.push_back(*id);
      flat.ids.push_back(phones::RhymeClass(*id));
      flat.stressed.push_back(s.stress > 0 && phones::IsVowel(*id));
    }
  }
  return flat;
}

size_t KeyStart(const FlatPhones& f) {
  size_t last_vowel = f.ids.size();
  for (size_t i = f.ids.size(); i-- > 0;) {
    if (!phones::IsVowel(f.ids[i])) continue;
    if (f.stressed[i]) return i;
    if (last_vowel == f.ids.size()) last_vowel = i;
  }
  return last_vowel;
}

// The consonants right before the rhyme key (back to the previous vowel).
std::vector<uint8_t> OnsetBefore(const FlatPhones& f, size_t key_start) {
  size_t i = key_start;
  while (i > 0 && !phones::IsVowel(f.ids[i - 1])) --i;
  return std::vector<uint8_t>(f.ids.begin() + static_cast<std::ptrdiff_t>(i),
                              f.ids.begin() + static_cast<std::ptrdiff_t>(key_start));
}

// Best alignment of two phone strings, summing phones::Similarity over aligned pairs (gaps score
// nothing), divided by the longer length: 1 for equal strings.
double TailSimilarity(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  std::vector<std::vector<double>> best(a.size() + 1, std::vector<double>(b.size() + 1, 0.0));
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      best[i][j] = std::max({best[i - 1][j], best[i][j - 1],
                             best[i - 1][j - 1] + phones::Similarity(a[i - 1], b[j - 1])});
    }
  }
  return best[a.size()][b.size()] / static_cast<double>(std::max(a.size(), b.size()));
}

std::vector<uint8_t> VowelIds(const std::vector<std::string>& phones_text) {
  std::vector<uint8_t> out;
  for (const std::string& name : phones_text) {
    const auto id = phones::Parse(name);
    if (id && phones::IsVowel(*id)) out.push_back(phones::RhymeClass(*id));
  }
  return out;
}

// ----- Orthographic syllables --------------------------------------------------------------------

// Consonant letter pairs that begin syllables together ("de-sire" has one consonant; "a-pron",
// "mo-ther" keep the pair).
bool IsOnsetPair(char a, char b) {
  static constexpr std::string_view kPairs[] = {
      "bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "ph", "pl", "pr", "sc",
      "sh", "sk", "sl", "sm", "sn", "sp", "st", "sw", "th", "tr", "tw", "wh", "wr", "qu"};
  const char pair[2] = {a, b};
  return std::find(std::begin(kPairs), std::end(kPairs), std::string_view(pair, 2)) !=
         std::end(kPairs);
}

// Where to cut the consonants between two vowel groups: index of the first letter of the next
// piece, within [from, to] (to = first letter of the next vowel group).
size_t CutBetween(const std::string& w, size_t from, size_t to) {
  const size_t n = to - from;
  if (n == 0) return to;                          // vowel hiatus: "i-de-a"
  if (n == 1) return w[from] == 'x' ? to : from;  // "de-sire", "ex-it"
  // A final "-le" takes the consonant before it: "ta-ble", "lit-tle", "can-dle".
  if (to + 1 == w.size() && w[to] == 'e' && w[to - 1] == 'l') return to - 2;
  // Letters that stay with the vowel before them: "ck" ("pick-et"), "ng" ("sing-er").
  const std::string_view tail_pair = std::string_view(w).substr(from, 2);
  if (n == 2) {
    if (tail_pair == "ck" || tail_pair == "ng" || tail_pair == "gh") return to;
    if (w[from] == w[from + 1]) return from + 1;                           // "sum-mer", "hap-py"
    if (IsOnsetPair(w[from], w[from + 1]) && w[from] != 's') return from;  // "a-pron", "mo-ther"
    return from + 1;                                                       // "win-dow", "sis-ter"
  }
  // Three or more: keep the longest onset that begins English syllables ("ab-stract",
  // "hun-dred", "mon-ster", "pump-kin").
  const char a = w[to - 3];
  const char b = w[to - 2];
  const char c = w[to - 1];
  if (a == 's' && IsOnsetPair(b, c) && (c == 'r' || c == 'l')) return to - 3;
  if (IsOnsetPair(b, c) && b != c) return to - 2;
  return to - 1;
}

}  // namespace

// ----- Pronunciation -----------------------------------------------------------------------------

std::string Pronunciation::StressPattern() const {
  std::string out;
  for (const PhoneSyllable& s : syllables) out.push_back(static_cast<char>('0' + s.stress));
  return out;
}

std::string Pronunciation::PhonesText() const {
  std::string out;
  for (const PhoneSyllable& s : syllables) {
    for (const std::string& phone : s.phones) {
      if (!out.empty()) out.push_back(' ');
      out += phone;
      if (IsVowelPhone(phone)) out.push_back(static_cast<char>('0' + s.stress));
    }
  }
  return out;
}

// ----- PronouncingDictionary ---------------------------------------------------------------------

PronouncingDictionary::PronouncingDictionary(std::unique_ptr<Data> data) : data_(std::move(data)) {}
PronouncingDictionary::~PronouncingDictionary() = default;

platform::Result<std::unique_ptr<PronouncingDictionary>> PronouncingDictionary::Load(
    std::string_view dir) {
  const std::string base(dir);
  auto dict_text = ReadFile(base + "/cmudict-0.4.out");
  if (!dict_text.ok()) return dict_text.error();
  auto cmu = CmuDictionary::Parse(dict_text.value());
  if (!cmu.ok()) return cmu.error();
  std::string().swap(dict_text.value());  // release the 5 MB text before reading the rules

  auto rules_text = ReadFile(base + "/cmu_lts_rules.scm");
  if (!rules_text.ok()) return rules_text.error();
  auto lts = LtsRules::Parse(rules_text.value());
  if (!lts.ok()) return lts.error();

  auto data = std::make_unique<Data>();
  data->cmu = std::move(cmu).value();
  data->lts = std::move(lts).value();
  return std::unique_ptr<PronouncingDictionary>(new PronouncingDictionary(std::move(data)));
}

Pronunciation PronouncingDictionary::Pronounce(std::string_view word) const {
  const std::string cleaned = Clean(word);
  if (cleaned.empty()) return {};
  Piece piece = Pronouncer(*data_).Word(cleaned, 0);
  if (piece.phones.empty()) return {};
  return ToPronunciation(piece.phones, piece.from_dictionary);
}

Pronunciation PronouncingDictionary::PronounceByRules(std::string_view word) const {
  const std::string cleaned = Clean(word);
  std::string letters;
  for (char c : cleaned) {
    if (IsLetter(c)) letters.push_back(c);
  }
  if (letters.empty()) return {};
  return ToPronunciation(Pronouncer(*data_).Rules(letters), false);
}

bool PronouncingDictionary::Contains(std::string_view word) const {
  std::string cleaned = Clean(word);
  if (!cleaned.empty() && cleaned.back() == '\'') cleaned.pop_back();
  return !cleaned.empty() && data_->cmu.Find(cleaned).has_value();
}

size_t PronouncingDictionary::size() const { return data_->cmu.size(); }

size_t PronouncingDictionary::MemoryBytes() const {
  return data_->cmu.MemoryBytes() + data_->lts.MemoryBytes();
}

const std::vector<std::string>& PronouncingDictionary::WordsWithRhymeKey(
    const std::string& key) const {
  static const std::vector<std::string> kNone;
  std::lock_guard<std::mutex> lock(data_->rhyme_mutex);
  const auto cached = data_->rhyme_words.find(key);
  if (cached != data_->rhyme_words.end()) return cached->second;

  std::vector<uint8_t> ids;
  size_t i = 0;
  while (i < key.size()) {
    while (i < key.size() && key[i] == ' ') ++i;
    size_t j = i;
    while (j < key.size() && key[j] != ' ') ++j;
    if (j > i) {
      const auto id = phones::Parse(std::string_view(key).substr(i, j - i));
      if (!id) return kNone;
      ids.push_back(*id);
    }
    i = j;
  }
  if (ids.empty() || !phones::IsVowel(ids[0])) return kNone;
  std::vector<std::string> words;
  for (uint32_t entry : data_->cmu.EntriesWithRhymeKey(ids)) {
    words.emplace_back(data_->cmu.Word(entry));
  }
  return data_->rhyme_words.emplace(key, std::move(words)).first->second;
}

// ----- Rhyme -------------------------------------------------------------------------------------

bool IsVowelPhone(std::string_view phone) {
  const auto id = phones::Parse(phone);
  return id.has_value() && phones::IsVowel(*id);
}

std::string RhymeKey(const Pronunciation& p) {
  const FlatPhones f = Flatten(p);
  std::string key;
  for (size_t i = KeyStart(f); i < f.ids.size(); ++i) {
    if (!key.empty()) key.push_back(' ');
    key += phones::Name(f.ids[i]);
  }
  return key;
}

bool IsPerfectRhyme(const Pronunciation& a, const Pronunciation& b) {
  const FlatPhones fa = Flatten(a);
  const FlatPhones fb = Flatten(b);
  const size_t ka = KeyStart(fa);
  const size_t kb = KeyStart(fb);
  if (ka == fa.ids.size() || kb == fb.ids.size()) return false;
  if (!std::equal(fa.ids.begin() + static_cast<std::ptrdiff_t>(ka), fa.ids.end(),
                  fb.ids.begin() + static_cast<std::ptrdiff_t>(kb), fb.ids.end())) {
    return false;
  }
  return OnsetBefore(fa, ka) != OnsetBefore(fb, kb);
}

double NearRhymeScore(const Pronunciation& a, const Pronunciation& b) {
  const FlatPhones fa = Flatten(a);
  const FlatPhones fb = Flatten(b);
  const size_t ka = KeyStart(fa);
  const size_t kb = KeyStart(fb);
  if (ka == fa.ids.size() || kb == fb.ids.size()) return 0.0;
  const std::vector<uint8_t> key_a(fa.ids.begin() + static_cast<std::ptrdiff_t>(ka), fa.ids.end());
  const std::vector<uint8_t> key_b(fb.ids.begin() + static_cast<std::ptrdiff_t>(kb), fb.ids.end());
  if (key_a == key_b) {
    if (OnsetBefore(fa, ka) != OnsetBefore(fb, kb)) return 1.0;
    // The same sound twice: nothing for a repeated word, half for "light" / "delight".
    return fa.ids == fb.ids ? 0.0 : 0.5;
  }
  const std::vector<uint8_t> tail_a(key_a.begin() + 1, key_a.end());
  const std::vector<uint8_t> tail_b(key_b.begin() + 1, key_b.end());
  const double vowel = phones::Similarity(key_a[0], key_b[0]);
  double score = 0.0;
  if (vowel >= 1.0) {
    // Assonance: the stressed vowel matches; the closer the codas, the nearer the rhyme.
    score = 0.6 + 0.35 * TailSimilarity(tail_a, tail_b);
  } else if (!tail_a.empty() && !tail_b.empty()) {
    // Consonance: the codas carry the echo, a related vowel helps a little.
    score = 0.45 * TailSimilarity(tail_a, tail_b) + 0.15 * vowel;
  } else {
    score = 0.15 * vowel;
  }
  return std::clamp(score, 0.0, 0.99);
}

int MatchingVowelRun(const std::vector<std::string>& vowels_a,
                     const std::vector<std::string>& vowels_b) {
  const std::vector<uint8_t> a = VowelIds(vowels_a);
  const std::vector<uint8_t> b = VowelIds(vowels_b);
  int run = 0;
  while (static_cast<size_t>(run) < a.size() && static_cast<size_t>(run) < b.size() &&
         a[a.size() - 1 - static_cast<size_t>(run)] == b[b.size() - 1 - static_cast<size_t>(run)]) {
    ++run;
  }
  return run;
}

std::vector<std::string> Vowels(const Pronunciation& p) {
  std::vector<std::string> out;
  for (const PhoneSyllable& s : p.syllables) {
    for (const std::string& phone : s.phones) {
      if (IsVowelPhone(phone)) out.push_back(phone);
    }
  }
  return out;
}

double RhymeDensity(const std::vector<std::vector<Pronunciation>>& lines, int window) {
  // The lyrics as one stream of vowels, as in the DopeLearning reference implementation; words
  // without a vowel take no part.
  std::vector<uint8_t> vowels;
  std::vector<size_t> word_of_vowel;
  std::vector<size_t> word_end;         // index in `vowels` of each word's last vowel
  std::vector<std::string> word_sound;  // to recognise a repeated word
  for (const auto& line : lines) {
    for (const Pronunciation& word : line) {
      const FlatPhones f = Flatten(word);
      bool any = false;
      for (uint8_t id : f.ids) {
        if (!phones::IsVowel(id)) continue;
        vowels.push_back(id);
        word_of_vowel.push_back(word_end.size());
        any = true;
      }
      if (!any) continue;
      word_end.push_back(vowels.size() - 1);
      word_sound.emplace_back(f.raw_ids.begin(), f.raw_ids.end());
    }
  }
  const size_t words = word_end.size();
  if (words < 2 || window <= 0) return 0.0;

  double total = 0.0;
  for (size_t w2 = 1; w2 < words; ++w2) {
    int best = 0;
    const size_t first = w2 > static_cast<size_t>(window) ? w2 - static_cast<size_t>(window) : 0;
    for (size_t w1 = first; w1 < w2; ++w1) {
      if (word_sound[w1] == word_sound[w2]) continue;
      const size_t p1 = word_end[w1];
      const size_t p2 = word_end[w2];
      size_t run = 0;
      while (vowels[p1 - run] == vowels[p2 - run]) {
        // A run does not continue through a pair of identical earlier words ("I said ... I
        // said"): only sounds that differ in spelling count as rhyme.
        const size_t x = word_of_vowel[p1 - run];
        const size_t y = word_of_vowel[p2 - run];
        if (x != w1 && y != w2 && word_sound[x] == word_sound[y]) break;
        ++run;
        if (run > p1 || p2 - run <= p1) break;
      }
      // A single shared vowel is too common to be a rhyme.
      const int length = run == 1 ? 0 : static_cast<int>(run);
      best = std::max(best, length);
    }
    total += best;
  }
  return total / static_cast<double>(words - 1);
}

std::vector<std::string> SplitSyllables(std::string_view word, int count) {
  const std::string original(word);
  if (count <= 1 || word.size() < static_cast<size_t>(count)) return {original};
  const auto equal_cuts = [&]() {
    std::vector<std::string> pieces;
    const size_t n = static_cast<size_t>(count);
    for (size_t k = 0; k < n; ++k) {
      const size_t s = original.size() * k / n;
      const size_t e = original.size() * (k + 1) / n;
      pieces.push_back(original.substr(s, e - s));
    }
    return pieces;
  };
  // Nothing sung has this many syllables; equal cuts keep absurd input cheap.
  if (count > 32 || word.size() > 128) return equal_cuts();
  std::string w = original;
  for (char& c : w) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }

  // Vowel groups: [start, end) of each run of vowel letters.
  std::vector<std::pair<size_t, size_t>> groups;
  for (size_t i = 0; i < w.size();) {
    if (IsVowelLetter(w, i)) {
      size_t j = i + 1;
      while (j < w.size() && IsVowelLetter(w, j)) ++j;
      groups.emplace_back(i, j);
      i = j;
    } else {
      ++i;
    }
  }
  // Too many groups: a silent final e ("fire" sung as one syllable), then "-ed" after a consonant
  // other than t/d, then the closest pair of groups, merge.
  const auto silent_e = [&]() {
    if (groups.size() < 2) return false;
    const auto [s, e] = groups.back();
    if (e - s != 1 || w[s] != 'e' || s == 0) return false;
    if (e == w.size()) return true;  // "fire", "love"
    if (e + 1 != w.size()) return false;
    const char prev = w[s - 1];
    if (w[e] == 'd') return prev != 't' && prev != 'd';  // "loved" but not "wanted"
    if (w[e] == 's') return std::string_view("szxcgh").find(prev) == std::string_view::npos;
    return false;
  };
  while (groups.size() > static_cast<size_t>(count) && silent_e()) groups.pop_back();
  while (groups.size() > static_cast<size_t>(count)) {
    size_t merge = 0;
    size_t gap = w.size();
    for (size_t g = 0; g + 1 < groups.size(); ++g) {
      const size_t between = groups[g + 1].first - groups[g].second;
      if (between < gap) {
        gap = between;
        merge = g;
      }
    }
    groups[merge].second = groups[merge + 1].second;
    groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(merge) + 1);
  }
  // Too few: split the longest vowel group ("i-de-a"), else make syllabic consonants ("rhy-thm")
  // their own group, else cut evenly.
  while (groups.size() < static_cast<size_t>(count)) {
    size_t longest = groups.size();
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].second - groups[g].first >= 2 &&
          (longest == groups.size() ||
           groups[g].second - groups[g].first > groups[longest].second - groups[longest].first)) {
        longest = g;
      }
    }
    if (longest < groups.size()) {
      const auto [s, e] = groups[longest];
      groups[longest].second = s + 1;
      groups.insert(groups.begin() + static_cast<std::ptrdiff_t>(longest) + 1, {s + 1, e});
      continue;
    }
    // A letter not in any group, as far from the existing groups as possible.
    size_t best = w.size();
    size_t best_distance = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      size_t distance = w.size();
      for (const auto& [s, e] : groups) {
        const size_t d = i < s ? s - i : (i >= e ? i - e + 1 : 0);
        distance = std::min(distance, d);
      }
      if (distance > best_distance) {
        best_distance = distance;
        best = i;
      }
    }
    if (best == w.size()) break;
    groups.emplace_back(best, best + 1);
    std::sort(groups.begin(), groups.end());
  }
  if (groups.size() != static_cast<size_t>(count)) return equal_cuts();  // still short

  std::vector<size_t> cuts;
  for (size_t g = 0; g + 1 < groups.size(); ++g) {
    size_t from = groups[g].second;
    const size_t to = groups[g + 1].first;
    // Separators (hyphens, apostrophes) between the groups are the natural cut.
    size_t cut = to;
    bool separator = false;
    for (size_t i = from; i < to; ++i) {
      if (!IsLetter(w[i])) {
        cut = i + 1;
        separator = true;
      }
    }
    if (!separator) cut = CutBetween(w, from, to);
    cut = std::clamp(cut, groups[g].first + 1, groups[g + 1].first);
    cuts.push_back(cut);
  }
  std::vector<std::string> pieces;
  size_t start = 0;
  for (size_t cut : cuts) {
    pieces.push_back(original.substr(start, cut - start));
    start = cut;
  }
  pieces.push_back(original.substr(start));
  return pieces;
}

}  // namespace moodtape::producer
