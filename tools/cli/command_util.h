// Small pieces every `moodtape` command shares: how a failure is printed (and which exit status
// it gives), URL parts, and the GET-then-print shape of the listing commands.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/base/error.h"
#include "tools/cli/args.h"
#include "tools/cli/commands.h"
#include "tools/cli/gateway_client.h"

namespace moodtape::cli {

// "moodtape: <message>" on `err`; kExitFailure.
int Fail(std::ostream& err, const std::string& message);
// As Fail, but a local usage mistake (kInvalidArgument) exits kExitUsage.
int FailWith(std::ostream& err, const platform::Error& error);

// Cursors and ids are opaque: percent-encoded so any character survives a URL.
std::string EscapeUrlPart(const std::string& value);
// "?limit=5&cursor=abc" from the parameters that are set (empty values are left out).
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);
std::string LimitText(const std::optional<int>& limit);

// The string at `key`, "" when absent or not a string.
std::string StringField(const nlohmann::json& j, const char* key);

// GETs `path` with the login and prints `render` of the answer (its JSON with --json).
int Listing(const Invocation& inv, GatewayClient& client, std::ostream& out, std::ostream& err,
            const std::string& path, std::string (*render)(const nlohmann::json&));

}  // namespace moodtape::cli
