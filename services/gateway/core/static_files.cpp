#include "services/gateway/core/static_files.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "platform/base/text.h"

namespace moodtape::gateway {
namespace {

namespace fs = std::filesystem;

std::string_view Extension(std::string_view relative_path) {
  size_t slash = relative_path.rfind('/');
  std::string_view last =
      slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  size_t dot = last.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return last.substr(dot + 1);
}

}  // namespace

std::optional<std::string> NormaliseStaticPath(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  std::string out;
  size_t pos = 1;
  while (pos <= raw_path.size()) {
    size_t slash = raw_path.find('/', pos);
    std::string_view raw_segment = raw_path.substr(
        pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    pos = slash == std::string_view::npos ? raw_path.size() + 1 : slash + 1;
    if (raw_segment.empty()) continue;  // "//" collapses
    auto segment = platform::PercentDecode(raw_segment, platform::PlusMeans::kLiteralPlus);
    if (!segment || segment->empty()) return std::nullopt;
    if (segment->front() == '.') return std::nullopt;  // "..", ".", dotfiles
    for (unsigned char c : *segment) {
      if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') return std::nullopt;
    }
    if (!out.empty()) out.push_back('/');
    out += *segment;
  }
  return out;
}

bool HasExtension(std::string_view relative_path) { return !Extension(relative_path).empty(); }

bool IsHtml(std::string_view relative_path) {
  std::string ext = platform::ToLowerAscii(Extension(relative_path));
  return ext == "html" || ext == "htm";
}

std::string_view ContentTypeFor(std::string_view relative_path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"ogg", "audio/ogg"},
      {"mid", "audio/midi"},
      {"midi", "audio/midi"},
  };
  std::string ext = platform::ToLowerAscii(Extension(relative_path));
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

std::string_view CacheControlFor(std::string_view relative_path) {
  if (IsHtml(relative_path)) return "no-cache";
  if (relative_path.substr(0, 7) == "assets/") return "public, max-age=31536000, immutable";
  return "public, max-age=300";
}

std::string MakeETag(uint64_t size, int64_t mtime_ns) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_ns));
  return buf;
}

bool ETagMatches(std::string_view if_none_match, std::string_view etag) {
  // If-None-Match uses the weak comparison: W/"x" matches "x".
  auto strip_weak = [](std::string_view tag) {
    return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag;
  };
  std::string_view wanted = strip_weak(etag);
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    std::string item = platform::TrimSpaces(if_none_match.substr(0, comma));
    if_none_match =
        comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    if (item == "*") return true;
    if (!item.empty() && strip_weak(item) == wanted) return true;
  }
  return false;
}

const std::vector<std::pair<std::string, std::string>>& HtmlSecurityHeaders() {
  // Same-origin everything; inline styles are allowed (the build inlines critical CSS), inline
  // scripts are not.
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
      {"X-Frame-Options", "DENY"},
  };
  return kHeaders;
}

StaticSite::StaticSite(std::string root) : root_(std::move(root)) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(root_, ec), ec);
  canonical_root_ = ec ? root_ : canonical.string();
  while (canonical_root_.size() > 1 && canonical_root_.back() == '/') canonical_root_.pop_back();
}

std::optional<std::string> StaticSite::Locate(const std::string& relative) const {
  std::error_code ec;
  fs::path full = fs::path(canonical_root_) / relative;
  // Resolving symlinks keeps a link inside the root from pointing outside it.
  fs::path real = fs::canonical(full, ec);
  if (ec) return std::nullopt;
  std::string real_text = real.string();
  if (real_text.compare(0, canonical_root_.size() + 1, canonical_root_ + "/") != 0) {
    return std::nullopt;
  }
  if (!fs::is_regular_file(real, ec)) return std::nullopt;
  return real_text;
}

StaticReply StaticSite::Serve(std::string_view raw_path, std::string_view if_none_match) const {
  StaticReply not_found;
  not_found.status = 404;
  auto relative = NormaliseStaticPath(raw_path);
  if (!relative) return not_found;
  std::string path = *relative;
  // Client-side routes ("/history", "/jobs/42") belong to the single-page app.
  const bool client_route = !HasExtension(path);
  if (path.empty() || raw_path.back() == '/') {
    path += path.empty() ? "index.html" : "/index.html";
  } else {
    std::error_code ec;
    if (fs::is_directory(fs::path(canonical_root_) / path, ec)) path += "/index.html";
  }
  if (Locate(path)) return ServeFile(path, if_none_match);
  if (client_route && Locate("index.html")) return ServeFile("index.html", if_none_match);
  return not_found;
}

StaticReply StaticSite::ServeFile(const std::string& relative,
                                  std::string_view if_none_match) const {
  StaticReply reply;
  auto full = Locate(relative);
  std::error_code ec;
  uint64_t size = full ? fs::file_size(*full, ec) : 0;
  auto mtime = full ? fs::last_write_time(*full, ec) : fs::file_time_type();
  std::ifstream in(full ? *full : std::string(), std::ios::binary);
  if (!full || ec || !in) {
    reply.status = 500;
    return reply;
  }
  int64_t mtime_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
  std::string etag = MakeETag(size, mtime_ns);
  reply.headers.emplace_back("ETag", etag);
  reply.headers.emplace_back("Cache-Control", std::string(CacheControlFor(relative)));
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (IsHtml(relative)) {
    for (const auto& h : HtmlSecurityHeaders()) reply.headers.push_back(h);
  }
  if (!if_none_match.empty() && ETagMatches(if_none_match, etag)) {
    reply.status = 304;
    return reply;
  }
  std::stringstream body;
  body << in.rdbuf();
  reply.status = 200;
  reply.content_type = std::string(ContentTypeFor(relative));
  reply.body = body.str();
  return reply;
}

}  // namespace moodtape::gateway
