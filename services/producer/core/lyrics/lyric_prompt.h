// Lyrics from a text model (an OpenAI-compatible chat endpoint, services/producer/openai_lyrics.h)
// instead of the builtin writer: the prompt that describes the form, and the parser that turns the
// model's answer back into Lyrics for the same form, through the same phonetics (syllables,
// stress, rhyme sounds), so the composer sets them exactly as it sets the builtin writer's. No
// network code here.
#pragma once

#include <string>
#include <string_view>

#include "platform/base/error.h"
#include "services/producer/core/lyrics/lyric_writer.h"
#include "services/producer/core/song.h"
#include "services/producer/core/words/phonetics.h"

namespace moodtape::producer {

struct LyricsPrompt {
  std::string system;  // the role: an original songwriter, the answer format
  std::string user;    // genre, theme, the form section by section (lines, syllables, rhymes)
};

LyricsPrompt MakeLyricsPrompt(const SongForm& form, std::string_view theme);

// The model's answer ("Title: ...", then "[Label]" and one line per sung line for every section
// the form sings; repeated sections may be written or left out) as Lyrics for `form`: repeated
// sections and lines copied from their originals, every word's syllables and stress from the
// dictionary, rhyme labels from the form. kInvalidArgument saying what is missing when a section
// or its lines cannot be found, a line is empty or longer than 200 characters, or a line repeats
// one already in `album` (which then gets this song's lines).
platform::Result<Lyrics> LyricsFromText(const SongForm& form, std::string_view text,
                                        const PronouncingDictionary& dictionary, AlbumLines& album);

}  // namespace moodtape::producer
