// The whole song engine over resources loaded once per process: the pronouncing dictionary,
// WordNet, the lyric writer's banks and (optionally) the SoundFont. Thread-safe: every method is
// const and the resources are read-only.
//
// A song is named by (genre, theme, seed, index in its album): the album's songs share a theme
// field and never share a line, so song i is written after songs 0..i-1 of the same album (their
// lyrics only, a few milliseconds each). Nothing about a song has to be stored to render it later:
// the same name always gives the same lyrics, composition, MIDI and audio bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/base/error.h"
#include "services/producer/core/lyrics/lyric_prompt.h"
#include "services/producer/core/lyrics/lyric_writer.h"
#include "services/producer/core/song.h"
#include "services/producer/core/sound/audio.h"
#include "services/producer/core/words/phonetics.h"
#include "services/producer/core/words/theme_field.h"

namespace moodtape::producer {

// Every rendered song's loudness: -14 LUFS integrated, and a PCM true-peak ceiling a dB under the
// -1 dBTP promise, because lossy encoding adds overshoots (up to about 0.95 dB measured on decoded
// Vorbis, 0.5 dB on MP3; bench/producer_quality) and the promise is about the file a listener
// decodes.
inline constexpr double kSongTargetLufs = -14.0;
inline constexpr double kSongPcmPeakDbtp = -2.0;

inline constexpr int kMaxSongsPerAlbum = 10;
inline constexpr size_t kMaxThemeChars = 200;

struct EngineOptions {
  std::string cmu_dir = std::string(kDefaultCmuDir);
  std::string wordnet_dir = std::string(kDefaultWordNetDir);
  std::string soundfont = std::string(kDefaultSoundFont);
  bool load_renderer = true;  // false: lyrics and composition only (no audio)
};

// Checks a request as every API takes it. kInvalidArgument naming the field: a theme that is
// empty after trimming, longer than 200 characters or not UTF-8; an index outside 0..9.
platform::Status ValidateSongRequest(const SongRequest& request);

// A text model the engine may ask for lyrics instead of its builtin writer (an OpenAI-compatible
// chat endpoint in the service: services/producer/openai_lyrics.h). Any error, and any answer
// that does not fit the form, makes the builtin writer answer instead.
class LyricsModel {
 public:
  virtual ~LyricsModel() = default;
  virtual platform::Result<std::string> Complete(const LyricsPrompt& prompt) const = 0;
  virtual std::string_view name() const = 0;  // "openai"
};

// Who wrote a song's lyrics, for logs, metrics and the song's JSON.
struct LyricsOrigin {
  std::string by = "builtin";   // "builtin" or the model's name
  std::string fallback_reason;  // why the model's answer was not used ("" when it was, or none)
};

enum class RenderFormat { kOgg, kMp3, kMidi, kLrc, kStems };

// "ogg", "mp3", "midi", "lrc", "stems".
std::string_view RenderFormatName(RenderFormat format);

struct RenderedFile {
  std::string bytes;
  std::string
      media_type;  // "audio/ogg", "audio/mpeg", "audio/midi", "text/plain", "application/x-tar"
  std::string file_name;  // "01-street-empire.ogg"
  double duration_seconds = 0;
  Loudness loudness;  // measured after normalisation (audio formats; zeros otherwise)
};

// A song's file name stem: "<NN>-<title as lower-case words joined by '-'>" ("01-street-empire").
std::string SongFileStem(const Song& song);

class SongEngine {
 public:
  // kUnavailable naming the missing data (festlex-cmu, wordnet-base, fluid-soundfont-gm).
  static platform::Result<std::unique_ptr<SongEngine>> Load(const EngineOptions& options = {});
  ~SongEngine();

  // Uses `model` for lyrics from now on (nullptr: the builtin writer). Call before serving.
  void SetLyricsModel(std::shared_ptr<const LyricsModel> model) { model_ = std::move(model); }

  // Song `request.index_in_album` of its album (writing the earlier songs' lyrics first so no
  // line repeats). Deterministic with the builtin writer. kInvalidArgument from
  // ValidateSongRequest. With a lyrics model only this song is the model's: the earlier songs are
  // the builtin writer's, which is enough to keep their lines out of it. `origin` (optional)
  // says who wrote the lyrics.
  platform::Result<Song> Write(const SongRequest& request, LyricsOrigin* origin = nullptr) const;
  // The spec's song by the builtin writer even when a model is set: what a spec alone names.
  platform::Result<Song> WriteWithoutModel(const SongRequest& request) const;

  // The song of `request` sung with given lyrics (as LyricsText prints them, with "[Label]"
  // headers; WriteSong's answer, a model's, or a person's edit) instead of written ones: the
  // spec's form and music, these words. kInvalidArgument when the text does not fit the form.
  platform::Result<Song> WriteWithLyrics(const SongRequest& request, std::string_view lyrics_text,
                                         std::string_view title) const;

  // Writes songs 0..count-1 of one album in order, handing each to `on_song` as soon as it is
  // written; stops early (kCancelled) when `on_song` returns false.
  platform::Status WriteAlbum(const SongRequest& first, int count,
                              const std::function<bool(Song, const LyricsOrigin&)>& on_song) const;

  // The song as a file. Audio is normalised to -14 LUFS with true peak <= -1 dBTP. Stems are one
  // Ogg per part (at the mix's gain, so they add up to the mix) in a tar. kUnavailable when the
  // engine was loaded without a renderer and audio is asked for; kCancelled when `cancel` is set.
  platform::Result<RenderedFile> Render(const Song& song, RenderFormat format,
                                        const CancelFlag* cancel = nullptr) const;
  // Several files of one song, the audio rendered and normalised once for all of them.
  platform::Result<std::vector<RenderedFile>> RenderFiles(const Song& song,
                                                          const std::vector<RenderFormat>& formats,
                                                          const CancelFlag* cancel = nullptr) const;

  const PronouncingDictionary& dictionary() const { return *dictionary_; }
  const WordNet& wordnet() const { return *wordnet_; }
  bool can_render() const { return renderer_ != nullptr; }

 private:
  SongEngine() = default;
  platform::Result<Song> WriteSong(const SongRequest& request, bool ask_model,
                                   LyricsOrigin* origin) const;
  // One Ogg per part at the mix's gain (from the mix's loudness before normalising), in a tar.
  platform::Result<std::string> RenderStems(const Song& song, double mix_lufs,
                                            const CancelFlag* cancel) const;
  Song WriteOne(const SongRequest& request, const ThemeField& field, AlbumLines& album,
                bool ask_model, LyricsOrigin* origin) const;

  std::unique_ptr<PronouncingDictionary> dictionary_;
  std::unique_ptr<WordNet> wordnet_;
  std::unique_ptr<LyricWriter> writer_;
  std::unique_ptr<Renderer> renderer_;
  std::shared_ptr<const LyricsModel> model_;
};

}  // namespace moodtape::producer
