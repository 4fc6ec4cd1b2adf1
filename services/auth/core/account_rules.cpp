#include "services/auth/core/account_rules.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace moodtape::auth {
namespace {

using platform::ErrorCode;
using platform::MakeError;

platform::Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Code points of valid UTF-8 (shortest form, no surrogates), or -1.
long CountCodePoints(std::string_view s) {
  long count = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return -1;
    uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += len;
    ++count;
  }
  return count;
}

// The most common passwords from public breach corpora (SecLists' top lists, NCSC's
// 100k-most-common), chosen among those the other rules would let through: 10+ characters, or
// so well known that the list is the clearer message. Lower case; compared case-insensitively.
constexpr std::array<std::string_view, 100> kCommonPasswords = {
    "1234567890",    "0987654321",    "1234567891",    "1111111111",   "0000000000",
    "1234512345",    "1122334455",    "1212121212",    "1231231231",   "9876543210",
    "5555555555",    "7777777777",    "123456789a",    "a123456789",   "123456789q",
    "qwertyuiop",    "qwertyuiop123", "qwerty123456",  "qwerty12345",  "qwertyqwerty",
    "asdfghjkl1",    "asdfghjkl;",    "zxcvbnm123",    "1q2w3e4r5t",   "1q2w3e4r5t6y",
    "q1w2e3r4t5",    "q1w2e3r4t5y6",  "1qaz2wsx3edc",  "zaq12wsxcde3", "1qazxsw23edc",
    "zaq1zaq1zaq1",  "qazwsxedc123",  "abcdefghij",    "abcd123456",   "abc1234567",
    "aaaaaaaaaa",    "abcabcabca",    "password",      "password1",    "password12",
    "password123",   "password1234",  "password12345", "passw0rd123",  "p@ssw0rd123",
    "p@ssword123",   "mypassword",    "mypassword1",   "newpassword",  "passwordpassword",
    "changeme123",   "administrator", "admin12345",    "admin123456",  "letmein123",
    "letmeinplease", "welcome123",    "welcome1234",   "iloveyou12",   "iloveyou123",
    "iloveyou1234",  "football123",   "baseball123",   "basketball",   "basketball1",
    "princess123",   "sunshine123",   "superman123",   "starwars123",  "trustno1234",
    "monkey12345",   "dragon12345",   "master12345",   "shadow12345",  "michael123",
    "jennifer123",   "jordan2323",    "charlie123",    "computer123",  "internet123",
    "whatever123",   "football1",     "1qaz2wsx",      "qwerty123",    "123456789",
    "12345678910",   "123123123123",  "1234567890q",   "q123456789",   "1234qwerty",
    "qwerty1234",    "1q2w3e4r",      "987654321a",    "11111111111",  "123654789a",
    "147258369a",    "1478963250",    "5201314520",    "0123456789",   "moodtape123",
};

}  // namespace

platform::Result<std::string> NormaliseUsername(std::string_view username) {
  std::string name = Lower(Trim(username));
  if (name.size() < kMinUsernameLength || name.size() > kMaxUsernameLength) {
    return Invalid("username must be 3 to 32 characters long");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) {
      return Invalid("username may contain only letters a-z, digits 0-9, '_', '.' and '-'");
    }
  }
  return name;
}

platform::Result<std::string> NormaliseEmail(std::string_view email) {
  std::string e = Lower(Trim(email));
  const platform::Error bad = Invalid("email must look like name@example.org");
  if (e.empty()) return Invalid("email is required");
  if (e.size() > kMaxEmailLength) return Invalid("email must be at most 254 characters long");
  size_t at = e.find('@');
  if (at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos) return bad;
  for (unsigned char c : e) {
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
        c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') {
      return bad;
    }
  }
  std::string_view domain = std::string_view(e).substr(at + 1);
  if (at > 64 || domain.size() < 3 || domain.find('.') == std::string_view::npos ||
      domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos || domain.front() == '-') {
    return bad;
  }
  return e;
}

platform::Status CheckPassword(std::string_view password, std::string_view username,
                               std::string_view email) {
  if (password.size() > kMaxPasswordBytes) {
    return Invalid("password must be at most 1024 bytes long");
  }
  long code_points = CountCodePoints(password);
  if (code_points < 0) return Invalid("password must be valid UTF-8 text");
  if (static_cast<size_t>(code_points) < kMinPasswordCodePoints) {
    return Invalid("password must be at least 10 characters long");
  }
  if (IsCommonPassword(password)) {
    return Invalid("this password is one of the most common ones; choose another");
  }
  std::string lower = Lower(password);
  if (lower == username || lower == email) {
    return Invalid("password must not be your username or email");
  }
  return platform::Status::Ok();
}

bool IsCommonPassword(std::string_view password) {
  std::string lower = Lower(password);
  return std::find(kCommonPasswords.begin(), kCommonPasswords.end(), lower) !=
         kCommonPasswords.end();
}

std::string NormaliseLogin(std::string_view login) { return Lower(Trim(login)); }

}  // namespace moodtape::auth
