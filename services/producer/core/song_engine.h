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

#include "platform/base/error.h"
#include "services/producer/core/lyrics/lyric_writer.h"
#include "services/producer/core/song.h"
#include "services/producer/core/sound/audio.h"
#include "services/producer/core/words/phonetics.h"
#include "services/producer/core/words/theme_field.h"

namespace moodtape::producer {

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

  // Song `request.index_in_album` of its album (writing the earlier songs' lyrics first so no
  // line repeats). Deterministic. kInvalidArgument from ValidateSongRequest.
  platform::Result<Song> Write(const SongRequest& request) const;

  // Writes songs 0..count-1 of one album in order, handing each to `on_song` as soon as it is
  // written; stops early (kCancelled) when `on_song` returns false.
  platform::Status WriteAlbum(const SongRequest& first, int count,
                              const std::function<bool(Song)>& on_song) const;

  // The song as a file. Audio is normalised to -14 LUFS with true peak <= -1 dBTP. Stems are one
  // Ogg per part (at the mix's gain, so they add up to the mix) in a tar. kUnavailable when the
  // engine was loaded without a renderer and audio is asked for; kCancelled when `cancel` is set.
  platform::Result<RenderedFile> Render(const Song& song, RenderFormat format,
                                        const CancelFlag* cancel = nullptr) const;

  const PronouncingDictionary& dictionary() const { return *dictionary_; }
  const WordNet& wordnet() const { return *wordnet_; }
  bool can_render() const { return renderer_ != nullptr; }

 private:
  SongEngine() = default;
  Song WriteOne(const SongRequest& request, const ThemeField& field, AlbumLines& album) const;

  std::unique_ptr<PronouncingDictionary> dictionary_;
  std::unique_ptr<WordNet> wordnet_;
  std::unique_ptr<LyricWriter> writer_;
  std::unique_ptr<Renderer> renderer_;
};

}  // namespace moodtape::producer
