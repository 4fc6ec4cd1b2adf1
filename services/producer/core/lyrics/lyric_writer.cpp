#include "services/producer/core/lyrics/lyric_writer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <deque>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "services/producer/core/lyrics/lyric_grammar.h"
#include "services/producer/core/lyrics/lyric_lexicon.h"
#include "services/producer/core/lyrics/lyric_model.h"
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

using lyric::Grammar;
using lyric::Item;
using lyric::Member;
using lyric::Pools;
using lyric::Slot;
using lyric::Source;
using lyric::Symbol;
using lyric::WordSound;
using lyric::WordTable;

std::string NormaliseLine(std::string_view text) {
  std::string out;
  bool space = false;
  for (char raw : text) {
    const unsigned char c = static_cast<unsigned char>(raw);
    if (std::isalpha(c) && c < 128) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (raw == '\'') {
      continue;  // "I'm" and "Im" are the same line
    } else {
      space = true;
    }
  }
  return out;
}

namespace {

constexpr int kDensityWindow = 15;  // as RhymeDensity's default (DopeLearning)
constexpr int kDensityTries = 11;   // words tried per slot in a rap verse

// ----- Small helpers ----------------------------------------------------------------------------

bool IsEndSlot(Slot slot) { return slot != Slot::kTheme; }

// Title case as song titles use it: short function words stay lower case inside the title.
std::string TitleCase(const std::vector<std::string>& words) {
  static constexpr std::string_view kSmall[] = {"a",  "an", "the", "and", "or",  "of",  "on",
                                                "in", "to", "at",  "by",  "for", "with"};
  std::string out;
  for (const auto& w : words) {
    std::string bare;
    for (char c : w) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'' || c == '-') bare.push_back(c);
    }
    if (bare.empty()) continue;
    std::string lower = bare;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool small =
        !out.empty() && std::find(std::begin(kSmall), std::end(kSmall), lower) != std::end(kSmall);
    if (!small) bare[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(bare[0])));
    if (!out.empty()) out.push_back(' ');
    out += small ? lower : bare;
  }
  return out;
}

// Words that open a line as a filler ("And", "Yeah,"), not as part of its template.
bool IsLead(std::string_view bare) {
  static constexpr std::string_view kLeads[] = {"and",  "so",   "now",     "but", "oh",
                                                "yeah", "then", "tonight", "uh",  "look",
                                                "well", "real", "talk"};
  return std::find(std::begin(kLeads), std::end(kLeads), bare) != std::end(kLeads);
}

bool IsFirstPerson(std::string_view bare) {
  return bare == "i" || bare == "i'm" || bare == "i'll" || bare == "i've" || bare == "i'd";
}

// The printed word without surrounding punctuation, keeping its case ("Night," -> "Night").
// ----- Rhyme density while writing --------------------------------------------------------------

// The song's words so far as a vowel stream, to score a candidate word by the longest vowel run
// it ends that also ends at one of the previous words (the measure RhymeDensity reports; a single
// shared vowel counts for nothing there, so it does here).
class VowelStream {
 public:
  void Push(int word, const std::vector<uint8_t>& vowels) {
    if (vowels.empty()) return;
    for (uint8_t v : vowels) {
      vowels_.push_back(v);
      word_of_vowel_.push_back(static_cast<int>(word_ids_.size()));
    }
    word_end_.push_back(static_cast<int>(vowels_.size()) - 1);
    word_ids_.push_back(word);
  }
  void PopTo(size_t words) {
    while (word_ids_.size() > words) {
      word_ids_.pop_back();
      word_end_.pop_back();
      while (!word_of_vowel_.empty() &&
             word_of_vowel_.back() >= static_cast<int>(word_ids_.size())) {
        word_of_vowel_.pop_back();
        vowels_.pop_back();
      }
    }
  }
  size_t words() const { return word_ids_.size(); }

  // The run the last word ends (0 when under two vowels).
  int RunAtLast() const {
    const size_t n = word_ids_.size();
    if (n < 2) return 0;
    const size_t w2 = n - 1;
    const size_t first = w2 > kDensityWindow ? w2 - kDensityWindow : 0;
    int best = 0;
    for (size_t w1 = first; w1 < w2; ++w1) {
      if (word_ids_[w1] == word_ids_[w2]) continue;
      const size_t p1 = static_cast<size_t>(word_end_[w1]);
      const size_t p2 = static_cast<size_t>(word_end_[w2]);
      size_t run = 0;
      while (vowels_[p1 - run] == vowels_[p2 - run]) {
        const int x = word_of_vowel_[p1 - run];
        const int y = word_of_vowel_[p2 - run];
        if (x != static_cast<int>(w1) && y != static_cast<int>(w2) &&
            word_ids_[static_cast<size_t>(x)] == word_ids_[static_cast<size_t>(y)]) {
          break;
        }
        ++run;
        if (run > p1 || p2 - run <= p1 || run >= 8) break;
      }
      if (run >= 2) best = std::max(best, static_cast<int>(run));
    }
    return best;
  }

 private:
  std::vector<uint8_t> vowels_;
  std::vector<int> word_of_vowel_;
  std::vector<int> word_end_;
  std::vector<int> word_ids_;
};

// ----- One song being written -------------------------------------------------------------------

struct LineWord {
  int id = -1;
  std::string printed;  // with its punctuation and case
};

struct Candidate {
  std::vector<LineWord> words;
  int syllables = 0;
  int end_word = -1;
  bool internal_rhyme = false;
  double density = 0;
  double score = -1e9;
  std::string normalised;
  std::string skeleton;  // the template's literal words, to avoid one shape twice in a section
};

struct RhymeSet {
  std::string key;
  std::vector<Member> members;
  std::vector<int> ends;  // words that ended lines of this label so far
  // Per line of the label, in order, a member its grammar can end on, kept from the lines
  // before it so every line still finds a rhyme.
  std::vector<int> reserved;
  size_t next = 0;  // the label's line being written
};

class SongWriter {
 public:
  SongWriter(const lyric::Model& model, const lyric::GenreModel& genre, const ThemeField& field,
             SongRandom& random, AlbumLines& album)
      : model_(model),
        genre_(genre),
        words_(&model.words, model.words.dictionary()),
        random_(random),
        album_(album),
        rap_(genre.genre == Genre::kGangstaRap) {
    AddTheme(field);
  }

  Lyrics Write(const SongForm& form);

 private:
  // Theme words
  void AddTheme(const ThemeField& field);
  void AddThemeWord(const std::string& text, Slot slot, double weight, int base);
  void AddRhymePartners();

  // Rhymes
  std::vector<Member> GroupMembers(const std::string& key) const;
  bool ChooseRhymeSet(int lines_needed, const std::vector<int>& roots, RhymeSet* set);
  double MemberWeight(const Member& m) const;

