// What the lyric writer prepares once from the phrase banks: every bank word with its sound,
// word pools by slot and syllable count, per genre its grammar and an index of rhyme keys to the
// words that can end a line on them. Immutable after BuildModel; songs only read it.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/producer/core/genre.h"
#include "services/producer/core/lyrics/lyric_grammar.h"
#include "services/producer/core/lyrics/lyric_lexicon.h"
#include "services/producer/core/words/phonetics.h"

namespace moodtape::producer::lyric {

enum class Source : uint8_t { kGenre, kCommon, kOtherGenre, kTheme };

// A word that can end a line on some rhyme, in the slot it fills there.
struct Member {
  int word = -1;
  Slot slot = Slot::kNoun;
  Source source = Source::kGenre;
};

// Word ids by slot and syllable count (1, 2, 3, 4 and more).
class Pools {
 public:
  void Add(Slot slot, int id, int syllables);
  const std::vector<int>& Get(Slot slot, int syllables) const;
  bool Contains(Slot slot, int id, int syllables) const;

 private:
  std::array<std::array<std::vector<int>, 5>, kSlotCount> pools_;
};

struct Roots {
  int verse = -1;
  int verse_first = -1;  // a genre without a chorus puts its title in the first verse line
  int pre = -1;
  int chorus_first = -1;  // carries <title>
  int chorus = -1;
  int bridge = -1;
  int answer = -1;  // the blues verse's third line
  int title = -1;   // the hook phrase
  int pad = -1;     // fillers for a line too short for its syllables ("yeah,")
};

struct GenreModel {
  Genre genre = Genre::kPop;
  Grammar grammar;
  Roots roots;
  Pools pools;  // the genre bank's words
  // Rhyme key -> words of the genre and common banks that can end a line on it.
  std::map<std::string, std::vector<Member>> rhymes;
  std::string error;  // a malformed bank (tests assert it is empty)
};

struct Model {
  explicit Model(const PronouncingDictionary& dictionary) : words(dictionary) {}
  WordTable words;
  Pools common;
  std::array<GenreModel, 7> genres;
  // Every bank word (any genre) -> the slots it fills somewhere, to accept a dictionary rhyme
  // partner of a theme word only when some bank knows it.
  std::unordered_map<int, uint32_t> known_slots;
};

std::shared_ptr<const Model> BuildModel(const PronouncingDictionary& dictionary);

// Parses a genre's grammar (common rules + the genre's) as the writer does; "" when it is fine.
std::string CheckGrammar(Genre genre);
// Bank words (base forms, every genre) and grammar words the pronouncing dictionary does not
// know: typos.
std::vector<std::string> UnknownBankWords(const PronouncingDictionary& dictionary);

}  // namespace moodtape::producer::lyric
