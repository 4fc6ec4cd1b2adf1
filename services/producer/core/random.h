// The one source of randomness of the song engine. Every stage takes a SongRandom and the same
// seed must give the same song byte for byte on every machine, so this is a fixed algorithm
// (splitmix64 seeding xoshiro256**) with our own range helpers: the standard library's
// distributions are implementation-defined and may change between library versions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace moodtape::producer {

class SongRandom {
 public:
  explicit SongRandom(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : state_) s = SplitMix(x);
  }

  // A new, independent stream for one stage or element ("melody", "verse 2"): forking instead of
  // sharing one stream keeps a change in one stage from reshuffling every later stage.
  SongRandom Fork(std::string_view label) const {
    uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the label, mixed with this stream's state
    for (unsigned char c : label) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    return SongRandom(h ^ state_[0] ^ Rotl(state_[1], 17) ^ Rotl(state_[2], 31) ^ state_[3]);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [lo, hi] (inclusive); lo when hi <= lo.
  int Between(int lo, int hi) {
    if (hi <= lo) return lo;
    const uint64_t span = static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1;
    return lo + static_cast<int>(Next() % span);  // bias < 2^-40 for spans we use
  }

  // Index in [0, n); 0 when n == 0.
  size_t Index(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

  bool Chance(double p) { return Unit() < p; }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Index(items.size())];
  }

  // Index chosen with probability proportional to weights[i] (>= 0); 0 when all are 0.
  size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w > 0 ? w : 0;
    if (total <= 0) return 0;
    double r = Unit() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      const double w = weights[i] > 0 ? weights[i] : 0;
      if (r < w) return i;
      r -= w;
    }
    return weights.size() - 1;
  }

  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Index(i)]);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace moodtape::producer
