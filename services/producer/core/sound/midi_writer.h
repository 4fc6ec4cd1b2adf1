// A Composition as a Standard MIDI File (type 1): a conductor track with the tempo, time and key
// signature, the title, a text naming the genre and key, and a marker per section; one named
// track per part with its GM program, volume, pan and reverb; a lyric meta-event (FF 05) on the
// lead track at every sung syllable, just before its note-on, so karaoke players show the words.
// Text is written as UTF-8 bytes. Deterministic: same composition, same bytes.
#pragma once

#include <string>
#include <string_view>

#include "services/producer/core/song.h"

namespace moodtape::producer {

std::string WriteMidi(const Composition& composition, std::string_view title);

// Timed lyrics (LRC): "[ti:Title]", "[ar:Artist]", "[length:mm:ss]", then "[mm:ss.xx]line" for
// every sung line at the time of its first syllable (centiseconds rounded down), from the
// composition's line marks; an empty timed line clears the display in gaps over 4 seconds.
std::string WriteLrc(const Composition& composition, std::string_view title,
                     std::string_view artist);

}  // namespace moodtape::producer