  // Lines
  LyricLine WriteLine(const LineSpec& spec, int root, RhymeSet* rhyme, const LyricLine* previous);
  bool BuildCandidate(const LineSpec& spec, int root, RhymeSet* rhyme, const Member* end,
                      Candidate* out);
  int PickWord(Slot slot, int syllables, const std::vector<LineWord>& line_so_far);
  int PickWordNear(Slot slot, int syllables, const std::vector<LineWord>& line_so_far);
  void Score(const LineSpec& spec, const LyricLine* previous, Candidate* c);
  LyricLine ToLyricLine(const Candidate& c, char rhyme) const;
  std::vector<LineWord> Title();

  int Root(SectionKind kind, bool first_line) const;
  bool LineTaken(const std::string& normalised) const {
    return album_.count(normalised) > 0 || song_lines_.count(normalised) > 0 || normalised.empty();
  }
  int Base(int id) const {
    auto it = base_of_.find(id);
    return it == base_of_.end() ? -1 : it->second;
  }
  // The squared weights of theme_.Get(slot, syllables), computed once per song.
  const std::vector<double>& ThemePoolWeights(Slot slot, int syllables) {
    const size_t key = static_cast<size_t>(slot) * 8 + static_cast<size_t>(std::min(syllables, 4));
    auto it = theme_pool_weights_.find(key);
    if (it != theme_pool_weights_.end()) return it->second;
    std::vector<double> weights;
    for (int id : theme_.Get(slot, syllables)) {
      const double w = ThemeWeight(id);
      weights.push_back(w * w);
    }
    return theme_pool_weights_.emplace(key, std::move(weights)).first->second;
  }
  // IsPerfectRhyme of two words, remembered: the same pairs come up line after line.
  bool Rhymes(int a, int b) {
    const uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(std::min(a, b))) << 32) |
                         static_cast<uint32_t>(std::max(a, b));
    auto it = rhymes_.find(key);
    if (it != rhymes_.end()) return it->second;
    const bool r = IsPerfectRhyme(words_[a].pronunciation, words_[b].pronunciation);
    rhymes_.emplace(key, r);
    return r;
  }
  double ThemeWeight(int id) const {
    auto it = theme_weight_.find(id);
    return it == theme_weight_.end() ? 0.0 : it->second;
  }

  const lyric::Model& model_;
  const lyric::GenreModel& genre_;
  WordTable words_;
  SongRandom& random_;
  AlbumLines& album_;
  const bool rap_;

  Pools theme_;
  std::unordered_map<size_t, std::vector<double>> theme_pool_weights_;
  std::unordered_map<uint64_t, bool> rhymes_;
  std::vector<std::pair<int, double>> theme_nouns_;  // for {T}, heaviest first
  std::unordered_map<int, double> theme_weight_;     // word (or its form) -> weight
  std::unordered_map<int, int> base_of_;             // a theme word's form -> the field's word
  std::map<std::string, std::vector<Member>> extra_rhymes_;

  std::vector<LineWord> title_;
  bool title_sung_ = false;
  bool chase_density_ = false;  // rap verses: choose words for long vowel runs
  std::set<std::string> song_lines_;
  std::set<int> used_ends_;
  std::map<std::string, int> used_keys_;
  std::unordered_map<int, int> used_words_;
  std::set<int> theme_used_;
  std::set<std::string> section_skeletons_;
  std::map<std::string, int> song_skeletons_;
  VowelStream stream_;
};

// ----- Theme ------------------------------------------------------------------------------------

// Words WordNet may offer as neighbours of a theme that a song should not print: its top-level
// abstractions (hypernyms of almost anything), and the slurs and insults it lists among the
// hyponyms of words for people.
bool Unsingable(std::string_view w) {
  static const std::set<std::string, std::less<>> kAvoid = [] {
    constexpr std::string_view kWords =
        "entity abstraction attribute psychological feature relation matter whole object "
        "physical organism causal agent cause group grouping unit quantity act deed human "
        "activity event state process content cognition communication artifact artefact "
        "instrumentality location region structure construction substance part portion thing "
        "person individual someone somebody "
        "bitch whore slut nigger nigga faggot fag dyke retard spic chink kike wetback gook "
        "tranny cunt twat pussy cock dick prick bastard harlot hooker tart wench hussy negro "
        "coon wog paki jap kraut dago wop honky cracker redskin squaw gypsy midget cripple "
        "spastic moron imbecile idiot";
    std::set<std::string, std::less<>> words;
    size_t i = 0;
    while (i < kWords.size()) {
      const size_t j = std::min(kWords.find(' ', i), kWords.size());
      if (j > i) words.emplace(kWords.substr(i, j - i));
      i = j + 1;
    }
    return words;
  }();
  if (w.size() < 2 || kAvoid.count(w) > 0) return true;
  for (char c : w) {
    if (!(c >= 'a' && c <= 'z') && c != '\'') return true;
  }
  return false;
}

void SongWriter::AddThemeWord(const std::string& text, Slot slot, double weight, int base) {
  const int id = words_.Intern(text);
  const WordSound& w = words_[id];
  if (w.syllables <= 0 || w.syllables > 4) return;
  theme_.Add(slot, id, w.syllables);
  double& tw = theme_weight_[id];
  tw = std::max(tw, weight);
  if (base >= 0) base_of_.emplace(id, base);
  if (IsEndSlot(slot) && !w.rhyme_key.empty()) {
    extra_rhymes_[w.rhyme_key].push_back(Member{id, slot, Source::kTheme});
  }
}

// Ordinals and quantifiers: theme words ("first love", "last dance") that read badly in a slot.
bool IsQuantifier(std::string_view w) {
  static constexpr std::string_view kWords[] = {"first",  "last",    "next",    "other", "many",
                                                "much",   "few",     "more",    "most",  "such",
                                                "own",    "same",    "second",  "third", "former",
                                                "latter", "several", "certain", "whole", "only"};
  return std::find(std::begin(kWords), std::end(kWords), w) != std::end(kWords);
}

