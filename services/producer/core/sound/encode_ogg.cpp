// Ogg Vorbis with libvorbisenc. The stream serial number is derived from the audio and the tags
// (instead of a random number, as encoders usually pick), so the same audio gives the same bytes.
#include <vorbis/vorbisenc.h>

#include <algorithm>
#include <cstring>

#include "services/producer/core/sound/audio.h"
#include "services/producer/core/sound/encode_util.h"

namespace moodtape::producer {

namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr int kFramesPerBlock = 1024;

// libvorbis' C structs with their matching clear calls, released in reverse order.
class VorbisEncoder {
 public:
  VorbisEncoder() {
    vorbis_info_init(&info_);
    vorbis_comment_init(&comment_);
  }
  ~VorbisEncoder() {
    if (stream_ready_) ogg_stream_clear(&stream_);
    if (block_ready_) vorbis_block_clear(&block_);
    if (dsp_ready_) vorbis_dsp_clear(&dsp_);
    vorbis_comment_clear(&comment_);
    vorbis_info_clear(&info_);
  }

  bool Init(float quality, int serial) {
    if (vorbis_encode_init_vbr(&info_, 2, kSampleRate, quality) != 0) return false;
    if (vorbis_analysis_init(&dsp_, &info_) != 0) return false;
    dsp_ready_ = true;
    if (vorbis_block_init(&dsp_, &block_) != 0) return false;
    block_ready_ = true;
    if (ogg_stream_init(&stream_, serial) != 0) return false;
    stream_ready_ = true;
    return true;
  }

  void AddTag(const char* name, const std::string& value) {
    if (!value.empty()) vorbis_comment_add_tag(&comment_, name, value.c_str());
  }

  // The three header packets, each header page flushed so audio starts on a page of its own.
  void WriteHeaders(std::string& out) {
    ogg_packet id, comments, codebooks;
    vorbis_analysis_headerout(&dsp_, &comment_, &id, &comments, &codebooks);
    ogg_stream_packetin(&stream_, &id);
    ogg_stream_packetin(&stream_, &comments);
    ogg_stream_packetin(&stream_, &codebooks);
    ogg_page page;
    while (ogg_stream_flush(&stream_, &page) != 0) AppendPage(page, out);
  }

  // Deinterleaves `frames` frames into the encoder (0 frames marks the end of the stream).
  void Write(const float* interleaved, int frames, std::string& out) {
    if (frames > 0) {
      float** buffer = vorbis_analysis_buffer(&dsp_, frames);
      for (int i = 0; i < frames; ++i) {
        buffer[0][i] = interleaved[2 * i];
        buffer[1][i] = interleaved[2 * i + 1];
      }
    }
    vorbis_analysis_wrote(&dsp_, frames);
    ogg_packet packet;
    ogg_page page;
    while (vorbis_analysis_blockout(&dsp_, &block_) == 1) {
      vorbis_analysis(&block_, nullptr);
      vorbis_bitrate_addblock(&block_);
      while (vorbis_bitrate_flushpacket(&dsp_, &packet) == 1) {
        ogg_stream_packetin(&stream_, &packet);
        while (ogg_stream_pageout(&stream_, &page) != 0) AppendPage(page, out);
      }
    }
    if (frames == 0) {
      while (ogg_stream_flush(&stream_, &page) != 0) AppendPage(page, out);
    }
  }

 private:
  static void AppendPage(const ogg_page& page, std::string& out) {
    out.append(reinterpret_cast<const char*>(page.header), page.header_len);
    out.append(reinterpret_cast<const char*>(page.body), page.body_len);
  }

  vorbis_info info_;
  vorbis_comment comment_;
  vorbis_dsp_state dsp_;
  vorbis_block block_;
  ogg_stream_state stream_;
  bool dsp_ready_ = false;
  bool block_ready_ = false;
  bool stream_ready_ = false;
};

}  // namespace

platform::Result<std::string> EncodeOggVorbis(const StereoAudio& audio, const EncodeTags& tags,
                                              float quality, const CancelFlag* cancel) {
  if (!(quality >= -0.1f && quality <= 1.0f)) {
    return MakeError(ErrorCode::kInvalidArgument, "Vorbis quality out of range");
  }
  const uint64_t hash = AudioFingerprint(audio, tags);
  VorbisEncoder encoder;
  if (!encoder.Init(quality, static_cast<int>(static_cast<uint32_t>(hash ^ (hash >> 32))))) {
    return MakeError(ErrorCode::kInternal, "Vorbis encoder set-up failed");
  }
  encoder.AddTag("TITLE", tags.title);
  encoder.AddTag("ARTIST", tags.artist);
  encoder.AddTag("ALBUM", tags.album);
  encoder.AddTag("GENRE", tags.genre);

  std::string out;
  out.reserve(audio.Frames() / 2);  // ~160 kb/s is ~0.45 bytes per frame
  encoder.WriteHeaders(out);
  const size_t frames = audio.Frames();
  for (size_t at = 0; at < frames; at += kFramesPerBlock) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      return MakeError(ErrorCode::kCancelled, "encode cancelled");
    }
    const int n = static_cast<int>(std::min<size_t>(kFramesPerBlock, frames - at));
    encoder.Write(audio.samples.data() + 2 * at, n, out);
  }
  encoder.Write(nullptr, 0, out);
  return out;
}

}  // namespace moodtape::producer
