// Stages 3-5 of the song engine: the composer's pipeline of pure steps (composer_internal.h),
// then the Composition assembled: swing applied to every part, marks and chord symbols, the end.
#include "services/producer/core/compose/composer.h"

#include <algorithm>

#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer {

Composition Compose(const Lyrics& lyrics, Genre genre, SongRandom& random) {
  using namespace compose;
  // Each step draws from its own stream, so a change in one step leaves the others' choices be.
  SongRandom style_random = random.Fork("style");
  SongRandom harmony_random = random.Fork("harmony");
  SongRandom melody_random = random.Fork("melody");
  SongRandom arrangement_random = random.Fork("arrangement");

  const Style style = ChooseStyle(genre, style_random);
  const Timeline timeline = LayOut(lyrics);
  const Harmony harmony = ComposeHarmony(timeline, style, harmony_random);
  const Melody melody = ComposeMelody(timeline, style, harmony, melody_random);
  std::vector<Part> parts = Arrange(timeline, style, harmony, melody, arrangement_random);

  Composition composition;
  composition.genre = genre;
  composition.tonic = style.tonic;
  composition.mode = style.mode;
  composition.key_name = style.key_name;
  composition.tempo_bpm = style.tempo_bpm;
  composition.beats_per_bar = kBeatsPerBar;
  composition.swing = style.swing;

  // Swing moves every note the same way, so parts stay together and notes keep their order.
  auto swing = [&](int64_t tick) { return SwingTick(tick, style); };
  int64_t last_off = timeline.MusicEnd() - kBarTicks;
  for (Part& part : parts) {
    for (Note& note : part.notes) {
      const int64_t start = swing(note.start);
      const int64_t end = swing(note.start + note.duration);
      note.start = start;
      note.duration = std::max<int64_t>(1, end - start);
      note.velocity = std::clamp(note.velocity, 1, 127);
      last_off = std::max(last_off, note.start + note.duration);
    }
    if (part.role != PartRole::kLead) {
      // The lead's notes are indexed by its sung syllables and always lie in the vocal range.
      std::erase_if(part.notes, [](const Note& n) { return n.pitch < 0 || n.pitch > 127; });
    }
    for (SungSyllable& sung : part.sung) sung.tick = swing(sung.tick);
  }
  composition.parts = std::move(parts);

  for (const SectionPlace& section : timeline.sections) {
    composition.sections.push_back({section.label, section.kind, section.start, section.end});
  }
  for (LineMark mark : melody.lines) {
    mark.start = swing(mark.start);
    mark.end = swing(mark.end);
    composition.lines.push_back(std::move(mark));
  }
  // A bar of tail after the last note lets the reverb and the final hit ring out.
  composition.end_tick = last_off + kBarTicks;
  composition.chords = ChordSymbols(harmony, style, composition.end_tick);
  return composition;
}

}  // namespace moodtape::producer
