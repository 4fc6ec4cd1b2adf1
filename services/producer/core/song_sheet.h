// A written song for people and programs: the lead sheet as text (title, key, tempo, form, the
// chords of each section over its lyrics) and the same facts as JSON (the CLI's --json and the
// stage data of album jobs).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "services/producer/core/song.h"

namespace moodtape::producer {

// {"title", "genre", "theme", "seed", "index", "key", "tempo_bpm", "time_signature", "swing",
//  "duration_seconds", "sections": [{"label", "kind", "bars", "repeat_of", "start_seconds",
//  "chords": ["Am", ...] (one per bar), "lines": [{"text", "syllables", "target_syllables",
//  "rhyme", "rhyme_sound", "start_seconds"}]}], "lyrics"}
nlohmann::json SongJson(const Song& song);

// The lead sheet: a header, then each section with its chords per bar and its lines.
std::string SongSheet(const Song& song);

// The chord sounding at the start of each bar of a section (what SongJson lists).
std::vector<std::string> ChordsPerBar(const Composition& composition, const SectionMark& section);

}  // namespace moodtape::producer
