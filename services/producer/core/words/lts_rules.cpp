#include "services/producer/core/words/lts_rules.h"

#include <map>
#include <optional>

#include "services/producer/core/words/phonetics_phones.h"

namespace moodtape::producer {

using platform::ErrorCode;
using platform::MakeError;

// A recursive-descent reader for the one Scheme shape the rules file uses: a quoted list of
// (letter tree) pairs, where a tree is ((feature is value) yes no) or ((dist... class)).
class LtsParser {
 public:
  LtsParser(std::string_view text, LtsRules& rules) : text_(text), rules_(rules) {}

  platform::Status Run() {
    const size_t start = text_.find("cmu_lts_rules");
    if (start == std::string_view::npos) return Fail("no cmu_lts_rules definition");
    pos_ = text_.find("'(", start);
    if (pos_ == std::string_view::npos) return Fail("no rule list");
    pos_ += 2;
    rules_.roots_.fill(-1);
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size()) return Fail("unterminated rule list");
      if (text_[pos_] == ')') break;
      if (!Consume('(')) return Fail("expected a letter's tree");
      const std::string_view letter = Atom();
      if (letter.size() != 1 || letter[0] < 'a' || letter[0] > 'z') {
        return Fail("unexpected letter " + std::string(letter));
      }
      rules_.roots_[static_cast<size_t>(letter[0] - 'a')] =
          static_cast<int32_t>(rules_.nodes_.size());
      if (!Tree(0)) return Fail(error_);
      if (!Consume(')')) return Fail("expected the end of a letter's tree");
    }
    rules_.nodes_.shrink_to_fit();
    return platform::Status::Ok();
  }

 private:
  static constexpr int kMaxDepth = 2000;

  platform::Status Fail(const std::string& why) const {
    return MakeError(ErrorCode::kInternal,
                     "cmu_lts_rules: " + why + " near byte " + std::to_string(pos_));
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool Peek(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }

  std::string_view Atom() {
    SkipSpace();
    const size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '(' || c == ')' || c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ';') {
        break;
      }
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  bool Error(std::string why) {
    error_ = std::move(why);
    return false;
  }

  // "p.p.name" -> -2, "n.name" -> +1.
  static std::optional<int8_t> FeatureOffset(std::string_view feature) {
    int offset = 0;
    while (feature.size() > 2 && feature[1] == '.' && (feature[0] == 'p' || feature[0] == 'n')) {
      offset += feature[0] == 'p' ? -1 : 1;
      feature.remove_prefix(2);
    }
    if (feature != "name" || offset == 0 || offset < -8 || offset > 8) return std::nullopt;
    return static_cast<int8_t>(offset);
  }

  std::optional<uint16_t> Output(std::string_view name) {
    const auto found = output_ids_.find(name);
    if (found != output_ids_.end()) return found->second;
    std::vector<LtsRules::Phone> phones;
    if (name != "_epsilon_") {
      size_t start = 0;
      while (start <= name.size()) {
        size_t dash = name.find('-', start);
        if (dash == std::string_view::npos) dash = name.size();
        const std::string_view piece = name.substr(start, dash - start);
        const auto id = phones::Parse(piece);
        if (!id) return std::nullopt;
        LtsRules::Phone phone{*id, 0};
        if (phones::IsVowel(*id) && !piece.empty() && piece.back() >= '1' && piece.back() <= '2') {
          phone.stress = 1;
        }
        phones.push_back(phone);
        start = dash + 1;
      }
    }
    if (rules_.outputs_.size() >= 0xFFFF) return std::nullopt;
    const auto id = static_cast<uint16_t>(rules_.outputs_.size());
    rules_.outputs_.push_back(std::move(phones));
    output_ids_.emplace(std::string(name), id);
    return id;
  }

  bool Tree(int depth) {
    if (depth > kMaxDepth) return Error("tree too deep");
    if (!Consume('(') || !Consume('(')) return Error("expected a tree");
    if (Peek('(')) {
      // A leaf: (probability pairs... class).
      std::string_view cls;
      while (true) {
        if (Consume('(')) {
          Atom();
          Atom();
          if (!Consume(')')) return Error("bad probability pair");
          continue;
        }
        cls = Atom();
        break;
      }
      if (cls.empty() || !Consume(')') || !Consume(')')) return Error("bad leaf");
      const auto output = Output(cls);
      if (!output) return Error("unknown phone in " + std::string(cls));
      LtsRules::Node leaf;
      leaf.output = *output;
      rules_.nodes_.push_back(leaf);
      return true;
    }
    const auto offset = FeatureOffset(Atom());
    if (!offset) return Error("unknown feature");
    if (Atom() != "is") return Error("expected 'is'");
    const std::string_view value = Atom();
    if (value.size() != 1 || !Consume(')')) return Error("bad question");
    const size_t index = rules_.nodes_.size();
    LtsRules::Node node;
    node.offset = *offset;
    node.value = value[0];
    rules_.nodes_.push_back(node);
    if (!Tree(depth + 1)) return false;
    rules_.nodes_[index].no = static_cast<uint32_t>(rules_.nodes_.size());
    if (!Tree(depth + 1)) return false;
    if (!Consume(')')) return Error("expected the end of a question node");
    return true;
  }

  std::string_view text_;
  LtsRules& rules_;
  size_t pos_ = 0;
  std::string error_;
  std::map<std::string, uint16_t, std::less<>> output_ids_;
};

platform::Result<LtsRules> LtsRules::Parse(std::string_view text) {
  LtsRules rules;
  rules.nodes_.reserve(60000);
  LtsParser parser(text, rules);
  const platform::Status status = parser.Run();
  if (!status.ok()) return status.error();
  return rules;
}

std::vector<LtsRules::Phone> LtsRules::Predict(std::string_view word) const {
  std::vector<Phone> result;
  for (const auto& letter : PredictLetters(word)) {
    result.insert(result.end(), letter.begin(), letter.end());
  }
  return result;
}

std::vector<std::vector<LtsRules::Phone>> LtsRules::PredictLetters(std::string_view word) const {
  // The trees see the word between '#' marks, and '0' beyond them.
  std::string padded = "#";
  for (char c : word) {
    if (c >= 'a' && c <= 'z') padded.push_back(c);
  }
  padded.push_back('#');
  const int size = static_cast<int>(padded.size());

  std::vector<std::vector<Phone>> result;
  for (int i = 1; i + 1 < size; ++i) {
    const char letter = padded[static_cast<size_t>(i)];
    const int32_t root = roots_[static_cast<size_t>(letter - 'a')];
    if (root < 0) {
      // The rules have no tree for 'q' (it is always followed by a 'u' the 'u' tree reads as W).
      result.push_back({{phones::kK, 0}});
      continue;
    }
    uint32_t n = static_cast<uint32_t>(root);
    while (nodes_[n].offset != 0) {
      const Node& node = nodes_[n];
      const int at = i + node.offset;
      const char seen = at < 0 || at >= size ? '0' : padded[static_cast<size_t>(at)];
      n = seen == node.value ? n + 1 : node.no;
    }
    result.push_back(outputs_[nodes_[n].output]);
  }
  return result;
}

size_t LtsRules::MemoryBytes() const {
  size_t bytes = nodes_.capacity() * sizeof(Node);
  for (const auto& o : outputs_) bytes += sizeof(o) + o.capacity() * sizeof(Phone);
  return bytes;
}

}  // namespace moodtape::producer
