// The web app's static files: which file a request path names (refusing anything that could
// leave the root), its content type, its cache policy and its ETag. Plain logic plus file
// reads; no network code, so unit tests drive it directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moodtape::gateway {

// Turns a raw request path (percent-encoded, without the query) into a path relative to the
// static root ("" for the root itself, "assets/app.js"). Refuses (nullopt) bad percent-encoding,
// NUL and control characters, backslashes, encoded slashes, and any segment that starts with a
// dot ("..", ".", ".env"), so nothing outside the root or hidden in it can be named.
std::optional<std::string> NormaliseStaticPath(std::string_view raw_path);

// Whether the last segment has an extension ("app.js" yes, "playlists/42" no).
bool HasExtension(std::string_view relative_path);
bool IsHtml(std::string_view relative_path);

// Content-Type by extension; application/octet-stream for unknown ones.
std::string_view ContentTypeFor(std::string_view relative_path);

// HTML is revalidated on every load (it names the hashed assets), files under assets/ are
// content-hashed by the build and never change, everything else may be cached briefly.
std::string_view CacheControlFor(std::string_view relative_path);

// A strong validator from size and modification time: cheap, and changes on every deploy.
std::string MakeETag(uint64_t size, int64_t mtime_ns);
// If-None-Match matching: "*", comma-separated lists, weak W/ tags.
bool ETagMatches(std::string_view if_none_match, std::string_view etag);

// Headers added to every HTML document (nosniff, CSP, referrer policy).
const std::vector<std::pair<std::string, std::string>>& HtmlSecurityHeaders();

struct StaticReply {
  int status = 200;  // 200, 304, 404, or 500 when a file exists but cannot be read
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class StaticSite {
 public:
  explicit StaticSite(std::string root);

  // Answers a GET for `raw_path`: the file, index.html for "/" and directories, index.html for
  // unknown extension-less paths (client-side routes of the single-page app), 304 when
  // `if_none_match` matches.
  StaticReply Serve(std::string_view raw_path, std::string_view if_none_match) const;

  const std::string& root() const { return root_; }

 private:
  StaticReply ServeFile(const std::string& relative, std::string_view if_none_match) const;
  // The file under the root, if it is a regular file that really lives inside the root.
  std::optional<std::string> Locate(const std::string& relative) const;

  std::string root_;
  std::string canonical_root_;
};

}  // namespace moodtape::gateway
