// The designer's one source of randomness. A cover must come out byte for byte the same for the
// same spec on every run, so this is a fixed algorithm (splitmix64) with range helpers of our own:
// the standard library's distributions are implementation-defined. Streams are forked by label
// from the seed ("palette", "motif sea"), so adding a draw in one stage never reshuffles another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace moodtape::designer {

class CoverRandom {
 public:
  explicit CoverRandom(uint64_t seed) : state_(seed), origin_(seed) {}

  // An independent stream named `label`, derived from this stream's origin (not its position).
  CoverRandom Fork(std::string_view label) const {
    uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
    for (unsigned char c : label) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    uint64_t x = origin_ ^ h;
    return CoverRandom(Mix(x));
  }

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    return Finish(z);
  }

  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Range(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  // Uniform integer in [lo, hi]; lo when hi <= lo.
  int Between(int lo, int hi) {
    if (hi <= lo) return lo;
    const uint64_t span = static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1;
    return lo + static_cast<int>(Next() % span);
  }
  size_t Index(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Index(items.size())];
  }

 private:
  static uint64_t Finish(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  static uint64_t Mix(uint64_t x) { return Finish(x + 0x9e3779b97f4a7c15ULL); }

  uint64_t state_;
  uint64_t origin_;
};

}  // namespace moodtape::designer
