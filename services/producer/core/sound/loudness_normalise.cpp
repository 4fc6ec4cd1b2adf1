// Loudness (EBU R 128 via libebur128) and normalisation to a streaming target: a gain to the
// target integrated loudness and, when that gain would push the true peak over the ceiling, a
// look-ahead limiter, re-measured and corrected until both hold.
#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "services/producer/core/sound/audio.h"

namespace moodtape::producer {

namespace {

constexpr double kSilenceLufs = -70.0;
constexpr double kSilencePeakDb = -144.0;
// Look-ahead of the limiter: long enough that the gain glides down before a drum hit instead of
// stepping (which would click), short enough that the dip is not heard as pumping.
constexpr double kLookaheadSeconds = 0.005;
// Release time constant: how fast the gain recovers after a peak.
constexpr double kReleaseSeconds = 0.06;
// How close to the target the integrated loudness must land (the contract says ±0.5).
constexpr double kLoudnessTolerance = 0.2;
// Headroom kept under the true-peak ceiling by our own estimate, so libebur128's measurement
// (same filter design, double precision) agrees that the ceiling holds.
constexpr double kPeakMarginDb = 0.05;
constexpr int kMaxPasses = 8;

// True-peak interpolation (ITU-R BS.1770 Annex 2): 4x oversampling with a 49-tap Hann-windowed
// sinc, the design libebur128 uses, so our estimate and its measurement agree. Phase 0 is the
// sample itself; phases 1..3 use 12 taps on the samples around.
constexpr int kOversample = 4;
constexpr int kTapsPerPhase = 12;
constexpr int kHalfTaps = 24;  // (49 - 1) / 2, in oversampled steps

double DbToGain(double db) { return std::pow(10.0, db / 20.0); }
double GainToDb(double gain) {
  return gain > 0 ? std::max(20.0 * std::log10(gain), kSilencePeakDb) : kSilencePeakDb;
}

struct EburDeleter {
  void operator()(ebur128_state* st) const { ebur128_destroy(&st); }
};

// Integrated loudness and loudness range (no true peak: that is the costly part of libebur128,
// and the true peak of a scaled or limited signal is known or estimated here).
Loudness MeasureLevel(const std::vector<float>& samples) {
  Loudness result{kSilenceLufs, kSilencePeakDb, 0};
  std::unique_ptr<ebur128_state, EburDeleter> st(
      ebur128_init(2, kSampleRate, EBUR128_MODE_I | EBUR128_MODE_LRA));
  if (!st || samples.size() < 2) return result;
  if (ebur128_add_frames_float(st.get(), samples.data(), samples.size() / 2) != EBUR128_SUCCESS) {
    return result;
  }
  double lufs = 0;
  if (ebur128_loudness_global(st.get(), &lufs) == EBUR128_SUCCESS && std::isfinite(lufs)) {
    result.integrated_lufs = std::max(lufs, kSilenceLufs);
  }
  double range = 0;
  if (ebur128_loudness_range(st.get(), &range) == EBUR128_SUCCESS && std::isfinite(range)) {
    result.loudness_range_lu = range;
  }
  return result;
}

struct TruePeakFilter {
  float taps[kOversample][kTapsPerPhase];  // taps[p][i] weighs the sample at offset i - 5
  TruePeakFilter() {
    for (int p = 1; p < kOversample; ++p) {
      for (int i = 0; i < kTapsPerPhase; ++i) {
        const int k = i - (kTapsPerPhase / 2 - 1);  // sample offset -5..6
        const int m = p - kOversample * k;          // distance in oversampled steps
        const double x = M_PI * m / kOversample;
        const double sinc = std::sin(x) / x;
        const double window = 0.5 * (1 - std::cos(2 * M_PI * (m + kHalfTaps) / (2 * kHalfTaps)));
        taps[p][i] = static_cast<float>(sinc * window);
      }
    }
  }
};

// For every frame, the largest magnitude over both channels of the sample and of the
// oversampled signal on either side of it: what the limiter must keep under the ceiling.
std::vector<float> TruePeakEnvelope(const std::vector<float>& samples) {
  static const TruePeakFilter filter;
  const size_t frames = samples.size() / 2;
  std::vector<float> env(frames, 0.0f);
  constexpr size_t kBlock = 1024;
  constexpr size_t kBefore = kTapsPerPhase / 2 - 1;  // 5 samples of history
  std::vector<float> x(frames + kTapsPerPhase + kBlock, 0.0f);
  float y[kBlock];
  float most[kBlock];
  for (int ch = 0; ch < 2; ++ch) {
    for (size_t i = 0; i < frames; ++i) {
      x[kBefore + i] = samples[2 * i + ch];
      env[i] = std::max(env[i], std::fabs(samples[2 * i + ch]));
    }
    for (size_t base = 0; base < frames; base += kBlock) {
      std::fill(most, most + kBlock, 0.0f);
      for (int p = 1; p < kOversample; ++p) {
        // Tap-outer, frame-inner with a fixed block length: the inner loops vectorise.
        std::fill(y, y + kBlock, 0.0f);
        for (int t = 0; t < kTapsPerPhase; ++t) {
          const float c = filter.taps[p][t];
          const float* in = x.data() + base + t;
          for (size_t i = 0; i < kBlock; ++i) y[i] += c * in[i];
        }
        for (size_t i = 0; i < kBlock; ++i) most[i] = std::max(most[i], std::fabs(y[i]));
      }
      // most[i] lies between frames base+i and base+i+1: both must stay under the ceiling.
      const size_t n = std::min(kBlock, frames - base);
      for (size_t i = 0; i < n; ++i) {
        env[base + i] = std::max(env[base + i], most[i]);
        if (base + i + 1 < frames) env[base + i + 1] = std::max(env[base + i + 1], most[i]);
      }
    }
  }
  return env;
}

float MaxOf(const std::vector<float>& v) {
  float m = 0;
  for (float x : v) m = std::max(m, x);
  return m;
}

// out = in * gain, then every frame brought to at most `ceiling` with a smooth, stereo-linked
// gain: for each frame the gain its true peak needs, the minimum of that over the look-ahead
// window (so the gain is already down when the peak arrives), a release that lets it rise back
// slowly, and a moving average over the look-ahead window that turns every step into a ramp.
// The average of values that each cover frame n never exceeds the gain frame n needs, so no
// frame passes the ceiling. One pass with two small rings, no per-frame buffers.
void GainAndLimit(const std::vector<float>& in, const std::vector<float>& envelope, double gain,
                  double ceiling, std::vector<float>& out) {
  const size_t frames = in.size() / 2;
  out.resize(in.size());
  const size_t window = std::max<size_t>(1, static_cast<size_t>(kLookaheadSeconds * kSampleRate));
  auto need = [&](size_t i) {
    const double peak = envelope[i] * gain;
    return peak > ceiling ? ceiling / peak : 1.0;
  };
  // Monotonic queue (increasing need) of the frames in the look-ahead window, as a ring.
  const size_t capacity = window + 1;
  std::vector<size_t> queue_frame(capacity);
  std::vector<double> queue_need(capacity);
  size_t head = 0, tail = 0;  // counters; slot = counter % capacity
  // The last `window` released gains, for the moving average (before the start they are 1).
  std::vector<double> history(window, 1.0);
  double sum = static_cast<double>(window);
  const double release = 1.0 - std::exp(-1.0 / (kReleaseSeconds * kSampleRate));
  double held = 1.0;
  size_t next = 0;  // next frame to enter the window
  for (size_t i = 0; i < frames; ++i) {
    const size_t last = std::min(frames - 1, i + window - 1);
    for (; next <= last; ++next) {
      const double n = need(next);
      while (tail > head && queue_need[(tail - 1) % capacity] >= n) --tail;
      queue_frame[tail % capacity] = next;
      queue_need[tail % capacity] = n;
      ++tail;
    }
    while (queue_frame[head % capacity] < i) ++head;
    held = std::min(queue_need[head % capacity], held + (1.0 - held) * release);
    double& oldest = history[i % window];
    sum += held - oldest;
    oldest = held;
    const double g = std::min(sum / static_cast<double>(window), 1.0) * gain;
    out[2 * i] = static_cast<float>(in[2 * i] * g);
    out[2 * i + 1] = static_cast<float>(in[2 * i + 1] * g);
  }
}

}  // namespace

Loudness MeasureLoudness(const StereoAudio& audio) {
  Loudness result{kSilenceLufs, kSilencePeakDb, 0};
  std::unique_ptr<ebur128_state, EburDeleter> st(
      ebur128_init(2, kSampleRate, EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK));
  if (!st || audio.Frames() == 0) return result;
  if (ebur128_add_frames_float(st.get(), audio.samples.data(), audio.Frames()) != EBUR128_SUCCESS) {
    return result;
  }
  double lufs = 0;
  if (ebur128_loudness_global(st.get(), &lufs) == EBUR128_SUCCESS && std::isfinite(lufs)) {
    result.integrated_lufs = std::max(lufs, kSilenceLufs);
  }
  double peak = 0;
  for (unsigned ch = 0; ch < 2; ++ch) {
    double p = 0;
    if (ebur128_true_peak(st.get(), ch, &p) == EBUR128_SUCCESS) peak = std::max(peak, p);
  }
  result.true_peak_dbtp = GainToDb(peak);
  double range = 0;
  if (ebur128_loudness_range(st.get(), &range) == EBUR128_SUCCESS && std::isfinite(range)) {
    result.loudness_range_lu = range;
  }
  return result;
}

Loudness Normalise(StereoAudio& audio, double target_lufs, double peak_dbtp) {
  Loudness now = MeasureLevel(audio.samples);
  const std::vector<float> envelope = TruePeakEnvelope(audio.samples);
  now.true_peak_dbtp = GainToDb(MaxOf(envelope));
  if (now.integrated_lufs <= kSilenceLufs) return now;  // silence: no gain makes it a level

  const double safe_peak_db = peak_dbtp - kPeakMarginDb;
  double gain_db = target_lufs - now.integrated_lufs;
  if (now.true_peak_dbtp + gain_db <= safe_peak_db) {
    // A plain gain: every level moves with it. The gates cannot change the result: blocks near
    // the absolute gate (-70 LUFS) are far under the relative gate (10 LU under the song) of any
    // song louder than -50 LUFS, so only a near-silent input is measured again.
    const auto g = static_cast<float>(DbToGain(gain_db));
    for (float& s : audio.samples) s *= g;
    if (now.integrated_lufs < -50.0) {
      const double peak_after = now.true_peak_dbtp + gain_db;
      now = MeasureLevel(audio.samples);
      now.true_peak_dbtp = peak_after;
    } else {
      now.integrated_lufs += gain_db;
      now.true_peak_dbtp += gain_db;
    }
    return now;
  }

  // Limiting lowers the loudness, so the gain into the limiter is searched for: each pass
  // limits, measures the loudness, and moves the gain by the miss divided by how much the
  // loudness followed the last move (secant steps; deeper limiting follows less). The true peak
  // is verified (the costly part) only once the loudness is right.
  const std::vector<float> original = std::move(audio.samples);
  // The limiter aims a little under the accepted peak: its output lands on its ceiling, and the
  // gain's movement within the interpolator's reach can add a hundredth of a dB.
  double ceiling_db = safe_peak_db - 0.02;
  double slope = 1.0;  // loudness change per dB of gain
  double last_gain_db = 0, last_lufs = 0;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    GainAndLimit(original, envelope, DbToGain(gain_db), DbToGain(ceiling_db), audio.samples);
    now = MeasureLevel(audio.samples);
    if (pass > 0 && std::fabs(gain_db - last_gain_db) > 0.01) {
      slope = std::clamp((now.integrated_lufs - last_lufs) / (gain_db - last_gain_db), 0.2, 1.0);
    }
    last_gain_db = gain_db;
    last_lufs = now.integrated_lufs;
    const double miss = target_lufs - now.integrated_lufs;
    if (std::fabs(miss) > kLoudnessTolerance) {
      gain_db += miss / slope;
      continue;
    }
    now.true_peak_dbtp = GainToDb(MaxOf(TruePeakEnvelope(audio.samples)));
    if (now.true_peak_dbtp <= safe_peak_db) return now;
    // The gain varies within the interpolator's reach, so the output can overshoot a little.
    ceiling_db -= now.true_peak_dbtp - safe_peak_db + 0.02;
  }
  // Did not converge (an extreme crest factor): the peak ceiling wins over the loudness.
  now.true_peak_dbtp = GainToDb(MaxOf(TruePeakEnvelope(audio.samples)));
  if (now.true_peak_dbtp > safe_peak_db) {
    const auto g = static_cast<float>(DbToGain(safe_peak_db - now.true_peak_dbtp));
    for (float& s : audio.samples) s *= g;
    const double peak_after = safe_peak_db;
    now = MeasureLevel(audio.samples);
    now.true_peak_dbtp = peak_after;
  }
  return now;
}

}  // namespace moodtape::producer
