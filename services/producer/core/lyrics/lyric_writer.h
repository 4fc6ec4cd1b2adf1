// Stage 2: lyrics for a form. Lines are built from grammars and phrase banks written for this
// project (phrase_bank_*.cpp, lyric_grammar.h), filled with the theme's words (theme_field.h),
// and searched until the rhyme, syllable and stress constraints of each LineSpec hold; the title
// is the song's hook phrase, sung in the chorus (or, for the blues, the first verse).
//
// How a song is written: rhyme sounds first (per rhyme label of a section, a set of dictionary
// words on one rhyme key that the banks or the theme know, a word kept for each line), then each
// line backwards from its end word: a template that can end on it, the title and internal rhymes,
// the remaining syllables shared among the other slots; of a few dozen candidates the best scored
// (syllables, stress clashes, theme words, variety, and for rap verses the DopeLearning rhyme
// density of the words chosen) that no earlier song of the album has sung. Bounded everywhere.
//
// Stress: LyricSyllable::stress is the dictionary's, except that one-syllable function words
// ("the", "my", "is") are 0: the dictionary gives them primary stress as citation forms, and a
// singer does not put them on the strong beat.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "services/producer/core/random.h"
#include "services/producer/core/song.h"
#include "services/producer/core/words/phonetics.h"
#include "services/producer/core/words/theme_field.h"

namespace moodtape::producer {

namespace lyric {
struct Model;
}

// Lines already used by earlier songs of the same album (normalised: lower case, letters and
// spaces only). The writer never reuses one, and adds the lines it writes. It also adds
// "#title <normalised title>" (never a line: lines have no '#') to keep the album's titles apart.
using AlbumLines = std::set<std::string>;

std::string NormaliseLine(std::string_view text);

class LyricWriter {
 public:
  // Both must outlive the writer. Prepares the phrase banks (their words' sounds, the rhyme
  // index, the grammars) once: about 15 ms.
  LyricWriter(const PronouncingDictionary& dictionary, const WordNet& wordnet);
  ~LyricWriter();

  // Writes lyrics for `form` about `theme`. Deterministic in (form, theme, random's state,
  // album). A chorus with repeat_of >= 0 repeats the earlier section's lines exactly, a line
  // with repeats_line >= 0 its section's earlier line. Any theme gives lyrics (an empty theme
  // field falls back on the genre's words). Thread-safe: the writer is read-only.
  Lyrics Write(const SongForm& form, std::string_view theme, SongRandom& random,
               AlbumLines& album) const;

  // The same but with a theme field already built (the album's songs share one).
  Lyrics Write(const SongForm& form, const ThemeField& field, SongRandom& random,
               AlbumLines& album) const;

 private:
  const PronouncingDictionary& dictionary_;
  const WordNet& wordnet_;
  std::shared_ptr<const lyric::Model> model_;  // immutable, shared by copies
};

// The baseline the quality report compares against: the same form filled with random words of
// the theme field and a small general lexicon, with no rhyme, syllable or stress constraint.
Lyrics WriteBaselineLyrics(const SongForm& form, const ThemeField& field,
                           const PronouncingDictionary& dictionary, SongRandom& random);

}  // namespace moodtape::producer
