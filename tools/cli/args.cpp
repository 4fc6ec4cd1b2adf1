#include "tools/cli/args.h"

#include <charconv>
#include <map>
#include <set>

namespace moodtape::cli {
namespace {

using platform::ErrorCode;
using platform::MakeError;
using platform::Result;

platform::Error Usage(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

// Every flag moodtape knows and whether it takes a value; which command accepts which is checked
// after parsing so the message can say "--want is not an option of history".
const std::map<std::string, bool>& KnownFlags() {
  static const std::map<std::string, bool> flags = {
      {"--gateway", true}, {"--help", false},  {"--username", true},        {"--email", true},
      {"--want", true},    {"--length", true}, {"--password-stdin", false}, {"--limit", true},
      {"--cursor", true},  {"--type", true},   {"--json", false},           {"--genre", true},
      {"--songs", true},   {"--theme", true},  {"--cover", true},           {"--seed", true},
      {"--out", true},
  };
  return flags;
}

Result<int> PositiveInt(const std::string& flag, const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
    return Usage(flag + " must be a positive whole number, not \"" + text + "\"");
  }
  return value;
}

// A seed is any 64-bit unsigned number (0 included), as the gateway takes it.
Result<uint64_t> Seed(const std::string& text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return Usage("--seed must be a whole number from 0 to 18446744073709551615, not \"" + text +
                 "\"");
  }
  return value;
}

Result<std::string> GatewayUrl(std::string url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return Usage("--gateway must be an http:// or https:// URL, not \"" + url + "\"");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

struct Parsed {
  std::vector<std::string> words;
  std::map<std::string, std::string> flags;  // flag -> value ("" for switches)
};

Result<Parsed> Split(const std::vector<std::string>& args) {
  Parsed out;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-' || arg == "-") {
      out.words.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h") {
      out.flags["--help"] = "";
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    if (name == "--password") {
      return Usage(
          "passwords are never taken from a flag: type it at the prompt or use --password-stdin");
    }
    auto known = KnownFlags().find(name);
    if (known == KnownFlags().end()) return Usage("unknown option " + name);
    if (out.flags.count(name)) return Usage(name + " given twice");
    if (!known->second) {
      if (inline_value) return Usage(name + " takes no value");
      out.flags[name] = "";
    } else if (inline_value) {
      out.flags[name] = *inline_value;
    } else {
      if (i + 1 >= args.size()) return Usage(name + " needs a value");
      out.flags[name] = args[++i];
    }
  }
  return out;
}

}  // namespace

