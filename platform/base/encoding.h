// Byte encodings used across services: base64url (JWT, opaque tokens) and SHA-256.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moodtape::platform {

std::string Base64UrlEncode(std::string_view bytes);
// Standard base64 (RFC 4648 section 4, padded) when `url` is false, as data: URLs want; base64url
// without padding when true.
std::string Base64Encode(std::string_view bytes, bool url = false);
// Standard base64, padded or not, white space skipped; nullopt for any other character or for
// padding anywhere but at the end.
std::optional<std::string> Base64Decode(std::string_view text);
// Accepts unpadded base64url; returns nullopt for any other character.
std::optional<std::string> Base64UrlDecode(std::string_view text);

std::string Sha256(std::string_view bytes);     // 32 raw bytes
std::string Sha256Hex(std::string_view bytes);  // 64 hex characters
std::string HexEncode(std::string_view bytes);

// Cryptographically random bytes from OpenSSL.
std::string SecureRandomBytes(size_t n);

// Compares in time independent of where the first difference is.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace moodtape::platform
