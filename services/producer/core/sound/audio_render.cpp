// Renderer: a Composition played on FluidSynth, offline. The synth is driven directly from the
// composition's events (no MIDI file, no sequencer, no audio driver), so rendering is as fast as
// the synthesis itself and exactly the notes the MIDI writer writes.
#include <fluidsynth.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>

#include "platform/base/log.h"
#include "services/producer/core/sound/audio.h"
#include "services/producer/core/sound/midi_events.h"

namespace moodtape::producer {

namespace {

using platform::ErrorCode;
using platform::MakeError;

// Synthesis settings. Chorus is off: the GM parts do not need it and every effect costs render
// time (the reverb alone is about a third of it). The reverb room is modest so the mix stays
// clear; each part sets its own send (CC91). The gain leaves headroom in the float mix, which
// Normalise then brings to the target. The polyphony bounds the cost of dense arrangements
// (render time grows with the voices sounding): a pad restruck every beat keeps 80+ voices in
// their long releases, and at 64 FluidSynth steals the quietest releasing ones first, which
// changes the mix by -27 dB against unlimited voices for ~35% less render time (at 48 the
// difference reaches -15 dB: sustained notes get cut).
constexpr double kSynthGain = 0.4;
constexpr int kPolyphony = 64;
constexpr double kReverbRoomSize = 0.45;
constexpr double kReverbDamp = 0.35;
constexpr double kReverbWidth = 0.8;
constexpr double kReverbLevel = 0.5;
// Rendered after the composition's end tick so the last release and the reverb die away.
constexpr double kTailSeconds = 1.5;
// The most frames written between two checks of the cancel flag (~93 ms of audio).
constexpr int64_t kBlockFrames = 4096;
constexpr int kDrumChannel = 9;
// Longest composition we render (a runaway end tick would otherwise allocate gigabytes).
constexpr double kMaxSeconds = 30 * 60;

// FluidSynth writes its messages to stderr by default; errors go to our log, chatter nowhere.
void FluidLog(int level, const char* message, void*) {
  if (level <= FLUID_ERR) platform::LogWarn("fluidsynth", {{"detail", message ? message : ""}});
}

void SilenceFluidLogOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    fluid_set_log_function(FLUID_PANIC, FluidLog, nullptr);
    fluid_set_log_function(FLUID_ERR, FluidLog, nullptr);
    fluid_set_log_function(FLUID_WARN, nullptr, nullptr);
    fluid_set_log_function(FLUID_INFO, nullptr, nullptr);
    fluid_set_log_function(FLUID_DBG, nullptr, nullptr);
  });
}

// CC72 (GM2's release time) scales every voice's release: FluidSynth has no default modulator for
// it, so one is added. Bipolar around 64, +-2400 timecents: 0 makes the release a quarter as long,
// 127 about four times. A part that restrikes a long-release sound (a pad, a polysynth stab) asks
// for less, so its tails stop overlapping by the dozen (each one is voices to synthesise) where
// they are not heard anyway.
constexpr double kReleaseTimeRangeTimecents = 2400;
constexpr int kReleaseTimeCc = 72;

bool AddReleaseTimeModulator(fluid_synth_t* synth) {
  fluid_mod_t* mod = new_fluid_mod();
  if (mod == nullptr) return false;
  fluid_mod_set_source1(mod, kReleaseTimeCc,
                        FLUID_MOD_CC | FLUID_MOD_LINEAR | FLUID_MOD_BIPOLAR | FLUID_MOD_POSITIVE);
  fluid_mod_set_source2(mod, FLUID_MOD_NONE, 0);
  fluid_mod_set_dest(mod, GEN_VOLENVRELEASE);
  fluid_mod_set_amount(mod, kReleaseTimeRangeTimecents);
  const bool added = fluid_synth_add_default_mod(synth, mod, FLUID_SYNTH_ADD) == FLUID_OK;
  delete_fluid_mod(mod);
  return added;
}

// One synthesizer with its own settings (FluidSynth registers per-synth callbacks on its
// settings, so they are not shared between synths).
class Synth {
 public:
  ~Synth() {
    if (synth_) delete_fluid_synth(synth_);
    if (settings_) delete_fluid_settings(settings_);
  }

