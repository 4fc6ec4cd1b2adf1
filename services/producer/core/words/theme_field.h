// The words a song about a theme can use: the theme's own content words and their WordNet
// neighbours (synonyms, hypernyms, hyponyms, derivationally related forms, sister terms), so
// "first love in a summer town" gives the lyric writer "summertime", "passion", "lover",
// "beloved", "honey", "season", "winter", "spring", "city", "hometown", "romance"... Reads Debian
// wordnet-base's index and data files by offset through memory maps: nothing is loaded up
// front, a lookup reads a few lines.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::producer {

class PronouncingDictionary;

inline constexpr std::string_view kDefaultWordNetDir = "/usr/share/wordnet";

enum class WordClass { kNoun, kVerb, kAdjective, kAdverb };

struct ThemeWord {
  std::string word;  // one lower-case word (multi-word lemmas are left out)
  WordClass word_class = WordClass::kNoun;
  // How close to the theme: 1.0 a theme word itself, then synonyms, related forms, hypernyms
  // and hyponyms lower. The writer prefers heavier words.
  // Weight = relation x sense x class: relation 0.9 same synset, 0.8 similar-to adjective (&),
  // 0.75 derivationally related (+), 0.65 attribute (=), 0.6 hypernym (@, @i), 0.55 hyponym
  // (~), 0.35 instance (~i, mostly place and person names); sense 1/(1 + 0.25 * rank) over the
  // (at most four) senses seen in WordNet's tagged corpus, else the first; class 1 for the theme
  // word's class with the most corpus-tagged senses, 0.8 for its other classes. Sister terms of
  // the main sense (the other hyponyms of its hypernym: "town" -> "city") weigh 0.4.
  double weight = 0;
  // "theme", "synonym" (same synset, or a similar-to adjective), "related" (derivation,
  // attribute or sister term), "hypernym", "hyponym".
  std::string relation;
  int syllables = 0;  // from the pronouncing dictionary
};

struct ThemeField {
  std::vector<std::string> theme_words;  // the theme's content words, lemmatised, in order
  std::vector<ThemeWord> words;          // heaviest first, each word once per class
};

class WordNet {
 public:
  // kUnavailable naming the file when index.noun etc. are missing (setup installs wordnet-base).
  static platform::Result<std::unique_ptr<WordNet>> Open(std::string_view dir = kDefaultWordNetDir);
  ~WordNet();

  // The base forms (WordNet's "morphy": exception lists, then suffix rules) of `word` that
  // WordNet knows in `word_class`.
  std::vector<std::string> BaseForms(std::string_view word, WordClass word_class) const;

  struct Data;

 private:
  friend ThemeField BuildThemeField(std::string_view theme, const WordNet& wordnet,
                                    const PronouncingDictionary& dictionary, size_t max_words);
  explicit WordNet(std::unique_ptr<Data> data);
  std::unique_ptr<Data> data_;
};

// Builds the field for a theme: stop words dropped, each content word lemmatised in every class
// WordNet has it, then the neighbours of its most common senses (WordNet's sense order), kept
// only when the dictionary can pronounce them (every ThemeWord has syllables > 0). Bounded to
// `max_words`. Deterministic: same theme, same field.
// Only plain single words the pronouncing dictionary itself lists are kept (no collocations,
// hyphens or letter-to-sound guesses); a theme word WordNet lacks ("moodtape") is kept as a
// noun when the dictionary knows it. Equal weights keep the order they were found in.
ThemeField BuildThemeField(std::string_view theme, const WordNet& wordnet,
                           const PronouncingDictionary& dictionary, size_t max_words = 300);

}  // namespace moodtape::producer
