#include "services/producer/core/lyrics/lyric_lexicon.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <utility>

namespace moodtape::producer::lyric {
namespace {

bool IsVowelLetter(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// consonant-vowel-consonant at the end ("run", "stop", "begin"): the final consonant may
// double before -ing/-ed; the dictionary decides between "running" and "opening".
bool EndsConsonantVowelConsonant(std::string_view w) {
  if (w.size() < 3) return false;
  const char c3 = w[w.size() - 1], v = w[w.size() - 2], c1 = w[w.size() - 3];
  return !IsVowelLetter(c3) && c3 != 'w' && c3 != 'x' && c3 != 'y' && IsVowelLetter(v) &&
         !IsVowelLetter(c1);
}

bool EndsConsonantY(std::string_view w) {
  return w.size() >= 2 && w.back() == 'y' && !IsVowelLetter(w[w.size() - 2]);
}

bool EndsSibilant(std::string_view w) {
  return EndsWith(w, "s") || EndsWith(w, "x") || EndsWith(w, "z") || EndsWith(w, "ch") ||
         EndsWith(w, "sh");
}

std::string Cat(std::string_view a, std::string_view b) {
  std::string s(a);
  s += b;
  return s;
}

std::string_view Lookup(std::string_view word,
                        const std::vector<std::pair<std::string_view, std::string_view>>& table) {
  for (const auto& [from, to] : table) {
    if (from == word) return to;
  }
  return {};
}

const std::vector<std::pair<std::string_view, std::string_view>>& IrregularPlurals() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTable = {
      {"man", "men"},         {"woman", "women"},       {"child", "children"},
      {"foot", "feet"},       {"tooth", "teeth"},       {"mouse", "mice"},
      {"person", "people"},   {"life", "lives"},        {"knife", "knives"},
      {"wife", "wives"},      {"wolf", "wolves"},       {"leaf", "leaves"},
      {"thief", "thieves"},   {"shelf", "shelves"},     {"half", "halves"},
      {"calf", "calves"},     {"self", "selves"},       {"loaf", "loaves"},
      {"sheep", "sheep"},     {"fish", "fish"},         {"deer", "deer"},
      {"money", "monies"},    {"hero", "heroes"},       {"echo", "echoes"},
      {"potato", "potatoes"}, {"tornado", "tornadoes"}, {"volcano", "volcanoes"},
  };
  return kTable;
}

const std::vector<std::pair<std::string_view, std::string_view>>& IrregularPasts() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTable = {
      {"be", "was"},
      {"have", "had"},
      {"do", "did"},
      {"go", "went"},
      {"come", "came"},
      {"become", "became"},
      {"break", "broke"},
      {"take", "took"},
      {"shake", "shook"},
      {"ride", "rode"},
      {"drive", "drove"},
      {"rise", "rose"},
      {"arise", "arose"},
      {"write", "wrote"},
      {"run", "ran"},
      {"fall", "fell"},
      {"feel", "felt"},
      {"hold", "held"},
      {"lose", "lost"},
      {"find", "found"},
      {"bind", "bound"},
      {"grind", "ground"},
      {"wind", "wound"},
      {"make", "made"},
      {"leave", "left"},
      {"keep", "kept"},
      {"sleep", "slept"},
      {"sweep", "swept"},
      {"weep", "wept"},
      {"creep", "crept"},
      {"bring", "brought"},
      {"buy", "bought"},
      {"catch", "caught"},
      {"fight", "fought"},
      {"seek", "sought"},
      {"teach", "taught"},
      {"think", "thought"},
      {"tell", "told"},
      {"sell", "sold"},
      {"sing", "sang"},
      {"ring", "rang"},
      {"drink", "drank"},
      {"sink", "sank"},
      {"swim", "swam"},
      {"begin", "began"},
      {"shine", "shone"},
      {"steal", "stole"},
      {"speak", "spoke"},
      {"wake", "woke"},
      {"freeze", "froze"},
      {"choose", "chose"},
      {"give", "gave"},
      {"forgive", "forgave"},
      {"get", "got"},
      {"forget", "forgot"},
      {"shoot", "shot"},
      {"hit", "hit"},
      {"cut", "cut"},
      {"let", "let"},
      {"put", "put"},
      {"set", "set"},
      {"shut", "shut"},
      {"spread", "spread"},
      {"burst", "burst"},
      {"hurt", "hurt"},
      {"cost", "cost"},
      {"quit", "quit"},
      {"bleed", "bled"},
      {"feed", "fed"},
      {"lead", "led"},
      {"meet", "met"},
      {"read", "read"},
      {"send", "sent"},
      {"spend", "spent"},
      {"build", "built"},
      {"bend", "bent"},
      {"lend", "lent"},
      {"light", "lit"},
      {"sit", "sat"},
      {"win", "won"},
      {"spin", "spun"},
      {"swing", "swung"},
      {"hang", "hung"},
      {"dig", "dug"},
      {"stick", "stuck"},
      {"strike", "struck"},
      {"sting", "stung"},
      {"fly", "flew"},
      {"grow", "grew"},
      {"know", "knew"},
      {"throw", "threw"},
      {"blow", "blew"},
      {"draw", "drew"},
      {"see", "saw"},
      {"say", "said"},
      {"pay", "paid"},
      {"lay", "laid"},
      {"stand", "stood"},
      {"understand", "understood"},
      {"hear", "heard"},
      {"bite", "bit"},
      {"hide", "hid"},
      {"slide", "slid"},
      {"tear", "tore"},
      {"wear", "wore"},
      {"swear", "swore"},
      {"bear", "bore"},
      {"eat", "ate"},
      {"beat", "beat"},
      {"awake", "awoke"},
      {"slay", "slew"},
      {"cling", "clung"},
      {"fling", "flung"},
      {"spit", "spat"},
      {"dream", "dreamed"},
      {"lie", "lay"},
      {"mean", "meant"},
      {"deal", "dealt"},
      {"kneel", "knelt"},
      {"shed", "shed"},
      {"split", "split"},
      {"slit", "slit"},
      {"thrust", "thrust"},
      {"forsake", "forsook"},
      {"withstand", "withstood"},
      {"overcome", "overcame"},
      {"undo", "undid"},
      {"outrun", "outran"},
  };
  return kTable;
}

const std::vector<std::pair<std::string_view, std::string_view>>& IrregularThirdPersons() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTable = {
      {"be", "is"}, {"have", "has"}, {"do", "does"}, {"go", "goes"}, {"undo", "undoes"},
  };
  return kTable;
}

}  // namespace

