// A fresh seed for something a person may want to have again (a song, a cover, an album): from
// the OS, and below 2^53 so it survives a JSON number unchanged and can be typed back.
#pragma once

#include <cstdint>
#include <random>

namespace moodtape::platform {

inline constexpr uint64_t kMaxFreshSeed = (uint64_t{1} << 53) - 1;

inline uint64_t FreshSeed() {
  std::random_device device;
  return ((uint64_t{device()} << 32) | device()) & kMaxFreshSeed;
}

}  // namespace moodtape::platform
