#include "services/producer/core/words/wordnet_database.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>

namespace moodtape::producer {

using platform::ErrorCode;
using platform::MakeError;

namespace {

constexpr std::array<std::string_view, 4> kFileSuffix = {"noun", "verb", "adj", "adv"};

// Splits the next space-separated field off the front of `line`.
std::string_view NextField(std::string_view& line) {
  size_t start = 0;
  while (start < line.size() && line[start] == ' ') ++start;
  size_t end = start;
  while (end < line.size() && line[end] != ' ') ++end;
  const std::string_view field = line.substr(start, end - start);
  line.remove_prefix(end);
  return field;
}

template <typename T>
std::optional<T> ParseNumber(std::string_view field, int base = 10) {
  T value{};
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value, base);
  if (error != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return value;
}

std::optional<WordClass> ClassOf(std::string_view pos) {
  if (pos == "n") return WordClass::kNoun;
  if (pos == "v") return WordClass::kVerb;
  if (pos == "a" || pos == "s") return WordClass::kAdjective;
  if (pos == "r") return WordClass::kAdverb;
  return std::nullopt;
}

}  // namespace

// ----- MappedFile --------------------------------------------------------------------------------

platform::Result<std::unique_ptr<MappedFile>> MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kUnavailable,
                     path + " is missing (install the wordnet-base package)");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return MakeError(ErrorCode::kUnavailable, "cannot read " + path);
  }
  const auto size = static_cast<size_t>(st.st_size);
  const char* data = nullptr;
  if (size > 0) {
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
      ::close(fd);
      return MakeError(ErrorCode::kUnavailable, "cannot map " + path);
    }
    data = static_cast<const char*>(mapped);
  }
  ::close(fd);  // the mapping stays valid without the descriptor
  return std::unique_ptr<MappedFile>(new MappedFile(data, size));
}

MappedFile::~MappedFile() {
  if (!text_.empty()) ::munmap(const_cast<char*>(text_.data()), text_.size());
}

// ----- Sorted files ------------------------------------------------------------------------------

std::string_view FindSortedLine(std::string_view file, std::string_view key) {
  if (key.empty()) return {};
  // Invariant: the wanted line, if any, starts in [lo, hi) and lo is the start of a line.
  size_t lo = 0;
  size_t hi = file.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    size_t start = mid;
    if (start > 0 && file[start - 1] != '\n') {
      const size_t newline = file.find('\n', start);
      start = newline == std::string_view::npos ? file.size() : newline + 1;
    }
    if (start >= hi) {
      hi = mid;
      continue;
    }
    size_t end = file.find('\n', start);
    if (end == std::string_view::npos) end = file.size();
    const std::string_view line = file.substr(start, end - start);
    const std::string_view line_key = line.substr(0, line.find(' '));
    const int order = line_key.compare(key);
    if (order == 0) return line;
    if (order < 0) {
      lo = end + 1;
    } else {
      hi = start;
    }
  }
  return {};
}

// ----- WordNetDatabase ---------------------------------------------------------------------------

platform::Result<std::unique_ptr<WordNetDatabase>> WordNetDatabase::Open(std::string_view dir) {
  std::unique_ptr<WordNetDatabase> db(new WordNetDatabase());
  const std::string base(dir);
  for (size_t i = 0; i < kFileSuffix.size(); ++i) {
    const std::string suffix(kFileSuffix[i]);
    auto index = MappedFile::Open(base + "/index." + suffix);
    if (!index.ok()) return index.error();
    auto data = MappedFile::Open(base + "/data." + suffix);
    if (!data.ok()) return data.error();
    auto exceptions = MappedFile::Open(base + "/" + suffix + ".exc");
    if (!exceptions.ok()) return exceptions.error();
    db->index_[i] = std::move(index).value();
    db->data_[i] = std::move(data).value();
    db->exceptions_[i] = std::move(exceptions).value();
  }
  return db;
}

std::optional<WordNetIndexEntry> WordNetDatabase::Lookup(std::string_view lemma,
                                                         WordClass word_class) const {
  std::string_view line = FindSortedLine(index_[Slot(word_class)]->text(), lemma);
  if (line.empty()) return std::nullopt;
  // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
  NextField(line);
  NextField(line);
  const auto synsets = ParseNumber<int>(NextField(line));
  const auto pointer_kinds = ParseNumber<int>(NextField(line));
  if (!synsets || !pointer_kinds) return std::nullopt;
  for (int i = 0; i < *pointer_kinds; ++i) NextField(line);
  NextField(line);  // sense_cnt repeats synset_cnt
  const auto tagged = ParseNumber<int>(NextField(line));
  if (!tagged) return std::nullopt;
  WordNetIndexEntry entry;
  entry.tagged_senses = *tagged;
  for (int i = 0; i < *synsets; ++i) {
    const auto offset = ParseNumber<uint32_t>(NextField(line));
    if (!offset) return std::nullopt;
    entry.synset_offsets.push_back(*offset);
  }
  return entry;
}

std::optional<WordNetSynset> WordNetDatabase::Synset(uint32_t offset, WordClass word_class) const {
  const std::string_view file = data_[Slot(word_class)]->text();
  if (offset >= file.size() || (offset > 0 && file[offset - 1] != '\n')) return std::nullopt;
  size_t end = file.find('\n', offset);
  if (end == std::string_view::npos) end = file.size();
  std::string_view line = file.substr(offset, end - offset);

  // synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] ... | gloss
  const auto own_offset = ParseNumber<uint32_t>(NextField(line));
  if (!own_offset || *own_offset != offset) return std::nullopt;
  NextField(line);
  const std::string_view type = NextField(line);
  const auto cls = ClassOf(type);
  const auto word_count = ParseNumber<int>(NextField(line), 16);
  if (!cls || !word_count) return std::nullopt;
  WordNetSynset synset;
  synset.word_class = *cls;
  synset.satellite = type == "s";
  for (int i = 0; i < *word_count; ++i) {
    std::string_view word = NextField(line);
    NextField(line);                       // lex_id
    const size_t marker = word.find('(');  // adjective syntactic markers: "galore(ip)"
    if (marker != std::string_view::npos) word = word.substr(0, marker);
    if (word.empty()) return std::nullopt;
    synset.words.push_back(word);
  }
  const auto pointer_count = ParseNumber<int>(NextField(line));
  if (!pointer_count) return std::nullopt;
  for (int i = 0; i < *pointer_count; ++i) {
    WordNetPointer pointer;
    pointer.symbol = NextField(line);
    const auto target = ParseNumber<uint32_t>(NextField(line));
    const auto target_class = ClassOf(NextField(line));
    const std::string_view source_target = NextField(line);
    if (!target || !target_class || source_target.size() != 4) return std::nullopt;
    const auto source = ParseNumber<int>(source_target.substr(0, 2), 16);
    const auto target_word = ParseNumber<int>(source_target.substr(2, 2), 16);
    if (!source || !target_word) return std::nullopt;
    pointer.offset = *target;
    pointer.word_class = *target_class;
    pointer.source = *source;
    pointer.target = *target_word;
    synset.pointers.push_back(pointer);
  }
  return synset;
}

std::vector<std::string_view> WordNetDatabase::Exceptions(std::string_view word,
                                                          WordClass word_class) const {
  std::string_view line = FindSortedLine(exceptions_[Slot(word_class)]->text(), word);
  std::vector<std::string_view> bases;
  if (line.empty()) return bases;
  NextField(line);
  while (true) {
    const std::string_view base = NextField(line);
    if (base.empty()) break;
    bases.push_back(base);
  }
  return bases;
}

}  // namespace moodtape::producer
