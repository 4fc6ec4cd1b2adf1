// Rendering a Composition to sound: FluidSynth with a General MIDI SoundFont (Debian
// fluid-soundfont-gm's FluidR3_GM.sf2), 44.1 kHz stereo, offline (no audio device); loudness
// normalised to -14 LUFS integrated with true peak at most -1 dBTP (libebur128, plus a
// look-ahead limiter when the gain would push peaks over); encoded as Ogg Vorbis (libvorbisenc)
// and MP3 (libmp3lame); stems as one Ogg per part in a tar.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"
#include "services/producer/core/song.h"

namespace moodtape::producer {

inline constexpr std::string_view kDefaultSoundFont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
inline constexpr int kSampleRate = 44100;

// Interleaved stereo float samples (L, R, L, R, ...) at kSampleRate.
struct StereoAudio {
  std::vector<float> samples;
  size_t Frames() const { return samples.size() / 2; }
  double Seconds() const { return static_cast<double>(Frames()) / kSampleRate; }
};

struct Loudness {
  double integrated_lufs = 0;  // -inf for silence is reported as -70
  double true_peak_dbtp = 0;
  double loudness_range_lu = 0;
};

Loudness MeasureLoudness(const StereoAudio& audio);

// Applies gain to reach `target_lufs` (±0.5) and limits so the true peak stays <= `peak_dbtp`.
// Returns the loudness after; its true peak is this module's own 4x-oversampled estimate (the
// filter design libebur128 uses, so MeasureLoudness agrees to a few hundredths of a dB).
// Silence is left as it is.
Loudness Normalise(StereoAudio& audio, double target_lufs = -14.0, double peak_dbtp = -1.0);

// Set from another thread to stop a render or an encode early (a cancelled call): the function
// then returns kCancelled.
using CancelFlag = std::atomic<bool>;

class Renderer {
 public:
  // Loads the SoundFont once; renders may run on several threads at once (each has its own
  // synthesizer over the shared, already-loaded samples). kUnavailable naming the file when it
  // is missing. The first load reads the 148 MB file (~0.4 s); every render then makes a fresh
  // synth over FluidSynth's cached samples (~50 ms), so the same composition always gives the
  // same samples.
  static platform::Result<std::unique_ptr<Renderer>> Create(
      std::string_view soundfont = kDefaultSoundFont);
  ~Renderer();

  // The whole composition, or only the parts whose index is in `only_parts` (stems) when it is
  // not empty. Not normalised. Lasts until `end_tick` plus 1.5 s for the releases and the reverb.
  // kInvalidArgument for a tempo outside (0, 1000] BPM, a song over 30 minutes or an unknown
  // part index; kCancelled when `cancel` is set (checked every 4096 frames).
  platform::Result<StereoAudio> Render(const Composition& composition,
                                       const std::vector<int>& only_parts = {},
                                       const CancelFlag* cancel = nullptr) const;

  struct Impl;

 private:
  explicit Renderer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct EncodeTags {
  std::string title;
  std::string artist;
  std::string album;
  std::string genre;
};

// Ogg Vorbis, VBR quality `quality` (-0.1..1; 0.5 ~ 160 kb/s).
platform::Result<std::string> EncodeOggVorbis(const StereoAudio& audio, const EncodeTags& tags,
                                              float quality = 0.5f,
                                              const CancelFlag* cancel = nullptr);
// MP3, CBR `kbps`, with an ID3v2 tag (title, artist, album, genre).
platform::Result<std::string> EncodeMp3(const StereoAudio& audio, const EncodeTags& tags,
                                        int kbps = 192, const CancelFlag* cancel = nullptr);

// A POSIX ustar archive of (name, bytes) files, deterministic (fixed mtime, uid, mode).
std::string MakeTar(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace moodtape::producer
