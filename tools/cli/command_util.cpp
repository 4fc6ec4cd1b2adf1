#include "tools/cli/command_util.h"

#include <cctype>

namespace moodtape::cli {

int Fail(std::ostream& err, const std::string& message) {
  err << "moodtape: " << message << "\n";
  return kExitFailure;
}

int FailWith(std::ostream& err, const platform::Error& error) {
  if (error.code == platform::ErrorCode::kInvalidArgument) {
    err << "moodtape: " << error.message << "\n";
    return kExitUsage;
  }
  return Fail(err, error.message);
}

std::string EscapeUrlPart(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      static const char* kHex = "0123456789ABCDEF";
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + key + "=" + EscapeUrlPart(value);
  }
  return out;
}

std::string LimitText(const std::optional<int>& limit) {
  return limit ? std::to_string(*limit) : "";
}

std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

int Listing(const Invocation& inv, GatewayClient& client, std::ostream& out, std::ostream& err,
            const std::string& path, std::string (*render)(const nlohmann::json&)) {
  auto answer = client.AuthedCall("GET", path);
  if (!answer.ok()) return FailWith(err, answer.error());
  out << (inv.json ? answer->dump(2) + "\n" : render(*answer));
  return kExitOk;
}

}  // namespace moodtape::cli
