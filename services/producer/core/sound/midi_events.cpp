#include "services/producer/core/sound/midi_events.h"

#include <algorithm>
#include <cmath>

namespace moodtape::producer {

namespace {

int Clamp(int v, int lo, int hi) { return std::min(std::max(v, lo), hi); }

}  // namespace

std::vector<NoteEvent> ChannelNoteEvents(const std::vector<Note>& notes) {
  struct Span {
    int64_t start;
    int64_t end;
    int pitch;
    int velocity;
  };
  std::vector<Span> spans;
  spans.reserve(notes.size());
  for (const Note& n : notes) {
    const int64_t start = std::max<int64_t>(n.start, 0);
    const int64_t end = start + std::max<int64_t>(n.duration, 1);
    spans.push_back({start, end, Clamp(n.pitch, 0, 127), Clamp(n.velocity, 1, 127)});
  }
  std::stable_sort(spans.begin(), spans.end(),
                   [](const Span& a, const Span& b) { return a.start < b.start; });

  // The span currently sounding on each key (index into `spans`), -1 when the key is free.
  int sounding[128];
  std::fill(std::begin(sounding), std::end(sounding), -1);
  std::vector<bool> dropped(spans.size(), false);
  for (size_t i = 0; i < spans.size(); ++i) {
    Span& s = spans[i];
    const int prev = sounding[s.pitch];
    if (prev >= 0 && spans[prev].end > s.start) {
      Span& p = spans[prev];
      if (p.start == s.start) {
        p.end = std::max(p.end, s.end);
        p.velocity = std::max(p.velocity, s.velocity);
        dropped[i] = true;
        continue;
      }
      p.end = s.start;
    }
    sounding[s.pitch] = static_cast<int>(i);
  }

  std::vector<NoteEvent> events;
  events.reserve(spans.size() * 2);
  for (size_t i = 0; i < spans.size(); ++i) {
    if (dropped[i]) continue;
    events.push_back({spans[i].start, true, spans[i].pitch, spans[i].velocity});
    events.push_back({spans[i].end, false, spans[i].pitch, 64});
  }
  std::stable_sort(events.begin(), events.end(), [](const NoteEvent& a, const NoteEvent& b) {
    if (a.tick != b.tick) return a.tick < b.tick;
    if (a.on != b.on) return !a.on;
    return a.pitch < b.pitch;
  });
  return events;
}

int MicrosecondsPerBeat(double tempo_bpm) {
  if (!(tempo_bpm > 0)) return 500000;
  const double us = std::round(60'000'000.0 / tempo_bpm);
  return static_cast<int>(std::clamp(us, 1.0, 16'777'215.0));
}

}  // namespace moodtape::producer
