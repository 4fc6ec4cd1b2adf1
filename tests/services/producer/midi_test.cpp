// The MIDI file read back by an independent reader (python3-mido), the note pairing rules, and
// the timed lyrics (LRC).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "services/producer/core/sound/midi_events.h"
#include "services/producer/core/sound/midi_writer.h"
#include "tests/support/test_support.h"

namespace moodtape::producer {
namespace {

using testing::RunCommand;
using testing::TempDir;

constexpr int kBar = 4 * kTicksPerBeat;

Part MakePart(std::string name, PartRole role, int channel, int program) {
  Part part;
  part.name = std::move(name);
  part.role = role;
  part.channel = channel;
  part.program = program;
  return part;
}

// Four bars in A minor at 120 BPM: drums on channel 10, a bass, chords, and a lead that sings
// "We ride the long road home" twice (one syllable per quarter note).
Composition HandComposition() {
  Composition c;
  c.genre = Genre::kPop;
  c.tonic = 9;
  c.mode = Mode::kMinor;
  c.key_name = "A minor";
  c.tempo_bpm = 120;
  Part lead = MakePart("Lead (vocal melody)", PartRole::kLead, 0, 73);
  Part bass = MakePart("Bass", PartRole::kBass, 1, 33);
  Part keys = MakePart("Piano", PartRole::kHarmony, 2, 0);
  Part drums = MakePart("Drums", PartRole::kDrums, 9, 0);
  lead.volume = 110;
  lead.pan = 70;
  lead.reverb = 50;
  const char* words[] = {"We ", "ride ", "the ", "long ", "road ", "home "};
  const int melody[] = {69, 72, 71, 69, 67, 69};
  const int roots[] = {33, 41, 36, 43};
  for (int bar = 0; bar < 4; ++bar) {
    const int64_t t0 = int64_t{bar} * kBar;
    for (int beat = 0; beat < 4; ++beat) {
      const int64_t t = t0 + beat * kTicksPerBeat;
      drums.notes.push_back({t, 120, beat % 2 == 0 ? 36 : 38, 100});
      bass.notes.push_back({t, 400, roots[bar], 96});
    }
    for (int pitch : {57, 60, 64}) keys.notes.push_back({t0, kBar - 60, pitch + bar % 2, 70});
    if (bar % 2 == 0) {
      std::string text;
      for (int i = 0; i < 6; ++i) {
        const int64_t t = t0 + i * kTicksPerBeat;
        lead.sung.push_back({t, words[i], i % 2, static_cast<int>(lead.notes.size()), 0,
                             static_cast<int>(c.lines.size()), i % 2 == 0});
        lead.notes.push_back({t, kTicksPerBeat - 30, melody[i], 100});
        text += words[i];
      }
      text.pop_back();
      c.lines.push_back({0, t0, t0 + 6 * kTicksPerBeat - 30, text});
    }
  }
  c.sections.push_back({"Verse 1", SectionKind::kVerse, 0, 4 * kBar});
  c.parts = {lead, bass, keys, drums};
  c.end_tick = 4 * kBar + kTicksPerBeat;
  return c;
}

// A python3 that has mido: Debian's (python3-mido) may not be the first python3 on the PATH.
std::string PythonWithMido() {
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    if (RunCommand({python, "-c", "import mido"}) == 0) return python;
  }
  return "";
}

bool HavePython() { return RunCommand({"sh", "-c", "command -v python3"}) == 0; }

// What mido reads from the file, per track, as JSON on a line starting with "MIDO ".
constexpr const char* kMidoScript = R"(
import json, sys, mido
m = mido.MidiFile(sys.argv[1])
out = {"type": m.type, "tpb": m.ticks_per_beat, "length": m.length, "tracks": []}
for track in m.tracks:
    info = {"name": track.name, "notes": 0, "offs": 0, "lyrics": [], "lyric_then_note": True,
            "tempo": None, "time_signature": None, "key": None, "texts": [], "programs": [],
            "cc": []}
    msgs = list(track)
    for i, msg in enumerate(msgs):
        if msg.type == "note_on" and msg.velocity > 0:
            info["notes"] += 1
        elif msg.type == "note_off":
            info["offs"] += 1
        elif msg.type == "lyrics":
            info["lyrics"].append(msg.text)
            nxt = msgs[i + 1] if i + 1 < len(msgs) else None
            if nxt is None or nxt.type != "note_on" or nxt.time != 0:
                info["lyric_then_note"] = False
        elif msg.type == "set_tempo":
            info["tempo"] = msg.tempo
        elif msg.type == "time_signature":
            info["time_signature"] = [msg.numerator, msg.denominator]
        elif msg.type == "key_signature":
            info["key"] = msg.key
        elif msg.type == "text":
            info["texts"].append(msg.text)
        elif msg.type == "program_change":
            info["programs"].append(msg.program)
        elif msg.type == "control_change":
            info["cc"].append([msg.control, msg.value])
    out["tracks"].append(info)
print("MIDO " + json.dumps(out))
)";

