// MakeTar: a POSIX ustar archive built in memory. Every header field that would vary between
// runs (time, owner, permissions) is fixed, so the same files give the same archive.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "services/producer/core/sound/audio.h"

namespace moodtape::producer {

namespace {

constexpr size_t kBlock = 512;
// 2024-01-01T00:00:00Z: a fixed modification time that still looks like a real date when the
// archive is listed or extracted.
constexpr long long kMtime = 1704067200;

void PutOctal(char* field, size_t width, unsigned long long value) {
  // width - 1 digits and a terminating NUL, zero-padded, as ustar readers expect.
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}

void PutText(char* field, size_t width, const std::string& text) {
  std::memcpy(field, text.data(), std::min(width, text.size()));
}

// A name that fits ustar's 100-byte name plus 155-byte prefix (split at a '/'), without leading
// slashes or ".." components that would write outside the extraction directory.
std::pair<std::string, std::string> SplitName(const std::string& raw) {
  std::string name;
  size_t i = 0;
  while (i <= raw.size()) {
    const size_t slash = std::min(raw.find('/', i), raw.size());
    const std::string part = raw.substr(i, slash - i);
    if (!part.empty() && part != "." && part != "..") {
      if (!name.empty()) name += '/';
      name += part;
    }
    i = slash + 1;
  }
  if (name.empty()) name = "file";
  if (name.size() <= 100) return {"", name};
  for (size_t slash = name.find('/'); slash != std::string::npos;
       slash = name.find('/', slash + 1)) {
    if (slash <= 155 && name.size() - slash - 1 <= 100) {
      return {name.substr(0, slash), name.substr(slash + 1)};
    }
  }
  // No split fits: keep the end of the name (its extension and most telling part).
  return {"", name.substr(name.size() - 100)};
}

}  // namespace

std::string MakeTar(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  for (const auto& [raw_name, bytes] : files) {
    char header[kBlock] = {};
    const auto [prefix, name] = SplitName(raw_name);
    PutText(header + 0, 100, name);
    PutOctal(header + 100, 8, 0644);
    PutOctal(header + 108, 8, 0);
    PutOctal(header + 116, 8, 0);
    PutOctal(header + 124, 12, bytes.size());
    PutOctal(header + 136, 12, static_cast<unsigned long long>(kMtime));
    header[156] = '0';                      // regular file
    std::memcpy(header + 257, "ustar", 6);  // magic with its NUL
    std::memcpy(header + 263, "00", 2);
    PutText(header + 265, 32, "moodtape");
    PutText(header + 297, 32, "moodtape");
    PutText(header + 345, 155, prefix);
    // The checksum is the byte sum with the checksum field read as spaces.
    std::memset(header + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : header) sum += c;
    std::snprintf(header + 148, 8, "%06o", sum);
    header[155] = ' ';
    out.append(header, kBlock);
    out += bytes;
    out.append((kBlock - bytes.size() % kBlock) % kBlock, '\0');
  }
  out.append(2 * kBlock, '\0');  // end of archive
  return out;
}

}  // namespace moodtape::producer
