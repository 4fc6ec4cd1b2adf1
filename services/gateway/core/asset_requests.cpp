#include "services/gateway/core/asset_requests.h"

#include <charconv>

#include "platform/base/text.h"

namespace moodtape::gateway {
namespace {

std::optional<int64_t> Number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

bool LooksLikeAssetId(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

RangeDecision DecideRange(std::string_view header, int64_t size) {
  RangeDecision none;
  header = platform::TrimWhitespace(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() <= kUnit.size() ||
      platform::ToLowerAscii(header.substr(0, kUnit.size())) != kUnit) {
    return none;
  }
  const std::string_view spec = platform::TrimWhitespace(header.substr(kUnit.size()));
  // Several ranges (multipart/byteranges) are allowed to be ignored; players ask for one.
  if (spec.find(',') != std::string_view::npos) return none;
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return none;
  const std::string_view first = platform::TrimWhitespace(spec.substr(0, dash));
  const std::string_view last = platform::TrimWhitespace(spec.substr(dash + 1));
  RangeDecision d;
  if (first.empty()) {
    // A suffix: the last N bytes.
    auto n = Number(last);
    if (!n) return none;
    if (*n == 0 || size == 0) return {RangeKind::kUnsatisfiable, {}};
    const int64_t length = std::min(*n, size);
    return {RangeKind::kSatisfiable, {size - length, length}};
  }
  auto start = Number(first);
  if (!start) return none;
  std::optional<int64_t> end;
  if (!last.empty()) {
    end = Number(last);
    if (!end || *end < *start) return none;
  }
  if (*start >= size) return {RangeKind::kUnsatisfiable, {}};
  const int64_t stop = end ? std::min(*end, size - 1) : size - 1;
  return {RangeKind::kSatisfiable, {*start, stop - *start + 1}};
}

std::string ContentRange(const ByteRange& range, int64_t size) {
  return "bytes " + std::to_string(range.start) + "-" +
         std::to_string(range.start + range.length - 1) + "/" + std::to_string(size);
}

std::string UnsatisfiedContentRange(int64_t size) { return "bytes */" + std::to_string(size); }

std::string AssetETag(std::string_view asset_id) { return "\"" + std::string(asset_id) + "\""; }

bool MatchesIfNoneMatch(std::string_view if_none_match, std::string_view etag) {
  if_none_match = platform::TrimWhitespace(if_none_match);
  if (if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  while (!if_none_match.empty()) {
    const size_t comma = if_none_match.find(',');
    std::string_view tag = platform::TrimWhitespace(if_none_match.substr(0, comma));
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);  // weak comparison for GET
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

std::string DownloadName(std::string_view asset_id, std::string_view media_type,
                         std::string_view stem) {
  std::string ext = "bin";
  if (media_type == "audio/ogg") ext = "ogg";
  if (media_type == "audio/mpeg") ext = "mp3";
  if (media_type == "audio/midi") ext = "mid";
  if (media_type == "image/png") ext = "png";
  if (media_type.rfind("text/plain", 0) == 0) ext = "lrc";
  std::string base;
  for (char c : stem) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (safe) base += c;
  }
  if (base.empty()) base = "moodtape-" + std::string(asset_id.substr(0, 12));
  return base + "." + ext;
}

}  // namespace moodtape::gateway
