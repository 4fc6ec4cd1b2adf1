#include "platform/observability/trace.h"

#include <random>

namespace moodtape::platform {
namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

std::string RandomHex(size_t bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  uint64_t pool = 0;
  for (size_t i = 0; i < bytes; ++i) {
    if (i % 8 == 0) pool = rng();
    auto b = static_cast<unsigned>(pool & 0xff);
    pool >>= 8;
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

std::string NewRequestId() { return RandomHex(16); }

std::string SanitizeRequestId(std::string_view incoming) {
  if (incoming.empty() || incoming.size() > 128) return NewRequestId();
  for (char c : incoming) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return NewRequestId();
  }
  return std::string(incoming);
}

std::string TraceContext::ToTraceparent() const {
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

TraceContext TraceContext::Child() const { return TraceContext{trace_id, RandomHex(8), sampled}; }

std::optional<TraceContext> ParseTraceparent(std::string_view h) {
  // version(2) - trace-id(32) - parent-id(16) - flags(2)
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  std::string_view version = h.substr(0, 2), trace = h.substr(3, 32), span = h.substr(36, 16),
                   flags = h.substr(53, 2);
  if (!IsLowerHex(version) || version == "ff" || !IsLowerHex(trace) || !IsLowerHex(span) ||
      !IsLowerHex(flags) || AllZero(trace) || AllZero(span)) {
    return std::nullopt;
  }
  // Version 00 has exactly 55 characters; later versions may append fields after a '-'.
  if (version == "00" && h.size() != 55) return std::nullopt;
  if (h.size() > 55 && h[55] != '-') return std::nullopt;
  int flag_bits = std::stoi(std::string(flags), nullptr, 16);
  return TraceContext{std::string(trace), std::string(span), (flag_bits & 1) != 0};
}

TraceContext ContinueOrStartTrace(std::string_view incoming) {
  if (auto parent = ParseTraceparent(incoming)) return parent->Child();
  return TraceContext{RandomHex(16), RandomHex(8), true};
}

}  // namespace moodtape::platform
