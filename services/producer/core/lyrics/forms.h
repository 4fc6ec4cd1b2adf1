// Stage 1: the song form of a genre (sections, lines per section, syllables per line, rhyme
// scheme, bars). A genre has a few variants; the seed picks one and small variations.
//
// Conventions the composer relies on: a section's lines share its bars evenly (bars is a
// multiple of the line count); intro, solo and outro have no lines; sung lines are set on eighth
// notes (at most 8 syllables a bar of 4/4; 5-11 syllables on a two-bar line), rap lines on
// sixteenths (10-16 syllables a bar); a chorus or hook sung again is a later section with
// repeat_of = the first one's index. Rhyme labels are per section, a new letter per couplet
// (AABBCC...). At the genre's middle tempo a song lasts 2.5 to 4 minutes (punk about two).
#pragma once

#include "services/producer/core/random.h"
#include "services/producer/core/song.h"

namespace moodtape::producer {

SongForm MakeForm(Genre genre, SongRandom& random);

}  // namespace moodtape::producer
