// The line grammar of the lyric writer: named rules whose alternatives are sequences of literal
// words, word slots and references to other rules. Written as text in the phrase banks:
//
//   # a comment
//   verse = <lead> we {V} the {A} {N} | the {N} {Vis} in the {P}
//         | I keep {Vg}, {Vg} through the {N}
//   lead += oh, | and now |          (+= adds alternatives; an empty alternative is allowed)
//
// Slots: {N} noun, {Ns} plural noun, {A} adjective, {V} transitive verb, {Vs} its -s form,
// {Vd} its past, {Vi} intransitive verb, {Vis}, {Vid}, {Vg} any verb's -ing form, {P} place
// noun, {T} the theme's own noun. A '*' ({N*}) marks the rap line's internal rhyme: the slot
// takes a word that rhymes with the line's end. <title> is the song's hook phrase (the title).
// Punctuation may follow a slot or a reference ("{N},", "<title>!").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/producer/core/random.h"

namespace moodtape::producer::lyric {

enum class Slot : uint8_t {
  kNoun,
  kNouns,
  kAdj,
  kVerb,
  kVerbS,
  kVerbEd,
  kVerbIntr,
  kVerbIntrS,
  kVerbIntrEd,
  kVerbIng,
  kPlace,
  kTheme,
};
inline constexpr int kSlotCount = 12;

struct Symbol {
  enum class Kind : uint8_t { kWord, kSlot, kRule, kTitle };
  Kind kind = Kind::kWord;
  std::string text;  // kWord: the word as printed ("I'm", "night,"); kRule: the rule's name
  int rule = -1;     // kRule: index into Grammar::rules
  Slot slot = Slot::kNoun;
  bool internal_rhyme = false;
  std::string suffix;  // punctuation after a slot, rule or title
  int word = -1;       // kWord: the word's id in the writer's word table, once interned
};

struct Rule {
  std::string name;
  std::vector<std::vector<Symbol>> alternatives;
  // Which slots the last symbol of each alternative can end in (bit per Slot), for expanding
  // a line backwards from an end word already chosen.
  std::vector<uint32_t> alternative_ends;
  uint32_t ends = 0;
};

// One item of an expanded line: a literal word, a slot still to fill, or the title.
struct Item {
  Symbol::Kind kind = Symbol::Kind::kWord;  // never kRule
  std::string text;                         // kWord: as printed, without the suffix
  Slot slot = Slot::kNoun;
  bool internal_rhyme = false;
  std::string suffix;
  int word = -1;  // kWord: as Symbol::word
};

class Grammar {
 public:
  // Adds the rules of `text` (later definitions with '=' replace a rule, '+=' extend it).
  // Returns false and a message for a malformed line or an unknown rule reference (checked by
  // Finish).
  bool Add(std::string_view text, std::string* error);
  // Resolves references and computes the end sets; call once after the last Add.
  bool Finish(std::string* error);

  int Find(std::string_view name) const;  // -1 when missing
  const std::vector<Rule>& rules() const { return rules_; }
  std::vector<Rule>& mutable_rules() { return rules_; }  // to set Symbol::word

  // Expands `rule` into items. With `end_slot` >= 0 the last item is a slot of that kind (only
  // alternatives that can end so are taken); false when no alternative can. Bounded depth.
  bool Expand(int rule, int end_slot, SongRandom& random, std::vector<Item>& out) const;
  // Whether `rule` can end in `slot`.
  bool CanEnd(int rule, Slot slot) const;

 private:
  bool ExpandSymbols(const std::vector<Symbol>& symbols, int end_slot, int depth,
                     SongRandom& random, std::vector<Item>& out) const;
  bool ExpandRule(int rule, int end_slot, int depth, SongRandom& random,
                  std::vector<Item>& out) const;
  uint32_t SymbolEnds(const Symbol& symbol) const;

  std::vector<Rule> rules_;
};

// "N" -> kNoun ... ; false for an unknown name.
bool ParseSlotName(std::string_view name, Slot* slot);

}  // namespace moodtape::producer::lyric
