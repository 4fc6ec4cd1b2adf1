#include "services/producer/core/sound/midi_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "services/producer/core/sound/midi_events.h"

namespace moodtape::producer {

namespace {

constexpr int kDrumChannel = 9;

int Clamp(int v, int lo, int hi) { return std::min(std::max(v, lo), hi); }

// One event of a track before it is written with delta times. `order` sorts events of one tick:
// set-up first, then note-offs, then lyrics (a karaoke player shows the syllable as its note
// starts), then note-ons, end of track last.
struct TrackEvent {
  int64_t tick = 0;
  int order = 0;
  size_t sequence = 0;  // insertion order, the last tie-break, so the bytes are deterministic
  std::string bytes;    // the event without its delta time
};

enum EventOrder { kSetup = 0, kNoteOff = 1, kLyric = 2, kNoteOn = 3, kEndOfTrack = 4 };

void AppendVarLen(std::string& out, uint64_t value) {
  char buf[10];
  int n = 0;
  buf[n++] = static_cast<char>(value & 0x7f);
  while ((value >>= 7) != 0) buf[n++] = static_cast<char>(0x80 | (value & 0x7f));
  while (n > 0) out.push_back(buf[--n]);
}

void AppendBigEndian(std::string& out, uint32_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string Meta(int type, std::string_view data) {
  std::string e;
  e.push_back(static_cast<char>(0xff));
  e.push_back(static_cast<char>(type));
  AppendVarLen(e, data.size());
  e.append(data);
  return e;
}

std::string Channel(int status, int channel, int a, int b) {
  return {static_cast<char>(status | channel), static_cast<char>(a), static_cast<char>(b)};
}

std::string ProgramChange(int channel, int program) {
  return {static_cast<char>(0xc0 | channel), static_cast<char>(program)};
}

class Track {
 public:
  void Add(int64_t tick, int order, std::string bytes) {
    events_.push_back({std::max<int64_t>(tick, 0), order, events_.size(), std::move(bytes)});
  }

  // The MTrk chunk; the end-of-track event sits at `end_tick` or after the last event.
  std::string Chunk(int64_t end_tick) {
    int64_t last = end_tick;
    for (const auto& e : events_) last = std::max(last, e.tick);
    Add(last, kEndOfTrack, Meta(0x2f, ""));
    std::stable_sort(events_.begin(), events_.end(), [](const TrackEvent& a, const TrackEvent& b) {
      if (a.tick != b.tick) return a.tick < b.tick;
      if (a.order != b.order) return a.order < b.order;
      return a.sequence < b.sequence;
    });
    std::string body;
    int64_t now = 0;
    for (const auto& e : events_) {
      AppendVarLen(body, static_cast<uint64_t>(e.tick - now));
      body += e.bytes;
      now = e.tick;
    }
    std::string chunk = "MTrk";
    AppendBigEndian(chunk, static_cast<uint32_t>(body.size()), 4);
    return chunk + body;
  }

 private:
  std::vector<TrackEvent> events_;
};

// Sharps (> 0) or flats (< 0) of a major key by its tonic's pitch class, spelled as the key's
// name spells its tonic ("Db" 5 flats, "C#" 7 sharps; the common spelling when it does not say).
int SharpsOfMajor(int pitch_class, int spelling) {
  static const int kSharps[12] = {0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5};
  const int sharps = kSharps[((pitch_class % 12) + 12) % 12];
  if (spelling > 0 && sharps < 0 && sharps + 12 <= 7) return sharps + 12;
  if (spelling < 0 && sharps > 0 && sharps - 12 >= -7) return sharps - 12;
  return sharps;
}

// The key signature meta-event: a mode's accidentals are those of its relative major; the
// minor flag is set for the modes with a minor third (minor, dorian, phrygian).
std::string KeySignature(const Composition& c) {
  int relative_major = c.tonic;
  bool minor = false;
  switch (c.mode) {
    case Mode::kMajor:
      break;
    case Mode::kMinor:
      relative_major = c.tonic + 3;
      minor = true;
      break;
    case Mode::kDorian:
      relative_major = c.tonic + 10;
      minor = true;
      break;
    case Mode::kMixolydian:
      relative_major = c.tonic + 5;
      break;
    case Mode::kPhrygian:
      relative_major = c.tonic + 8;
      minor = true;
      break;
  }
  // The tonic's own accidental ("Eb minor") tells which spelling of the relative major to use.
  int spelling = 0;
  if (c.key_name.size() > 1) spelling = c.key_name[1] == '#' ? 1 : c.key_name[1] == 'b' ? -1 : 0;
  const int sharps = SharpsOfMajor(relative_major, spelling);
  std::string data = {static_cast<char>(static_cast<int8_t>(sharps)), static_cast<char>(minor)};
  return Meta(0x59, data);
}

std::string ConductorText(const Composition& c) {
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%s in %s, %.0f BPM", std::string(InfoOf(c.genre).name).c_str(),
                c.key_name.empty() ? "an unnamed key" : c.key_name.c_str(), c.tempo_bpm);
  std::string text = buf;
  if (c.swing > 0) {
    std::snprintf(buf, sizeof(buf), ", swing %.2f", c.swing);
    text += buf;
  }
  return text;
}

std::string ConductorTrack(const Composition& c, std::string_view title) {
  Track t;
  t.Add(0, kSetup, Meta(0x03, title));
  std::string tempo;
  AppendBigEndian(tempo, static_cast<uint32_t>(MicrosecondsPerBeat(c.tempo_bpm)), 3);
  t.Add(0, kSetup, Meta(0x51, tempo));
  // nn/dd as a power of two, 24 MIDI clocks per metronome click, 8 thirty-seconds per quarter.
  const std::string time_signature = {static_cast<char>(Clamp(c.beats_per_bar, 1, 32)), 2, 24, 8};
  t.Add(0, kSetup, Meta(0x58, time_signature));
  t.Add(0, kSetup, KeySignature(c));
  t.Add(0, kSetup, Meta(0x01, ConductorText(c)));
  // Section markers, so an editor or player shows where the verse and the chorus start.
  for (const SectionMark& section : c.sections)
    t.Add(section.start, kSetup, Meta(0x06, section.label));
  return t.Chunk(c.end_tick);
}

std::string PartTrack(const Part& part, int64_t end_tick) {
  const int ch = Clamp(part.channel, 0, 15);
  Track t;
  t.Add(0, kSetup, Meta(0x03, part.name));
  // On channel 10 a program change selects a GS drum kit (GM players ignore it); the standard kit
  // is every player's default, so it needs none.
  const int program = Clamp(part.program, 0, 127);
  if (ch != kDrumChannel || program != 0) t.Add(0, kSetup, ProgramChange(ch, program));
  t.Add(0, kSetup, Channel(0xb0, ch, 7, Clamp(part.volume, 0, 127)));
  t.Add(0, kSetup, Channel(0xb0, ch, 10, Clamp(part.pan, 0, 127)));
  t.Add(0, kSetup, Channel(0xb0, ch, 91, Clamp(part.reverb, 0, 127)));
  // GM2's release time (sound controller 3), only when the part asks for a change: 64 is every
  // player's default.
  const int release = Clamp(part.release, 0, 127);
  if (release != 64) t.Add(0, kSetup, Channel(0xb0, ch, 72, release));
  for (const NoteEvent& e : ChannelNoteEvents(part.notes)) {
    if (e.on) {
      t.Add(e.tick, kNoteOn, Channel(0x90, ch, e.pitch, e.velocity));
    } else {
      t.Add(e.tick, kNoteOff, Channel(0x80, ch, e.pitch, e.velocity));
    }
  }
  for (const SungSyllable& s : part.sung) t.Add(s.tick, kLyric, Meta(0x05, s.text));
  return t.Chunk(end_tick);
}

// "[mm:ss.xx]" with the centiseconds rounded down, as LRC players expect.
std::string LrcTime(double seconds) {
  const int64_t cs = static_cast<int64_t>(std::floor(std::max(seconds, 0.0) * 100.0 + 1e-9));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "[%02lld:%02lld.%02lld]", static_cast<long long>(cs / 6000),
                static_cast<long long>((cs / 100) % 60), static_cast<long long>(cs % 100));
  return buf;
}

// A tag value or line on one line: line breaks would start a new, untimed LRC line.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return out;
}

}  // namespace

