#include "services/emotion/core/dataset.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace moodtape::emotion {
namespace {

using platform::ErrorCode;
using platform::MakeError;
using platform::Result;

Result<std::string> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Column(const std::vector<std::string>& header, std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::optional<double> ParseDouble(const std::string& s) {
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

Result<std::vector<std::vector<std::string>>> ReadDelimitedFile(const std::string& path,
                                                                char delimiter) {
  auto content = Slurp(path);
  if (!content) return content.error();
  const std::string& s = *content;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false;
  bool field_started = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
    } else if (c == delimiter) {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (in_quotes) {
    return MakeError(ErrorCode::kInvalidArgument, path + ": a quoted field is never closed");
  }
  if (field_started || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<CsvKind> DetectCsvKind(const std::string& path) {
  auto rows = ReadDelimitedFile(path, ',');
  if (!rows) return rows.error();
  if (rows->empty()) return MakeError(ErrorCode::kInvalidArgument, path + " is empty");
  const auto& h = rows->front();
  if (Column(h, "sentiment") >= 0 && Column(h, "content") >= 0) return CsvKind::kTextEmotion;
  if (Column(h, "V") >= 0 && Column(h, "A") >= 0 && Column(h, "text") >= 0)
    return CsvKind::kEmoBank;
  return MakeError(ErrorCode::kInvalidArgument,
                   path +
                       ": header must have columns sentiment,content (text_emotion) or "
                       "V,A,text (EmoBank)");
}

Result<std::vector<LabelledText>> ReadTextEmotionCsv(const std::string& path) {
  auto rows = ReadDelimitedFile(path, ',');
  if (!rows) return rows.error();
  if (rows->empty()) return MakeError(ErrorCode::kInvalidArgument, path + " is empty");
  const int label_col = Column(rows->front(), "sentiment");
  const int text_col = Column(rows->front(), "content");
  if (label_col < 0 || text_col < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     path + ": header needs the columns sentiment and content");
  }
  std::vector<LabelledText> out;
  out.reserve(rows->size());
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    if (row.size() <= static_cast<size_t>(std::max(label_col, text_col))) {
      return MakeError(ErrorCode::kInvalidArgument,
                       path + ": record " + std::to_string(r + 1) + " has too few fields");
    }
    const auto label = ParseEmotion(row[static_cast<size_t>(label_col)]);
    if (!label) {
      return MakeError(ErrorCode::kInvalidArgument, path + ": record " + std::to_string(r + 1) +
                                                        " has unknown label '" +
                                                        row[static_cast<size_t>(label_col)] + "'");
    }
    out.push_back({row[static_cast<size_t>(text_col)], *label});
  }
  return out;
}

Result<std::vector<ScoredText>> ReadEmoBankCsv(const std::string& path) {
  auto rows = ReadDelimitedFile(path, ',');
  if (!rows) return rows.error();
  if (rows->empty()) return MakeError(ErrorCode::kInvalidArgument, path + " is empty");
  const int v_col = Column(rows->front(), "V");
  const int a_col = Column(rows->front(), "A");
  const int text_col = Column(rows->front(), "text");
  if (v_col < 0 || a_col < 0 || text_col < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     path + ": header needs the columns V, A and text");
  }
  const size_t need = static_cast<size_t>(std::max({v_col, a_col, text_col}));
  std::vector<ScoredText> out;
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    if (row.size() == 1 && row[0].empty()) continue;
    if (row.size() <= need) {
      return MakeError(ErrorCode::kInvalidArgument,
                       path + ": record " + std::to_string(r + 1) + " has too few fields");
    }
    const auto v = ParseDouble(row[static_cast<size_t>(v_col)]);
    const auto a = ParseDouble(row[static_cast<size_t>(a_col)]);
    if (!v || !a || *v < 1 || *v > 5 || *a < 1 || *a > 5) {
      return MakeError(ErrorCode::kInvalidArgument,
                       path + ": record " + std::to_string(r + 1) + " needs V and A in 1..5");
    }
    out.push_back({row[static_cast<size_t>(text_col)], (*v - 3.0) / 2.0, (*a - 3.0) / 2.0});
  }
  return out;
}

std::optional<Emotion> GoEmotionsCounterpart(std::string_view name) {
  // Only labels whose meaning matches a text_emotion label closely. boredom and empty have
  // no counterpart; broad positive labels (admiration, approval, gratitude, optimism...) are
  // left out because they would blur happiness/love/enthusiasm.
  static const std::map<std::string_view, Emotion> kMap = {
      {"anger", Emotion::kAnger},   {"annoyance", Emotion::kAnger},
      {"disgust", Emotion::kHate},  {"excitement", Emotion::kEnthusiasm},
      {"amusement", Emotion::kFun}, {"joy", Emotion::kHappiness},
      {"love", Emotion::kLove},     {"neutral", Emotion::kNeutral},
      {"relief", Emotion::kRelief}, {"sadness", Emotion::kSadness},
      {"grief", Emotion::kSadness}, {"surprise", Emotion::kSurprise},
      {"fear", Emotion::kWorry},    {"nervousness", Emotion::kWorry},
  };
  const auto it = kMap.find(name);
  if (it == kMap.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<LabelledText>> ReadGoEmotionsTsv(const std::string& tsv_path,
                                                    const std::string& emotions_txt) {
  auto names_text = Slurp(emotions_txt);
  if (!names_text) return names_text.error();
  std::vector<std::string> names;
  std::istringstream ns(*names_text);
  for (std::string line; std::getline(ns, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  auto rows = ReadDelimitedFile(tsv_path, '\t');
  if (!rows) return rows.error();
  std::vector<LabelledText> out;
  for (size_t r = 0; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    if (row.size() < 2) continue;
    const std::string& ids = row[1];
    if (ids.find(',') != std::string::npos) continue;  // multi-label: ambiguous, skip
    int id = -1;
    const auto [p, ec] = std::from_chars(ids.data(), ids.data() + ids.size(), id);
    if (ec != std::errc() || id < 0 || static_cast<size_t>(id) >= names.size()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       tsv_path + ": record " + std::to_string(r + 1) + " has a bad label id");
    }
    if (const auto e = GoEmotionsCounterpart(names[static_cast<size_t>(id)])) {
      out.push_back({row[0], *e});
    }
  }
  return out;
}

}  // namespace moodtape::emotion
