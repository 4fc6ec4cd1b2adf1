// Read access to Debian wordnet-base's database files (see `man 5 wndb`): the sorted index.<pos>
// and <pos>.exc files are binary-searched and data.<pos> synsets are read at their byte offsets,
// all through read-only memory maps, so opening costs nothing and a lookup touches a few pages.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"
#include "services/producer/core/words/theme_field.h"

namespace moodtape::producer {

// A read-only memory map of one file; empty when the file is empty.
class MappedFile {
 public:
  static platform::Result<std::unique_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view text() const { return text_; }

 private:
  MappedFile(const char* data, size_t size) : text_(data, size) {}
  std::string_view text_;
};

struct WordNetIndexEntry {
  int tagged_senses = 0;                 // senses ranked by corpus frequency
  std::vector<uint32_t> synset_offsets;  // one per sense, most common first
};

struct WordNetPointer {
  std::string_view symbol;  // "@", "~", "+", "&", "=" ...
  uint32_t offset = 0;
  WordClass word_class = WordClass::kNoun;
  int source = 0;  // word number in this synset, 0 for the whole synset
  int target = 0;  // word number in the target synset, 0 for the whole synset
};

struct WordNetSynset {
  WordClass word_class = WordClass::kNoun;
  bool satellite = false;               // an adjective satellite ("s")
  std::vector<std::string_view> words;  // as written, "_" for spaces, adjective markers removed
  std::vector<WordNetPointer> pointers;
};

class WordNetDatabase {
 public:
  // kUnavailable naming the first missing file.
  static platform::Result<std::unique_ptr<WordNetDatabase>> Open(std::string_view dir);

  // The index line of a lower-case lemma ("_" for spaces), nullopt when WordNet lacks it.
  std::optional<WordNetIndexEntry> Lookup(std::string_view lemma, WordClass word_class) const;
  // The synset at `offset` in data.<class>; nullopt for an offset that is not a synset.
  std::optional<WordNetSynset> Synset(uint32_t offset, WordClass word_class) const;
  // The base forms the exception list gives for an irregular form ("ran" -> "run").
  std::vector<std::string_view> Exceptions(std::string_view word, WordClass word_class) const;

 private:
  WordNetDatabase() = default;
  static size_t Slot(WordClass c) { return static_cast<size_t>(c); }

  std::array<std::unique_ptr<MappedFile>, 4> index_;
  std::array<std::unique_ptr<MappedFile>, 4> data_;
  std::array<std::unique_ptr<MappedFile>, 4> exceptions_;
};

// The line whose first field is `key` in a file sorted by that field (WordNet's index and
// exception files; their licence lines begin with spaces and sort first). Empty when absent.
std::string_view FindSortedLine(std::string_view file, std::string_view key);

}  // namespace moodtape::producer
