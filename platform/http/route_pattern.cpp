#include "platform/http/route_pattern.h"

#include <set>

#include "platform/base/text.h"

namespace moodtape::platform {
namespace {

std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> out;
  // Skip the leading '/'; "/a/b" -> {"a", "b"}, "/" -> {""}.
  path.remove_prefix(1);
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool ValidParamName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::optional<RoutePattern> RoutePattern::Parse(std::string_view pattern, bool prefix) {
  if (pattern.empty() || pattern.front() != '/') return std::nullopt;
  RoutePattern p;
  p.text_ = std::string(pattern);
  p.prefix_ = prefix;
  if (prefix) {
    // Prefixes are plain strings; parameters in them would make "longest prefix" ambiguous.
    if (pattern.find('{') != std::string_view::npos) return std::nullopt;
    return p;
  }
  std::set<std::string> names;
  for (std::string_view seg : SplitSegments(pattern)) {
    Segment s;
    if (!seg.empty() && seg.front() == '{') {
      if (seg.back() != '}' || seg.size() < 3) return std::nullopt;
      s.param = std::string(seg.substr(1, seg.size() - 2));
      if (!ValidParamName(s.param) || !names.insert(s.param).second) return std::nullopt;
      p.has_params_ = true;
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) return std::nullopt;
      s.literal = std::string(seg);
      ++p.literal_segments_;
    }
    p.segments_.push_back(std::move(s));
  }
  return p;
}

bool RoutePattern::Match(std::string_view path, std::map<std::string, std::string>* params) const {
  if (prefix_) return path.substr(0, text_.size()) == text_;
  if (!has_params_) return path == text_;
  if (path.empty() || path.front() != '/') return false;
  const auto segments = SplitSegments(path);
  if (segments.size() != segments_.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments_[i];
    if (s.param.empty()) {
      if (segments[i] != s.literal) return false;
      continue;
    }
    if (segments[i].empty()) return false;
    auto value = PercentDecode(segments[i], PlusMeans::kLiteralPlus);
    if (!value || value->empty()) return false;
    found.emplace(s.param, std::move(*value));
  }
  if (params) *params = std::move(found);
  return true;
}

}  // namespace moodtape::platform
