// The lyric writer's phrase banks: per genre, the words of the genre's world by class and a
// grammar of line templates (lyric_grammar.h) that gives its attitude. All written for this
// project. A genre's bank is used together with the common bank (general words and shared
// rules), and the theme's words fill the same slots.
#pragma once

#include <string_view>

#include "services/producer/core/genre.h"

namespace moodtape::producer {

struct PhraseBank {
  // Space-separated words in base form; the writer derives plurals, -s, -ing and past forms
  // and keeps only those the pronouncing dictionary knows.
  std::string_view nouns;         // singular nouns
  std::string_view adjectives;    // attributive and predicative ("cold", "wild")
  std::string_view verbs;         // transitive: "I {V} the {N}"
  std::string_view intransitive;  // "we {Vi} all night"
  std::string_view places;        // nouns that read well after "in the", "through the"
  std::string_view grammar;       // rules, see lyric_grammar.h
};

const PhraseBank& CommonPhraseBank();
const PhraseBank& PhraseBankOf(Genre genre);

// One per genre (phrase_bank_<genre>.cpp).
const PhraseBank& RapPhraseBank();
const PhraseBank& MetalPhraseBank();
const PhraseBank& DiscoPoloPhraseBank();
const PhraseBank& PopPhraseBank();
const PhraseBank& SynthwavePhraseBank();
const PhraseBank& BluesPhraseBank();
const PhraseBank& PunkPhraseBank();

}  // namespace moodtape::producer
