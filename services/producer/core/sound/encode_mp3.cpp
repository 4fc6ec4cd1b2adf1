// MP3 with libmp3lame: constant bit rate, joint stereo, our own ID3v2.3 tag in front (lame's tag
// writer is off so the tag's bytes are ours and fixed) and lame's Info frame, which tells players
// the exact length (encoder delay and padding) so the decoded audio is as long as the input.
#include <lame/lame.h>

#include <algorithm>
#include <array>

#include "services/producer/core/sound/audio.h"

namespace moodtape::producer {

namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr int kFramesPerBlock = 8192;

// lame's speed/quality knob (0 best .. 9 worst; the library's default is 3). 7 is lame's "fast"
// mode (-f): no noise shaping, about 2.5x faster than 3 and 1.4x faster than 5; at 192 kb/s
// the bit budget leaves the quantisation noise far under the music, so the trade is for speed.
constexpr int kLameQuality = 7;

bool IsMp3Bitrate(int kbps) {
  static constexpr std::array<int, 14> kRates = {32,  40,  48,  56,  64,  80,  96,
                                                 112, 128, 160, 192, 224, 256, 320};
  return std::find(kRates.begin(), kRates.end(), kbps) != kRates.end();
}

// UTF-8 to UTF-16LE code units; an invalid byte becomes U+FFFD.
std::u16string Utf16(const std::string& text) {
  std::u16string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    uint32_t cp = 0xfffd;
    size_t len = 1;
    if (b < 0x80) {
      cp = b;
    } else if ((b >> 5) == 0x6) {
      len = 2;
      cp = b & 0x1f;
    } else if ((b >> 4) == 0xe) {
      len = 3;
      cp = b & 0x0f;
    } else if ((b >> 3) == 0x1e) {
      len = 4;
      cp = b & 0x07;
    } else {
      len = 0;
    }
    bool valid = len > 0 && i + len <= text.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c >> 6) != 0x2) valid = false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (!valid || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      cp = 0xfffd;
      len = 1;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 | (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 | (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

void AppendBigEndian32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// An ID3v2.3 text frame: ISO-8859-1 when the text is ASCII, otherwise UTF-16 with a BOM (2.3
// has no UTF-8).
std::string TextFrame(const char* id, const std::string& text) {
  std::string body;
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    body.push_back('\0');
    body += text;
  } else {
    body.push_back('\1');
    body += "\xff\xfe";
    for (char16_t unit : Utf16(text)) {
      body.push_back(static_cast<char>(unit & 0xff));
      body.push_back(static_cast<char>(unit >> 8));
    }
  }
  std::string frame(id, 4);
  AppendBigEndian32(frame, static_cast<uint32_t>(body.size()));
  frame += std::string(2, '\0');  // flags
  return frame + body;
}

std::string Id3v23Tag(const EncodeTags& tags) {
  std::string frames;
  const std::pair<const char*, const std::string*> fields[] = {
      {"TIT2", &tags.title}, {"TPE1", &tags.artist}, {"TALB", &tags.album}, {"TCON", &tags.genre}};
  for (const auto& [id, text] : fields) {
    if (!text->empty()) frames += TextFrame(id, *text);
  }
  if (frames.empty()) return "";
  std::string tag = "ID3";
  tag += std::string("\x03\x00\x00", 3);  // version 2.3.0, no flags
  const auto size = static_cast<uint32_t>(frames.size());
  for (int shift = 21; shift >= 0; shift -= 7)
    tag.push_back(static_cast<char>((size >> shift) & 0x7f));
  return tag + frames;
}

struct LameDeleter {
  void operator()(lame_global_flags* gf) const { lame_close(gf); }
};

}  // namespace

platform::Result<std::string> EncodeMp3(const StereoAudio& audio, const EncodeTags& tags, int kbps,
                                        const CancelFlag* cancel) {
  if (!IsMp3Bitrate(kbps)) return MakeError(ErrorCode::kInvalidArgument, "bad MP3 bit rate");
  std::unique_ptr<lame_global_flags, LameDeleter> lame(lame_init());
  if (!lame) return MakeError(ErrorCode::kInternal, "MP3 encoder set-up failed");
  lame_global_flags* gf = lame.get();
  lame_set_in_samplerate(gf, kSampleRate);
  lame_set_out_samplerate(gf, kSampleRate);
  lame_set_num_channels(gf, 2);
  lame_set_mode(gf, JOINT_STEREO);
  lame_set_VBR(gf, vbr_off);
  lame_set_brate(gf, kbps);
  lame_set_quality(gf, kLameQuality);
  lame_set_write_id3tag_automatic(gf, 0);
  lame_set_bWriteVbrTag(gf, 1);
  if (lame_init_params(gf) < 0) return MakeError(ErrorCode::kInternal, "MP3 encoder set-up failed");

  std::string out = Id3v23Tag(tags);
  const size_t audio_start = out.size();
  // lame's documented worst case for one call: 1.25 x samples + 7200 bytes.
  std::vector<unsigned char> buffer(kFramesPerBlock * 5 / 4 + 7200);
  const size_t frames = audio.Frames();
  out.reserve(audio_start + frames * static_cast<size_t>(kbps) * 1000 / 8 / kSampleRate + 8192);
  for (size_t at = 0; at < frames; at += kFramesPerBlock) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      return MakeError(ErrorCode::kCancelled, "encode cancelled");
    }
    const int n = static_cast<int>(std::min<size_t>(kFramesPerBlock, frames - at));
    const int written = lame_encode_buffer_interleaved_ieee_float(
        gf, audio.samples.data() + 2 * at, n, buffer.data(), static_cast<int>(buffer.size()));
    if (written < 0) return MakeError(ErrorCode::kInternal, "MP3 encoding failed");
    out.append(reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(written));
  }
  const int flushed = lame_encode_flush(gf, buffer.data(), static_cast<int>(buffer.size()));
  if (flushed < 0) return MakeError(ErrorCode::kInternal, "MP3 encoding failed");
  out.append(reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(flushed));

  // The Info frame lame reserved as the first audio frame, now that it knows the totals.
  const size_t tag_size = lame_get_lametag_frame(gf, buffer.data(), buffer.size());
  if (tag_size > 0 && audio_start + tag_size <= out.size()) {
    std::copy(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(tag_size),
              out.begin() + static_cast<std::ptrdiff_t>(audio_start));
  }
  return out;
}

}  // namespace moodtape::producer
