// Rendering, loudness, encoding and archiving of a hand-made composition (drums on channel 10,
// bass, chords and a sung lead), checked by measuring the sound and by decoding the files with
// ffprobe/ffmpeg.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <regex>
#include <thread>

#include "services/producer/core/sound/audio.h"
#include "services/producer/core/sound/midi_writer.h"
#include "tests/support/test_support.h"

namespace moodtape::producer {
namespace {

using platform::ErrorCode;
using testing::RunCommand;
using testing::TempDir;

constexpr int kBar = 4 * kTicksPerBeat;

void Add(Part& part, int64_t start, int64_t duration, int pitch, int velocity) {
  part.notes.push_back({start, duration, pitch, velocity});
}

Part MakePart(std::string name, PartRole role, int channel, int program, int volume, int pan,
              int reverb) {
  Part part;
  part.name = std::move(name);
  part.role = role;
  part.channel = channel;
  part.program = program;
  part.volume = volume;
  part.pan = pan;
  part.reverb = reverb;
  return part;
}

// `bars` bars of A minor pop at `bpm`: i-VI-III-VII, a drum groove with a crash every 8 bars,
// eighth-note bass on the roots, a piano chord per bar, and a sung lead line every two bars.
Composition HandComposition(int bars, double bpm = 120) {
  Composition c;
  c.genre = Genre::kPop;
  c.tonic = 9;
  c.mode = Mode::kMinor;
  c.key_name = "A minor";
  c.tempo_bpm = bpm;
  c.beats_per_bar = 4;
  struct Chord {
    int root;
    std::vector<int> tones;
    const char* name;
  };
  const Chord progression[] = {{9, {57, 60, 64}, "Am"},
                               {5, {53, 57, 60}, "F"},
                               {0, {55, 60, 64}, "C"},
                               {7, {55, 59, 62}, "G"}};
  Part drums = MakePart("Drums", PartRole::kDrums, 9, 0, 110, 64, 30);
  Part bass = MakePart("Bass", PartRole::kBass, 1, 33, 105, 64, 30);
  Part keys = MakePart("Piano", PartRole::kHarmony, 2, 0, 90, 44, 40);
  Part lead = MakePart("Lead (vocal melody)", PartRole::kLead, 0, 73, 110, 70, 50);
  const char* words[] = {"We ", "ride ", "the ", "long ", "road ", "home "};
  const int melody[] = {69, 72, 71, 69, 67, 69};
  for (int bar = 0; bar < bars; ++bar) {
    const int64_t t0 = int64_t{bar} * kBar;
    const Chord& chord = progression[bar % 4];
    c.chords.push_back({t0, kBar, chord.root, chord.name});
    if (bar % 8 == 0) Add(drums, t0, 240, 49, 100);
    for (int eighth = 0; eighth < 8; ++eighth) {
      const int64_t t = t0 + eighth * kTicksPerBeat / 2;
      Add(drums, t, 120, 42, eighth % 2 == 0 ? 80 : 60);
      if (eighth % 4 == 0) Add(drums, t, 120, 36, 110);
      if (eighth % 4 == 2) Add(drums, t, 120, 38, 100);
      Add(bass, t, 220, 33 + (chord.root + 3) % 12, eighth % 2 == 0 ? 100 : 85);
    }
    for (int pitch : chord.tones) Add(keys, t0, kBar - 60, pitch, 72);
    if (bar % 2 == 0) {
      const int first_note = static_cast<int>(lead.notes.size());
      std::string text;
      for (int i = 0; i < 6; ++i) {
        const int64_t t = t0 + i * kTicksPerBeat;
        Add(lead, t, kTicksPerBeat - 30, melody[i] + (bar % 4 == 2 ? 2 : 0), 100);
        lead.sung.push_back({.tick = t,
                             .text = words[i],
                             .stress = i % 2,
                             .note = first_note + i,
                             .section = bar * 2 >= bars ? 1 : 0,
                             .line = static_cast<int>(c.lines.size()),
                             .strong = i % 2 == 0});
        text += words[i];
      }
      text.pop_back();
      c.lines.push_back({bar * 2 >= bars ? 1 : 0, t0, t0 + 6 * kTicksPerBeat - 30, text});
    }
  }
  c.sections.push_back({"Verse 1", SectionKind::kVerse, 0, int64_t{bars / 2} * kBar});
  c.sections.push_back(
      {"Chorus", SectionKind::kChorus, int64_t{bars / 2} * kBar, int64_t{bars} * kBar});
  c.parts = {lead, bass, keys, drums};
  c.end_tick = int64_t{bars} * kBar + kTicksPerBeat;
  return c;
}

double Rms(const StereoAudio& audio, size_t first_frame, size_t frames) {
  double sum = 0;
  for (size_t i = first_frame * 2; i < (first_frame + frames) * 2 && i < audio.samples.size();
       ++i) {
    sum += static_cast<double>(audio.samples[i]) * audio.samples[i];
  }
  return std::sqrt(sum / static_cast<double>(2 * frames));
}

float PeakOf(const StereoAudio& audio) {
  float peak = 0;
  for (float s : audio.samples) peak = std::max(peak, std::fabs(s));
  return peak;
}

StereoAudio Sine(double seconds, double hz, double amplitude) {
  StereoAudio audio;
  const auto frames = static_cast<size_t>(seconds * kSampleRate);
  audio.samples.resize(frames * 2);
  for (size_t i = 0; i < frames; ++i) {
    const auto v = static_cast<float>(amplitude * std::sin(2 * M_PI * hz * i / kSampleRate));
    audio.samples[2 * i] = v;
    audio.samples[2 * i + 1] = v;
  }
  return audio;
}

bool HaveProgram(const std::string& name) {
  return RunCommand({"sh", "-c", "command -v " + name}) == 0;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

double FfprobeDuration(const std::string& path) {
  std::string out;
  const int rc = RunCommand(
      {"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path}, &out);
  EXPECT_EQ(rc, 0) << out;
  return std::atof(out.c_str());
}

// Integrated loudness and true peak as ffmpeg's ebur128 filter measures them after decoding.
std::pair<double, double> FfmpegLoudness(const std::string& path) {
  std::string out;
  const int rc = RunCommand({"ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af",
                             "ebur128=peak=true", "-f", "null", "-"},
                            &out);
  EXPECT_EQ(rc, 0) << out;
  std::smatch m;
  double lufs = 0, peak = 0;
  // The summary at the end: "I:  -14.0 LUFS" ... "Peak:  -1.2 dBFS".
  const size_t summary = out.rfind("Summary:");
  const std::string tail = summary == std::string::npos ? out : out.substr(summary);
  if (std::regex_search(tail, m, std::regex(R"(I:\s+(-?[0-9.]+) LUFS)"))) lufs = std::stod(m[1]);
  if (std::regex_search(tail, m, std::regex(R"(Peak:\s+(-?[0-9.]+) dBFS)"))) peak = std::stod(m[1]);
  return {lufs, peak};
}

class AudioTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto start = std::chrono::steady_clock::now();
    auto created = Renderer::Create();
    first_load_seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (created.ok()) renderer_ = std::move(created.value()).release();
  }
  static void TearDownTestSuite() {
    delete renderer_;
    renderer_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(renderer_, nullptr) << "cannot load " << kDefaultSoundFont
                                  << " (Debian package fluid-soundfont-gm)";
  }

  // Rendered once for the tests that only look at it (8 bars, 17 s).
  static const StereoAudio& Song() {
    static const StereoAudio audio = renderer_->Render(HandComposition(8)).value();
    return audio;
  }
  static const StereoAudio& NormalisedSong() {
    static const StereoAudio audio = [] {
      StereoAudio a = Song();
      Normalise(a);
      return a;
    }();
    return audio;
  }

  static inline Renderer* renderer_ = nullptr;
  static inline double first_load_seconds_ = 0;
};

TEST_F(AudioTest, SecondRendererLoadsTheSoundFontFromFluidSynthsCache) {
  const auto start = std::chrono::steady_clock::now();
  auto second = Renderer::Create();
  const double second_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(second.ok());
  std::printf("SoundFont load: first %.3f s, second %.3f s\n", first_load_seconds_, second_seconds);
  RecordProperty("first_load_ms", static_cast<int>(first_load_seconds_ * 1000));
  RecordProperty("second_load_ms", static_cast<int>(second_seconds * 1000));
  // The first load reads and converts 148 MB of samples; a cached load only parses the preset
  // tables, so it is several times faster however busy the machine is.
  EXPECT_LT(second_seconds, first_load_seconds_);
}

TEST_F(AudioTest, MissingSoundFontIsUnavailable) {
  auto r = Renderer::Create("/nonexistent/none.sf2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

TEST_F(AudioTest, RenderCoversTheSongWithoutLongSilences) {
  const Composition c = HandComposition(8);
  const StereoAudio& audio = Song();
  // The song plus a short reverb tail.
  EXPECT_GT(audio.Seconds(), c.DurationSeconds());
  EXPECT_LT(audio.Seconds(), c.DurationSeconds() + 3.0);
  // Every one-second window while notes play has sound (-50 dBFS RMS floor).
  const auto last_note_second = static_cast<int>(c.SecondsAt(8 * kBar));
  for (int s = 0; s + 1 <= last_note_second; ++s) {
    EXPECT_GT(Rms(audio, static_cast<size_t>(s) * kSampleRate, kSampleRate), 0.003)
        << "silent second " << s;
  }
  // And it ends quietly: the last quarter second is the reverb dying away.
  EXPECT_LT(Rms(audio, audio.Frames() - kSampleRate / 4, kSampleRate / 4), 0.01);
}

TEST_F(AudioTest, SameCompositionGivesSamePcmAndSameOggBytes) {
  const Composition c = HandComposition(2);
  // One render on a fresh renderer, one on a synth that has just played another song and was
  // reset: the same samples.
  auto fresh = Renderer::Create();
  ASSERT_TRUE(fresh.ok());
  auto a = (*fresh)->Render(c);
  ASSERT_TRUE(renderer_->Render(HandComposition(3, 97)).ok());
  auto b = renderer_->Render(c);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->samples.size(), b->samples.size());
  EXPECT_TRUE(a->samples == b->samples);
  Normalise(*a);
  Normalise(*b);
  EXPECT_TRUE(a->samples == b->samples);
  const EncodeTags tags{"Long Road", "moodtape", "Tests", "Pop"};
  auto ogg_a = EncodeOggVorbis(*a, tags);
  auto ogg_b = EncodeOggVorbis(*b, tags);
  ASSERT_TRUE(ogg_a.ok() && ogg_b.ok());
  EXPECT_TRUE(*ogg_a == *ogg_b);
  auto mp3_a = EncodeMp3(*a, tags);
  auto mp3_b = EncodeMp3(*b, tags);
  ASSERT_TRUE(mp3_a.ok() && mp3_b.ok());
  EXPECT_TRUE(*mp3_a == *mp3_b);
}

TEST_F(AudioTest, StemsAddUpToTheMix) {
  const Composition c = HandComposition(2);
  auto mix = renderer_->Render(c);
  ASSERT_TRUE(mix.ok());
  std::vector<float> sum(mix->samples.size(), 0.0f);
  for (int part = 0; part < static_cast<int>(c.parts.size()); ++part) {
    auto stem = renderer_->Render(c, {part});
    ASSERT_TRUE(stem.ok());
    ASSERT_EQ(stem->samples.size(), sum.size());
    EXPECT_GT(Rms(*stem, 0, stem->Frames()), 0.001) << c.parts[part].name << " is silent";
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += stem->samples[i];
  }
  // The synth and its reverb are linear, so the stems add up to the mix (to -40 dB: FluidSynth
  // ends quiet voices against a fixed noise floor, which differs a hair between stem and mix).
  double diff = 0, energy = 0;
  for (size_t i = 0; i < sum.size(); ++i) {
    diff += std::pow(sum[i] - mix->samples[i], 2);
    energy += std::pow(mix->samples[i], 2);
  }
  EXPECT_LT(diff, energy * 1e-4);
  // A stem without the drums has less in it than the mix.
  auto no_drums = renderer_->Render(c, {0, 1, 2});
  ASSERT_TRUE(no_drums.ok());
  EXPECT_LT(Rms(*no_drums, 0, no_drums->Frames()), Rms(*mix, 0, mix->Frames()));
}

TEST_F(AudioTest, ConcurrentRendersGiveTheSameAudio) {
  const Composition c = HandComposition(2);
  auto alone = renderer_->Render(c);
  ASSERT_TRUE(alone.ok());
  std::vector<float> results[2];
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      auto r = renderer_->Render(c);
      if (r.ok()) results[i] = std::move(r->samples);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(results[0] == alone->samples);
  EXPECT_TRUE(results[1] == alone->samples);
}

TEST_F(AudioTest, CancelledRenderAndEncodesStop) {
  CancelFlag cancel{true};
  auto r = renderer_->Render(HandComposition(4), {}, &cancel);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  const StereoAudio audio = Sine(1, 440, 0.1);
  auto ogg = EncodeOggVorbis(audio, {}, 0.5f, &cancel);
  ASSERT_FALSE(ogg.ok());
  EXPECT_EQ(ogg.error().code, ErrorCode::kCancelled);
  auto mp3 = EncodeMp3(audio, {}, 192, &cancel);
  ASSERT_FALSE(mp3.ok());
  EXPECT_EQ(mp3.error().code, ErrorCode::kCancelled);
}

TEST_F(AudioTest, RenderCancelledFromAnotherThreadStopsEarly) {
  const Composition long_song = HandComposition(120);  // 4 minutes: far longer than the wait
  CancelFlag cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    cancel = true;
  });
  auto r = renderer_->Render(long_song, {}, &cancel);
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
}

TEST_F(AudioTest, BadInputIsAnErrorValue) {
  Composition c = HandComposition(2);
  auto stem = renderer_->Render(c, {7});
  ASSERT_FALSE(stem.ok());
  EXPECT_EQ(stem.error().code, ErrorCode::kInvalidArgument);
  c.tempo_bpm = 0;
  auto r = renderer_->Render(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  const StereoAudio audio = Sine(0.5, 440, 0.1);
  EXPECT_EQ(EncodeMp3(audio, {}, 100).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(EncodeOggVorbis(audio, {}, 2.0f).error().code, ErrorCode::kInvalidArgument);
}

TEST(LoudnessTest, SineMeasuresAsTheoryPredicts) {
  // A 1 kHz sine of amplitude A on both channels: K-weighting is ~0 dB at 1 kHz, so the
  // integrated loudness is -0.691 + 10 log10(2 * A^2 / 2) + ~0.69 ~= 20 log10(A) LUFS.
  const Loudness l = MeasureLoudness(Sine(10, 1000, 0.1));
  EXPECT_NEAR(l.integrated_lufs, -20.0, 1.0);
  EXPECT_NEAR(l.true_peak_dbtp, -20.0, 0.3);
  EXPECT_LT(l.loudness_range_lu, 1.0);  // a steady tone has no loudness range
  const Loudness silence = MeasureLoudness(Sine(5, 1000, 0.0));
  EXPECT_EQ(silence.integrated_lufs, -70.0);
}

TEST(LoudnessTest, QuietSineIsRaisedByGainAlone) {
  StereoAudio audio = Sine(10, 1000, 0.02);  // ~-34 LUFS
  const Loudness after = Normalise(audio);
  EXPECT_NEAR(after.integrated_lufs, -14.0, 0.5);
  EXPECT_LE(after.true_peak_dbtp, -1.0);
  const Loudness measured = MeasureLoudness(audio);
  EXPECT_NEAR(measured.integrated_lufs, after.integrated_lufs, 0.01);
  EXPECT_NEAR(measured.true_peak_dbtp, after.true_peak_dbtp, 0.1);
  // No limiting on a steady tone: it stays a sine of the target level (peak = -14 dB).
  EXPECT_NEAR(20 * std::log10(PeakOf(audio)), -14.0, 0.6);
}

TEST(LoudnessTest, LoudPeaksAreLimitedUnderTheCeiling) {
  // A quiet bass tone with a full-scale click every second: reaching -14 LUFS needs ~+11 dB of
  // gain, which would push the clicks ~10 dB over 0 dBFS, so the limiter must take them.
  StereoAudio audio = Sine(12, 110, 0.05);
  for (size_t at = kSampleRate / 4; at + 40 < audio.Frames(); at += kSampleRate) {
    for (size_t i = 0; i < 40; ++i) {
      const auto v = static_cast<float>(0.95 * std::sin(2 * M_PI * 3000.0 * i / kSampleRate));
      audio.samples[2 * (at + i)] = v;
      audio.samples[2 * (at + i) + 1] = v;
    }
  }
  const Loudness before = MeasureLoudness(audio);
  ASSERT_GT(before.true_peak_dbtp - before.integrated_lufs, 20.0);
  const Loudness after = Normalise(audio);
  EXPECT_NEAR(after.integrated_lufs, -14.0, 0.5);
  EXPECT_LE(after.true_peak_dbtp, -1.0);
  EXPECT_LT(PeakOf(audio), 1.0f);
  // What Normalise reports is what libebur128 measures (its true peak is our own estimate).
  const Loudness measured = MeasureLoudness(audio);
  EXPECT_NEAR(measured.integrated_lufs, after.integrated_lufs, 0.01);
  EXPECT_NEAR(measured.true_peak_dbtp, after.true_peak_dbtp, 0.1);
  EXPECT_LE(measured.true_peak_dbtp, -1.0);
  // A very loud signal (a full-scale square wave, ~+3 LUFS) comes down by gain alone.
  StereoAudio loud = Sine(5, 220, 1.0);
  for (float& s : loud.samples) s = s >= 0 ? 1.0f : -1.0f;
  const Loudness down = Normalise(loud);
  EXPECT_NEAR(down.integrated_lufs, -14.0, 0.5);
  EXPECT_LE(down.true_peak_dbtp, -1.0);
}

TEST_F(AudioTest, NormalisedSongMeetsTheStreamingTarget) {
  const StereoAudio& audio = NormalisedSong();
  const Loudness l = MeasureLoudness(audio);
  std::printf("normalised song: %.2f LUFS, %.2f dBTP, LRA %.1f LU\n", l.integrated_lufs,
              l.true_peak_dbtp, l.loudness_range_lu);
  EXPECT_NEAR(l.integrated_lufs, -14.0, 0.5);
  EXPECT_LE(l.true_peak_dbtp, -1.0);
  EXPECT_LT(PeakOf(audio), 1.0f);  // no clipped sample
}

TEST_F(AudioTest, DrumHeavySongIsLimitedToTheCeiling) {
  // Loud drums over quiet instruments: a crest factor the ceiling cannot hold at -14 LUFS, so
  // the limiter has to work on every hit.
  Composition c = HandComposition(4);
  for (Part& part : c.parts) {
    part.volume = part.channel == 9 ? 127 : 45;
    if (part.channel == 9) {
      for (Note& n : part.notes) n.velocity = 127;
    }
  }
  auto rendered = renderer_->Render(c);
  ASSERT_TRUE(rendered.ok());
  StereoAudio audio = std::move(rendered.value());
  const Loudness before = MeasureLoudness(audio);
  ASSERT_GT(before.true_peak_dbtp - before.integrated_lufs, 14.0);
  Normalise(audio);
  const Loudness after = MeasureLoudness(audio);
  EXPECT_NEAR(after.integrated_lufs, -14.0, 0.5);
  EXPECT_LE(after.true_peak_dbtp, -1.0);
  EXPECT_LT(PeakOf(audio), 1.0f);
}

TEST_F(AudioTest, OggDecodesToTheSameLengthAndLoudness) {
  if (!HaveProgram("ffprobe") || !HaveProgram("ffmpeg"))
    FAIL() << "ffmpeg is not installed (scripts/packages.txt installs it)";
  const StereoAudio& audio = NormalisedSong();
  auto ogg = EncodeOggVorbis(audio, {"Long Road", "moodtape", "Tests", "Pop"});
  ASSERT_TRUE(ogg.ok());
  TempDir dir;
  WriteFile(dir.File("song.ogg"), *ogg);
  EXPECT_NEAR(FfprobeDuration(dir.File("song.ogg")), audio.Seconds(), 0.2);
  const auto [lufs, peak] = FfmpegLoudness(dir.File("song.ogg"));
  EXPECT_NEAR(lufs, -14.0, 1.0);
  std::string tags;
  RunCommand({"ffprobe", "-v", "error", "-show_entries", "stream_tags:format_tags", "-of",
              "default=nw=1", dir.File("song.ogg")},
             &tags);
  EXPECT_NE(tags.find("TITLE=Long Road"), std::string::npos) << tags;
  EXPECT_NE(tags.find("ARTIST=moodtape"), std::string::npos) << tags;
  EXPECT_NE(tags.find("ALBUM=Tests"), std::string::npos) << tags;
  EXPECT_NE(tags.find("GENRE=Pop"), std::string::npos) << tags;
  std::printf("ogg: %zu bytes (%.0f kb/s), decoded %.2f LUFS, peak %.2f dBFS\n", ogg->size(),
              ogg->size() * 8 / audio.Seconds() / 1000, lufs, peak);
}

TEST_F(AudioTest, Mp3DecodesToTheSameLengthAndLoudness) {
  if (!HaveProgram("ffprobe") || !HaveProgram("ffmpeg"))
    FAIL() << "ffmpeg is not installed (scripts/packages.txt installs it)";
  const StereoAudio& audio = NormalisedSong();
  auto mp3 = EncodeMp3(audio, {"Long Road", "moodtape", "Tests \xc3\xa9t\xc3\xa9", "Pop"});
  ASSERT_TRUE(mp3.ok());
  ASSERT_EQ(mp3->substr(0, 4), std::string("ID3\x03", 4));
  TempDir dir;
  WriteFile(dir.File("song.mp3"), *mp3);
  EXPECT_NEAR(FfprobeDuration(dir.File("song.mp3")), audio.Seconds(), 0.2);
  const auto [lufs, peak] = FfmpegLoudness(dir.File("song.mp3"));
  EXPECT_NEAR(lufs, -14.0, 1.0);
  std::string tags;
  RunCommand({"ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "default=nw=1",
              dir.File("song.mp3")},
             &tags);
  EXPECT_NE(tags.find("title=Long Road"), std::string::npos) << tags;
  EXPECT_NE(tags.find("artist=moodtape"), std::string::npos) << tags;
  EXPECT_NE(tags.find("album=Tests \xc3\xa9t\xc3\xa9"), std::string::npos) << tags;  // UTF-16
  EXPECT_NE(tags.find("genre=Pop"), std::string::npos) << tags;
  std::printf("mp3: %zu bytes (%.0f kb/s), decoded %.2f LUFS, peak %.2f dBFS\n", mp3->size(),
              mp3->size() * 8 / audio.Seconds() / 1000, lufs, peak);
}

TEST(TarTest, TarListsAndExtractsTheFiles) {
  if (!HaveProgram("tar")) FAIL() << "tar is not installed";
  const std::string long_dir(120, 'd');
  const std::vector<std::pair<std::string, std::string>> files = {
      {"stems/01-lead.ogg", std::string(1000, 'x')},
      {"stems/02-drums.ogg", ""},
      {long_dir + "/song.txt", "la la\n"},
      {"../../etc/passwd", "no escape"}};
  const std::string tar = MakeTar(files);
  EXPECT_EQ(tar.size() % 512, 0u);
  EXPECT_EQ(tar, MakeTar(files));  // deterministic
  TempDir dir;
  WriteFile(dir.File("stems.tar"), tar);
  std::string listing;
  ASSERT_EQ(RunCommand({"tar", "-tvf", dir.File("stems.tar")}, &listing), 0) << listing;
  EXPECT_NE(listing.find("moodtape/moodtape"), std::string::npos) << listing;
  EXPECT_NE(listing.find("1000 2024-01-01"), std::string::npos) << listing;
  EXPECT_NE(listing.find("stems/01-lead.ogg"), std::string::npos) << listing;
  EXPECT_NE(listing.find("stems/02-drums.ogg"), std::string::npos) << listing;
  EXPECT_NE(listing.find(long_dir + "/song.txt"), std::string::npos) << listing;
  EXPECT_NE(listing.find(" etc/passwd"), std::string::npos) << listing;
  EXPECT_EQ(listing.find(".."), std::string::npos) << listing;
  std::string content;
  ASSERT_EQ(RunCommand({"tar", "-xOf", dir.File("stems.tar"), long_dir + "/song.txt"}, &content),
            0);
  EXPECT_EQ(content, "la la\n");
}

// The speed figures for a three-minute song (drums + bass + chords + lead). A benchmark, not a
// test: run it with --gtest_also_run_disabled_tests --gtest_filter='*Speed*'. With
// MOODTAPE_AUDIO_OUT=/some/prefix it also writes prefix.{ogg,mp3,mid,lrc} to listen to.
TEST_F(AudioTest, DISABLED_ThreeMinuteSongSpeed) {
  const Composition c = HandComposition(90, 120);  // 180 s
  // CPU time of this thread as well as wall time: the machine is shared, and CPU time is what
  // one core spends whatever else runs.
  struct Stage {
    const char* name;
    double wall = 0;
    double cpu = 0;
  };
  std::vector<Stage> stages;
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  auto timed = [&](const char* name, const std::function<void()>& run) {
    const auto wall = std::chrono::steady_clock::now();
    const double cpu = cpu_now();
    run();
    stages.push_back(
        {name, std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count(),
         cpu_now() - cpu});
  };
  StereoAudio audio;
  timed("render", [&] { audio = std::move(renderer_->Render(c).value()); });
  Loudness l;
  timed("normalise", [&] { l = Normalise(audio); });
  const EncodeTags tags{"Long Road", "moodtape", "Tests", "Pop"};
  std::string ogg, mp3;
  timed("ogg", [&] { ogg = EncodeOggVorbis(audio, tags).value(); });
  timed("mp3", [&] { mp3 = EncodeMp3(audio, tags).value(); });
  const double song = audio.Seconds();
  std::printf("song %.1f s: %.2f LUFS, %.2f dBTP, LRA %.1f LU; ogg %zu bytes, mp3 %zu bytes\n",
              song, l.integrated_lufs, l.true_peak_dbtp, l.loudness_range_lu, ogg.size(),
              mp3.size());
  Stage all{"all"};
  for (const Stage& s : stages) {
    all.wall += s.wall;
    all.cpu += s.cpu;
  }
  stages.push_back(all);
  for (const Stage& s : stages) {
    std::printf("%-10s wall %6.3f s %6.1fx   cpu %6.3f s %6.1fx\n", s.name, s.wall, song / s.wall,
                s.cpu, song / s.cpu);
  }
  if (const char* out = std::getenv("MOODTAPE_AUDIO_OUT")) {
    WriteFile(std::string(out) + ".ogg", ogg);
    WriteFile(std::string(out) + ".mp3", mp3);
    WriteFile(std::string(out) + ".mid", WriteMidi(c, "Long Road"));
    WriteFile(std::string(out) + ".lrc", WriteLrc(c, "Long Road", "moodtape"));
  }
}

}  // namespace
}  // namespace moodtape::producer