void SongWriter::AddTheme(const ThemeField& field) {
  const auto& dictionary = model_.words.dictionary();
  auto first_form = [&](const std::vector<std::string>& candidates) -> std::string {
    for (const auto& c : candidates) {
      if (dictionary.Contains(c)) return c;
    }
    return {};
  };
  // Nouns in the field, so a word that is also a verb there is used as the noun it mostly is.
  std::set<std::string> nouns, adjectives;
  for (const auto& tw : field.words) {
    if (tw.word_class == WordClass::kNoun) nouns.insert(tw.word);
    if (tw.word_class == WordClass::kAdjective) adjectives.insert(tw.word);
  }
  size_t taken = 0;
  for (const auto& tw : field.words) {
    if (taken >= 160) break;
    if (Unsingable(tw.word) || IsQuantifier(tw.word) || tw.syllables > 4) continue;
    // WordNet's neighbours include rare senses (hyponyms of "town": "burg"); a word the banks
    // know is safe at a low weight, another needs to be close to the theme and common enough to
    // be in the pronouncing dictionary.
    const int known_id = model_.words.Find(tw.word);
    uint32_t known_slots = 0;
    if (known_id >= 0) {
      if (auto it = model_.known_slots.find(known_id); it != model_.known_slots.end()) {
        known_slots = it->second;
      }
    }
    auto bit = [](Slot slot) { return 1u << static_cast<int>(slot); };
    const uint32_t class_slots =
        tw.word_class == WordClass::kNoun        ? bit(Slot::kNoun) | bit(Slot::kPlace)
        : tw.word_class == WordClass::kAdjective ? bit(Slot::kAdj)
        : tw.word_class == WordClass::kVerb      ? bit(Slot::kVerb) | bit(Slot::kVerbIntr)
                                                 : 0;
    const bool known = (known_slots & class_slots) != 0;

    double weight = tw.weight;
    if (!known) {
      if (!dictionary.Contains(tw.word) || tw.syllables > (tw.weight >= 0.85 ? 4 : 3)) continue;
      // Derived forms ("trainer" for "train") often come from another sense of the word, and
      // long hyponyms are obscure ("cloudburst"): those need more weight. The theme's own words
      // keep theirs.
      const bool close = tw.relation == "theme" || tw.relation == "synonym";
      const double needed = close ? 0.55 : tw.relation == "related" ? 0.8 : 0.7;
      if (tw.weight < needed) continue;
      if (tw.relation != "theme") weight *= tw.relation == "hyponym" ? 0.5 : 0.7;
    }
    if (weight < 0.25) continue;
    ++taken;
    const int base = words_.Intern(tw.word);
    switch (tw.word_class) {
      case WordClass::kNoun: {
        // "lost" is a noun too ("the lost"), but a song means the adjective.
        if (adjectives.count(tw.word) > 0 && !known) break;
        AddThemeWord(tw.word, Slot::kNoun, weight, base);
        const std::string plural = first_form(lyric::PluralCandidates(tw.word));
        if (!plural.empty()) AddThemeWord(plural, Slot::kNouns, weight * 0.8, base);
        if (tw.syllables <= 3) theme_nouns_.emplace_back(base, weight);
        break;
      }
      case WordClass::kAdjective:
        if (!known && tw.relation != "theme") break;
        AddThemeWord(tw.word, Slot::kAdj, weight, base);
        break;
      case WordClass::kVerb: {
        // "summer" is a verb too, but a song means the season.
        if (nouns.count(tw.word) > 0) break;
        if (!known && tw.weight < 0.99) break;
        AddThemeWord(tw.word, Slot::kVerbIntr, weight * 0.8, base);
        const std::string ing = first_form(lyric::GerundCandidates(tw.word));
        if (!ing.empty()) AddThemeWord(ing, Slot::kVerbIng, weight * 0.9, base);
        if (tw.weight >= 0.99) {
          AddThemeWord(tw.word, Slot::kVerb, weight, base);
        }
        break;
      }
      case WordClass::kAdverb:
        break;
    }
  }
  // {T} and the title take the theme's own nouns first.
  std::stable_sort(theme_nouns_.begin(), theme_nouns_.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (theme_nouns_.size() > 4) theme_nouns_.resize(4);
  AddRhymePartners();
}

// Rhyme partners for the heaviest theme words: the dictionary's words with the same rhyme key
// that some phrase bank knows (any genre's), so a theme word can end a line. WordNet is no
// filter here: its lemmas include lower-cased place and person names ("leon" for "neon").
void SongWriter::AddRhymePartners() {
  const auto& dictionary = model_.words.dictionary();
  std::vector<std::pair<double, std::string>> keys;
  for (const auto& [key, members] : extra_rhymes_) {
    double weight = 0;
    for (const auto& m : members) weight = std::max(weight, ThemeWeight(m.word));
    keys.emplace_back(-weight, key);
  }
  std::sort(keys.begin(), keys.end());
  int keys_done = 0;
  for (const auto& [negative_weight, key] : keys) {
    if (++keys_done > 40 || -negative_weight < 0.5) break;
    const auto base_it = genre_.rhymes.find(key);
    const size_t have = base_it == genre_.rhymes.end() ? 0 : base_it->second.size();
    auto& extra = extra_rhymes_[key];
    if (have + extra.size() >= 4) continue;
    for (const std::string& word : dictionary.WordsWithRhymeKey(key)) {
      if (have + extra.size() >= 6) break;
      const int id = model_.words.Find(word);
      if (id < 0) continue;
      auto known = model_.known_slots.find(id);
      if (known == model_.known_slots.end()) continue;
      bool already = false;
      if (base_it != genre_.rhymes.end()) {
        for (const auto& m : base_it->second) already = already || m.word == id;
      }
      for (const auto& m : extra) already = already || m.word == id;
      if (already) continue;
      for (int s = 0; s < lyric::kSlotCount; ++s) {
        if ((known->second >> s) & 1u) {
          extra.push_back(Member{id, static_cast<Slot>(s), Source::kOtherGenre});
        }
      }
    }
  }
}

// ----- Rhymes -----------------------------------------------------------------------------------

std::vector<Member> SongWriter::GroupMembers(const std::string& key) const {
  std::vector<Member> out;
  if (auto it = genre_.rhymes.find(key); it != genre_.rhymes.end()) out = it->second;
  if (auto it = extra_rhymes_.find(key); it != extra_rhymes_.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

double SongWriter::MemberWeight(const Member& m) const {
  double w = 0.3;
  switch (m.source) {
    case Source::kTheme:
      w = 2.0 + 3.0 * ThemeWeight(m.word);
      break;
    case Source::kGenre:
      w = 1.6;
      break;
    case Source::kCommon:
      w = 1.0;
      break;
    case Source::kOtherGenre:
      w = 0.5;
      break;
  }
  const WordSound& s = words_[m.word];
  if (rap_ && s.syllables >= 2) w *= 1.6;  // multi-syllable rhymes carry the flow
  if (!rap_ && s.syllables >= 4) w *= 0.5;
  const auto used = used_words_.find(m.word);
  if (used != used_words_.end()) w /= 1.0 + 3.0 * used->second;
  if (m.source == Source::kTheme && theme_used_.size() < 3 && Base(m.word) == m.word &&
      theme_used_.count(m.word) == 0) {
    w *= 3.0;  // the song still needs the theme's words
  }
  return w;
}

bool SongWriter::ChooseRhymeSet(int lines_needed, const std::vector<int>& roots, RhymeSet* set) {
  struct Option {
    double score;
    std::string key;
    std::vector<int> reserved;
  };
  std::vector<Option> options;
  for (int attempt = 0; attempt < 48 && options.size() < 10; ++attempt) {
    // A seed word: often a theme word (while the song needs them, mostly), else the genre's or
    // the common words; after half the attempts only those, which always rhyme with something.
    int seed = -1;
    const bool need_theme = theme_used_.size() < 3;
    if (attempt < 24 && random_.Chance(need_theme ? 0.85 : 0.5) && !extra_rhymes_.empty()) {
      std::vector<double> weights;
      std::vector<const std::string*> keys;
      for (const auto& [key, members] : extra_rhymes_) {
        double w = 0;
        for (const auto& m : members) {
          if (m.source != Source::kTheme) continue;
          const bool fresh = Base(m.word) == m.word && theme_used_.count(m.word) == 0;
          w = std::max(w, ThemeWeight(m.word) * (need_theme && fresh ? 3.0 : 1.0));
        }
        weights.push_back(w * w);
        keys.push_back(&key);
      }
      const auto& members = extra_rhymes_.at(*keys[random_.Weighted(weights)]);
      seed = members[random_.Index(members.size())].word;
    } else {
      const Slot slot = random_.Chance(0.7)
                            ? Slot::kNoun
                            : static_cast<Slot>(random_.Between(0, lyric::kSlotCount - 2));
      const Pools& pools = random_.Chance(0.6) ? genre_.pools : model_.common;
      const int syllables = rap_ && random_.Chance(0.6) ? 2 : random_.Between(1, 2);
      const auto& pool = pools.Get(slot, syllables);
      if (pool.empty()) continue;
      seed = pool[random_.Index(pool.size())];
    }
    const std::string& key = words_[seed].rhyme_key;
    if (key.empty()) continue;
    bool seen = false;
    for (const auto& o : options) seen = seen || o.key == key;
    if (seen) continue;
    // The members the lines can end on, each sound once.
    std::vector<Member> members = GroupMembers(key);
    std::vector<const Member*> distinct;
    double score = 0;
    for (const auto& m : members) {
      if (used_ends_.count(m.word) > 0) continue;
      bool can_end = false;
      for (int root : roots) can_end = can_end || genre_.grammar.CanEnd(root, m.slot);
      if (!can_end) continue;
      bool rhymes_with_all = true;
      for (const auto* d : distinct) rhymes_with_all = rhymes_with_all && Rhymes(d->word, m.word);
      if (!rhymes_with_all) continue;
      distinct.push_back(&m);
      score += MemberWeight(m);
    }
    if (static_cast<int>(distinct.size()) < lines_needed) continue;
    // Every line must be able to end on a member of its own: assign greedily, the line whose
    // grammar can end on the fewest members first, and reserve those members for their lines.
    std::vector<size_t> order(roots.size());
    std::vector<int> choices(roots.size(), 0);
    for (size_t r = 0; r < roots.size(); ++r) {
      order[r] = r;
      for (const auto* d : distinct) choices[r] += genre_.grammar.CanEnd(roots[r], d->slot);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return choices[a] < choices[b]; });
    std::vector<bool> taken(distinct.size(), false);
    std::vector<int> reserved(roots.size(), -1);
    int assigned = 0;
    for (size_t r : order) {
      for (size_t d = 0; d < distinct.size(); ++d) {
        if (taken[d] || !genre_.grammar.CanEnd(roots[r], distinct[d]->slot)) continue;
        taken[d] = true;
        reserved[r] = distinct[d]->word;
        ++assigned;
        break;
      }
    }
    if (assigned < std::min(lines_needed, static_cast<int>(roots.size()))) continue;
    const auto used = used_keys_.find(key);
    if (used != used_keys_.end()) score /= 4.0 * used->second;
    if (rap_) {
      const size_t spaces = static_cast<size_t>(std::count(key.begin(), key.end(), ' '));
      if (spaces >= 2) score *= 1.5;  // "-anger", "-ustle": two vowels or a long tail
    }
    score *= 0.75 + 0.5 * random_.Unit();
    options.push_back(Option{score, key, std::move(reserved)});
  }
  if (options.empty()) return false;
  const auto best =
      std::max_element(options.begin(), options.end(),
                       [](const Option& a, const Option& b) { return a.score < b.score; });
  set->key = best->key;
  set->members = GroupMembers(best->key);
  set->reserved = best->reserved;
  set->next = 0;
  set->ends.clear();
  ++used_keys_[best->key];
  return true;
}

// ----- Lines ------------------------------------------------------------------------------------

int SongWriter::Root(SectionKind kind, bool first_line) const {
  const auto& r = genre_.roots;
  switch (kind) {
    case SectionKind::kChorus:
    case SectionKind::kHook:
      return first_line && r.chorus_first >= 0 ? r.chorus_first
                                               : (r.chorus >= 0 ? r.chorus : r.verse);
    case SectionKind::kPreChorus:
      return r.pre >= 0 ? r.pre : r.verse;
    case SectionKind::kBridge:
      return r.bridge >= 0 ? r.bridge : r.verse;
    default:
      return first_line && r.verse_first >= 0 ? r.verse_first : r.verse;
  }
}

int SongWriter::PickWord(Slot slot, int syllables, const std::vector<LineWord>& line_so_far) {
  auto in_line = [&](int id) {
    for (const auto& w : line_so_far) {
      if (w.id == id) return true;
    }
    return false;
  };
  if (slot == Slot::kTheme) {
    if (!theme_nouns_.empty()) {
      std::vector<double> weights;
      for (const auto& [id, w] : theme_nouns_) weights.push_back(w * w);
      return theme_nouns_[random_.Weighted(weights)].first;
    }
    slot = Slot::kNoun;
  }
  const size_t themes = theme_used_.size();
  const double theme_chance = themes < 3 ? 0.85 : themes < 5 ? 0.4 : 0.22;
  for (int attempt = 0; attempt < 6; ++attempt) {
    const std::vector<int>* pool = nullptr;
    double roll = random_.Unit();
    const bool theme_ok = slot != Slot::kPlace || roll < 0.1;
    if (roll < theme_chance && theme_ok) {
      const Slot theme_slot = slot == Slot::kPlace ? Slot::kNoun : slot;
      const auto& p = theme_.Get(theme_slot, syllables);
      if (!p.empty()) {
        // Heavier theme words more often; while the song has few, one it has not used yet.
        int id = p[random_.Weighted(ThemePoolWeights(theme_slot, syllables))];
        if (themes < 3 && theme_used_.count(id) > 0) {
          std::vector<int> fresh;
          for (int other : p) {
            if (theme_used_.count(other) == 0 && Base(other) == other) fresh.push_back(other);
          }
          if (!fresh.empty()) id = fresh[random_.Index(fresh.size())];
        }
        if (!in_line(id)) return id;
        continue;
      }
    }
    pool = random_.Chance(0.75) ? &genre_.pools.Get(slot, syllables)
                                : &model_.common.Get(slot, syllables);
    if (pool->empty()) pool = &genre_.pools.Get(slot, syllables);
    if (pool->empty()) pool = &model_.common.Get(slot, syllables);
    if (pool->empty()) return -1;
    const int id = (*pool)[random_.Index(pool->size())];
    if (!in_line(id)) return id;
  }
  return -1;
}

int SongWriter::PickWordNear(Slot slot, int syllables, const std::vector<LineWord>& line_so_far) {
  static constexpr int kOrder[] = {0, -1, 1, -2, 2};
  // A song with fewer than three of the theme's words takes one it has not used yet, even a
  // syllable off the budget.
  if (theme_used_.size() < 3 && slot != Slot::kTheme && random_.Chance(0.7)) {
    const Slot theme_slot = slot == Slot::kPlace ? Slot::kNoun : slot;
    std::vector<int> fresh;
    for (int d : {0, -1, 1}) {
      for (int id : theme_.Get(theme_slot, syllables + d)) {
        if (Base(id) == id && theme_used_.count(id) == 0) fresh.push_back(id);
      }
    }
    if (!fresh.empty()) {
      const int id = fresh[random_.Index(fresh.size())];
      bool in_line = false;
      for (const auto& w : line_so_far) in_line = in_line || w.id == id;
      if (!in_line) return id;
    }
  }
  for (int d : kOrder) {
    const int s = syllables + d;
    if (s < 1 || s > 4) continue;
    const int id = PickWord(slot, s, line_so_far);
    if (id >= 0) return id;
  }
  return -1;
}

std::vector<LineWord> SongWriter::Title() {
  std::vector<LineWord> best;
  double best_score = -1000;
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::vector<Item> items;
    if (genre_.roots.title < 0 || !genre_.grammar.Expand(genre_.roots.title, -1, random_, items)) {
      break;
    }
    std::vector<LineWord> words;
    int syllables = 0;
    bool ok = true;
    for (const auto& item : items) {
      int id = -1;
      std::string printed;
      if (item.kind == Symbol::Kind::kWord) {
        id = item.word >= 0 ? item.word : words_.Find(lyric::BareWord(item.text));
        printed = item.text;
      } else if (item.kind == Symbol::Kind::kSlot) {
        id = PickWordNear(item.slot, random_.Between(1, 2), words);
        if (id >= 0) printed = words_[id].text;
      }
      if (id < 0) {
        ok = false;
        break;
      }
      syllables += words_[id].syllables;
      words.push_back(LineWord{id, printed});
    }
    if (!ok || words.empty()) continue;
    std::vector<std::string> printed;
    for (const auto& w : words) printed.push_back(w.printed);
    const std::string normalised = NormaliseLine(TitleCase(printed));
    // Short, and naming the theme itself, each word once ("Night Night" is no title).
    double score = -std::abs(syllables - 4);
    for (size_t i = 0; i < words.size(); ++i) {
      for (size_t j = 0; j < i; ++j) score -= words[i].id == words[j].id ? 10.0 : 0.0;
    }
    for (const auto& w : words) {
      const double tw = ThemeWeight(w.id);
      score += tw >= 0.99 ? 3.0 : tw > 0 ? 0.5 : 0.0;
    }
    score += random_.Unit();
    if (album_.count("#title " + normalised) > 0) score -= 20;
    if (score > best_score) {
      best_score = score;
      best = words;
    }
  }
  return best;
}

bool SongWriter::BuildCandidate(const LineSpec& spec, int root, RhymeSet* rhyme, const Member* end,
                                Candidate* out) {
  std::vector<Item> items;
  const int end_slot = end ? static_cast<int>(end->slot) : -1;
  if (!genre_.grammar.Expand(root, end_slot, random_, items) || items.empty()) return false;

  // Each item becomes one or more words: literals and the title are fixed, the end word and
  // internal rhymes are chosen first, then the free slots share the syllables left.
  struct Planned {
    const Item* item;
    std::vector<LineWord> words;
    bool free = false;
  };
  std::vector<Planned> plan;
  int fixed = 0;
  std::vector<LineWord> chosen;  // for "not twice in a line"
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    Planned p{&item, {}, false};
    if (item.kind == Symbol::Kind::kWord) {
      const int id = item.word >= 0 ? item.word : words_.Find(lyric::BareWord(item.text));
      if (id < 0) return false;
      p.words.push_back(LineWord{id, item.text});
    } else if (item.kind == Symbol::Kind::kTitle) {
      p.words = title_;
    } else if (end && i + 1 == items.size()) {
      p.words.push_back(LineWord{end->word, words_[end->word].text});
    } else if (item.internal_rhyme && rhyme) {
      // A word of the line's own rhyme in the middle (rap); else one sharing its vowel.
      std::vector<int> options;
      for (const auto& m : rhyme->members) {
        if (m.slot == item.slot && (!end || m.word != end->word) && used_ends_.count(m.word) == 0) {
          options.push_back(m.word);
        }
      }
      if (!options.empty()) {
        const int id = options[random_.Index(options.size())];
        p.words.push_back(LineWord{id, words_[id].text});
      } else {
        p.free = true;
      }
    } else if (item.slot == Slot::kTheme) {
      const int id = PickWord(Slot::kTheme, 2, chosen);
      if (id < 0) return false;
      p.words.push_back(LineWord{id, words_[id].text});
    } else {
      p.free = true;
    }
    for (const auto& w : p.words) {
      fixed += words_[w.id].syllables;
      chosen.push_back(w);
    }
    plan.push_back(std::move(p));
  }
  // A template too short for the target takes a filler in front ("yeah,", "oh,"): a few tries.
  auto capacity = [&] {
    int cap = fixed;
    for (const auto& p : plan) cap += p.free ? 3 : 0;
    return cap;
  };
  std::deque<Item> pads;
  const bool has_lead = !plan.empty() && plan.front().item->kind == Symbol::Kind::kWord &&
                        IsLead(lyric::BareWord(plan.front().item->text));
  const int gap = spec.syllables - capacity();
  if (gap >= 2 && !has_lead && genre_.roots.pad >= 0) {
    // The filler closest to the gap, of a few.
    std::vector<Item> best_pad;
    int best_syllables = 0;
    for (int t = 0; t < 4; ++t) {
      std::vector<Item> pad_items;
      if (!genre_.grammar.Expand(genre_.roots.pad, -1, random_, pad_items)) break;
      int syllables = 0;
      for (const auto& item : pad_items) {
        const int id = item.kind == Symbol::Kind::kWord ? item.word : -1;
        syllables += id >= 0 ? words_[id].syllables : 0;
      }
      if (syllables <= gap && syllables > best_syllables) {
        best_syllables = syllables;
        best_pad = std::move(pad_items);
      }
    }
    std::vector<Planned> front;
    for (auto& item : best_pad) {
      if (item.kind != Symbol::Kind::kWord) continue;
      const int id = item.word;
      if (id < 0) continue;
      pads.push_back(std::move(item));
      front.push_back(Planned{&pads.back(), {LineWord{id, pads.back().text}}, false});
      fixed += words_[id].syllables;
    }
    plan.insert(plan.begin(), std::make_move_iterator(front.begin()),
                std::make_move_iterator(front.end()));
  }
  // Share the remaining syllables among the free slots (one to three each).
  std::vector<Planned*> free;
  for (auto& p : plan) {
    if (p.free) free.push_back(&p);
  }
  std::vector<int> budget(free.size(), 1);
  int remaining = spec.syllables - fixed - static_cast<int>(free.size());
  for (int guard = 0; remaining > 0 && guard < 64 && !free.empty(); ++guard) {
    const size_t k = random_.Index(free.size());
    const int cap = free[k]->item->slot == Slot::kVerb || free[k]->item->slot == Slot::kVerbS ||
                            free[k]->item->slot == Slot::kVerbEd
                        ? 2
                        : 3;
    if (budget[k] >= cap) continue;
    ++budget[k];
    --remaining;
  }
  // Fill left to right; in rap each slot takes, of a few words that fit, the one ending the
  // longest vowel run against the words before it (assonance chains, multi-syllable rhyme).
  const size_t stream_mark = stream_.words();
  size_t next_free = 0;
  for (size_t pi = 0; pi < plan.size(); ++pi) {
    Planned& p = plan[pi];
    if (p.free) {
      const size_t k = next_free++;
      int best = -1;
      double best_score = -1e9;
      const int tries = chase_density_ ? kDensityTries : 3;
      for (int t = 0; t < tries; ++t) {
        const int id = PickWordNear(p.item->slot, budget[k], chosen);
        if (id < 0) continue;
        // Theme words and fresh words first.
        double s = random_.Unit() * 0.5 + 0.8 * ThemeWeight(id);
        if (auto used = used_words_.find(id); used != used_words_.end()) {
          // A word heard twice already is worn out, unless it is the theme itself.
          if (used->second >= 2 && ThemeWeight(id) < 0.99 && t + 1 < tries) continue;
          s -= (ThemeWeight(id) >= 0.99 ? 0.4 : 1.5) * used->second;
        }
        if (chase_density_) {
          // Its own run and those of the fixed words up to the next free slot (the end word
          // gains most from the word before it).
          const size_t mark = stream_.words();
          stream_.Push(id, words_[id].vowels);
          s += stream_.RunAtLast();
          for (size_t q = pi + 1; q < plan.size() && !plan[q].free; ++q) {
            for (const auto& w : plan[q].words) {
              stream_.Push(w.id, words_[w.id].vowels);
              s += stream_.RunAtLast();
            }
          }
          stream_.PopTo(mark);
        }
        if (s > best_score) {
          best_score = s;
          best = id;
        }
      }
      if (best < 0) {
        stream_.PopTo(stream_mark);
        return false;
      }
      p.words.push_back(LineWord{best, words_[best].text});
      chosen.push_back(p.words.back());
    }
    if (rap_) {
      for (const auto& w : p.words) stream_.Push(w.id, words_[w.id].vowels);
    }
  }
  // The candidate's own density: the runs its words end, measured on the song so far.
  if (rap_) {
    stream_.PopTo(stream_mark);
    int total = 0;
    int counted = 0;
    for (const auto& p : plan) {
      for (const auto& w : p.words) {
        stream_.Push(w.id, words_[w.id].vowels);
        total += stream_.RunAtLast();
        ++counted;
      }
    }
    stream_.PopTo(stream_mark);
    out->density = counted > 0 ? static_cast<double>(total) / counted : 0;
  }

  // Assemble: suffix punctuation, "a" before a vowel -> "an", capitals.
  out->words.clear();
  out->skeleton.clear();
  bool opening = true;  // leading fillers do not make a template new
  for (const auto& p : plan) {
    for (size_t j = 0; j < p.words.size(); ++j) {
      LineWord w = p.words[j];
      if (j + 1 == p.words.size()) w.printed += p.item->suffix;
      out->words.push_back(std::move(w));
    }
    if (p.item->kind == Symbol::Kind::kWord) {
      const std::string bare = lyric::BareWord(p.item->text);
      if (opening && IsLead(bare)) continue;
      out->skeleton += bare;
    } else {
      out->skeleton += "_";
    }
    opening = false;
    out->skeleton += ' ';
  }
  for (size_t i = 0; i + 1 < out->words.size(); ++i) {
    LineWord& w = out->words[i];
    const std::string bare = lyric::BareWord(w.printed);
    if (bare == "a" || bare == "an") {
      const bool vowel = words_[out->words[i + 1].id].vowel_initial;
      const std::string want = vowel ? "an" : "a";
      if (bare != want) {
        const std::string rest = w.printed.substr(bare.size());
        w.printed =
            (std::isupper(static_cast<unsigned char>(w.printed[0])) ? (vowel ? "An" : "A") : want) +
            rest;
      }
    }
  }
  for (auto& w : out->words) {
    if (IsFirstPerson(lyric::BareWord(w.printed))) w.printed[0] = 'I';
  }
  if (!out->words.empty() && !out->words[0].printed.empty()) {
    out->words[0].printed[0] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(out->words[0].printed[0])));
  }
  out->syllables = 0;
  for (const auto& w : out->words) out->syllables += words_[w.id].syllables;
  out->end_word = out->words.empty() ? -1 : out->words.back().id;
  std::string text;
  for (const auto& w : out->words) {
    if (!text.empty()) text.push_back(' ');
    text += w.printed;
  }
  out->normalised = NormaliseLine(text);
  return true;
}

