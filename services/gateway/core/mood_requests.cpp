#include "services/gateway/core/mood_requests.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "platform/base/json_fields.h"
#include "platform/base/text.h"

namespace moodtape::gateway {

using nlohmann::json;
using platform::ErrorCode;
using platform::MakeError;
using platform::Result;

namespace {

platform::Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

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
  if (platform::TrimWhitespace(header).size() != header.size()) {
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
  auto parsed = platform::ParseJsonObject(text, "the message");
  if (!parsed.ok()) return parsed.error();
  platform::JsonFieldReader r(*parsed);
  ClientFrame frame;
  const std::string type = r.OneOf("type", {"subscribe", "unsubscribe"}, /*required=*/true);
  frame.type = type == "unsubscribe" ? ClientFrameType::kUnsubscribe : ClientFrameType::kSubscribe;
  frame.job_id = r.String("job_id", {.max_bytes = 128});
  if (auto done = r.Finish(); !done.ok()) return done.error();
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
