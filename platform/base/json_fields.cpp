#include "platform/base/json_fields.h"

#include <algorithm>

#include "platform/base/text.h"

namespace moodtape::platform {

using nlohmann::json;

namespace {

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

// The top-level key whose value holds byte `bad`: the parser stops there, so the last key it
// reported before that byte is the field to name.
std::string KeyHoldingByte(std::string_view text, size_t bad) {
  std::string last_key;
  auto track = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth == 1 && event == json::parse_event_t::key && parsed.is_string()) {
      last_key = parsed.get<std::string>();
    }
    return true;
  };
  json partial = json::parse(text.substr(0, bad + 1), track, /*allow_exceptions=*/false);
  (void)partial;  // only the keys seen before the bad byte matter
  return last_key;
}

}  // namespace

Result<json> ParseJsonObject(std::string_view text, std::string_view what) {
  const std::string name(what);
  if (auto bad = FirstInvalidUtf8(text)) {
    const std::string where = " (byte " + std::to_string(*bad) + ")";
    const std::string key = KeyHoldingByte(text, *bad);
    if (!key.empty()) return Invalid("field \"" + key + "\" is not valid UTF-8" + where);
    return Invalid(name + " is not valid UTF-8" + where);
  }
  if (TrimWhitespace(text).empty()) return Invalid(name + " is empty; expected a JSON object");
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Invalid(name + " is not valid JSON");
  if (!doc.is_object()) return Invalid(name + " must be a JSON object");
  return doc;
}

std::string_view JsonTypeName(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "a string";
}

JsonFieldReader::JsonFieldReader(const json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string JsonFieldReader::FieldName(std::string_view name) const {
  return "field \"" + prefix_ + std::string(name) + "\"";
}

bool JsonFieldReader::Has(std::string_view name) const {
  auto it = object_.find(name);
  return it != object_.end() && !it->is_null();
}

void JsonFieldReader::Fail(std::string message) {
  if (!error_) error_ = Invalid(std::move(message));
}

void JsonFieldReader::Take(const JsonFieldReader& nested) {
  Status done = nested.Finish();
  if (!done.ok() && !error_) error_ = done.error();
}

void JsonFieldReader::Allow(std::string_view name) { known_.emplace(name); }

const json* JsonFieldReader::Get(std::string_view name, bool required, std::string_view want) {
  known_.emplace(name);
  if (error_) return nullptr;
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    // An explicit null is "not given" for optional fields and a type error for required ones.
    if (required) {
      if (it == object_.end()) {
        Fail(FieldName(name) + " is required");
      } else {
        WrongType(name, want, *it);
      }
    }
    return nullptr;
  }
  return &*it;
}

void JsonFieldReader::WrongType(std::string_view name, std::string_view want, const json& got) {
  Fail(FieldName(name) + " must be " + std::string(want) + ", not " +
       std::string(JsonTypeName(got)));
}

std::optional<std::string> JsonFieldReader::CheckText(std::string_view label, std::string value,
                                                      const TextRule& rule) {
  if (rule.trim) value = std::string(TrimWhitespace(value));
  if (value.find('\0') != std::string::npos) {
    Fail(std::string(label) + " must not contain NUL characters");
    return std::nullopt;
  }
  if (value.empty() && !rule.allow_empty) {
    Fail(std::string(label) + " must not be empty");
    return std::nullopt;
  }
  if (rule.max_chars > 0 && CountCodePoints(value) > rule.max_chars) {
    Fail(std::string(label) + " is longer than " + std::to_string(rule.max_chars) + " characters");
    return std::nullopt;
  }
  if (rule.max_bytes > 0 && value.size() > rule.max_bytes) {
    Fail(std::string(label) + " is longer than " + std::to_string(rule.max_bytes) + " bytes");
    return std::nullopt;
  }
  return value;
}

std::string JsonFieldReader::String(std::string_view name, const TextRule& rule) {
  const json* v = Get(name, rule.required, "a string");
  if (!v) return "";
  if (!v->is_string()) {
    WrongType(name, "a string", *v);
    return "";
  }
  return CheckText(FieldName(name), v->get<std::string>(), rule).value_or("");
}

