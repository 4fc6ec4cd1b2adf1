#include "services/producer/core/words/theme_field.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "services/producer/core/words/phonetics.h"
#include "services/producer/core/words/wordnet_database.h"

namespace moodtape::producer {

struct WordNet::Data {
  std::unique_ptr<WordNetDatabase> db;
};

namespace {

constexpr std::array<WordClass, 4> kClasses = {WordClass::kNoun, WordClass::kVerb,
                                               WordClass::kAdjective, WordClass::kAdverb};

// Words that carry no theme: articles, pronouns, prepositions, conjunctions, auxiliaries and the
// commonest adverbs and quantifiers. WordNet lists several of them ("will", "can", "may" as
// nouns), which is exactly why they must not reach the lookup.
constexpr std::string_view kStopWords[] = {
    "a",       "about",   "above",  "after",   "again",  "against", "ago",     "all",
    "almost",  "also",    "am",     "among",   "an",     "and",     "any",     "are",
    "around",  "as",      "at",     "be",      "been",   "before",  "being",   "below",
    "between", "both",    "but",    "by",      "can",    "could",   "did",     "do",
    "does",    "doing",   "down",   "during",  "each",   "either",  "else",    "even",
    "ever",    "every",   "few",    "for",     "from",   "further", "had",     "has",
    "have",    "having",  "he",     "her",     "here",   "hers",    "herself", "him",
    "himself", "his",     "how",    "i",       "if",     "in",      "into",    "is",
    "it",      "its",     "itself", "just",    "least",  "less",    "like",    "may",
    "me",      "might",   "mine",   "more",    "most",   "much",    "must",    "my",
    "myself",  "neither", "no",     "nor",     "not",    "now",     "of",      "off",
    "oh",      "on",      "once",   "only",    "onto",   "or",      "other",   "ought",
    "our",     "ours",    "out",    "over",    "own",    "per",     "quite",   "rather",
    "same",    "shall",   "she",    "should",  "since",  "so",      "some",    "such",
    "than",    "that",    "the",    "their",   "theirs", "them",    "then",    "there",
    "these",   "they",    "this",   "those",   "though", "through", "thus",    "till",
    "to",      "too",     "toward", "towards", "under",  "until",   "up",      "upon",
    "us",      "very",    "via",    "was",     "we",     "were",    "what",    "when",
    "where",   "whether", "which",  "while",   "who",    "whom",    "whose",   "why",
    "will",    "with",    "within", "without", "would",  "yet",     "you",     "your",
    "yours",   "yourself"};

bool IsStopWord(std::string_view word) {
  return std::find(std::begin(kStopWords), std::end(kStopWords), word) != std::end(kStopWords);
}

// WordNet's morphy suffix rules (wndb's companion morphy(7WN)): inflected ending -> base ending.
struct SuffixRule {
  std::string_view suffix;
  std::string_view ending;
};
constexpr SuffixRule kNounRules[] = {{"s", ""},      {"ses", "s"},   {"xes", "x"},   {"zes", "z"},
                                     {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
constexpr SuffixRule kVerbRules[] = {{"s", ""},   {"ies", "y"}, {"es", "e"},  {"es", ""},
                                     {"ed", "e"}, {"ed", ""},   {"ing", "e"}, {"ing", ""}};
constexpr SuffixRule kAdjectiveRules[] = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};

std::span<const SuffixRule> RulesFor(WordClass c) {
  switch (c) {
    case WordClass::kNoun:
      return kNounRules;
    case WordClass::kVerb:
      return kVerbRules;
    case WordClass::kAdjective:
      return kAdjectiveRules;
    case WordClass::kAdverb:
      return {};
  }
  return {};
}

// How much a relation keeps of the theme word's weight, and the name the writer sees.
struct Relation {
  std::string_view symbol;
  double weight;
  std::string_view name;
};
constexpr Relation kRelations[] = {
    {"&", 0.8, "synonym"},   // similar-to: the satellite adjectives around a head adjective
    {"+", 0.75, "related"},  // derivationally related form ("love" -> "lover", "loving")
    {"=", 0.65, "related"},  // attribute ("warm" <-> "temperature")
    {"@", 0.6, "hypernym"},  {"@i", 0.6, "hypernym"}, {"~", 0.55, "hyponym"},
    {"~i", 0.35, "hyponym"},  // instances are mostly proper names: kept, but light
};
constexpr double kSynonymWeight = 0.9;
constexpr size_t kMaxSenses = 4;            // the most common senses of each theme word
constexpr size_t kMaxTargetsPerSense = 24;  // "town" has 280 hyponyms and instances
constexpr size_t kMaxInstancesPerSense = 6;
constexpr double kSisterWeight = 0.4;
constexpr size_t kMaxSisters = 16;

const Relation* FindRelation(std::string_view symbol) {
  for (const Relation& r : kRelations) {
    if (r.symbol == symbol) return &r;
  }
  return nullptr;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsPlainWord(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Collects the field: each (word, class) once, with its heaviest weight; insertion order breaks
// ties so the result does not depend on container internals.
class FieldBuilder {
 public:
  explicit FieldBuilder(const PronouncingDictionary& dictionary) : dictionary_(dictionary) {}

  void Add(std::string_view raw_word, WordClass word_class, double weight,
           std::string_view relation) {
    // Capitalised short forms are symbols and abbreviations ("Ne" for neon, "USA").
    if (relation != "theme" && raw_word.size() <= 3 && !raw_word.empty() && raw_word[0] >= 'A' &&
        raw_word[0] <= 'Z') {
      return;
    }
    const std::string word = Lower(raw_word);
    if (!IsPlainWord(word)) return;  // collocations ("dog_days"), hyphens, digits
    const auto key = std::make_pair(word, word_class);
    const auto found = positions_.find(key);
    if (found != positions_.end()) {
      ThemeWord& existing = words_[found->second];
      if (weight > existing.weight) {
        existing.weight = weight;
        existing.relation = std::string(relation);
      }
      return;
    }
    if (!dictionary_.Contains(word)) return;
    ThemeWord theme_word;
    theme_word.word = word;
    theme_word.word_class = word_class;
    theme_word.weight = weight;
    theme_word.relation = std::string(relation);
    theme_word.syllables = dictionary_.Pronounce(word).SyllableCount();
    if (theme_word.syllables <= 0) return;
    positions_.emplace(key, words_.size());
    words_.push_back(std::move(theme_word));
  }

  std::vector<ThemeWord> Take(size_t max_words) {
    std::stable_sort(words_.begin(), words_.end(),
                     [](const ThemeWord& a, const ThemeWord& b) { return a.weight > b.weight; });
    if (words_.size() > max_words) words_.resize(max_words);
    return std::move(words_);
  }

 private:
  const PronouncingDictionary& dictionary_;
  std::map<std::pair<std::string, WordClass>, size_t> positions_;
  std::vector<ThemeWord> words_;
};

// The neighbours of one sense of a theme word.
void AddSense(const WordNetDatabase& db, const WordNetSynset& synset, std::string_view lemma,
              double weight, FieldBuilder& field) {
  // The lemma's word number in the synset: lexical pointers (source != 0) belong to one word.
  int own_number = 0;
  for (size_t i = 0; i < synset.words.size(); ++i) {
    if (Lower(synset.words[i]) == lemma) own_number = static_cast<int>(i) + 1;
  }
  for (const std::string_view word : synset.words) {
    field.Add(word, synset.word_class, weight * kSynonymWeight, "synonym");
  }
  size_t targets = 0;
  size_t instances = 0;
  for (const WordNetPointer& pointer : synset.pointers) {
    const Relation* relation = FindRelation(pointer.symbol);
    if (relation == nullptr) continue;
    if (pointer.source != 0 && pointer.source != own_number) continue;
    if (targets >= kMaxTargetsPerSense) break;
    if (pointer.symbol == "~i" && instances++ >= kMaxInstancesPerSense) continue;
    const auto target = db.Synset(pointer.offset, pointer.word_class);
    if (!target) continue;
    ++targets;
    const double w = weight * relation->weight;
    if (pointer.target > 0) {
      const auto index = static_cast<size_t>(pointer.target - 1);
      if (index < target->words.size()) {
        field.Add(target->words[index], target->word_class, w, relation->name);
      }
      continue;
    }
    for (const std::string_view word : target->words) {
      field.Add(word, target->word_class, w, relation->name);
    }
  }
}

// Sister terms of the main sense: the other hyponyms of its first hypernym ("town" -> "city",
// "summer" -> "winter", "spring"), which give a lyric the neighbouring images.
void AddSisters(const WordNetDatabase& db, const WordNetSynset& synset, FieldBuilder& field) {
  for (const WordNetPointer& pointer : synset.pointers) {
    if (pointer.symbol != "@" || pointer.source != 0) continue;
    const auto parent = db.Synset(pointer.offset, pointer.word_class);
    if (!parent) return;
    size_t added = 0;
    for (const WordNetPointer& child : parent->pointers) {
      if (child.symbol != "~" || child.source != 0) continue;
      if (added++ >= kMaxSisters) break;
      const auto sister = db.Synset(child.offset, child.word_class);
      if (!sister) continue;
      for (const std::string_view word : sister->words) {
        field.Add(word, sister->word_class, kSisterWeight, "related");
      }
    }
    return;  // the first hypernym only
  }
}

}  // namespace

// ----- WordNet -----------------------------------------------------------------------------------

WordNet::WordNet(std::unique_ptr<Data> data) : data_(std::move(data)) {}
WordNet::~WordNet() = default;

platform::Result<std::unique_ptr<WordNet>> WordNet::Open(std::string_view dir) {
  auto db = WordNetDatabase::Open(dir);
  if (!db.ok()) return db.error();
  auto data = std::make_unique<Data>();
  data->db = std::move(db).value();
  return std::unique_ptr<WordNet>(new WordNet(std::move(data)));
}

std::vector<std::string> WordNet::BaseForms(std::string_view word, WordClass word_class) const {
  const std::string w = Lower(word);
  std::vector<std::string> forms;
  const auto add_if_known = [&](std::string_view form) {
    if (form.empty()) return;
    if (std::find(forms.begin(), forms.end(), form) != forms.end()) return;
    if (data_->db->Lookup(form, word_class)) forms.emplace_back(form);
  };
  if (w.empty()) return forms;
  // An irregular form names its bases outright ("ran" -> "run", "best" -> "good", "well").
  const auto exceptions = data_->db->Exceptions(w, word_class);
  add_if_known(w);
  for (const std::string_view base : exceptions) add_if_known(base);
  if (!exceptions.empty()) return forms;
  // Noun forms ending in "ss" are their own base ("glass", not "glas").
  const bool ss = word_class == WordClass::kNoun && w.size() > 2 && w.ends_with("ss");
  for (const SuffixRule& rule : RulesFor(word_class)) {
    if (ss || !w.ends_with(rule.suffix) || w.size() <= rule.suffix.size()) continue;
    add_if_known(w.substr(0, w.size() - rule.suffix.size()) + std::string(rule.ending));
  }
  return forms;
}

// ----- The theme field ---------------------------------------------------------------------------

ThemeField BuildThemeField(std::string_view theme, const WordNet& wordnet,
                           const PronouncingDictionary& dictionary, size_t max_words) {
  const WordNetDatabase& db = *wordnet.data_->db;
  ThemeField field;
  FieldBuilder builder(dictionary);

  // Tokens: runs of letters (an inner apostrophe dropped: "summer's" -> "summers" -> "summer").
  std::vector<std::string> tokens;
  std::string current;
  const auto flush = [&]() {
    if (!current.empty() && !IsStopWord(current) &&
        std::find(tokens.begin(), tokens.end(), current) == tokens.end()) {
      tokens.push_back(current);
    }
    current.clear();
  };
  for (char c : theme) {
    const char l = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    if (l >= 'a' && l <= 'z') {
      current.push_back(l);
    } else if (l != '\'') {
      flush();
    }
  }
  flush();

  for (const std::string& token : tokens) {
    // Every class WordNet has the word in, the class with the most corpus-tagged senses first.
    struct Reading {
      WordClass word_class;
      std::string lemma;
      WordNetIndexEntry entry;
    };
    std::vector<Reading> readings;
    for (const WordClass c : kClasses) {
      // One lemma per class: of "hearts" (the card game) and "heart", the one with more
      // corpus-tagged senses.
      std::optional<Reading> best;
      for (const std::string& lemma : wordnet.BaseForms(token, c)) {
        auto entry = db.Lookup(lemma, c);
        if (entry && (!best || entry->tagged_senses > best->entry.tagged_senses)) {
          best = Reading{c, lemma, std::move(*entry)};
        }
      }
      if (best) readings.push_back(std::move(*best));
    }
    if (readings.empty()) {
      // Not in WordNet ("moodtape"): still a theme word if it can be sung.
      field.theme_words.push_back(token);
      builder.Add(token, WordClass::kNoun, 1.0, "theme");
      continue;
    }
    std::stable_sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) {
      return a.entry.tagged_senses > b.entry.tagged_senses;
    });
    const std::string& main_lemma = readings.front().lemma;
    if (std::find(field.theme_words.begin(), field.theme_words.end(), main_lemma) ==
        field.theme_words.end()) {
      field.theme_words.push_back(main_lemma);
    }
    for (size_t r = 0; r < readings.size(); ++r) {
      const Reading& reading = readings[r];
      builder.Add(reading.lemma, reading.word_class, 1.0, "theme");
      // Secondary classes ("summer" as a verb) count for less than the main one.
      const double class_weight = r == 0 ? 1.0 : 0.8;
      // Senses never seen in the tagged corpus are rare readings ("love" as a tennis score, as
      // "have sex"); the first sense is always used.
      const size_t common = std::max<size_t>(1, static_cast<size_t>(reading.entry.tagged_senses));
      const size_t senses = std::min({kMaxSenses, common, reading.entry.synset_offsets.size()});
      for (size_t s = 0; s < senses; ++s) {
        const auto synset = db.Synset(reading.entry.synset_offsets[s], reading.word_class);
        if (!synset) continue;
        const double sense_weight = 1.0 / (1.0 + 0.25 * static_cast<double>(s));
        AddSense(db, *synset, reading.lemma, class_weight * sense_weight, builder);
        if (r == 0 && s == 0) AddSisters(db, *synset, builder);
      }
    }
  }
  field.words = builder.Take(max_words);
  return field;
}

}  // namespace moodtape::producer
