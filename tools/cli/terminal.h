// Reading a password: from the terminal with echo off, or the first line of stdin
// (--password-stdin). Never from a flag or the environment, which other users can see.
#pragma once

#include <string>

#include "platform/base/error.h"

namespace moodtape::cli {

platform::Result<std::string> ReadPassword(bool from_stdin, const std::string& prompt);

}  // namespace moodtape::cli
