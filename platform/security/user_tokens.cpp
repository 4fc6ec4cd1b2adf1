#include "platform/security/user_tokens.h"

#include <fstream>
#include <sstream>

#include "platform/base/log.h"

namespace moodtape::platform {
namespace {

Result<std::shared_ptr<JwtKeySet>> ReadKeys(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::make_shared<JwtKeySet>();
  std::stringstream ss;
  ss << in.rdbuf();
  auto json = nlohmann::json::parse(ss.str(), nullptr, false);
  if (json.is_discarded()) {
    return MakeError(ErrorCode::kInvalidArgument, "JWKS file " + path + " is not valid JSON");
  }
  auto keys = JwtKeySet::FromJwks(json);
  if (!keys.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "JWKS file " + path + ": " + keys.error().message);
  }
  return keys;
}

}  // namespace

UserTokenSettings ReadUserTokenSettings(Config& config) {
  UserTokenSettings s;
  s.issuer = config.String("jwt", "issuer", s.issuer);
  s.jwks_file = config.String("jwt", "jwks_file", s.jwks_file);
  return s;
}

Result<std::shared_ptr<JwtVerifier>> LoadUserTokenVerifier(const UserTokenSettings& settings) {
  auto keys = ReadKeys(settings.jwks_file);
  if (!keys.ok()) return keys.error();
  LogInfo("user token keys loaded", {{"jwks_file", settings.jwks_file}, {"keys", (*keys)->size()}});
  return std::make_shared<JwtVerifier>(*keys, settings.issuer);
}

Status ReloadUserTokenKeys(JwtVerifier& verifier, const UserTokenSettings& settings) {
  auto keys = ReadKeys(settings.jwks_file);
  if (!keys.ok()) {
    LogWarn("user token keys not reloaded", {{"error", keys.error().message}});
    return keys.error();
  }
  verifier.SetKeys(*keys);
  LogInfo("user token keys reloaded",
          {{"jwks_file", settings.jwks_file}, {"keys", (*keys)->size()}});
  return Status::Ok();
}

}  // namespace moodtape::platform