// Writes the composition's MIDI file and returns what mido reads from it (null on failure).
nlohmann::json ReadWithMido(const std::string& python, const Composition& c,
                            const std::string& title) {
  TempDir dir;
  const std::string path = dir.File("song.mid");
  std::ofstream(path, std::ios::binary) << WriteMidi(c, title);
  std::string output;
  const int rc = RunCommand({python, "-c", kMidoScript, path}, &output);
  EXPECT_EQ(rc, 0) << output;
  const size_t at = output.find("MIDO ");
  if (rc != 0 || at == std::string::npos) return nullptr;
  const size_t end = output.find('\n', at);
  return nlohmann::json::parse(
      output.substr(at + 5, end == std::string::npos ? end : end - at - 5));
}

class MidoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HavePython())
      FAIL() << "python3 with mido is not installed (scripts/packages.txt installs python3-mido)";
    python_ = PythonWithMido();
    ASSERT_FALSE(python_.empty()) << "python3 has no mido (Debian package python3-mido)";
  }
  std::string python_;
};

TEST_F(MidoTest, MidoReadsTracksNotesLyricsAndLength) {
  const Composition c = HandComposition();
  const nlohmann::json m = ReadWithMido(python_, c, "Long Road");
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["type"], 1);
  EXPECT_EQ(m["tpb"], kTicksPerBeat);
  EXPECT_NEAR(m["length"].get<double>(), c.DurationSeconds(), 0.5);
  ASSERT_EQ(m["tracks"].size(), 1 + c.parts.size());

  const auto& conductor = m["tracks"][0];
  EXPECT_EQ(conductor["name"], "Long Road");
  EXPECT_EQ(conductor["tempo"], 500000);  // 120 BPM
  EXPECT_EQ(conductor["time_signature"], nlohmann::json::array({4, 4}));
  EXPECT_EQ(conductor["key"], "Am");
  ASSERT_EQ(conductor["texts"].size(), 1u);
  const std::string text = conductor["texts"][0];
  EXPECT_NE(text.find("Pop"), std::string::npos) << text;
  EXPECT_NE(text.find("A minor"), std::string::npos) << text;
  EXPECT_EQ(conductor["notes"], 0);

  for (size_t i = 0; i < c.parts.size(); ++i) {
    const Part& part = c.parts[i];
    const auto& track = m["tracks"][i + 1];
    EXPECT_EQ(track["name"], part.name);
    EXPECT_EQ(track["notes"], part.notes.size()) << part.name;
    EXPECT_EQ(track["offs"], part.notes.size()) << part.name;  // offs are real note-offs (0x80)
    if (part.channel == 9) {
      EXPECT_TRUE(track["programs"].empty());
    } else {
      EXPECT_EQ(track["programs"], nlohmann::json::array({part.program}));
    }
    EXPECT_EQ(track["cc"], nlohmann::json::parse("[[7," + std::to_string(part.volume) + "],[10," +
                                                 std::to_string(part.pan) + "],[91," +
                                                 std::to_string(part.reverb) + "]]"));
  }
  const auto& lead = m["tracks"][1];
  ASSERT_EQ(lead["lyrics"].size(), c.parts[0].sung.size());
  for (size_t i = 0; i < c.parts[0].sung.size(); ++i) {
    EXPECT_EQ(lead["lyrics"][i], c.parts[0].sung[i].text);
  }
  EXPECT_TRUE(lead["lyric_then_note"].get<bool>()) << "a lyric must come right before its note";
  for (size_t i = 2; i < m["tracks"].size(); ++i) EXPECT_TRUE(m["tracks"][i]["lyrics"].empty());
}

