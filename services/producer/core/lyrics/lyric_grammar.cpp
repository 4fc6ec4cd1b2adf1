#include "services/producer/core/lyrics/lyric_grammar.h"

#include <cctype>

namespace moodtape::producer::lyric {
namespace {

constexpr int kMaxDepth = 12;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitOn(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == separator) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// One token of an alternative: "{N*}," or "<lead>" or "night,".
bool ParseSymbol(std::string_view token, Symbol* symbol, std::string* error) {
  const char open = token.front();
  if (open != '{' && open != '<') {
    symbol->kind = Symbol::Kind::kWord;
    symbol->text = std::string(token);
    return true;
  }
  const char close = open == '{' ? '}' : '>';
  const size_t end = token.find(close);
  if (end == std::string_view::npos) {
    *error = "unclosed " + std::string(token);
    return false;
  }
  std::string_view name = token.substr(1, end - 1);
  symbol->suffix = std::string(token.substr(end + 1));
  if (open == '<') {
    for (char c : name) {
      if (!IsNameChar(c)) {
        *error = "bad rule name " + std::string(token);
        return false;
      }
    }
    symbol->kind = name == "title" ? Symbol::Kind::kTitle : Symbol::Kind::kRule;
    symbol->text = std::string(name);
    return true;
  }
  symbol->kind = Symbol::Kind::kSlot;
  if (!name.empty() && name.back() == '*') {
    symbol->internal_rhyme = true;
    name.remove_suffix(1);
  }
  if (!ParseSlotName(name, &symbol->slot)) {
    *error = "unknown slot " + std::string(token);
    return false;
  }
  return true;
}

}  // namespace

bool ParseSlotName(std::string_view name, Slot* slot) {
  static constexpr std::pair<std::string_view, Slot> kNames[] = {
      {"N", Slot::kNoun},      {"Ns", Slot::kNouns},      {"A", Slot::kAdj},
      {"V", Slot::kVerb},      {"Vs", Slot::kVerbS},      {"Vd", Slot::kVerbEd},
      {"Vi", Slot::kVerbIntr}, {"Vis", Slot::kVerbIntrS}, {"Vid", Slot::kVerbIntrEd},
      {"Vg", Slot::kVerbIng},  {"P", Slot::kPlace},       {"T", Slot::kTheme},
  };
  for (const auto& [n, s] : kNames) {
    if (n == name) {
      *slot = s;
      return true;
    }
  }
  return false;
}

bool Grammar::Add(std::string_view text, std::string* error) {
  // Join continuation lines (starting with '|') to the rule above them first.
  std::vector<std::string> statements;
  for (std::string_view raw : SplitOn(text, '\n')) {
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '|' && !statements.empty()) {
      statements.back() += " ";
      statements.back() += line;
    } else {
      statements.emplace_back(line);
    }
  }
  for (const std::string& statement : statements) {
    const size_t eq = statement.find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = "no '=' in: " + statement;
      return false;
    }
    const bool extend = statement[eq - 1] == '+';
    const std::string name(Trim(std::string_view(statement).substr(0, extend ? eq - 1 : eq)));
    for (char c : name) {
      if (!IsNameChar(c)) {
        *error = "bad rule name: " + name;
        return false;
      }
    }
    std::vector<std::vector<Symbol>> alternatives;
    for (std::string_view alt : SplitOn(std::string_view(statement).substr(eq + 1), '|')) {
      std::vector<Symbol> symbols;
      for (std::string_view token : SplitOn(Trim(alt), ' ')) {
        token = Trim(token);
        if (token.empty()) continue;
        Symbol symbol;
        if (!ParseSymbol(token, &symbol, error)) return false;
        symbols.push_back(std::move(symbol));
      }
      alternatives.push_back(std::move(symbols));
    }
    int index = Find(name);
    if (index < 0) {
      rules_.push_back(Rule{name, {}, {}, 0});
      index = static_cast<int>(rules_.size()) - 1;
    }
    auto& target = rules_[static_cast<size_t>(index)].alternatives;
    if (!extend) target.clear();
    for (auto& alt : alternatives) target.push_back(std::move(alt));
  }
  return true;
}

