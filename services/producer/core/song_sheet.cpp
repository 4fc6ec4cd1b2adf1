#include "services/producer/core/song_sheet.h"

#include <cmath>
#include <cstdio>

namespace moodtape::producer {
namespace {

using nlohmann::json;

std::string TimeSignature(const Composition& c) { return std::to_string(c.beats_per_bar) + "/4"; }

double Rounded(double v, double step) { return std::round(v / step) * step; }

// The lines a composition sings in one section, in order.
std::vector<const LineMark*> LinesOf(const Composition& c, size_t section) {
  std::vector<const LineMark*> out;
  for (const auto& line : c.lines) {
    if (line.section == static_cast<int>(section)) out.push_back(&line);
  }
  return out;
}

}  // namespace

std::vector<std::string> ChordsPerBar(const Composition& c, const SectionMark& section) {
  std::vector<std::string> out;
  const int64_t bar = static_cast<int64_t>(c.beats_per_bar) * kTicksPerBeat;
  for (int64_t t = section.start; t < section.end; t += bar) {
    std::string name;
    for (const auto& chord : c.chords) {
      if (chord.start <= t && t < chord.start + chord.duration) name = chord.name;
    }
    out.push_back(name.empty() ? "N.C." : name);
  }
  return out;
}

json SongJson(const Song& song) {
  const Composition& c = song.composition;
  json sections = json::array();
  for (size_t i = 0; i < song.lyrics.sections.size(); ++i) {
    const LyricSection& ls = song.lyrics.sections[i];
    json s = {{"label", ls.label},
              {"kind", SectionKindName(ls.kind)},
              {"bars", ls.bars},
              {"repeat_of", ls.repeat_of}};
    const auto marks = LinesOf(c, i);
    if (i < c.sections.size()) {
      s["start_seconds"] = Rounded(c.SecondsAt(c.sections[i].start), 0.01);
      s["chords"] = ChordsPerBar(c, c.sections[i]);
    }
    const SectionSpec* spec = i < song.form.sections.size() ? &song.form.sections[i] : nullptr;
    json lines = json::array();
    for (size_t j = 0; j < ls.lines.size(); ++j) {
      const LyricLine& line = ls.lines[j];
      json l = {{"text", line.text},
                {"syllables", line.SyllableCount()},
                {"rhyme", std::string(1, line.rhyme)},
                {"rhyme_sound", line.rhyme_sound}};
      if (spec != nullptr && j < spec->lines.size()) {
        l["target_syllables"] = spec->lines[j].syllables;
      }
      if (j < marks.size()) l["start_seconds"] = Rounded(c.SecondsAt(marks[j]->start), 0.01);
      lines.push_back(std::move(l));
    }
    s["lines"] = std::move(lines);
    sections.push_back(std::move(s));
  }
  return {{"title", song.lyrics.title},
          {"genre", std::string(GenreId(song.request.genre))},
          {"theme", song.request.theme},
          {"seed", song.request.seed},
          {"index", song.request.index_in_album},
          {"key", c.key_name},
          {"tempo_bpm", Rounded(c.tempo_bpm, 0.1)},
          {"time_signature", TimeSignature(c)},
          {"swing", Rounded(c.swing, 0.01)},
          {"duration_seconds", Rounded(c.DurationSeconds(), 0.01)},
          {"sections", std::move(sections)},
          {"lyrics", LyricsText(song.lyrics)}};
}

std::string SongSheet(const Song& song) {
  const Composition& c = song.composition;
  char header[256];
  const int seconds = static_cast<int>(std::lround(c.DurationSeconds()));
  std::snprintf(header, sizeof(header), "%s — %s, %s, %.0f BPM, %s, %d:%02d\n",
                InfoOf(song.request.genre).name.data(), c.key_name.c_str(),
                TimeSignature(c).c_str(), c.tempo_bpm, c.swing > 0 ? "swung" : "straight",
                seconds / 60, seconds % 60);
  std::string out = "# " + song.lyrics.title + "\n" + header;
  for (size_t i = 0; i < song.lyrics.sections.size(); ++i) {
    const LyricSection& ls = song.lyrics.sections[i];
    out += "\n[" + ls.label + "]";
    if (i < c.sections.size()) {
      out += "  |";
      for (const auto& chord : ChordsPerBar(c, c.sections[i])) out += " " + chord + " |";
    }
    out += "\n";
    for (const auto& line : ls.lines) out += line.text + "\n";
  }
  return out;
}

}  // namespace moodtape::producer