  static platform::Result<std::unique_ptr<Synth>> Load(const std::string& soundfont) {
    auto s = std::unique_ptr<Synth>(new Synth());
    s->settings_ = new_fluid_settings();
    if (!s->settings_) return MakeError(ErrorCode::kInternal, "synthesizer settings");
    fluid_settings_setnum(s->settings_, "synth.sample-rate", kSampleRate);
    fluid_settings_setnum(s->settings_, "synth.gain", kSynthGain);
    fluid_settings_setint(s->settings_, "synth.polyphony", kPolyphony);
    fluid_settings_setint(s->settings_, "synth.midi-channels", 16);
    fluid_settings_setint(s->settings_, "synth.audio-channels", 1);
    fluid_settings_setint(s->settings_, "synth.cpu-cores", 1);
    // One thread drives each synth, so FluidSynth's API lock is only overhead.
    fluid_settings_setint(s->settings_, "synth.threadsafe-api", 0);
    fluid_settings_setint(s->settings_, "synth.chorus.active", 0);
    fluid_settings_setint(s->settings_, "synth.reverb.active", 1);
    fluid_settings_setnum(s->settings_, "synth.reverb.room-size", kReverbRoomSize);
    fluid_settings_setnum(s->settings_, "synth.reverb.damp", kReverbDamp);
    fluid_settings_setnum(s->settings_, "synth.reverb.width", kReverbWidth);
    fluid_settings_setnum(s->settings_, "synth.reverb.level", kReverbLevel);
    s->synth_ = new_fluid_synth(s->settings_);
    if (!s->synth_) return MakeError(ErrorCode::kInternal, "synthesizer");
    if (!AddReleaseTimeModulator(s->synth_)) {
      return MakeError(ErrorCode::kInternal, "synthesizer modulator");
    }
    if (fluid_synth_sfload(s->synth_, soundfont.c_str(), 1) == FLUID_FAILED) {
      return MakeError(ErrorCode::kUnavailable, "cannot load the SoundFont " + soundfont);
    }
    return s;
  }

  fluid_synth_t* get() const { return synth_; }

 private:
  Synth() = default;
  fluid_settings_t* settings_ = nullptr;
  fluid_synth_t* synth_ = nullptr;
};

struct ChannelEvent {
  int64_t frame = 0;
  int channel = 0;
  NoteEvent note;
};

int Clamp(int v, int lo, int hi) { return std::min(std::max(v, lo), hi); }

}  // namespace

// Every render gets a fresh synth: a reset one (fluid_synth_system_reset) does not render the
// same bytes as a new one, and loading over cached samples costs only ~50 ms (it parses the
// preset tables again).
struct Renderer::Impl {
  std::string soundfont;
  // Keeps the SoundFont's sample data in FluidSynth's process-wide sample cache for the
  // renderer's lifetime: every render's own synth then loads the file's samples from memory.
  std::unique_ptr<Synth> anchor;
};

Renderer::Renderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Renderer::~Renderer() = default;

platform::Result<std::unique_ptr<Renderer>> Renderer::Create(std::string_view soundfont) {
  SilenceFluidLogOnce();
  auto impl = std::make_unique<Impl>();
  impl->soundfont = std::string(soundfont);
  std::error_code error;
  // Checked here first: FluidSynth would log its own complaint about a missing file.
  if (!std::filesystem::is_regular_file(impl->soundfont, error) ||
      !fluid_is_soundfont(impl->soundfont.c_str())) {
    return MakeError(ErrorCode::kUnavailable, "no SoundFont at " + impl->soundfont);
  }
  auto anchor = Synth::Load(impl->soundfont);
  if (!anchor.ok()) return anchor.error();
  impl->anchor = std::move(anchor.value());
  return std::unique_ptr<Renderer>(new Renderer(std::move(impl)));
}