void SongWriter::Score(const LineSpec& spec, const LyricLine* previous, Candidate* c) {
  double score = 0;
  const int deviation = std::abs(c->syllables - spec.syllables);
  score -= deviation == 0 ? 0.0 : deviation == 1 ? 1.5 : 5.0 * deviation;

  // Stress: two stressed syllables side by side are hard to sing, worst at the line's end.
  std::vector<int> stress;
  for (const auto& w : c->words) {
    for (uint8_t s : words_[w.id].stress) stress.push_back(s);
  }
  const double stress_weight = rap_ ? 0.4 : 1.0;
  int lapse = 0;
  for (size_t i = 0; i < stress.size(); ++i) {
    if (i > 0 && stress[i] > 0 && stress[i - 1] > 0) {
      score -= stress_weight * ((stress[i] == 1 && stress[i - 1] == 1) ? 1.0 : 0.5);
    }
    lapse = stress[i] > 0 ? 0 : lapse + 1;
    if (lapse >= 3) score -= stress_weight * 0.5;
  }
  const size_t n = stress.size();
  if (n >= 2 && stress[n - 1] > 0 && stress[n - 2] > 0) score -= 3.0 * stress_weight;
  if (n >= 1 && stress[n - 1] == 0 && (n < 2 || stress[n - 2] == 0)) score -= 1.0;

  // Theme words, more while the song still has few.
  // A field word as the field spells it counts (the quality report looks for those); an
  // inflected one ("trains") only adds colour.
  std::set<int> themes;
  for (const auto& w : c->words) {
    const double tw = ThemeWeight(w.id);
    if (tw <= 0 || !themes.insert(w.id).second) continue;
    if (Base(w.id) != w.id) {
      score += 0.5 * tw;
      continue;
    }
    score += tw;
    if (theme_used_.count(w.id) == 0) {
      score += theme_used_.size() < 3 ? 4.0 : theme_used_.size() < 5 ? 2.0 : 0.6;
    }
  }
  // Variety: words the song already used, the same template twice in a section.
  for (const auto& w : c->words) {
    const WordSound& s = words_[w.id];
    if (s.function_word) continue;
    const auto it = used_words_.find(w.id);
    if (it != used_words_.end()) score -= (ThemeWeight(w.id) >= 0.99 ? 0.5 : 1.2) * it->second;
  }
  if (section_skeletons_.count(c->skeleton) > 0) score -= 2.5;
  if (auto it = song_skeletons_.find(c->skeleton); it != song_skeletons_.end()) {
    score -= 0.8 * it->second;
  }

  if (rap_) {
    if (chase_density_) score += 7.0 * c->density;
    // Internal rhyme: a word before the end sharing its rhyme or its last two vowels.
    const WordSound& end = words_[c->end_word];
    bool internal = false;
    for (size_t i = 0; i + 1 < c->words.size() && !internal; ++i) {
      const WordSound& w = words_[c->words[i].id];
      if (w.function_word || c->words[i].id == c->end_word) continue;
      if (!end.rhyme_key.empty() && w.rhyme_key == end.rhyme_key) internal = true;
      const size_t a = w.vowels.size(), b = end.vowels.size();
      if (a >= 2 && b >= 2 && w.vowels[a - 1] == end.vowels[b - 1] &&
          w.vowels[a - 2] == end.vowels[b - 2]) {
        internal = true;
      }
      if (previous != nullptr && !previous->words.empty() && !w.rhyme_key.empty()) {
        // rhymes with the previous line's end
        if (w.rhyme_key == previous->rhyme_sound) internal = true;
      }
    }
    c->internal_rhyme = internal;
    if (spec.internal_rhyme) score += internal ? 3.0 : -1.0;
  }
  score += random_.Unit() * 0.6;
  c->score = score;
}

