#include "services/gateway/core/mood_requests.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "services/gateway/core/account_requests.h"

namespace moodtape::gateway {

using nlohmann::json;
using platform::ErrorCode;
using platform::MakeError;
using platform::Result;

namespace {

platform::Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const char* JsonTypeName(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "a string";
}

std::string Field(std::string_view name) { return "field \"" + std::string(name) + "\""; }

platform::Error WrongType(std::string_view name, std::string_view want, const json& got) {
  return Invalid(Field(name) + " must be " + std::string(want) + ", not " + JsonTypeName(got));
}

size_t CodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Result<json> ParseJsonObject(std::string_view body, std::string_view what) {
  size_t bad = 0;
  if (!IsValidUtf8(body, &bad)) {
    return Invalid(std::string(what) + " is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  }
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Invalid(std::string(what) + " is not valid JSON");
  if (!j.is_object()) return Invalid(std::string(what) + " must be a JSON object");
  return j;
}

Result<std::vector<std::string>> StringList(std::string_view name, const json& v) {
  if (!v.is_array()) return WrongType(name, "an array of strings", v);
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      return Invalid(Field(name) + " must be an array of strings; element " + std::to_string(i) +
                     " is " + JsonTypeName(v[i]));
    }
    std::string s(Trim(v[i].get<std::string>()));
    if (s.empty()) {
      return Invalid(Field(name) + " element " + std::to_string(i) + " is empty");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<MoodOptions> ParseOptions(const json& v) {
  if (!v.is_object()) return WrongType("options", "an object", v);
  MoodOptions o;
  for (const auto& [key, value] : v.items()) {
    std::string name = "options." + key;
    if (key == "include_genres" || key == "exclude_genres") {
      auto list = StringList(name, value);
      if (!list.ok()) return list.error();
      (key == "include_genres" ? o.include_genres : o.exclude_genres) = std::move(*list);
    } else if (key == "max_tracks_per_artist") {
      if (!value.is_number_integer()) return WrongType(name, "an integer", value);
      if (value.is_number_unsigned()) {
        if (value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
          return Invalid(Field(name) + " is too large");
        }
        o.max_tracks_per_artist = static_cast<int64_t>(value.get<uint64_t>());
      } else {
        int64_t n = value.get<int64_t>();
        if (n < 0) return Invalid(Field(name) + " must be >= 0");
        if (n > std::numeric_limits<int32_t>::max()) return Invalid(Field(name) + " is too large");
        o.max_tracks_per_artist = n;
      }
    } else if (key == "allow_explicit") {
      if (!value.is_boolean()) return WrongType(name, "a boolean", value);
      o.allow_explicit = value.get<bool>();
    } else if (key == "seed") {
      if (!value.is_number_integer()) return WrongType(name, "an unsigned 64-bit integer", value);
      if (!value.is_number_unsigned()) return Invalid(Field(name) + " must be >= 0");
      o.seed = value.get<uint64_t>();
    } else {
      return Invalid("unknown field \"" + name + "\"");
    }
  }
  return o;
}

}  // namespace

std::string_view EmotionNameForValue(int value) {
  if (value < 1 || value > static_cast<int>(kEmotionNames.size())) return "";
  return kEmotionNames[static_cast<size_t>(value - 1)];
}

Result<MoodRequest> ParseMoodRequest(std::string_view body) {
  auto parsed = ParseJsonObject(body, "the request body");
  if (!parsed.ok()) return parsed.error();
  const json& j = *parsed;
  MoodRequest r;
  bool has_text = false;
  bool has_emotion = false;
  for (const auto& [key, value] : j.items()) {
    if (key == "text") {
      if (!value.is_string()) return WrongType(key, "a string", value);
      r.text = std::string(Trim(value.get<std::string>()));
      if (r.text.empty()) return Invalid(Field(key) + " must not be empty");
      if (CodePoints(r.text) > kMaxMoodTextChars) {
        return Invalid(Field(key) + " is longer than " + std::to_string(kMaxMoodTextChars) +
                       " characters");
      }
      has_text = true;
    } else if (key == "desired_emotion") {
      if (!value.is_string()) return WrongType(key, "a string", value);
      std::string e = value.get<std::string>();
      if (std::find(kEmotionNames.begin(), kEmotionNames.end(), e) == kEmotionNames.end()) {
        std::string all;
        for (auto n : kEmotionNames) all += (all.empty() ? "" : ", ") + std::string(n);
        return Invalid(Field(key) + " must be one of: " + all);
      }
      r.desired_emotion = std::move(e);
      has_emotion = true;
    } else if (key == "length") {
      if (!value.is_number_integer()) return WrongType(key, "an integer", value);
      bool in_range = value.is_number_unsigned()
                          ? value.get<uint64_t>() <= static_cast<uint64_t>(kMaxPlaylistLength) &&
                                value.get<uint64_t>() >= static_cast<uint64_t>(kMinPlaylistLength)
                          : value.get<int64_t>() >= kMinPlaylistLength &&
                                value.get<int64_t>() <= kMaxPlaylistLength;
      if (!in_range) {
        return Invalid(Field(key) + " must be between " + std::to_string(kMinPlaylistLength) +
                       " and " + std::to_string(kMaxPlaylistLength));
      }
      r.length = static_cast<int>(value.get<int64_t>());
    } else if (key == "options") {
      auto options = ParseOptions(value);
      if (!options.ok()) return options.error();
      r.options = std::move(*options);
    } else {
      return Invalid("unknown field \"" + key + "\"");
    }
  }
  if (!has_text) return Invalid(Field("text") + " is required");
  if (!has_emotion) return Invalid(Field("desired_emotion") + " is required");
  return r;
}

std::string MoodJobPayload(const MoodRequest& request, std::string_view request_id) {
  json options = {{"include_genres", request.options.include_genres},
                  {"exclude_genres", request.options.exclude_genres},
                  {"max_tracks_per_artist", request.options.max_tracks_per_artist},
                  {"allow_explicit", request.options.allow_explicit},
                  {"seed", request.options.seed}};
  return json{{"text", request.text},
              {"desired_emotion", request.desired_emotion},
              {"length", request.length},
              {"options", std::move(options)},
              {"request_id", std::string(request_id)}}
      .dump();
}

Result<std::string> ParseIdempotencyKey(std::string_view header) {
  if (header.empty()) return std::string();
  if (header.size() > kMaxIdempotencyKeyBytes) {
    return Invalid("header Idempotency-Key is longer than " +
                   std::to_string(kMaxIdempotencyKeyBytes) + " bytes");
  }
  for (char c : header) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) {
      return Invalid("header Idempotency-Key must be printable ASCII");
    }
  }
  if (Trim(header).size() != header.size()) {
    return Invalid("header Idempotency-Key must not start or end with a space");
  }
  return std::string(header);
}

Result<int> ParseLimit(const std::optional<std::string>& value, int fallback, int min, int max) {
  if (!value) return fallback;
  const std::string& s = *value;
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < min || n > max) {
    return Invalid("query parameter \"limit\" must be an integer between " + std::to_string(min) +
                   " and " + std::to_string(max));
  }
  return n;
}

bool LooksLikeJobId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

int64_t RetryAfterSeconds(int64_t remaining_ms) {
  if (remaining_ms <= 0) return 1;
  return std::max<int64_t>(1, (remaining_ms + 999) / 1000);
}

namespace {

// A stored JSON text as a value; `fallback` when it is empty or not JSON.
json ParsedOr(const std::string& text, json fallback) {
  if (text.empty()) return fallback;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? fallback : j;
}

json AttemptJson(const platform::JobAttempt& a) {
  return {{"attempt", a.attempt},
          {"series", a.series},
          {"started_at_ms", a.started_ms},
          {"finished_at_ms", a.finished_ms},
          {"code", a.code},
          {"error", a.error},
          {"worker", a.worker}};
}

}  // namespace

json JobJson(const platform::JobRecord& job) {
  json j = {{"job_id", job.id},
            {"state", std::string(platform::JobStateName(job.state))},
            {"stage", job.stage},
            {"attempts", job.attempts},
            {"enqueued_at_ms", job.enqueued_ms},
            {"finished_at_ms", job.finished_ms}};
  if (!job.error.empty()) j["error"] = job.error;
  if (!job.result.empty()) {
    json result = ParsedOr(job.result, json());
    if (!result.is_null()) j["result"] = std::move(result);
  }
  return j;
}

json DeadLetterJson(const platform::DeadLetter& letter) {
  json history = json::array();
  for (const auto& a : letter.history) history.push_back(AttemptJson(a));
  return {{"job_id", letter.job_id},
          {"type", letter.type},
          {"owner", letter.owner},
          {"error", letter.error},
          {"error_code", letter.error_code},
          {"state", std::string(platform::JobStateName(letter.state))},
          {"attempts", letter.attempts},
          {"history", std::move(history)},
          {"payload", ParsedOr(letter.payload, json())},
          {"enqueued_at_ms", letter.enqueued_ms},
          {"failed_at_ms", letter.failed_ms}};
}

Result<ClientFrame> ParseClientFrame(std::string_view text) {
  auto parsed = ParseJsonObject(text, "the message");
  if (!parsed.ok()) return parsed.error();
  const json& j = *parsed;
  ClientFrame frame;
  bool has_type = false;
  bool has_job = false;
  for (const auto& [key, value] : j.items()) {
    if (key == "type") {
      if (!value.is_string()) return WrongType(key, "a string", value);
      std::string type = value.get<std::string>();
      if (type == "subscribe") {
        frame.type = ClientFrameType::kSubscribe;
      } else if (type == "unsubscribe") {
        frame.type = ClientFrameType::kUnsubscribe;
      } else {
        return Invalid(Field(key) + " must be \"subscribe\" or \"unsubscribe\"");
      }
      has_type = true;
    } else if (key == "job_id") {
      if (!value.is_string()) return WrongType(key, "a string", value);
      frame.job_id = value.get<std::string>();
      if (frame.job_id.empty()) return Invalid(Field(key) + " must not be empty");
      if (frame.job_id.size() > 128) return Invalid(Field(key) + " is too long");
      has_job = true;
    } else {
      return Invalid("unknown field \"" + key + "\"");
    }
  }
  if (!has_type) return Invalid(Field("type") + " is required");
  if (!has_job) return Invalid(Field("job_id") + " is required");
  return frame;
}

std::string SnapshotFrame(const platform::JobRecord& job) {
  json j = {{"type", "snapshot"},
            {"job_id", job.id},
            {"seq", job.seq},
            {"state", std::string(platform::JobStateName(job.state))},
            {"stage", job.stage}};
  if (!job.result.empty()) {
    json result = ParsedOr(job.result, json());
    if (!result.is_null()) j["result"] = std::move(result);
  }
  if (!job.error.empty()) j["error"] = job.error;
  return j.dump();
}

std::string EventFrame(const platform::JobEvent& event) {
  return json{{"type", "event"},      {"job_id", event.job_id},
              {"seq", event.seq},     {"stage", event.stage},
              {"state", event.state}, {"data", ParsedOr(event.data, json::object())}}
      .dump();
}

std::string ErrorFrame(std::string_view job_id, std::string_view code, std::string_view message) {
  json j = {{"type", "error"}, {"code", std::string(code)}, {"message", std::string(message)}};
  if (!job_id.empty()) j["job_id"] = std::string(job_id);
  return j.dump();
}

}  // namespace moodtape::gateway
