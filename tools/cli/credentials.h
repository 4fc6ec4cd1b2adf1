// The credentials file of the CLI: the token pair the gateway hands to non-browser clients
// (X-Token-Delivery: body), kept in $XDG_CONFIG_HOME/moodtape/credentials.json. The directory is
// created 0700 and the file 0600 (written to a temporary file and renamed, so a crash never
// leaves half a file and the token is never readable by others, even for a moment).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"

namespace moodtape::cli {

struct Credentials {
  std::string gateway;   // the gateway that issued the tokens
  std::string username;  // for messages only
  std::string access_token;
  std::string refresh_token;
  std::string access_token_expires_at;   // RFC 3339, as the gateway sent it
  std::string refresh_token_expires_at;  // RFC 3339
};

// $XDG_CONFIG_HOME/moodtape/credentials.json, else $HOME/.config/moodtape/credentials.json.
// Either argument may be null or empty; "" when neither is set.
std::string CredentialsPath(const char* xdg_config_home, const char* home);

// Reads the file: nullopt when it does not exist; an error when it is unreadable or malformed.
platform::Result<std::optional<Credentials>> LoadCredentials(const std::string& path);

// Writes the file (creating its directory 0700) with mode 0600.
platform::Status SaveCredentials(const std::string& path, const Credentials& credentials);

// Removes the file; a missing file is not an error.
platform::Status DeleteCredentials(const std::string& path);

// The token pair from a sign-up / log-in / refresh answer (with X-Token-Delivery: body).
// kInvalidArgument when the body lacks access_token or refresh_token.
platform::Result<Credentials> CredentialsFromSession(const nlohmann::json& body,
                                                     const std::string& gateway,
                                                     const std::string& username);

}  // namespace moodtape::cli
