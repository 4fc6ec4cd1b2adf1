// Reading a JSON object field by field with the checks every request body and job payload needs,
// and one wording for every refusal ("field \"options.seed\" must be an unsigned 64-bit
// integer, not a string"), so the gateway's routes and the worker's payload parsers refuse the
// same things the same way and a person can act on the message.
//
//   auto object = ParseJsonObject(body);               // UTF-8, JSON, an object
//   if (!object.ok()) return object.error();
//   JsonFieldReader r(*object);
//   std::string text = r.String("text", {.max_chars = 2000, .trim = true});
//   int64_t length = r.Int("length", {.min = 3, .max = 50}, /*fallback=*/12);
//   if (auto done = r.Finish(); !done.ok()) return done.error();   // first error, or an unknown
//                                                                  // field
//
// Each getter records the first error and from then on returns its fallback, so parsing code
// reads straight down without an early return per field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"

namespace moodtape::platform {

// `text` as a JSON object. kInvalidArgument for: invalid UTF-8 (naming the field whose value
// holds the first bad byte when the parser got that far, and the byte offset), an empty body,
// text that is not JSON, JSON that is not an object. `what` names the text in messages
// ("request body", "message", "job payload").
Result<nlohmann::json> ParseJsonObject(std::string_view text,
                                       std::string_view what = "request body");

// "a string", "a number", "an array", "an object", "a boolean", "null".
std::string_view JsonTypeName(const nlohmann::json& value);

struct TextRule {
  bool required = true;
  bool trim = false;  // trim ASCII white space first (limits apply to the trimmed text)
  bool allow_empty = false;
  size_t max_chars = 0;  // code points; 0 = no limit
  size_t max_bytes = 0;  // 0 = no limit
};

struct IntRule {
  int64_t min = 0;
  int64_t max = INT64_MAX;
};

struct ListRule {
  size_t max_items = 0;  // 0 = no limit
  TextRule item;         // each element is a string checked with this rule (required is ignored)
};

class JsonFieldReader {
 public:
  // `object` must outlive the reader. `prefix` names the object in messages ("options.").
  explicit JsonFieldReader(const nlohmann::json& object, std::string prefix = "");

  bool Has(std::string_view name) const;

  // A string field; "" when absent and not required (or after an error). NUL characters are
  // refused: nothing downstream expects them and they hide text in logs.
  std::string String(std::string_view name, const TextRule& rule = {});
  // One of `allowed` (exact match); `fallback` when absent and not required.
  std::string OneOf(std::string_view name, const std::vector<std::string_view>& allowed,
                    bool required, std::string fallback = "");
  // An integer in [rule.min, rule.max]; `fallback` when absent or null.
  int64_t Int(std::string_view name, const IntRule& rule, int64_t fallback);
  // A required integer in range.
  int64_t RequiredInt(std::string_view name, const IntRule& rule);
  // An unsigned 64-bit integer (seeds); `fallback` when absent or null.
  uint64_t Uint64(std::string_view name, uint64_t fallback);
  // true/false; `fallback` when absent or null.
  bool Bool(std::string_view name, bool fallback);
  // An array of strings; empty when absent or null.
  std::vector<std::string> StringList(std::string_view name, const ListRule& rule);
  // A nested object's reader (its unknown keys are checked by its own Finish). nullopt when
  // absent or null, or after recording an error when it is not an object.
  std::optional<JsonFieldReader> Object(std::string_view name);
  // Marks a field as known without reading it (a field another layer handles).
  void Allow(std::string_view name);

  // Records an error found by the caller's own check (the reader keeps only the first).
  void Fail(std::string message);
  // Records a nested reader's outcome (its Finish()) as this reader's error, if any.
  void Take(const JsonFieldReader& nested);
  // "field \"<prefix><name>\"".
  std::string FieldName(std::string_view name) const;

  bool ok() const { return !error_.has_value(); }
  // An "unknown field" error for the first key no getter asked for (it often explains the other
  // errors: a typo is why a field is missing), else the first error recorded.
  Status Finish() const;

 private:
  // The field, or nullptr when absent/null (recording "required" or a type error naming `want`
  // when it is required).
  const nlohmann::json* Get(std::string_view name, bool required, std::string_view want);
  void WrongType(std::string_view name, std::string_view want, const nlohmann::json& got);
  std::optional<std::string> CheckText(std::string_view label, std::string value,
                                       const TextRule& rule);

  const nlohmann::json& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> known_;
  std::optional<Error> error_;
};

}  // namespace moodtape::platform
