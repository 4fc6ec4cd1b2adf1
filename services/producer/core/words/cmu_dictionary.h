// The CMU Pronouncing Dictionary (Festival's cmudict-0.4.out) held compactly: every word in one
// character arena, every pronunciation as one byte per phone in a second arena, an index sorted by
// word for lookup and one sorted by rhyme key for rhyme candidates. About 3 MiB for 106k words,
// where a map of vectors of strings would take ten times that.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::producer {

// One phone as a byte: the phone id (phonetics_phones.h) in the low bits, a flag for a stressed
// vowel and a flag for the first phone of a syllable.
inline constexpr uint8_t kPackedIdMask = 0x3F;
inline constexpr uint8_t kPackedStressed = 0x40;
inline constexpr uint8_t kPackedSyllableStart = 0x80;

class CmuDictionary {
 public:
  // Parses the text of cmudict-0.4.out. Only the first entry of a word is kept (the dictionary
  // lists its most common reading first); upper-case entries are folded to lower case.
  static platform::Result<CmuDictionary> Parse(std::string_view text);

  // Index of `word` (lower case) or nullopt.
  std::optional<uint32_t> Find(std::string_view word) const;
  std::string_view Word(uint32_t entry) const;
  std::span<const uint8_t> Phones(uint32_t entry) const;
  size_t size() const { return entries_.size(); }

  // Entries whose rhyme key (phone ids through phones::RhymeClass, from the last stressed vowel
  // to the end) equals `key`, in alphabetical order.
  std::span<const uint32_t> EntriesWithRhymeKey(std::span<const uint8_t> key) const;

  // The rhyme key of a packed pronunciation: offset of its first phone in `phones` (the last
  // stressed vowel, else the last vowel); phones.size() when there is no vowel.
  static size_t RhymeStart(std::span<const uint8_t> phones);

  size_t MemoryBytes() const;

 private:
  struct Entry {
    uint32_t word_offset;
    uint32_t phone_offset;
    uint8_t word_size;
    uint8_t phone_count;
    uint8_t rhyme_start;  // offset of the rhyme key within the phones
  };

  // Compares the rhyme keys of two entries (or an entry and a key) phone by phone.
  std::span<const uint8_t> RhymeKeyOf(uint32_t entry) const;

  std::string words_;               // every word, back to back
  std::vector<uint8_t> phones_;     // every pronunciation, back to back
  std::vector<Entry> entries_;      // sorted by word
  std::vector<uint32_t> by_rhyme_;  // entry indices sorted by rhyme key, then word
};

}  // namespace moodtape::producer