std::string JsonFieldReader::OneOf(std::string_view name,
                                   const std::vector<std::string_view>& allowed, bool required,
                                   std::string fallback) {
  const json* v = Get(name, required, "a string");
  if (!v) return fallback;
  if (!v->is_string()) {
    WrongType(name, "a string", *v);
    return fallback;
  }
  const std::string value = v->get<std::string>();
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    std::string all;
    for (auto a : allowed) all += (all.empty() ? "" : ", ") + std::string(a);
    Fail(FieldName(name) + " must be one of: " + all);
    return fallback;
  }
  return value;
}

int64_t JsonFieldReader::Int(std::string_view name, const IntRule& rule, int64_t fallback) {
  const json* v = Get(name, /*required=*/false, "an integer");
  if (!v) return fallback;
  if (!v->is_number_integer()) {
    WrongType(name, "an integer", *v);
    return fallback;
  }
  // An unsigned value above INT64_MAX is out of every range we use.
  const bool in_range = v->is_number_unsigned()
                            ? v->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX) &&
                                  v->get<int64_t>() >= rule.min && v->get<int64_t>() <= rule.max
                            : v->get<int64_t>() >= rule.min && v->get<int64_t>() <= rule.max;
  if (!in_range) {
    Fail(FieldName(name) + " must be an integer from " + std::to_string(rule.min) + " to " +
         std::to_string(rule.max));
    return fallback;
  }
  return v->get<int64_t>();
}

int64_t JsonFieldReader::RequiredInt(std::string_view name, const IntRule& rule) {
  if (!error_ && !Has(name)) {
    known_.emplace(name);
    auto it = object_.find(name);
    if (it == object_.end()) {
      Fail(FieldName(name) + " is required");
    } else {
      WrongType(name, "an integer", *it);
    }
    return rule.min;
  }
  return Int(name, rule, rule.min);
}

uint64_t JsonFieldReader::Uint64(std::string_view name, uint64_t fallback) {
  const json* v = Get(name, /*required=*/false, "an integer");
  if (!v) return fallback;
  if (!v->is_number_integer() || (!v->is_number_unsigned() && v->get<int64_t>() < 0)) {
    Fail(FieldName(name) + " must be an integer from 0 to 18446744073709551615" +
         (v->is_number_integer() ? "" : ", not " + std::string(JsonTypeName(*v))));
    return fallback;
  }
  return v->get<uint64_t>();
}

bool JsonFieldReader::Bool(std::string_view name, bool fallback) {
  const json* v = Get(name, /*required=*/false, "true or false");
  if (!v) return fallback;
  if (!v->is_boolean()) {
    WrongType(name, "true or false", *v);
    return fallback;
  }
  return v->get<bool>();
}

std::vector<std::string> JsonFieldReader::StringList(std::string_view name, const ListRule& rule) {
  std::vector<std::string> out;
  const json* v = Get(name, /*required=*/false, "an array of strings");
  if (!v) return out;
  if (!v->is_array()) {
    WrongType(name, "an array of strings", *v);
    return out;
  }
  if (rule.max_items > 0 && v->size() > rule.max_items) {
    Fail(FieldName(name) + " has " + std::to_string(v->size()) + " elements; at most " +
         std::to_string(rule.max_items) + " are allowed");
    return {};
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const std::string label = FieldName(name) + " element " + std::to_string(i);
    if (!(*v)[i].is_string()) {
      Fail(label + " must be a string, not " + std::string(JsonTypeName((*v)[i])));
      return {};
    }
    auto item = CheckText(label, (*v)[i].get<std::string>(), rule.item);
    if (!item) return {};
    out.push_back(std::move(*item));
  }
  return out;
}

std::optional<JsonFieldReader> JsonFieldReader::Object(std::string_view name) {
  const json* v = Get(name, /*required=*/false, "an object");
  if (!v) return std::nullopt;
  if (!v->is_object()) {
    WrongType(name, "an object", *v);
    return std::nullopt;
  }
  return JsonFieldReader(*v, prefix_ + std::string(name) + ".");
}

Status JsonFieldReader::Finish() const {
  // An unknown field first: it often explains another error ("pasword" is why "password" is
  // missing).
  for (const auto& item : object_.items()) {
    if (!known_.count(item.key())) {
      return Invalid("unknown field \"" + prefix_ + item.key() + "\"");
    }
  }
  if (error_) return *error_;
  return Status::Ok();
}

}  // namespace moodtape::platform
