// Stages 3-5: harmony, melody and arrangement for lyrics in a genre. Key, mode, tempo range and
// time feel come from the genre; chord progressions per section; a vocal melody with one note
// per syllable (melisma allowed), stressed syllables on strong beats, notes in the key, phrases
// ending on chord tones, a singable range (rap: a rhythmic near-monotone flow with swing);
// drums on GM channel 10 with the genre's groove and fills at section ends, bass on the roots,
// harmony parts per genre, and a lead instrument playing the vocal melody.
#pragma once

#include "services/producer/core/random.h"
#include "services/producer/core/song.h"

namespace moodtape::producer {

Composition Compose(const Lyrics& lyrics, Genre genre, SongRandom& random);

}  // namespace moodtape::producer