std::string WriteMidi(const Composition& composition, std::string_view title) {
  std::string header = "MThd";
  AppendBigEndian(header, 6, 4);
  AppendBigEndian(header, 1, 2);  // type 1: simultaneous tracks
  AppendBigEndian(header, static_cast<uint32_t>(1 + composition.parts.size()), 2);
  AppendBigEndian(header, kTicksPerBeat, 2);
  std::string out = header + ConductorTrack(composition, title);
  for (const Part& part : composition.parts) out += PartTrack(part, composition.end_tick);
  return out;
}

std::string WriteLrc(const Composition& composition, std::string_view title,
                     std::string_view artist) {
  std::string out = "[ti:" + OneLine(title) + "]\n";
  out += "[ar:" + OneLine(artist) + "]\n";
  const auto total = static_cast<int64_t>(std::llround(composition.DurationSeconds()));
  char length[48];
  std::snprintf(length, sizeof(length), "[length:%02lld:%02lld]\n",
                static_cast<long long>(total / 60), static_cast<long long>(total % 60));
  out += length;

  std::vector<const LineMark*> lines;
  for (const LineMark& line : composition.lines) lines.push_back(&line);
  std::stable_sort(lines.begin(), lines.end(),
                   [](const LineMark* a, const LineMark* b) { return a->start < b->start; });
  // An empty timed line clears the display during a long instrumental gap, so a finished line
  // does not hang on screen through a solo.
  constexpr double kGapSeconds = 4.0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineMark& line = *lines[i];
    out += LrcTime(composition.SecondsAt(line.start)) + OneLine(line.text) + "\n";
    const int64_t next = i + 1 < lines.size() ? lines[i + 1]->start : composition.end_tick;
    if (composition.SecondsAt(next) - composition.SecondsAt(line.end) > kGapSeconds) {
      out += LrcTime(composition.SecondsAt(line.end) + 1.0) + "\n";
    }
  }
  return out;
}

}  // namespace moodtape::producer
