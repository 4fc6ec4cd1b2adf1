// Sign-up input rules. Each check returns the normalised value or kInvalidArgument with a message
// a person can act on (it is shown to them as is).
#pragma once

#include <string>
#include <string_view>

#include "platform/base/error.h"

namespace moodtape::auth {

inline constexpr size_t kMinUsernameLength = 3;
inline constexpr size_t kMaxUsernameLength = 32;
inline constexpr size_t kMinPasswordCodePoints = 10;
inline constexpr size_t kMaxPasswordBytes = 1024;
inline constexpr size_t kMaxEmailLength = 254;

// Lower-cased; 3-32 of [a-z0-9_.-].
platform::Result<std::string> NormaliseUsername(std::string_view username);
// Trimmed and lower-cased; one '@', a non-empty local part, a dotted domain, no spaces.
platform::Result<std::string> NormaliseEmail(std::string_view email);
// >= 10 code points of valid UTF-8, <= 1 KiB, not a common password, not the username or email
// (given normalised).
platform::Status CheckPassword(std::string_view password, std::string_view username,
                               std::string_view email);
// Case-insensitive membership in the embedded list of the most common passwords.
bool IsCommonPassword(std::string_view password);
// What a log-in name is looked up as: trimmed and lower-cased (usernames are case-insensitive,
// emails are stored lower-cased).
std::string NormaliseLogin(std::string_view login);

}  // namespace moodtape::auth
