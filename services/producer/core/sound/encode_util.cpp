#include "services/producer/core/sound/encode_util.h"

#include <cstring>

namespace moodtape::producer {

namespace {

constexpr uint64_t kPrime = 0x100000001b3ULL;

uint64_t Mix(uint64_t h, uint64_t v) { return (h ^ v) * kPrime; }

uint64_t MixText(uint64_t h, const std::string& text) {
  for (unsigned char c : text) h = Mix(h, c);
  return Mix(h, 0xff);  // separator, so ("ab", "c") and ("a", "bc") differ
}

}  // namespace

uint64_t AudioFingerprint(const StereoAudio& audio, const EncodeTags& tags) {
  uint64_t h = 0xcbf29ce484222325ULL;
  h = MixText(h, tags.title);
  h = MixText(h, tags.artist);
  h = MixText(h, tags.album);
  h = MixText(h, tags.genre);
  h = Mix(h, audio.samples.size());
  // Two samples per step as one 64-bit word: the bit patterns, so -0.0 and 0.0 differ too.
  const size_t n = audio.samples.size();
  size_t i = 0;
  for (; i + 1 < n; i += 2) {
    uint64_t word;
    std::memcpy(&word, audio.samples.data() + i, sizeof(word));
    h = Mix(h, word);
  }
  if (i < n) {
    uint32_t last;
    std::memcpy(&last, audio.samples.data() + i, sizeof(last));
    h = Mix(h, last);
  }
  return h ^ (h >> 29);
}

}  // namespace moodtape::producer
