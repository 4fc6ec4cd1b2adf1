#include "services/producer/core/words/cmu_dictionary.h"

#include <algorithm>
#include <array>

#include "services/producer/core/words/phonetics_phones.h"

namespace moodtape::producer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

// Phone lookup by its two lower-case letters (Festival writes "ay", "hh", "d"): an array indexed
// by the letters instead of hashing a string per phone, since the file has 700k phones.
class PhoneTable {
 public:
  PhoneTable() {
    ids_.fill(-1);
    for (uint8_t id = 0; id < phones::kPhoneCount; ++id) {
      const std::string_view name = phones::Name(id);
      ids_[Slot(static_cast<char>(name[0] - 'A' + 'a'),
                name.size() > 1 ? static_cast<char>(name[1] - 'A' + 'a') : '\0')] =
          static_cast<int8_t>(id);
    }
  }
  // -1 for anything that is not a phone.
  int Find(std::string_view token) const {
    if (token.empty() || token.size() > 2) return -1;
    const char a = token[0];
    const char b = token.size() > 1 ? token[1] : '\0';
    if (a < 'a' || a > 'z' || (b != '\0' && (b < 'a' || b > 'z'))) return -1;
    return ids_[Slot(a, b)];
  }

 private:
  static size_t Slot(char a, char b) {
    return static_cast<size_t>(a - 'a') * 27 + (b == '\0' ? 0 : static_cast<size_t>(b - 'a' + 1));
  }
  std::array<int8_t, 26 * 27> ids_{};
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Orders two rhyme keys phone by phone, AX counted as AH.
int CompareKeys(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const uint8_t x = phones::RhymeClass(a[i] & kPackedIdMask);
    const uint8_t y = phones::RhymeClass(b[i] & kPackedIdMask);
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace

platform::Result<CmuDictionary> CmuDictionary::Parse(std::string_view text) {
  static const PhoneTable kPhones;
  CmuDictionary dict;
  dict.words_.reserve(text.size() / 6);
  dict.phones_.reserve(text.size() / 7);
  dict.entries_.reserve(text.size() / 40);

  size_t pos = 0;
  int line_number = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.empty() || line[0] != '(') continue;  // the "MNCL" header line

    const auto malformed = [&]() {
      return MakeError(ErrorCode::kInternal,
                       "cmudict: malformed entry on line " + std::to_string(line_number));
    };
    if (line.size() < 4 || line[1] != '"') return malformed();
    const size_t quote = line.find('"', 2);
    if (quote == std::string_view::npos || quote == 2 || quote - 2 > 255) return malformed();
    const std::string_view word = line.substr(2, quote - 2);

    // Later entries of a word (other parts of speech) follow the first one directly.
    if (!dict.entries_.empty()) {
      const Entry& last = dict.entries_.back();
      const std::string_view last_word(dict.words_.data() + last.word_offset, last.word_size);
      bool same = last_word.size() == word.size();
      for (size_t i = 0; same && i < word.size(); ++i) same = last_word[i] == Lower(word[i]);
      if (same) continue;
    }

    size_t i = quote + 1;
    while (i < line.size() && IsSpace(line[i])) ++i;
    while (i < line.size() && !IsSpace(line[i])) ++i;  // part of speech
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i >= line.size() || line[i] != '(') return malformed();
    ++i;

    const size_t phone_start = dict.phones_.size();
    while (true) {
      while (i < line.size() && IsSpace(line[i])) ++i;
      if (i >= line.size()) return malformed();
      if (line[i] == ')') break;  // end of the syllable list
      if (line.compare(i, 2, "((") != 0) return malformed();
      i += 2;
      const size_t syllable_start = dict.phones_.size();
      while (true) {
        while (i < line.size() && IsSpace(line[i])) ++i;
        if (i >= line.size()) return malformed();
        if (line[i] == ')') {
          ++i;
          break;
        }
        const size_t token_start = i;
        while (i < line.size() && line[i] != ')' && !IsSpace(line[i])) ++i;
        const int id = kPhones.Find(line.substr(token_start, i - token_start));
        if (id < 0) return malformed();
        uint8_t packed = static_cast<uint8_t>(id);
        if (dict.phones_.size() == syllable_start) packed |= kPackedSyllableStart;
        dict.phones_.push_back(packed);
      }
      while (i < line.size() && IsSpace(line[i])) ++i;
      if (i + 1 >= line.size() || line[i] < '0' || line[i] > '2' || line[i + 1] != ')') {
        return malformed();
      }
      if (line[i] != '0') {
        for (size_t p = syllable_start; p < dict.phones_.size(); ++p) {
          if (phones::IsVowel(dict.phones_[p] & kPackedIdMask)) dict.phones_[p] |= kPackedStressed;
        }
      }
      i += 2;
    }
    const size_t phone_count = dict.phones_.size() - phone_start;
    if (phone_count == 0) continue;
    if (phone_count > 255) return malformed();