LyricLine SongWriter::WriteLine(const LineSpec& spec, int root, RhymeSet* rhyme,
                                const LyricLine* previous) {
  const bool rhymed = rhyme != nullptr;
  // End words this line may take: the rhyme's members not used yet, rhyming with every end of
  // the label so far, that the root can end on.
  std::vector<Member> ends;
  std::vector<double> end_weights;
  if (rhymed) {
    for (const auto& m : rhyme->members) {
      if (used_ends_.count(m.word) > 0) continue;
      if (!genre_.grammar.CanEnd(root, m.slot)) continue;
      bool kept_for_later = false;
      for (size_t j = rhyme->next + 1; j < rhyme->reserved.size(); ++j) {
        kept_for_later = kept_for_later || rhyme->reserved[j] == m.word;
      }
      if (kept_for_later) continue;
      bool ok = true;
      for (int e : rhyme->ends) {
        ok = ok && Rhymes(e, m.word);
      }
      if (!ok) continue;
      ends.push_back(m);
      end_weights.push_back(MemberWeight(m));
    }
    if (ends.empty() && !rhyme->ends.empty()) {
      // Last resort: the closest near rhymes among the words that can end a line.
      const Pronunciation& first = words_[rhyme->ends.front()].pronunciation;
      std::vector<std::pair<double, Member>> near;
      for (int s = 0; s < lyric::kSlotCount; ++s) {
        const Slot slot = static_cast<Slot>(s);
        if (!IsEndSlot(slot) || !genre_.grammar.CanEnd(root, slot)) continue;
        for (int syl = 1; syl <= 3; ++syl) {
          for (int id : genre_.pools.Get(slot, syl)) {
            if (used_ends_.count(id) > 0) continue;
            const double score = NearRhymeScore(first, words_[id].pronunciation);
            if (score >= 0.5) near.emplace_back(score, Member{id, slot, Source::kGenre});
          }
        }
      }
      std::stable_sort(near.begin(), near.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      for (size_t i = 0; i < near.size() && i < 6; ++i) {
        ends.push_back(near[i].second);
        end_weights.push_back(near[i].first);
      }
    }
  }
  const int attempts = rap_ ? 14 : 24;
  Candidate best;
  for (int attempt = 0; attempt < attempts * 3; ++attempt) {
    if (attempt >= attempts && best.score > -1e8) break;  // extra tries only when all failed
    Candidate c;
    const Member* end = nullptr;
    if (!ends.empty()) end = &ends[random_.Weighted(end_weights)];
    const bool built =
        BuildCandidate(spec, root, rhyme, end, &c) ||
        // Unconstrained when the grammar cannot end on any member.
        (end != nullptr && attempt >= attempts && BuildCandidate(spec, root, nullptr, nullptr, &c));
    if (!built || LineTaken(c.normalised)) continue;
    Score(spec, previous, &c);
    if (c.score > best.score) best = std::move(c);
  }
  if (best.score <= -1e8) {
    // Every candidate was taken or failed: a bounded search for any free line.
    for (int attempt = 0; attempt < 200; ++attempt) {
      Candidate c;
      if (!BuildCandidate(spec, genre_.roots.verse, nullptr, nullptr, &c)) continue;
      if (LineTaken(c.normalised)) continue;
      Score(spec, previous, &c);
      best = std::move(c);
      break;
    }
  }
  for (int attempt = 0; best.words.empty() && attempt < 100; ++attempt) {
    // Nothing the grammar makes is free (an album that has used everything): plain words.
    Candidate c;
    const int count = std::max(2, spec.syllables / 2);
    for (int k = 0; k < count; ++k) {
      const int id = PickWordNear(k % 2 == 0 ? Slot::kAdj : Slot::kNoun, 1, c.words);
      if (id >= 0) c.words.push_back(LineWord{id, words_[id].text});
    }
    if (c.words.empty()) break;
    c.words[0].printed[0] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(c.words[0].printed[0])));
    std::string text;
    for (const auto& w : c.words) text += (text.empty() ? "" : " ") + w.printed;
    c.normalised = NormaliseLine(text);
    c.end_word = c.words.back().id;
    for (const auto& w : c.words) c.syllables += words_[w.id].syllables;
    if (LineTaken(c.normalised) && attempt + 1 < 100) continue;
    best = std::move(c);
  }
  if (best.words.empty()) return LyricLine{};
  // Record what the line used.
  song_lines_.insert(best.normalised);
  section_skeletons_.insert(best.skeleton);
  ++song_skeletons_[best.skeleton];
  for (const auto& w : best.words) {
    if (!words_[w.id].function_word) ++used_words_[w.id];
    if (ThemeWeight(w.id) > 0 && Base(w.id) == w.id) theme_used_.insert(w.id);
    if (rap_) stream_.Push(w.id, words_[w.id].vowels);
  }
  if (rhymed) {
    used_ends_.insert(best.end_word);
    rhyme->ends.push_back(best.end_word);
    ++rhyme->next;
  }
  return ToLyricLine(best, spec.rhyme);
}

