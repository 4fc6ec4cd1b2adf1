// Word handling for the lyric writer: English inflection (plurals, -s, -ing, past) checked
// against the pronouncing dictionary, how a word sounds when sung (syllables, stress with weak
// function words, vowels, rhyme key), and the table of words a song can use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/producer/core/song.h"
#include "services/producer/core/words/phonetics.h"

namespace moodtape::producer::lyric {

// Spellings to try for an inflected form, most likely first; the caller keeps the first one
// the dictionary knows.
std::vector<std::string> PluralCandidates(std::string_view noun);
std::vector<std::string> ThirdPersonCandidates(std::string_view verb);
std::vector<std::string> GerundCandidates(std::string_view verb);
std::vector<std::string> PastCandidates(std::string_view verb);

// One-syllable words a singer does not stress (articles, pronouns, auxiliaries, short
// prepositions): the dictionary cites them alone with primary stress, which would pull them
// onto strong beats.
bool IsWeakFunctionWord(std::string_view lower_word);

// Lower case, surrounding punctuation removed ("Night," -> "night", "I'm" -> "i'm").
std::string BareWord(std::string_view printed);

// Vowel phones as small ids (AX counts as AH), 0 for a non-vowel.
uint8_t VowelId(std::string_view phone);

struct WordSound {
  std::string text;  // lower case
  Pronunciation pronunciation;
  std::vector<uint8_t> stress;  // per syllable, weak function words all 0
  std::vector<uint8_t> vowels;  // VowelId per syllable nucleus
  std::string rhyme_key;        // RhymeKey(pronunciation)
  int syllables = 0;
  bool vowel_initial = false;  // "an" before it
  bool function_word = false;
};

WordSound MakeWordSound(const PronouncingDictionary& dictionary, std::string_view lower_word);

// The letters of a printed word without its surrounding punctuation ("night," -> "night").
std::string StripPunctuation(std::string_view printed);

// A printed word as sung: its letters split into one piece per syllable of `sound` (evenly by
// letters when hyphenation cannot give that many), each with the sound's stress.
LyricWord MakeLyricWord(std::string_view printed, const WordSound& sound);

// A printed line (words as printed, punctuation attached) with every word's syllables and
// stress and the rhyme sound of its last word.
LyricLine MakeLyricLine(const std::vector<std::string>& printed,
                        const PronouncingDictionary& dictionary, char rhyme);

// Words by id: a shared, immutable base (the banks') and a song's own additions (the theme's
// words and their forms), so a song never copies or changes the base.
class WordTable {
 public:
  explicit WordTable(const PronouncingDictionary& dictionary) : dictionary_(dictionary) {}
  WordTable(const WordTable* base, const PronouncingDictionary& dictionary)
      : base_(base), dictionary_(dictionary) {}

  int Intern(std::string_view lower_word);      // adds when missing
  int Find(std::string_view lower_word) const;  // -1 when missing
  const WordSound& operator[](int id) const {
    const int base_size = base_ ? base_->size() : 0;
    return id < base_size ? (*base_)[id] : words_[static_cast<size_t>(id - base_size)];
  }
  int size() const { return (base_ ? base_->size() : 0) + static_cast<int>(words_.size()); }
  const PronouncingDictionary& dictionary() const { return dictionary_; }

 private:
  const WordTable* base_ = nullptr;
  const PronouncingDictionary& dictionary_;
  std::vector<WordSound> words_;
  std::unordered_map<std::string, int> index_;
};

}  // namespace moodtape::producer::lyric
