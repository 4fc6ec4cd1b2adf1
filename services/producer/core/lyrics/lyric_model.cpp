#include "services/producer/core/lyrics/lyric_model.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer::lyric {
namespace {

std::vector<std::string_view> Words(std::string_view list) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\n')) ++i;
    size_t j = i;
    while (j < list.size() && list[j] != ' ' && list[j] != '\n') ++j;
    if (j > i) out.push_back(list.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string FirstKnown(const PronouncingDictionary& dictionary,
                       const std::vector<std::string>& candidates) {
  for (const auto& c : candidates) {
    if (dictionary.Contains(c)) return c;
  }
  return {};
}

// Adds a bank's words and their forms to `pools` and `known`.
void AddBank(const PhraseBank& bank, WordTable& words, Pools& pools,
             std::unordered_map<int, uint32_t>& known) {
  const auto& dictionary = words.dictionary();
  auto add = [&](std::string_view text, Slot slot) {
    if (text.empty()) return;
    const int id = words.Intern(text);
    const int syllables = words[id].syllables;
    if (syllables <= 0) return;
    if (!pools.Contains(slot, id, syllables)) pools.Add(slot, id, syllables);
    known[id] |= 1u << static_cast<int>(slot);
  };
  auto add_form = [&](const std::vector<std::string>& candidates, Slot slot) {
    add(FirstKnown(dictionary, candidates), slot);
  };
  for (auto w : Words(bank.nouns)) {
    add(w, Slot::kNoun);
    add_form(PluralCandidates(w), Slot::kNouns);
  }
  for (auto w : Words(bank.places)) add(w, Slot::kPlace);
  for (auto w : Words(bank.adjectives)) add(w, Slot::kAdj);
  for (auto w : Words(bank.verbs)) {
    add(w, Slot::kVerb);
    add_form(ThirdPersonCandidates(w), Slot::kVerbS);
    add_form(PastCandidates(w), Slot::kVerbEd);
    add_form(GerundCandidates(w), Slot::kVerbIng);
  }
  for (auto w : Words(bank.intransitive)) {
    add(w, Slot::kVerbIntr);
    add_form(ThirdPersonCandidates(w), Slot::kVerbIntrS);
    add_form(PastCandidates(w), Slot::kVerbIntrEd);
    add_form(GerundCandidates(w), Slot::kVerbIng);
  }
}

void IndexRhymes(const Pools& pools, Source source, const WordTable& words,
                 std::map<std::string, std::vector<Member>>& rhymes) {
  for (int s = 0; s < kSlotCount; ++s) {
    const Slot slot = static_cast<Slot>(s);
    if (slot == Slot::kTheme) continue;
    for (int syllables = 1; syllables <= 4; ++syllables) {
      for (int id : pools.Get(slot, syllables)) {
        const std::string& key = words[id].rhyme_key;
        if (key.empty()) continue;
        auto& members = rhymes[key];
        bool present = false;
        for (const auto& m : members) present = present || (m.word == id && m.slot == slot);
        if (!present) members.push_back(Member{id, slot, source});
      }
    }
  }
}

bool ParseGenreGrammar(Genre genre, Grammar& grammar, std::string* error) {
  if (!grammar.Add(CommonPhraseBank().grammar, error)) return false;
  if (!grammar.Add(PhraseBankOf(genre).grammar, error)) return false;
  return grammar.Finish(error);
}

// Literal words of the grammar, so lines never pronounce a word while a song is written.
void InternLiterals(Grammar& grammar, WordTable& words) {
  for (auto& rule : grammar.mutable_rules()) {
    for (auto& alt : rule.alternatives) {
      for (auto& symbol : alt) {
        if (symbol.kind == Symbol::Kind::kWord) symbol.word = words.Intern(BareWord(symbol.text));
      }
    }
  }
}

}  // namespace

void Pools::Add(Slot slot, int id, int syllables) {
  const int s = std::clamp(syllables, 1, 4);
  pools_[static_cast<size_t>(slot)][static_cast<size_t>(s)].push_back(id);
}

const std::vector<int>& Pools::Get(Slot slot, int syllables) const {
  static const std::vector<int> kEmpty;
  if (syllables < 1) return kEmpty;
  const int s = std::min(syllables, 4);
  return pools_[static_cast<size_t>(slot)][static_cast<size_t>(s)];
}

bool Pools::Contains(Slot slot, int id, int syllables) const {
  const auto& p = Get(slot, syllables);
  return std::find(p.begin(), p.end(), id) != p.end();
}

std::shared_ptr<const Model> BuildModel(const PronouncingDictionary& dictionary) {
  auto model = std::make_shared<Model>(dictionary);
  AddBank(CommonPhraseBank(), model->words, model->common, model->known_slots);
  for (const auto& info : AllGenres()) {
    GenreModel& g = model->genres[static_cast<size_t>(info.genre)];
    g.genre = info.genre;
    AddBank(PhraseBankOf(info.genre), model->words, g.pools, model->known_slots);
  }
  for (const auto& info : AllGenres()) {
    GenreModel& g = model->genres[static_cast<size_t>(info.genre)];
    if (!ParseGenreGrammar(info.genre, g.grammar, &g.error)) continue;
    InternLiterals(g.grammar, model->words);
    g.roots.verse = g.grammar.Find("verse");
    g.roots.verse_first = g.grammar.Find("verse_first");
    g.roots.pre = g.grammar.Find("pre");
    g.roots.chorus_first = g.grammar.Find("chorus_first");
    g.roots.chorus = g.grammar.Find("chorus");
    g.roots.bridge = g.grammar.Find("bridge");
    g.roots.answer = g.grammar.Find("answer");
    g.roots.title = g.grammar.Find("title");
    g.roots.pad = g.grammar.Find("pad");
    if (g.roots.verse < 0) g.error = "no verse rule";
    if (g.roots.title < 0) g.error = "no title rule";
    IndexRhymes(g.pools, Source::kGenre, model->words, g.rhymes);
    IndexRhymes(model->common, Source::kCommon, model->words, g.rhymes);
  }
  return model;
}

std::string CheckGrammar(Genre genre) {
  Grammar grammar;
  std::string error;
  if (!ParseGenreGrammar(genre, grammar, &error)) return error;
  for (const char* root : {"verse", "title", "chorus"}) {
    if (grammar.Find(root) < 0 && !(genre == Genre::kBlues && std::string_view(root) == "chorus")) {
      return std::string("missing rule ") + root;
    }
  }
  return {};
}

std::vector<std::string> UnknownBankWords(const PronouncingDictionary& dictionary) {
  std::set<std::string> unknown;
  std::vector<const PhraseBank*> banks = {&CommonPhraseBank()};
  for (const auto& info : AllGenres()) banks.push_back(&PhraseBankOf(info.genre));
  for (const PhraseBank* bank : banks) {
    for (std::string_view list :
         {bank->nouns, bank->adjectives, bank->verbs, bank->intransitive, bank->places}) {
      for (auto w : Words(list)) {
        if (!dictionary.Contains(w)) unknown.emplace(w);
      }
    }
  }
  for (const auto& info : AllGenres()) {
    Grammar grammar;
    std::string error;
    if (!ParseGenreGrammar(info.genre, grammar, &error)) continue;
    for (const auto& rule : grammar.rules()) {
      for (const auto& alt : rule.alternatives) {
        for (const auto& symbol : alt) {
          if (symbol.kind != Symbol::Kind::kWord) continue;
          // Contractions are not entries; the dictionary pronounces them from their parts.
          const std::string bare = BareWord(symbol.text);
          if (!dictionary.Contains(bare) && !dictionary.Pronounce(bare).from_dictionary) {
            unknown.insert(bare);
          }
        }
      }
    }
  }
  return {unknown.begin(), unknown.end()};
}

}  // namespace moodtape::producer::lyric