LyricLine SongWriter::ToLyricLine(const Candidate& c, char rhyme) const {
  LyricLine line;
  line.rhyme = rhyme;
  for (const auto& w : c.words) {
    if (!line.text.empty()) line.text.push_back(' ');
    line.text += w.printed;
    line.words.push_back(lyric::MakeLyricWord(w.printed, words_[w.id]));
  }
  if (!c.words.empty()) line.rhyme_sound = words_[c.words.back().id].rhyme_key;
  return line;
}

Lyrics SongWriter::Write(const SongForm& form) {
  Lyrics lyrics;
  title_ = Title();
  {
    std::vector<std::string> printed;
    for (const auto& w : title_) printed.push_back(w.printed);
    lyrics.title = TitleCase(printed);
  }
  for (size_t si = 0; si < form.sections.size(); ++si) {
    const SectionSpec& spec = form.sections[si];
    LyricSection section;
    section.kind = spec.kind;
    section.label = spec.label;
    section.bars = spec.bars;
    section.repeat_of = spec.repeat_of;
    if (spec.repeat_of >= 0 && static_cast<size_t>(spec.repeat_of) < si) {
      section.lines = lyrics.sections[static_cast<size_t>(spec.repeat_of)].lines;
      lyrics.sections.push_back(std::move(section));
      continue;
    }
    section_skeletons_.clear();
    chase_density_ = rap_ && spec.kind == SectionKind::kVerse;
    // Each line's grammar root: the chorus's first line carries the title, the blues verse's
    // third line answers, a genre without a chorus sings its title in its first verse line.
    std::vector<int> line_roots(spec.lines.size(), genre_.roots.verse);
    for (size_t li = 0; li < spec.lines.size(); ++li) {
      const bool blues_answer =
          genre_.genre == Genre::kBlues && li == 2 && genre_.roots.answer >= 0;
      int root = blues_answer ? genre_.roots.answer : Root(spec.kind, li == 0);
      if (root == genre_.roots.verse_first && title_sung_) root = genre_.roots.verse;
      if (root == genre_.roots.verse_first) title_sung_ = true;
      line_roots[li] = root;
    }
    // Rhyme sounds first: one set per label, sized for the lines that use it.
    std::map<char, RhymeSet> sets;
    std::map<char, int> needed;
    std::map<char, std::vector<int>> roots;
    for (size_t li = 0; li < spec.lines.size(); ++li) {
      const LineSpec& line = spec.lines[li];
      if (line.rhyme == '-' || line.repeats_line >= 0) continue;
      ++needed[line.rhyme];
      roots[line.rhyme].push_back(line_roots[li]);
    }
    for (const auto& [label, count] : needed) {
      RhymeSet set;
      if (ChooseRhymeSet(count, roots[label], &set) || ChooseRhymeSet(count, roots[label], &set) ||
          (count > 2 && ChooseRhymeSet(count - 1, roots[label], &set))) {
        sets.emplace(label, std::move(set));
      }
    }
    for (size_t li = 0; li < spec.lines.size(); ++li) {
      const LineSpec& line_spec = spec.lines[li];
      if (line_spec.repeats_line >= 0 &&
          static_cast<size_t>(line_spec.repeats_line) < section.lines.size()) {
        section.lines.push_back(section.lines[static_cast<size_t>(line_spec.repeats_line)]);
        section.lines.back().rhyme = line_spec.rhyme;
        continue;
      }
      auto it = sets.find(line_spec.rhyme);
      RhymeSet* set = it == sets.end() ? nullptr : &it->second;
      const LyricLine* previous = section.lines.empty() ? nullptr : &section.lines.back();
      section.lines.push_back(WriteLine(line_spec, line_roots[li], set, previous));
      section.lines.back().rhyme = line_spec.rhyme;
    }
    lyrics.sections.push_back(std::move(section));
  }
  for (const auto& line : song_lines_) album_.insert(line);
  if (!lyrics.title.empty()) album_.insert("#title " + NormaliseLine(lyrics.title));
  return lyrics;
}

