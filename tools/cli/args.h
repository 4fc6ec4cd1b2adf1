// Command-line parsing for `moodtape`: a pure function from argv (and the environment's default
// gateway) to one Invocation, so every usage rule is unit tested without running anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/base/error.h"

namespace moodtape::cli {

enum class Command {
  kHelp,
  kSignup,
  kLogin,
  kLogout,
  kMood,
  kHistory,
  kDlqList,
  kDlqShow,
  kDlqReplay,
  kDlqPurge,
  kAlbum,  // make one: album --genre G --songs N --theme T
  kAlbums,
  kAlbumShow,
  kAlbumDelete,
  kGenres,
};

inline constexpr const char* kDefaultGateway = "http://127.0.0.1:8080";

struct Invocation {
  Command command = Command::kHelp;
  std::string gateway;  // base URL without a trailing slash

  // signup / login
  std::string username;
  std::string email;
  bool password_stdin = false;

  // mood
  std::string text;
  std::string want;
  std::optional<int> length;

  // history / albums / dlq
  std::optional<int> limit;
  std::string cursor;
  std::string type;    // dlq list / purge: job type filter ("mood")
  std::string job_id;  // dlq show / replay

  // album (make one)
  std::string genre;
  std::optional<int> songs;
  std::string theme;
  std::optional<std::string> cover;  // the cover's description; absent: the designer chooses
  std::optional<uint64_t> seed;
  std::string out_dir;  // where to download the files; empty: no files

  std::string album_id;  // album show / delete

  bool json = false;
};

// Parses the arguments after the program name. `env_gateway` is MOODTAPE_GATEWAY_URL (nullopt or
// empty: the default). A usage mistake is kInvalidArgument with a one-line message.
platform::Result<Invocation> ParseArgs(const std::vector<std::string>& args,
                                       const std::optional<std::string>& env_gateway);

// The text `moodtape --help` prints.
std::string UsageText();

}  // namespace moodtape::cli
