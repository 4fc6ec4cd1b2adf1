// Small string helpers several places need the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moodtape::platform {

// Spaces and tabs off both ends.
std::string TrimSpaces(std::string_view s);
std::string ToLowerAscii(std::string_view s);

enum class PlusMeans { kLiteralPlus, kSpace };

// Strict %XX decoding: a truncated or non-hex escape gives nullopt. Query components
// (application/x-www-form-urlencoded) decode '+' as a space; path segments keep it literal.
std::optional<std::string> PercentDecode(std::string_view in, PlusMeans plus);

}  // namespace moodtape::platform