platform::Result<StereoAudio> Renderer::Render(const Composition& composition,
                                               const std::vector<int>& only_parts,
                                               const CancelFlag* cancel) const {
  if (!(composition.tempo_bpm > 0 && composition.tempo_bpm <= 1000)) {
    return MakeError(ErrorCode::kInvalidArgument, "tempo out of range");
  }
  if (composition.end_tick < 0 || composition.DurationSeconds() > kMaxSeconds) {
    return MakeError(ErrorCode::kInvalidArgument, "song length out of range");
  }
  std::vector<bool> selected(composition.parts.size(), only_parts.empty());
  for (int index : only_parts) {
    if (index < 0 || index >= static_cast<int>(composition.parts.size())) {
      return MakeError(ErrorCode::kInvalidArgument, "no such part");
    }
    selected[index] = true;
  }

  auto loaded = Synth::Load(impl_->soundfont);
  if (!loaded.ok()) return loaded.error();
  fluid_synth_t* synth = loaded.value()->get();
  // Linear interpolation instead of FluidSynth's default 4th-order: ~12% less render time for
  // a difference 51 dB under the mix (FluidR3 is sampled every few keys, so pitch shifts are
  // small and so is the interpolation error).
  fluid_synth_set_interp_method(synth, -1, FLUID_INTERP_LINEAR);

  const double frames_per_tick =
      kSampleRate * 60.0 / (composition.tempo_bpm * static_cast<double>(kTicksPerBeat));
  auto frame_of = [&](int64_t tick) {
    return static_cast<int64_t>(std::llround(static_cast<double>(tick) * frames_per_tick));
  };

  // Parts sharing a channel share its keys, so overlaps are resolved per channel.
  std::vector<Note> channel_notes[16];
  for (size_t i = 0; i < composition.parts.size(); ++i) {
    if (!selected[i]) continue;
    const Part& part = composition.parts[i];
    const int ch = Clamp(part.channel, 0, 15);
    // On the drum channel the program picks the GS kit from the SoundFont's bank 128 (FluidR3
    // has the standard, room, power, electronic, TR-808 and jazz kits the composer asks for).
    if (ch == kDrumChannel) fluid_synth_set_channel_type(synth, ch, CHANNEL_TYPE_DRUM);
    fluid_synth_program_change(synth, ch, Clamp(part.program, 0, 127));
    fluid_synth_cc(synth, ch, 7, Clamp(part.volume, 0, 127));
    fluid_synth_cc(synth, ch, 10, Clamp(part.pan, 0, 127));
    fluid_synth_cc(synth, ch, 91, Clamp(part.reverb, 0, 127));
    fluid_synth_cc(synth, ch, kReleaseTimeCc, Clamp(part.release, 0, 127));
    channel_notes[ch].insert(channel_notes[ch].end(), part.notes.begin(), part.notes.end());
  }
  std::vector<ChannelEvent> events;
  for (int ch = 0; ch < 16; ++ch) {
    for (const NoteEvent& e : ChannelNoteEvents(channel_notes[ch])) {
      events.push_back({frame_of(e.tick), ch, e});
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const ChannelEvent& a, const ChannelEvent& b) {
    if (a.frame != b.frame) return a.frame < b.frame;
    return !a.note.on && b.note.on;
  });

  StereoAudio audio;
  const int64_t total_frames =
      frame_of(composition.end_tick) + static_cast<int64_t>(kTailSeconds * kSampleRate);
  audio.samples.assign(static_cast<size_t>(total_frames) * 2, 0.0f);
  float* out = audio.samples.data();
  int64_t done = 0;
  auto render_until = [&](int64_t frame) -> bool {
    frame = std::min(frame, total_frames);
    while (done < frame) {
      if (cancel && cancel->load(std::memory_order_relaxed)) return false;
      const int n = static_cast<int>(std::min(frame - done, kBlockFrames));
      // Interleaved straight into the output: left at even, right at odd offsets.
      float* at = out + done * 2;
      fluid_synth_write_float(synth, n, at, 0, 2, at, 1, 2);
      done += n;
    }
    return true;
  };
  for (const ChannelEvent& e : events) {
    if (e.frame >= total_frames) break;
    if (!render_until(e.frame)) return MakeError(ErrorCode::kCancelled, "render cancelled");
    if (e.note.on) {
      fluid_synth_noteon(synth, e.channel, e.note.pitch, e.note.velocity);
    } else {
      fluid_synth_noteoff(synth, e.channel, e.note.pitch);
    }
  }
  if (!render_until(total_frames)) return MakeError(ErrorCode::kCancelled, "render cancelled");
  return audio;
}

}  // namespace moodtape::producer
