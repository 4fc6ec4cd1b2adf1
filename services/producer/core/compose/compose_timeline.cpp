// Step 2 of the composer: sections and lyric lines placed on bars. The convention shared with
// the lyric writer: a section's lines share its bars evenly (bars / lines each), sections
// without lines are instrumental.
#include <algorithm>

#include "services/producer/core/compose/composer_internal.h"

namespace moodtape::producer::compose {

Timeline LayOut(const Lyrics& lyrics) {
  Timeline timeline;
  int64_t tick = 0;
  for (size_t i = 0; i < lyrics.sections.size(); ++i) {
    const LyricSection& section = lyrics.sections[i];
    SectionPlace place;
    place.kind = section.kind;
    place.label = section.label.empty() ? SectionKindName(section.kind) : section.label;
    const bool valid_repeat = section.repeat_of >= 0 && section.repeat_of < static_cast<int>(i);
    place.repeat_of = valid_repeat ? section.repeat_of : -1;
    // A repeat may come without its lines; it sings the original's.
    const std::vector<LyricLine>* lines = &section.lines;
    if (lines->empty() && valid_repeat) lines = &lyrics.sections[section.repeat_of].lines;
    const int line_count = static_cast<int>(lines->size());

    // Nonsense bar counts from outside get a usable length: at least a bar per line, two bars
    // per line when nothing is given.
    int bars = section.bars;
    if (bars < 1) bars = line_count > 0 ? 2 * line_count : 4;
    bars = std::max(bars, line_count);
    bars = std::min(bars, 256);
    place.bars = bars;
    place.start = tick;
    place.end = tick + bars * kBarTicks;

    const int section_index = static_cast<int>(timeline.sections.size());
    const int64_t beats = int64_t{bars} * kBeatsPerBar;
    for (int k = 0; k < line_count; ++k) {
      LinePlace line;
      line.section = section_index;
      line.index_in_section = k;
      line.line = &(*lines)[k];
      // In beats, so a line count that does not divide the bars still gets whole beats.
      line.start = place.start + beats * k / line_count * kTicksPerBeat;
      line.end = place.start + beats * (k + 1) / line_count * kTicksPerBeat;
      place.lines.push_back(static_cast<int>(timeline.lines.size()));
      timeline.lines.push_back(line);
    }
    tick = place.end;
    timeline.sections.push_back(std::move(place));
  }
  if (timeline.sections.empty()) {
    // No lyrics at all: a short instrumental so the song still has a shape.
    SectionPlace place;
    place.kind = SectionKind::kIntro;
    place.label = "Instrumental";
    place.bars = 8;
    place.start = 0;
    place.end = place.bars * kBarTicks;
    tick = place.end;
    timeline.sections.push_back(std::move(place));
  }
  timeline.end = tick;
  // The final tonic hit takes the outro's last bar; a song ending on a sung section gets one more
  // bar for it, so the hit never changes the harmony under the last line.
  const SectionPlace& last = timeline.sections.back();
  timeline.extra_final_bar = !last.lines.empty() || last.bars < 2;
  return timeline;
}

}  // namespace moodtape::producer::compose