    Entry entry{};
    entry.word_offset = static_cast<uint32_t>(dict.words_.size());
    entry.word_size = static_cast<uint8_t>(word.size());
    entry.phone_offset = static_cast<uint32_t>(phone_start);
    entry.phone_count = static_cast<uint8_t>(phone_count);
    for (char c : word) dict.words_.push_back(Lower(c));
    entry.rhyme_start = static_cast<uint8_t>(
        RhymeStart(std::span<const uint8_t>(dict.phones_.data() + phone_start, phone_count)));
    dict.entries_.push_back(entry);
  }
  if (dict.entries_.empty()) {
    return MakeError(ErrorCode::kInternal, "cmudict: no entries");
  }

  // The file is sorted with a few capitalised words out of place; a stable sort keeps the first
  // entry of a word first, and duplicates after folding case are dropped.
  const auto word_of = [&dict](const Entry& e) {
    return std::string_view(dict.words_.data() + e.word_offset, e.word_size);
  };
  const auto by_word = [&](const Entry& a, const Entry& b) { return word_of(a) < word_of(b); };
  if (!std::is_sorted(dict.entries_.begin(), dict.entries_.end(), by_word)) {
    std::stable_sort(dict.entries_.begin(), dict.entries_.end(), by_word);
  }
  dict.entries_.erase(
      std::unique(dict.entries_.begin(), dict.entries_.end(),
                  [&](const Entry& a, const Entry& b) { return word_of(a) == word_of(b); }),
      dict.entries_.end());
  dict.entries_.shrink_to_fit();
  dict.words_.shrink_to_fit();
  dict.phones_.shrink_to_fit();

  // Sorting by a 64-bit prefix of each key (ten phones of six bits) keeps the load fast; only
  // keys longer than ten phones are compared in full.
  struct Keyed {
    uint64_t prefix;
    uint32_t entry;
  };
  std::vector<Keyed> keyed(dict.entries_.size());
  for (uint32_t e = 0; e < keyed.size(); ++e) {
    const auto key = dict.RhymeKeyOf(e);
    uint64_t prefix = 0;
    for (size_t i = 0; i < 10; ++i) {
      const uint64_t id = i < key.size() ? phones::RhymeClass(key[i] & kPackedIdMask) + 1u : 0u;
      prefix |= id << (58 - 6 * i);
    }
    if (key.size() > 10) prefix |= 1;
    keyed[e] = {prefix, e};
  }
  std::sort(keyed.begin(), keyed.end(), [&dict](const Keyed& a, const Keyed& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    if (a.prefix & 1) {
      const int c = CompareKeys(dict.RhymeKeyOf(a.entry), dict.RhymeKeyOf(b.entry));
      if (c != 0) return c < 0;
    }
    return a.entry < b.entry;
  });
  dict.by_rhyme_.resize(keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i) dict.by_rhyme_[i] = keyed[i].entry;
  return dict;
}

std::optional<uint32_t> CmuDictionary::Find(std::string_view word) const {
  const auto it = std::lower_bound(
      entries_.begin(), entries_.end(), word, [this](const Entry& e, std::string_view w) {
        return std::string_view(words_.data() + e.word_offset, e.word_size) < w;
      });
  if (it == entries_.end() ||
      std::string_view(words_.data() + it->word_offset, it->word_size) != word) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(it - entries_.begin());
}

std::string_view CmuDictionary::Word(uint32_t entry) const {
  const Entry& e = entries_[entry];
  return std::string_view(words_.data() + e.word_offset, e.word_size);
}

std::span<const uint8_t> CmuDictionary::Phones(uint32_t entry) const {
  const Entry& e = entries_[entry];
  return std::span<const uint8_t>(phones_.data() + e.phone_offset, e.phone_count);
}

std::span<const uint8_t> CmuDictionary::RhymeKeyOf(uint32_t entry) const {
  return Phones(entry).subspan(entries_[entry].rhyme_start);
}

size_t CmuDictionary::RhymeStart(std::span<const uint8_t> phones) {
  size_t last_vowel = phones.size();
  for (size_t i = phones.size(); i-- > 0;) {
    if (!phones::IsVowel(phones[i] & kPackedIdMask)) continue;
    if (phones[i] & kPackedStressed) return i;
    if (last_vowel == phones.size()) last_vowel = i;
  }
  return last_vowel;
}

std::span<const uint32_t> CmuDictionary::EntriesWithRhymeKey(std::span<const uint8_t> key) const {
  if (key.empty()) return {};
  const auto lower = std::lower_bound(
      by_rhyme_.begin(), by_rhyme_.end(), key,
      [this](uint32_t e, std::span<const uint8_t> k) { return CompareKeys(RhymeKeyOf(e), k) < 0; });
  const auto upper = std::upper_bound(
      lower, by_rhyme_.end(), key,
      [this](std::span<const uint8_t> k, uint32_t e) { return CompareKeys(k, RhymeKeyOf(e)) < 0; });
  return std::span<const uint32_t>(by_rhyme_.data() + (lower - by_rhyme_.begin()),
                                   static_cast<size_t>(upper - lower));
}

size_t CmuDictionary::MemoryBytes() const {
  return words_.capacity() + phones_.capacity() + entries_.capacity() * sizeof(Entry) +
         by_rhyme_.capacity() * sizeof(uint32_t);
}

}  // namespace moodtape::producer
