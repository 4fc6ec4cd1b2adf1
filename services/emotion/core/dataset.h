// Readers for the data sets under data/ (see data/*/README.md). Every reader returns raw text;
// normalisation happens in one place (text.h) when the examples are used.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"
#include "services/emotion/core/labels.h"

namespace moodtape::emotion {

struct LabelledText {
  std::string text;
  Emotion label = Emotion::kNeutral;
};

// Valence and arousal scaled from EmoBank's 1..5 to [-1, 1]: (x - 3) / 2.
struct ScoredText {
  std::string text;
  double valence = 0.0;
  double arousal = 0.0;
};

// RFC 4180-style records (double-quoted fields, "" escapes, quoted newlines) split on `delimiter`.
platform::Result<std::vector<std::vector<std::string>>> ReadDelimitedFile(const std::string& path,
                                                                          char delimiter);

enum class CsvKind { kTextEmotion, kEmoBank };
// Looks at the header: "sentiment" + "content" columns -> text_emotion; "V" + "A" + "text" ->
// EmoBank. Anything else is kInvalidArgument naming the columns expected.
platform::Result<CsvKind> DetectCsvKind(const std::string& path);

// text_emotion CSV (header with `sentiment` and `content`). An unknown label is an error that
// names the line.
platform::Result<std::vector<LabelledText>> ReadTextEmotionCsv(const std::string& path);
// EmoBank CSV (header with `V`, `A` and `text`; scores on 1..5).
platform::Result<std::vector<ScoredText>> ReadEmoBankCsv(const std::string& path);

// GoEmotions TSV (text, comma-separated label ids, id; no header) mapped to the 13 labels.
// Only rows with exactly one GoEmotions label that has a counterpart are kept; the mapping is
// GoEmotionsCounterpart(). `emotions_txt` lists the 28 GoEmotions names, one per line.
platform::Result<std::vector<LabelledText>> ReadGoEmotionsTsv(const std::string& tsv_path,
                                                              const std::string& emotions_txt);
// GoEmotions name -> one of the 13 labels, or nullopt when there is no honest counterpart.
std::optional<Emotion> GoEmotionsCounterpart(std::string_view goemotions_name);

}  // namespace moodtape::emotion
