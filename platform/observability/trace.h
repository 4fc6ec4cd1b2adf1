// Request ids and W3C Trace Context (traceparent) — the two things every hop passes on so one
// user action can be followed through the gateway, the queue and every service's log.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moodtape::platform {

// Header / metadata names (gRPC metadata keys are lower case).
inline constexpr std::string_view kRequestIdKey = "x-request-id";
inline constexpr std::string_view kTraceparentKey = "traceparent";

// A new random request id: 32 lower-case hex characters.
std::string NewRequestId();

// Accepts a caller's request id only if it is 1..128 characters of [A-Za-z0-9._:-]; anything
// else (log injection, huge values) is replaced by a fresh id.
std::string SanitizeRequestId(std::string_view incoming);

struct TraceContext {
  std::string trace_id;  // 32 hex
  std::string span_id;   // 16 hex: the span of the current hop
  bool sampled = true;

  // "00-<trace_id>-<span_id>-01"
  std::string ToTraceparent() const;
  // A child span in the same trace, for an outgoing call.
  TraceContext Child() const;
};

// Parses a traceparent header (version 00 rules; all-zero ids are invalid).
std::optional<TraceContext> ParseTraceparent(std::string_view header);

// Continues the caller's trace with a new span, or starts a new trace when the header is absent
// or invalid.
TraceContext ContinueOrStartTrace(std::string_view incoming_traceparent);

// Random lower-case hex of `bytes` bytes from a per-thread generator seeded from the OS.
std::string RandomHex(size_t bytes);

}  // namespace moodtape::platform
