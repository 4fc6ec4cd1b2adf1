// Festival's letter-to-sound rules for the CMU lexicon (cmu_lts_rules.scm): one CART tree per
// letter that looks at up to three letters either side and predicts the letter's phones (none,
// one, or joined ones such as "y-uw1"), vowels with the stress the tree learned from the
// dictionary. Held as a flat array of 8-byte nodes, parsed once at load.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::producer {

class LtsRules {
 public:
  struct Phone {
    uint8_t id = 0;      // phonetics_phones.h id
    uint8_t stress = 0;  // 0 or 1 for vowels, 0 for consonants
  };

  // Parses the text of cmu_lts_rules.scm; kInternal when it is not the expected tree list.
  static platform::Result<LtsRules> Parse(std::string_view text);

  // The phones for a lower-case word of the letters a-z (other characters are skipped).
  std::vector<Phone> Predict(std::string_view word) const;
  // The same, letter by letter: one (possibly empty) phone list per a-z letter of `word`.
  std::vector<std::vector<Phone>> PredictLetters(std::string_view word) const;

  size_t node_count() const { return nodes_.size(); }
  size_t MemoryBytes() const;

 private:
  // A question "is the letter at `offset` from this one `value`?" with the yes branch stored
  // right after it, or a leaf (offset 0) naming one of outputs_.
  struct Node {
    int8_t offset = 0;
    char value = 0;
    uint16_t output = 0;
    uint32_t no = 0;
  };

  friend class LtsParser;

  std::vector<Node> nodes_;
  std::vector<std::vector<Phone>> outputs_;
  std::array<int32_t, 26> roots_{};  // node index of each letter's tree, -1 when it has none
};

}  // namespace moodtape::producer