bool Grammar::Finish(std::string* error) {
  for (auto& rule : rules_) {
    for (auto& alt : rule.alternatives) {
      for (auto& symbol : alt) {
        if (symbol.kind != Symbol::Kind::kRule) continue;
        symbol.rule = Find(symbol.text);
        if (symbol.rule < 0) {
          *error = "rule " + rule.name + " refers to unknown <" + symbol.text + ">";
          return false;
        }
      }
    }
  }
  // End sets by fixpoint: a rule ends in whatever its alternatives' last symbols end in.
  for (auto& rule : rules_) rule.alternative_ends.assign(rule.alternatives.size(), 0);
  bool changed = true;
  for (int round = 0; changed && round < 64; ++round) {
    changed = false;
    for (auto& rule : rules_) {
      for (size_t a = 0; a < rule.alternatives.size(); ++a) {
        const auto& alt = rule.alternatives[a];
        const uint32_t ends = alt.empty() ? 0 : SymbolEnds(alt.back());
        if (ends != rule.alternative_ends[a]) {
          rule.alternative_ends[a] = ends;
          changed = true;
        }
        if ((rule.ends | ends) != rule.ends) {
          rule.ends |= ends;
          changed = true;
        }
      }
    }
  }
  return true;
}

uint32_t Grammar::SymbolEnds(const Symbol& symbol) const {
  switch (symbol.kind) {
    case Symbol::Kind::kSlot:
      return symbol.internal_rhyme ? 0 : 1u << static_cast<int>(symbol.slot);
    case Symbol::Kind::kRule:
      return symbol.rule >= 0 ? rules_[static_cast<size_t>(symbol.rule)].ends : 0;
    default:
      return 0;
  }
}

int Grammar::Find(std::string_view name) const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool Grammar::CanEnd(int rule, Slot slot) const {
  if (rule < 0) return false;
  return (rules_[static_cast<size_t>(rule)].ends >> static_cast<int>(slot)) & 1u;
}

bool Grammar::Expand(int rule, int end_slot, SongRandom& random, std::vector<Item>& out) const {
  out.clear();
  if (rule < 0 || static_cast<size_t>(rule) >= rules_.size()) return false;
  return ExpandRule(rule, end_slot, 0, random, out);
}

bool Grammar::ExpandRule(int rule, int end_slot, int depth, SongRandom& random,
                         std::vector<Item>& out) const {
  if (depth > kMaxDepth) return false;
  const Rule& r = rules_[static_cast<size_t>(rule)];
  if (r.alternatives.empty()) return end_slot < 0;
  size_t choice = 0;
  if (end_slot < 0) {
    choice = random.Index(r.alternatives.size());
  } else {
    // Pick uniformly among the alternatives able to end in the slot.
    size_t eligible = 0;
    for (uint32_t ends : r.alternative_ends) eligible += (ends >> end_slot) & 1u;
    if (eligible == 0) return false;
    size_t k = random.Index(eligible);
    for (size_t a = 0; a < r.alternatives.size(); ++a) {
      if (((r.alternative_ends[a] >> end_slot) & 1u) == 0) continue;
      if (k == 0) {
        choice = a;
        break;
      }
      --k;
    }
  }
  return ExpandSymbols(r.alternatives[choice], end_slot, depth, random, out);
}

bool Grammar::ExpandSymbols(const std::vector<Symbol>& symbols, int end_slot, int depth,
                            SongRandom& random, std::vector<Item>& out) const {
  for (size_t i = 0; i < symbols.size(); ++i) {
    const Symbol& symbol = symbols[i];
    const bool last = i + 1 == symbols.size();
    const int constraint = last ? end_slot : -1;
    switch (symbol.kind) {
      case Symbol::Kind::kWord:
        if (constraint >= 0) return false;
        out.push_back(Item{Symbol::Kind::kWord, symbol.text, Slot::kNoun, false, "", symbol.word});
        break;
      case Symbol::Kind::kTitle:
        if (constraint >= 0) return false;
        out.push_back(Item{Symbol::Kind::kTitle, "", Slot::kNoun, false, symbol.suffix, -1});
        break;
      case Symbol::Kind::kSlot:
        if (constraint >= 0 &&
            (symbol.internal_rhyme || static_cast<int>(symbol.slot) != constraint)) {
          return false;
        }
        out.push_back(
            Item{Symbol::Kind::kSlot, "", symbol.slot, symbol.internal_rhyme, symbol.suffix, -1});
        break;
      case Symbol::Kind::kRule: {
        const size_t before = out.size();
        if (!ExpandRule(symbol.rule, constraint, depth + 1, random, out)) return false;
        if (!symbol.suffix.empty() && out.size() > before) out.back().suffix += symbol.suffix;
        break;
      }
    }
  }
  return true;
}

}  // namespace moodtape::producer::lyric