Result<Invocation> ParseArgs(const std::vector<std::string>& args,
                             const std::optional<std::string>& env_gateway) {
  auto split = Split(args);
  if (!split.ok()) return split.error();
  Parsed& p = *split;
  Invocation inv;
  if (p.flags.count("--help")) {
    inv.command = Command::kHelp;
    return inv;
  }
  std::string gateway = kDefaultGateway;
  if (env_gateway && !env_gateway->empty()) gateway = *env_gateway;
  if (auto it = p.flags.find("--gateway"); it != p.flags.end()) gateway = it->second;
  auto url = GatewayUrl(gateway);
  if (!url.ok()) return url.error();
  inv.gateway = *url;
  p.flags.erase("--gateway");

  if (p.words.empty()) return Usage("missing command (try moodtape --help)");
  const std::string& word = p.words[0];
  std::string name = word;
  size_t positional_start = 1;
  std::set<std::string> allowed;
  size_t positionals = 0;  // how many words after the command name
  if (word == "signup") {
    inv.command = Command::kSignup;
    allowed = {"--username", "--email", "--password-stdin"};
  } else if (word == "login") {
    inv.command = Command::kLogin;
    allowed = {"--username", "--password-stdin"};
  } else if (word == "logout") {
    inv.command = Command::kLogout;
  } else if (word == "mood") {
    inv.command = Command::kMood;
    allowed = {"--want", "--length", "--json"};
    positionals = 1;
  } else if (word == "history") {
    inv.command = Command::kHistory;
    allowed = {"--limit", "--cursor", "--json"};
  } else if (word == "album") {
    // `album` alone makes one; `album show|delete ID` works on a saved one.
    const std::string action = p.words.size() > 1 ? p.words[1] : "";
    if (action == "show") {
      inv.command = Command::kAlbumShow;
      name = "album show";
      allowed = {"--json"};
      positional_start = 2;
      positionals = 1;
    } else if (action == "delete") {
      inv.command = Command::kAlbumDelete;
      name = "album delete";
      positional_start = 2;
      positionals = 1;
    } else if (action.empty()) {
      inv.command = Command::kAlbum;
      allowed = {"--genre", "--songs", "--theme", "--cover", "--seed", "--out", "--json"};
    } else {
      return Usage("unknown album action \"" + action +
                   "\" (show ID, delete ID, or --genre G --songs N --theme T to make one)");
    }
  } else if (word == "albums") {
    inv.command = Command::kAlbums;
    allowed = {"--limit", "--cursor", "--json"};
  } else if (word == "genres") {
    inv.command = Command::kGenres;
    allowed = {"--json"};
  } else if (word == "admin") {
    if (p.words.size() < 2 || p.words[1] != "dlq") {
      return Usage("admin needs a subject: moodtape admin dlq list|show|replay|purge");
    }
    if (p.words.size() < 3) return Usage("admin dlq needs an action: list, show, replay or purge");
    const std::string& action = p.words[2];
    name = "admin dlq " + action;
    positional_start = 3;
    if (action == "list") {
      inv.command = Command::kDlqList;
      allowed = {"--type", "--limit", "--cursor", "--json"};
    } else if (action == "show") {
      inv.command = Command::kDlqShow;
      allowed = {"--json"};
      positionals = 1;
    } else if (action == "replay") {
      inv.command = Command::kDlqReplay;
      positionals = 1;
    } else if (action == "purge") {
      inv.command = Command::kDlqPurge;
      allowed = {"--type"};
    } else {
      return Usage("unknown admin dlq action \"" + action + "\" (list, show, replay, purge)");
    }
  } else {
    return Usage("unknown command \"" + word + "\" (try moodtape --help)");
  }

  for (const auto& [flag, value] : p.flags) {
    if (!allowed.count(flag)) return Usage(flag + " is not an option of " + name);
  }
  std::vector<std::string> rest(p.words.begin() + static_cast<long>(positional_start),
                                p.words.end());
  if (rest.size() > positionals) return Usage("unexpected argument \"" + rest[positionals] + "\"");

  auto flag = [&](const std::string& f) {
    auto it = p.flags.find(f);
    return it == p.flags.end() ? std::optional<std::string>() : it->second;
  };
  inv.json = p.flags.count("--json") > 0;
  inv.password_stdin = p.flags.count("--password-stdin") > 0;
  inv.username = flag("--username").value_or("");
  inv.email = flag("--email").value_or("");
  inv.want = flag("--want").value_or("");
  inv.cursor = flag("--cursor").value_or("");
  inv.type = flag("--type").value_or("");
  inv.genre = flag("--genre").value_or("");
  inv.theme = flag("--theme").value_or("");
  inv.cover = flag("--cover");
  inv.out_dir = flag("--out").value_or("");
  for (auto [f, target] : {std::pair{"--length", &inv.length}, std::pair{"--limit", &inv.limit},
                           std::pair{"--songs", &inv.songs}}) {
    if (auto v = flag(f)) {
      auto n = PositiveInt(f, *v);
      if (!n.ok()) return n.error();
      *target = *n;
    }
  }
  if (auto v = flag("--seed")) {
    auto seed = Seed(*v);
    if (!seed.ok()) return seed.error();
    inv.seed = *seed;
  }

  switch (inv.command) {
    case Command::kSignup:
      if (inv.email.empty()) return Usage("signup needs --email");
      [[fallthrough]];
    case Command::kLogin:
      if (inv.username.empty()) return Usage(name + " needs --username");
      break;
    case Command::kMood:
      if (rest.empty() || rest[0].empty()) {
        return Usage("mood needs the text: moodtape mood \"how you feel\" --want EMOTION");
      }
      inv.text = rest[0];
      if (inv.want.empty()) return Usage("mood needs --want EMOTION (the mood to reach)");
      break;
    case Command::kDlqShow:
    case Command::kDlqReplay:
      if (rest.empty() || rest[0].empty()) return Usage(name + " needs a JOB_ID");
      inv.job_id = rest[0];
      break;
    case Command::kAlbum:
      if (inv.genre.empty()) return Usage("album needs --genre (see moodtape genres)");
      if (!inv.songs) return Usage("album needs --songs N (how many songs, 1 to 10)");
      if (inv.theme.empty()) return Usage("album needs --theme \"what the songs are about\"");
      if (p.flags.count("--out") && inv.out_dir.empty()) {
        return Usage("--out needs a directory");
      }
      break;
    case Command::kAlbumShow:
    case Command::kAlbumDelete:
      if (rest.empty() || rest[0].empty()) return Usage(name + " needs an ALBUM_ID");
      inv.album_id = rest[0];
      break;
    default:
      break;
  }
  return inv;
}

std::string UsageText() {
  return R"(moodtape: turn how you feel into a playlist, or an album, from the terminal.

Usage:
  moodtape signup --username U --email E [--password-stdin]
  moodtape login --username U [--password-stdin]
  moodtape logout
  moodtape mood "TEXT" --want EMOTION [--length N] [--json]
  moodtape history [--limit N] [--cursor C] [--json]
  moodtape genres [--json]
  moodtape album --genre G --songs N --theme "TEXT" [--cover "TEXT"] [--seed N]
                 [--out DIR] [--json]
  moodtape albums [--limit N] [--cursor C] [--json]
  moodtape album show ALBUM_ID [--json]
  moodtape album delete ALBUM_ID
  moodtape admin dlq list [--type mood] [--limit N] [--cursor C] [--json]
  moodtape admin dlq show JOB_ID [--json]
  moodtape admin dlq replay JOB_ID
  moodtape admin dlq purge [--type mood]

Options:
  --gateway URL     the gateway (default: $MOODTAPE_GATEWAY_URL, else http://127.0.0.1:8080)
  --password-stdin  read the password from the first line of standard input instead of
                    prompting on the terminal (passwords are never taken from a flag)
  --json            print the gateway's JSON instead of text
  --out DIR         album: download the cover, every song (.ogg, .mp3, .mid) and lyrics.md
                    into DIR (created if missing) once the album is saved
  --seed N          album: the same genre, theme and seed always give the same songs
  -h, --help        this text

Credentials are kept in $XDG_CONFIG_HOME/moodtape/credentials.json (default
~/.config/moodtape/), readable only by you. Exit status: 0 success, 1 failure (a failed job,
a gateway error, no connection), 2 usage error.
)";
}

}  // namespace moodtape::cli
