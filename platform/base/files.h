// Writing a file so that a reader never sees half of it: the bytes go to a hidden temporary name
// beside the file (unique to this process), reach the disk, and are renamed into place.
#pragma once

#include <string>
#include <string_view>

#include "platform/base/error.h"

namespace moodtape::platform {

// kFailedPrecondition "cannot write <path>: <reason>" when the directory is missing or not
// writable or the disk is full; no temporary file is left behind either way.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace moodtape::platform
