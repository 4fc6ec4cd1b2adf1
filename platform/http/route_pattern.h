// A route's path pattern: literal segments and `{name}` parameters ("/api/v1/jobs/{id}",
// "/api/v1/admin/dead-letters/{id}/replay"), or a prefix ("/assets/"). Matching is on the raw,
// still percent-encoded path, segment by segment, so "%2F" inside a parameter never splits it;
// parameter values are handed over percent-decoded. Pure: unit tested without a server.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moodtape::platform {

class RoutePattern {
 public:
  // nullopt for a pattern that does not start with '/', has an empty or unclosed `{}` or a
  // parameter name that is not [a-z0-9_]+, or repeats a name (start-up errors; Handle throws).
  static std::optional<RoutePattern> Parse(std::string_view pattern, bool prefix = false);

  // Whether `path` matches; fills *params (name -> decoded value) when it does. A parameter
  // matches one non-empty segment; a segment that does not percent-decode does not match.
  bool Match(std::string_view path, std::map<std::string, std::string>* params) const;

  const std::string& text() const { return text_; }
  bool prefix() const { return prefix_; }
  // How many segments are literal: the more, the more specific ("/a/b" beats "/a/{x}").
  int literal_segments() const { return literal_segments_; }
  bool has_params() const { return has_params_; }

 private:
  struct Segment {
    std::string literal;  // when param is empty
    std::string param;
  };

  std::string text_;
  bool prefix_ = false;
  bool has_params_ = false;
  int literal_segments_ = 0;
  std::vector<Segment> segments_;
};

}  // namespace moodtape::platform