// The words of a printed line with their syllables and stress, as the writer fills them.
LyricLine PlainLine(const std::vector<std::string>& printed,
                    const PronouncingDictionary& dictionary, char rhyme) {
  return lyric::MakeLyricLine(printed, dictionary, rhyme);
}

}  // namespace

Lyrics WriteBaselineLyrics(const SongForm& form, const ThemeField& field,
                           const PronouncingDictionary& dictionary, SongRandom& random) {
  // A small general lexicon: the common bank's nouns, adjectives and verbs and function words.
  static constexpr std::string_view kFunctionWords[] = {
      "the", "a",  "and", "of",   "to",  "in", "my",  "your", "we",  "I",
      "you", "is", "on",  "with", "for", "it", "all", "so",   "but", "this"};
  std::vector<std::string> general;
  const PhraseBank& common = CommonPhraseBank();
  for (std::string_view list : {common.nouns, common.adjectives, common.verbs}) {
    size_t i = 0;
    while (i < list.size()) {
      while (i < list.size() && std::isspace(static_cast<unsigned char>(list[i]))) ++i;
      size_t j = i;
      while (j < list.size() && !std::isspace(static_cast<unsigned char>(list[j]))) ++j;
      if (j > i) general.emplace_back(list.substr(i, j - i));
      i = j;
    }
  }
  Lyrics lyrics;
  for (size_t si = 0; si < form.sections.size(); ++si) {
    const SectionSpec& spec = form.sections[si];
    LyricSection section{spec.kind, spec.label, spec.bars, spec.repeat_of, {}};
    if (spec.repeat_of >= 0 && static_cast<size_t>(spec.repeat_of) < si) {
      section.lines = lyrics.sections[static_cast<size_t>(spec.repeat_of)].lines;
    } else {
      for (const LineSpec& line : spec.lines) {
        if (line.repeats_line >= 0 &&
            static_cast<size_t>(line.repeats_line) < section.lines.size()) {
          section.lines.push_back(section.lines[static_cast<size_t>(line.repeats_line)]);
          continue;
        }
        const int count = std::max(2, line.syllables * 10 / 14 + random.Between(-2, 2));
        std::vector<std::string> printed;
        for (int k = 0; k < count; ++k) {
          const double roll = random.Unit();
          if (roll < 0.45 && !field.words.empty()) {
            printed.push_back(field.words[random.Index(field.words.size())].word);
          } else if (roll < 0.7) {
            printed.emplace_back(kFunctionWords[random.Index(std::size(kFunctionWords))]);
          } else {
            printed.push_back(general[random.Index(general.size())]);
          }
        }
        printed[0][0] = static_cast<char>(std::toupper(static_cast<unsigned char>(printed[0][0])));
        section.lines.push_back(PlainLine(printed, dictionary, line.rhyme));
      }
    }
    if (lyrics.title.empty() && !section.lines.empty() &&
        (spec.kind == SectionKind::kChorus || spec.kind == SectionKind::kHook)) {
      std::vector<std::string> first;
      for (size_t k = 0; k < section.lines[0].words.size() && k < 3; ++k) {
        first.push_back(section.lines[0].words[k].text);
      }
      lyrics.title = TitleCase(first);
    }
    lyrics.sections.push_back(std::move(section));
  }
  if (lyrics.title.empty()) lyrics.title = "Untitled";
  return lyrics;
}

// ----- LyricWriter -------------------------------------------------------------------------------

LyricWriter::LyricWriter(const PronouncingDictionary& dictionary, const WordNet& wordnet)
    : dictionary_(dictionary), wordnet_(wordnet), model_(lyric::BuildModel(dictionary)) {}

LyricWriter::~LyricWriter() = default;

Lyrics LyricWriter::Write(const SongForm& form, std::string_view theme, SongRandom& random,
                          AlbumLines& album) const {
  const ThemeField field = BuildThemeField(theme, wordnet_, dictionary_);
  return Write(form, field, random, album);
}

Lyrics LyricWriter::Write(const SongForm& form, const ThemeField& field, SongRandom& random,
                          AlbumLines& album) const {
  const size_t index = static_cast<size_t>(form.genre);
  const lyric::GenreModel& genre =
      model_->genres[index < model_->genres.size() ? index : static_cast<size_t>(Genre::kPop)];
  SongWriter writer(*model_, genre, field, random, album);
  return writer.Write(form);
}

}  // namespace moodtape::producer
