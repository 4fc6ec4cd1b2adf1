// Small string helpers several places need the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moodtape::platform {

// Spaces and tabs off both ends.
std::string TrimSpaces(std::string_view s);
// ASCII white space (space, \t, \n, \v, \f, \r) off both ends; a view into `s`.
std::string_view TrimWhitespace(std::string_view s);
std::string ToLowerAscii(std::string_view s);

// Decodes the code point starting at byte `pos` into *out and returns its length in bytes, or 0
// when the sequence there is not well-formed (see FirstInvalidUtf8).
size_t DecodeUtf8At(std::string_view text, size_t pos, char32_t* out);
// Appends `cp` (a valid scalar value) encoded as UTF-8.
void AppendUtf8(char32_t cp, std::string* out);

// The byte offset of the first sequence that is not well-formed UTF-8 (overlong forms,
// surrogates, code points above U+10FFFF and truncated sequences included), or nullopt.
std::optional<size_t> FirstInvalidUtf8(std::string_view text);
inline bool IsValidUtf8(std::string_view text) { return !FirstInvalidUtf8(text).has_value(); }
// Code points in UTF-8 text (continuation bytes are not counted; callers validate first).
size_t CountCodePoints(std::string_view utf8);

enum class PlusMeans { kLiteralPlus, kSpace };

// Strict %XX decoding: a truncated or non-hex escape gives nullopt. Query components
// (application/x-www-form-urlencoded) decode '+' as a space; path segments keep it literal.
std::optional<std::string> PercentDecode(std::string_view in, PlusMeans plus);

}  // namespace moodtape::platform
