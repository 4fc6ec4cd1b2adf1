// Small helpers shared by the encoders.
#pragma once

#include <cstdint>

#include "services/producer/core/sound/audio.h"

namespace moodtape::producer {

// A 64-bit hash of the samples and the tags: a stable stand-in for the random numbers encoders
// usually put in a stream (the Ogg serial), so the same input always gives the same bytes.
uint64_t AudioFingerprint(const StereoAudio& audio, const EncodeTags& tags);

}  // namespace moodtape::producer