std::vector<std::string> PluralCandidates(std::string_view noun) {
  if (auto irregular = Lookup(noun, IrregularPlurals()); !irregular.empty()) {
    return {std::string(irregular)};
  }
  std::vector<std::string> out;
  if (EndsSibilant(noun)) {
    out.push_back(Cat(noun, "es"));
  } else if (EndsConsonantY(noun)) {
    out.push_back(Cat(noun.substr(0, noun.size() - 1), "ies"));
  } else if (EndsWith(noun, "fe")) {
    out.push_back(Cat(noun.substr(0, noun.size() - 2), "ves"));
    out.push_back(Cat(noun, "s"));
  } else if (EndsWith(noun, "f") && !EndsWith(noun, "ff")) {
    out.push_back(Cat(noun, "s"));
    out.push_back(Cat(noun.substr(0, noun.size() - 1), "ves"));
  } else if (EndsWith(noun, "o") && noun.size() > 1 && !IsVowelLetter(noun[noun.size() - 2])) {
    out.push_back(Cat(noun, "s"));
    out.push_back(Cat(noun, "es"));
  } else {
    out.push_back(Cat(noun, "s"));
  }
  return out;
}

std::vector<std::string> ThirdPersonCandidates(std::string_view verb) {
  if (auto irregular = Lookup(verb, IrregularThirdPersons()); !irregular.empty()) {
    return {std::string(irregular)};
  }
  if (EndsSibilant(verb) || EndsWith(verb, "o")) return {Cat(verb, "es")};
  if (EndsConsonantY(verb)) return {Cat(verb.substr(0, verb.size() - 1), "ies")};
  return {Cat(verb, "s")};
}

std::vector<std::string> GerundCandidates(std::string_view verb) {
  if (verb == "be") return {"being"};
  std::vector<std::string> out;
  if (EndsWith(verb, "ie")) {
    out.push_back(Cat(verb.substr(0, verb.size() - 2), "ying"));
  } else if (EndsWith(verb, "e") && !EndsWith(verb, "ee") && !EndsWith(verb, "ye") &&
             !EndsWith(verb, "oe") && verb.size() > 2) {
    out.push_back(Cat(verb.substr(0, verb.size() - 1), "ing"));
  } else if (EndsConsonantVowelConsonant(verb)) {
    out.push_back(Cat(verb, std::string(1, verb.back()) + "ing"));
  }
  out.push_back(Cat(verb, "ing"));
  return out;
}

std::vector<std::string> PastCandidates(std::string_view verb) {
  if (auto irregular = Lookup(verb, IrregularPasts()); !irregular.empty()) {
    return {std::string(irregular)};
  }
  std::vector<std::string> out;
  if (EndsWith(verb, "e")) {
    out.push_back(Cat(verb, "d"));
  } else if (EndsConsonantY(verb)) {
    out.push_back(Cat(verb.substr(0, verb.size() - 1), "ied"));
  } else {
    if (EndsConsonantVowelConsonant(verb)) {
      out.push_back(Cat(verb, std::string(1, verb.back()) + "ed"));
    }
    out.push_back(Cat(verb, "ed"));
  }
  return out;
}