TEST_F(MidoTest, MeterTempoAndKeysOfOtherSongs) {
  Composition c = HandComposition();
  c.beats_per_bar = 3;
  c.tempo_bpm = 90;
  c.tonic = 3;
  c.mode = Mode::kMajor;
  c.key_name = "Eb major";
  nlohmann::json m = ReadWithMido(python_, c, "Waltz");
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["tracks"][0]["time_signature"], nlohmann::json::array({3, 4}));
  EXPECT_EQ(m["tracks"][0]["tempo"], 666667);
  EXPECT_EQ(m["tracks"][0]["key"], "Eb");
  EXPECT_NEAR(m["length"].get<double>(), c.DurationSeconds(), 0.5);

  c.tonic = 6;
  c.mode = Mode::kMinor;
  c.key_name = "F# minor";  // three sharps, as A major
  m = ReadWithMido(python_, c, "Sharp");
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["tracks"][0]["key"], "F#m");

  c.tonic = 2;
  c.mode = Mode::kDorian;
  c.key_name = "D dorian";  // C major's notes: no accidentals, a minor-third mode
  m = ReadWithMido(python_, c, "Modal");
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["tracks"][0]["key"], "Am");
}

TEST(MidiWriterTest, SameCompositionSameBytes) {
  const Composition c = HandComposition();
  const std::string a = WriteMidi(c, "Long Road");
  EXPECT_EQ(a, WriteMidi(c, "Long Road"));
  ASSERT_GT(a.size(), 14u);
  EXPECT_EQ(a.substr(0, 4), "MThd");
  EXPECT_EQ(a.substr(8, 6), std::string("\x00\x01\x00\x05\x01\xe0", 6));  // type 1, 5 tracks, 480
}

TEST(MidiEventsTest, RepeatedKeyIsReleasedBeforeItIsStruckAgain) {
  // Two overlapping notes on one key: the first ends where the second starts, and the second
  // keeps its full length (the first note's off must not cut it).
  const std::vector<NoteEvent> events = ChannelNoteEvents({{0, 960, 60, 90}, {480, 960, 60, 80}});
  ASSERT_EQ(events.size(), 4u);
  EXPECT_TRUE(events[0].on && events[0].tick == 0);
  EXPECT_TRUE(!events[1].on && events[1].tick == 480);
  EXPECT_TRUE(events[2].on && events[2].tick == 480 && events[2].velocity == 80);
  EXPECT_TRUE(!events[3].on && events[3].tick == 1440);

  // Back-to-back notes: the off at 480 comes before the on at 480.
  const auto legato = ChannelNoteEvents({{480, 480, 62, 90}, {0, 480, 62, 90}});
  ASSERT_EQ(legato.size(), 4u);
  EXPECT_FALSE(legato[1].on);
  EXPECT_TRUE(legato[2].on);
  EXPECT_EQ(legato[1].tick, legato[2].tick);

  // The same key struck twice at once is one note: the longer and the louder.
  const auto doubled = ChannelNoteEvents({{0, 240, 64, 70}, {0, 480, 64, 100}});
  ASSERT_EQ(doubled.size(), 2u);
  EXPECT_EQ(doubled[0].velocity, 100);
  EXPECT_EQ(doubled[1].tick, 480);

  // Out-of-range values are clamped into MIDI's ranges, never written as bad bytes.
  const auto wild = ChannelNoteEvents({{-5, 0, 200, 0}});
  ASSERT_EQ(wild.size(), 2u);
  EXPECT_EQ(wild[0].tick, 0);
  EXPECT_EQ(wild[0].pitch, 127);
  EXPECT_EQ(wild[0].velocity, 1);
  EXPECT_EQ(wild[1].tick, 1);
}

TEST(LrcTest, LinesAtTheirFirstSyllableInCentiseconds) {
  Composition c = HandComposition();
  EXPECT_EQ(WriteLrc(c, "Long Road", "moodtape"),
            "[ti:Long Road]\n"
            "[ar:moodtape]\n"
            "[length:00:09]\n"  // 8.5 s
            "[00:00.00]We ride the long road home\n"
            "[00:04.00]We ride the long road home\n");

  // Times are rounded down to the centisecond: 479 ticks at 100 BPM is 0.59875 s.
  c.tempo_bpm = 100;
  c.lines = {{0, 479, 900, "Early"}, {0, 4800 * 20, 4800 * 20 + 400, "Late\nline"}};
  c.end_tick = 4800 * 21;
  const std::string lrc = WriteLrc(c, "T", "A");
  EXPECT_NE(lrc.find("[00:00.59]Early\n"), std::string::npos) << lrc;
  // A long instrumental gap gets an empty line a second after the last one ends.
  EXPECT_NE(lrc.find("[00:02.12]\n"), std::string::npos) << lrc;
  EXPECT_NE(lrc.find("[02:00.00]Late line\n"), std::string::npos) << lrc;
  EXPECT_NE(lrc.find("[length:02:06]"), std::string::npos) << lrc;
}

}  // namespace
}  // namespace moodtape::producer
