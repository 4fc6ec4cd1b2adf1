// The note-on/note-off stream of one MIDI channel, shared by the MIDI writer and the renderer so
// the file and the audio play exactly the same notes.
#pragma once

#include <cstdint>
#include <vector>

#include "services/producer/core/song.h"

namespace moodtape::producer {

struct NoteEvent {
  int64_t tick = 0;
  bool on = false;
  int pitch = 60;     // clamped to 0..127
  int velocity = 64;  // note-on: clamped to 1..127; note-off: 64
};

// The notes as events in playing order: by tick, note-offs before note-ons at the same tick
// (so a repeated key is released before it is struck again), then by pitch. A note that starts
// while an earlier note of the same key still sounds ends that earlier note at its start (one
// key cannot sound twice on a channel, and the later note must not be cut short by the earlier
// note's off); two notes of one key starting together become one note (the longer, the louder).
// `notes` may come from several parts sharing a channel and need not be sorted.
std::vector<NoteEvent> ChannelNoteEvents(const std::vector<Note>& notes);

// Microseconds per quarter note for a tempo (the MIDI tempo meta-event), clamped to what the
// three-byte field can hold.
int MicrosecondsPerBeat(double tempo_bpm);

}  // namespace moodtape::producer
