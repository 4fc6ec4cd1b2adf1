// How words sound: the CMU Pronouncing Dictionary (Debian festlex-cmu, syllabified, with
// stress) with letter-to-sound rules for words it lacks, and the rhyme measures the lyric writer
// and the quality report use. No I/O after Load.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::producer {

// Where Debian's festlex-cmu installs cmudict-0.4.out and cmu_lts_rules.scm.
inline constexpr std::string_view kDefaultCmuDir = "/usr/share/festival/dicts/cmu";

struct PhoneSyllable {
  std::vector<std::string> phones;  // ARPAbet, upper case, no stress digits: {"D", "IH"}
  int stress = 0;  // 0, 1 (primary) or 2 (secondary; festlex-cmu itself only marks 0 and 1)
};

struct Pronunciation {
  std::vector<PhoneSyllable> syllables;  // empty only for a word with no letters
  // true when every part came from dictionary entries (also for "runnin'", "don't", "mood-tape"
  // or a compound like "moodtape" built from them); false when letter-to-sound rules were used.
  bool from_dictionary = false;

  int SyllableCount() const { return static_cast<int>(syllables.size()); }
  // One digit per syllable: "010" for "desire" (d ih0 | z ay1 | er0 as festlex-cmu has it).
  std::string StressPattern() const;
  // Every phone in order, vowels carrying their stress digit: "D IH0 Z AY1 ER0".
  std::string PhonesText() const;
};

class PronouncingDictionary {
 public:
  // Reads cmudict-0.4.out and cmu_lts_rules.scm from `dir`. kUnavailable naming the file when
  // they are missing (the setup installs festlex-cmu); kInternal for a malformed file.
  static platform::Result<std::unique_ptr<PronouncingDictionary>> Load(
      std::string_view dir = kDefaultCmuDir);
  ~PronouncingDictionary();

  // A word's pronunciation: lower-cased, surrounding punctuation dropped; the dictionary's
  // first entry when it has the word, else the letter-to-sound rules. Handles "don't",
  // "rock'n'roll", hyphenated words (syllables of each part) and digits ("2" -> "two").
  // Words the dictionary lacks are tried, in order, as contractions ("we'll" = we + L,
  // "didn't" = did + AH N T), dropped g ("runnin'", "gatekeepin" -> the -ing word with N),
  // compounds of two dictionary words of 4+ letters ("moodtape" = mood + tape), and only then
  // the letter-to-sound rules.
  Pronunciation Pronounce(std::string_view word) const;
  // The letter-to-sound rules alone (dictionary ignored): Festival's CART trees, syllabified by
  // maximal onset; stress as the trees mark it, or when they mark none: one syllable stressed,
  // two syllables the first, longer words the penultimate, never a schwa (AX) -- it moves back
  // a syllable, else to the first full vowel. Letters a-z only.
  Pronunciation PronounceByRules(std::string_view word) const;
  // Whether the dictionary itself has the word (lower-cased, punctuation dropped).
  bool Contains(std::string_view word) const;
  size_t size() const;         // entries loaded
  size_t MemoryBytes() const;  // heap held by the dictionary, index and rules

  // Every dictionary word whose rhyme key (RhymeKey) equals `key`, in dictionary order (for the
  // lyric writer's candidate end words). Empty when none. The dictionary holds many names
  // ("ayer", "beier"), so a writer wants to intersect with its own vocabulary. The list is
  // built on the first call for a key and kept; safe to call from several threads.
  const std::vector<std::string>& WordsWithRhymeKey(const std::string& key) const;

  struct Data;

 private:
  explicit PronouncingDictionary(std::unique_ptr<Data> data);
  std::unique_ptr<Data> data_;
};

// ----- Rhyme ---------------------------------------------------------------------------------

bool IsVowelPhone(std::string_view phone);  // "AY", "ER", "AX" ...

// The phones from the last stressed vowel to the end: "AY ER" for fire and desire. A word with
// no stressed syllable uses its last vowel. Vowels are compared without stress digits, and
// Festival's schwa AX is written AH (ARPAbet's AH0), so "the" has the key "AH". Empty for a
// pronunciation without a vowel.
std::string RhymeKey(const Pronunciation& p);

// Perfect rhyme: same rhyme key, and the words differ in what comes before it -- the consonants
// right before the stressed vowel (so "fire" and "desire" rhyme, "love" and "move" do not, a
// word does not rhyme with itself, and "light" / "delight" is an identical rhyme, not a perfect
// one).
bool IsPerfectRhyme(const Pronunciation& a, const Pronunciation& b);

// Near (slant) rhyme, scored apart from perfect rhyme: 1.0 for a perfect rhyme; otherwise in
// [0, 1): same stressed vowel with similar codas (voicing/place classes) scores high (0.6 +
// up to 0.35: "time" / "line" 0.845), consonance (similar coda, different vowel) lower (up to
// 0.45, plus a little for a vowel of the same family: "time" / "moon" 0.315), nothing shared 0.
// An identical rhyme ("light" / "delight") is 0.5, the same pronunciation twice 0.
double NearRhymeScore(const Pronunciation& a, const Pronunciation& b);

// Multi-syllable rhyme for rap: how many vowels, counted back from the end, the two phone
// sequences share (consonants ignored, as in the DopeLearning rhyme measure): "crazy
// lately" -> 2 (EY IY). Entries that are not vowels are skipped, stress digits ignored, AX = AH.
int MatchingVowelRun(const std::vector<std::string>& vowels_a,
                     const std::vector<std::string>& vowels_b);
// The vowels of a pronunciation in order, without stress digits.
std::vector<std::string> Vowels(const Pronunciation& p);

// DopeLearning's rhyme density (Malmi et al. 2016): for each word of the lyrics, the longest
// vowel run ending at that word that also ends at some word among the previous `window` words
// (excluding the word itself and exact repeats of the same word), averaged over all words.
// `lines` is the lyrics as pronunciations per word per line.
// As in the authors' reference implementation (Raplyzer): the lyrics are one vowel stream
// across lines, so a run may span several words; words without a vowel are left out; a run
// stops before a pair of identical earlier words and may not reach back into the earlier
// word's own run; a run of one vowel counts 0 (a single shared vowel is too common to be a
// rhyme); the average is over every word but the first, which has nothing before it.
double RhymeDensity(const std::vector<std::vector<Pronunciation>>& lines, int window = 15);

// Orthographic syllables for karaoke: splits `word` into `count` pieces at plausible
// hyphenation points (vowel groups, consonant clusters split as in "de-sire", "sum-mer",
// "hap-py"); joined they give `word` back. `count` <= 1 or a word too short gives {word}.
std::vector<std::string> SplitSyllables(std::string_view word, int count);

}  // namespace moodtape::producer
