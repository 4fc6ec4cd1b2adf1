// Pure decisions behind GET /api/v1/assets/{id}: asset ids, the Range header (RFC 9110 section 14,
// one range of bytes), the ETag and download names. No network code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moodtape::gateway {

// Asset ids are the SHA-256 of their bytes: 64 lower-case hex characters.
bool LooksLikeAssetId(std::string_view id);

struct ByteRange {
  int64_t start = 0;
  int64_t length = 0;  // > 0
};

enum class RangeKind {
  kNone,           // no Range header, or one this server ignores (not bytes, several ranges,
                   // malformed): the whole file, 200
  kSatisfiable,    // one range within the file: 206
  kUnsatisfiable,  // starts at or past the end (or a zero-length suffix): 416
};

struct RangeDecision {
  RangeKind kind = RangeKind::kNone;
  ByteRange range;
};

// "bytes=0-0", "bytes=100-", "bytes=-500", "bytes=10-20" against a file of `size` bytes. An end
// past the file is cut to its last byte; a suffix longer than the file is the whole file.
RangeDecision DecideRange(std::string_view header, int64_t size);

// "bytes 10-20/1000" for a 206; "bytes */1000" for a 416.
std::string ContentRange(const ByteRange& range, int64_t size);
std::string UnsatisfiedContentRange(int64_t size);

// A strong ETag: the asset id (its content hash) quoted.
std::string AssetETag(std::string_view asset_id);
// Whether If-None-Match names this ETag ("*", a list, weak forms W/"..." compared weakly).
bool MatchesIfNoneMatch(std::string_view if_none_match, std::string_view etag);

// "moodtape-<first 12 hex of the id>.<extension of the media type>" for ?download=1.
std::string DownloadName(std::string_view asset_id, std::string_view media_type,
                         std::string_view stem = "");

}  // namespace moodtape::gateway