bool IsWeakFunctionWord(std::string_view w) {
  static constexpr std::string_view kWeak[] = {
      "a",     "an",      "the",   "and",  "or",    "but",   "nor",    "of",     "to",   "in",
      "on",    "at",      "by",    "for",  "from",  "with",  "as",     "is",     "am",   "are",
      "was",   "were",    "be",    "been", "it",    "its",   "it's",   "i",      "i'm",  "i'll",
      "i've",  "i'd",     "me",    "my",   "you",   "your",  "you're", "you'll", "we",   "we're",
      "we'll", "us",      "our",   "he",   "him",   "his",   "she",    "her",    "they", "they're",
      "them",  "their",   "that",  "this", "than",  "then",  "so",     "if",     "do",   "does",
      "did",   "can",     "could", "will", "would", "shall", "should", "has",    "have", "had",
      "like",  "through", "till",  "when",
  };
  return std::find(std::begin(kWeak), std::end(kWeak), w) != std::end(kWeak);
}

std::string BareWord(std::string_view printed) {
  size_t b = 0, e = printed.size();
  auto keep = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  while (b < e && !keep(printed[b])) ++b;
  while (e > b && !keep(printed[e - 1])) --e;
  std::string out;
  out.reserve(e - b);
  for (size_t i = b; i < e; ++i) {
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(printed[i]))));
  }
  return out;
}

uint8_t VowelId(std::string_view phone) {
  static constexpr std::array<std::string_view, 16> kVowels = {"AA", "AE", "AH", "AO", "AW", "AY",
                                                               "EH", "ER", "EY", "IH", "IY", "OW",
                                                               "OY", "UH", "UW", "AX"};
  for (size_t i = 0; i < kVowels.size(); ++i) {
    if (kVowels[i] == phone) return i == 15 ? 3 : static_cast<uint8_t>(i + 1);  // AX == AH
  }
  return IsVowelPhone(phone) ? 31 : 0;
}

WordSound MakeWordSound(const PronouncingDictionary& dictionary, std::string_view lower_word) {
  WordSound w;
  w.text = std::string(lower_word);
  w.pronunciation = dictionary.Pronounce(lower_word);
  w.syllables = w.pronunciation.SyllableCount();
  w.function_word = w.syllables <= 1 && IsWeakFunctionWord(lower_word);
  for (const auto& syllable : w.pronunciation.syllables) {
    w.stress.push_back(w.function_word ? 0 : static_cast<uint8_t>(syllable.stress));
    uint8_t vowel = 0;
    for (const auto& phone : syllable.phones) {
      if (uint8_t id = VowelId(phone); id != 0) vowel = id;
    }
    w.vowels.push_back(vowel);
  }
  w.rhyme_key = RhymeKey(w.pronunciation);
  if (!w.pronunciation.syllables.empty() && !w.pronunciation.syllables[0].phones.empty()) {
    w.vowel_initial = VowelId(w.pronunciation.syllables[0].phones[0]) != 0;
  }
  return w;
}

int WordTable::Intern(std::string_view lower_word) {
  if (int id = Find(lower_word); id >= 0) return id;
  const int id = size();
  words_.push_back(MakeWordSound(dictionary_, lower_word));
  index_.emplace(std::string(lower_word), id);
  return id;
}

int WordTable::Find(std::string_view lower_word) const {
  if (base_) {
    if (int id = base_->Find(lower_word); id >= 0) return id;
  }
  auto it = index_.find(std::string(lower_word));
  return it == index_.end() ? -1 : it->second;
}

std::string StripPunctuation(std::string_view printed) {
  size_t b = 0, e = printed.size();
  auto keep = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  while (b < e && !keep(printed[b])) ++b;
  while (e > b && !keep(printed[e - 1])) --e;
  return std::string(printed.substr(b, e - b));
}

LyricWord MakeLyricWord(std::string_view printed, const WordSound& sound) {
  LyricWord word;
  word.text = StripPunctuation(printed);
  std::vector<std::string> pieces = SplitSyllables(word.text, sound.syllables);
  if (static_cast<int>(pieces.size()) != sound.syllables && sound.syllables > 1) {
    // Split evenly by letters when the hyphenation cannot give that many pieces: the composer
    // sings one note per syllable, so the pieces must match the count.
    pieces.clear();
    const size_t n = static_cast<size_t>(sound.syllables);
    const size_t len = word.text.size();
    for (size_t k = 0; k < n; ++k) {
      const size_t from = k * len / n, to = (k + 1) * len / n;
      pieces.push_back(word.text.substr(from, to - from));
    }
  }
  for (size_t k = 0; k < pieces.size(); ++k) {
    word.syllables.push_back(
        LyricSyllable{pieces[k], k < sound.stress.size() ? sound.stress[k] : 0});
  }
  return word;
}

LyricLine MakeLyricLine(const std::vector<std::string>& printed,
                        const PronouncingDictionary& dictionary, char rhyme) {
  LyricLine line;
  line.rhyme = rhyme;
  for (const auto& p : printed) {
    if (!line.text.empty()) line.text.push_back(' ');
    line.text += p;
    line.words.push_back(MakeLyricWord(p, MakeWordSound(dictionary, BareWord(p))));
  }
  if (!printed.empty()) {
    line.rhyme_sound = RhymeKey(dictionary.Pronounce(BareWord(printed.back())));
  }
  return line;
}

}  // namespace moodtape::producer::lyric
