#include "services/producer/core/song_engine.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>

#include "platform/base/text.h"
#include "services/producer/core/compose/composer.h"
#include "services/producer/core/lyrics/forms.h"
#include "services/producer/core/sound/midi_writer.h"

namespace moodtape::producer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr std::string_view kArtist = "moodtape";

// Each song of an album gets its own stream from the album's seed; forks by label keep a change
// in one stage from reshuffling the others.
SongRandom SongStream(const SongRequest& request) {
  return SongRandom(request.seed).Fork("song " + std::to_string(request.index_in_album));
}

// Lower-case letters and digits, runs of anything else as one '-': safe in file and tar names.
std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

EncodeTags TagsOf(const Song& song) {
  return {song.lyrics.title, std::string(kArtist), song.request.theme,
          std::string(InfoOf(song.request.genre).name)};
}

}  // namespace

platform::Status ValidateSongRequest(const SongRequest& request) {
  if (!platform::IsValidUtf8(request.theme)) {
    return MakeError(ErrorCode::kInvalidArgument, "field \"theme\" is not valid UTF-8");
  }
  const std::string_view theme = platform::TrimWhitespace(request.theme);
  if (theme.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "field \"theme\" must not be empty: say what the song is about");
  }
  if (platform::CountCodePoints(theme) > kMaxThemeChars) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "field \"theme\" is longer than " + std::to_string(kMaxThemeChars) + " characters");
  }
  if (request.index_in_album < 0 || request.index_in_album >= kMaxSongsPerAlbum) {
    return MakeError(ErrorCode::kInvalidArgument, "field \"index\" must be an integer from 0 to " +
                                                      std::to_string(kMaxSongsPerAlbum - 1));
  }
  return platform::Status::Ok();
}

std::string_view RenderFormatName(RenderFormat format) {
  switch (format) {
    case RenderFormat::kOgg:
      return "ogg";
    case RenderFormat::kMp3:
      return "mp3";
    case RenderFormat::kMidi:
      return "midi";
    case RenderFormat::kLrc:
      return "lrc";
    case RenderFormat::kStems:
      return "stems";
  }
  return "ogg";
}

std::string SongFileStem(const Song& song) {
  char number[16];
  std::snprintf(number, sizeof(number), "%02d", song.request.index_in_album + 1);
  std::string slug = Slug(song.lyrics.title);
  if (slug.empty()) slug = "song";
  return std::string(number) + "-" + slug;
}

platform::Result<std::unique_ptr<SongEngine>> SongEngine::Load(const EngineOptions& options) {
  std::unique_ptr<SongEngine> engine(new SongEngine());
  auto dictionary = PronouncingDictionary::Load(options.cmu_dir);
  if (!dictionary.ok()) return dictionary.error();
  engine->dictionary_ = std::move(dictionary).value();
  auto wordnet = WordNet::Open(options.wordnet_dir);
  if (!wordnet.ok()) return wordnet.error();
  engine->wordnet_ = std::move(wordnet).value();
  engine->writer_ = std::make_unique<LyricWriter>(*engine->dictionary_, *engine->wordnet_);
  if (options.load_renderer) {
    auto renderer = Renderer::Create(options.soundfont);
    if (!renderer.ok()) return renderer.error();
    engine->renderer_ = std::move(renderer).value();
  }
  return engine;
}

SongEngine::~SongEngine() = default;

Song SongEngine::WriteOne(const SongRequest& request, const ThemeField& field, AlbumLines& album,
                          bool ask_model, LyricsOrigin* origin) const {
  SongRandom random = SongStream(request);
  Song song;
  song.request = request;
  SongRandom form_random = random.Fork("form");
  song.form = MakeForm(request.genre, form_random);
  LyricsOrigin who;
  if (ask_model && model_) {
    auto answer = model_->Complete(MakeLyricsPrompt(song.form, request.theme));
    if (answer.ok()) {
      auto lyrics = LyricsFromText(song.form, *answer, *dictionary_, album);
      if (lyrics.ok()) {
        song.lyrics = std::move(lyrics).value();
        who.by = std::string(model_->name());
      } else {
        who.fallback_reason = "unusable answer: " + lyrics.error().message;
      }
    } else {
      who.fallback_reason = answer.error().message;
    }
  }
  if (who.by == "builtin") {
    SongRandom lyrics_random = random.Fork("lyrics");
    song.lyrics = writer_->Write(song.form, field, lyrics_random, album);
  }
  if (origin != nullptr) *origin = std::move(who);
  return song;
}

platform::Result<Song> SongEngine::WriteWithoutModel(const SongRequest& request) const {
  return WriteSong(request, /*ask_model=*/false, nullptr);
}

platform::Result<Song> SongEngine::Write(const SongRequest& request, LyricsOrigin* origin) const {
  return WriteSong(request, /*ask_model=*/true, origin);
}

platform::Result<Song> SongEngine::WriteSong(const SongRequest& request, bool ask_model,
                                             LyricsOrigin* origin) const {
  if (auto valid = ValidateSongRequest(request); !valid.ok()) return valid.error();
  const ThemeField field = BuildThemeField(request.theme, *wordnet_, *dictionary_);
  AlbumLines album;
  // The earlier songs only fill `album` (their lines and titles); their music is not needed.
  for (int i = 0; i < request.index_in_album; ++i) {
    SongRequest earlier = request;
    earlier.index_in_album = i;
    WriteOne(earlier, field, album, /*ask_model=*/false, nullptr);
  }
  Song song = WriteOne(request, field, album, ask_model, origin);
  SongRandom compose_random = SongStream(request).Fork("compose");
  song.composition = Compose(song.lyrics, request.genre, compose_random);
  return song;
}

platform::Result<Song> SongEngine::WriteWithLyrics(const SongRequest& request,
                                                   std::string_view lyrics_text,
                                                   std::string_view title) const {
  if (auto valid = ValidateSongRequest(request); !valid.ok()) return valid.error();
  SongRandom random = SongStream(request);
  Song song;
  song.request = request;
  SongRandom form_random = random.Fork("form");
  song.form = MakeForm(request.genre, form_random);
  std::string text;
  if (!title.empty()) text = "Title: " + std::string(title) + "\n";
  text += lyrics_text;
  AlbumLines album;  // given words: no album to keep apart from
  auto lyrics = LyricsFromText(song.form, text, *dictionary_, album);
  if (!lyrics.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "field \"lyrics\" does not fit the song's form: " + lyrics.error().message);
  }
  song.lyrics = std::move(lyrics).value();
  SongRandom compose_random = SongStream(request).Fork("compose");
  song.composition = Compose(song.lyrics, request.genre, compose_random);
  return song;
}

platform::Status SongEngine::WriteAlbum(
    const SongRequest& first, int count,
    const std::function<bool(Song, const LyricsOrigin&)>& on_song) const {
  if (count < 1 || count > kMaxSongsPerAlbum) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "field \"songs_count\" must be an integer from 1 to " + std::to_string(kMaxSongsPerAlbum));
  }
  SongRequest request = first;
  request.index_in_album = 0;
  if (auto valid = ValidateSongRequest(request); !valid.ok()) return valid;
  const ThemeField field = BuildThemeField(request.theme, *wordnet_, *dictionary_);
  AlbumLines album;
  for (int i = 0; i < count; ++i) {
    request.index_in_album = i;
    LyricsOrigin origin;
    Song song = WriteOne(request, field, album, /*ask_model=*/true, &origin);
    SongRandom compose_random = SongStream(request).Fork("compose");
    song.composition = Compose(song.lyrics, request.genre, compose_random);
    if (!on_song(std::move(song), origin)) return MakeError(ErrorCode::kCancelled, "cancelled");
  }
  return platform::Status::Ok();
}

platform::Result<RenderedFile> SongEngine::Render(const Song& song, RenderFormat format,
                                                  const CancelFlag* cancel) const {
  auto files = RenderFiles(song, {format}, cancel);
  if (!files.ok()) return files.error();
  return std::move(files->front());
}

platform::Result<std::vector<RenderedFile>> SongEngine::RenderFiles(
    const Song& song, const std::vector<RenderFormat>& formats, const CancelFlag* cancel) const {
  std::vector<RenderedFile> files;
  const std::string stem = SongFileStem(song);
  // The mix is rendered and normalised once, however many audio formats are asked for: it is the
  // costly part.
  std::optional<StereoAudio> mix;
  Loudness loudness;
  double before = 0;
  for (RenderFormat format : formats) {
    RenderedFile file;
    file.duration_seconds = song.composition.DurationSeconds();
    if (format == RenderFormat::kMidi) {
      file.bytes = WriteMidi(song.composition, song.lyrics.title);
      file.media_type = "audio/midi";
      file.file_name = stem + ".mid";
      files.push_back(std::move(file));
      continue;
    }
    if (format == RenderFormat::kLrc) {
      file.bytes = WriteLrc(song.composition, song.lyrics.title, kArtist);
      file.media_type = "text/plain; charset=utf-8";
      file.file_name = stem + ".lrc";
      files.push_back(std::move(file));
      continue;
    }
    if (!renderer_) {
      return MakeError(ErrorCode::kUnavailable,
                       "this producer was started without audio rendering");
    }
    if (!mix) {
      auto rendered = renderer_->Render(song.composition, {}, cancel);
      if (!rendered.ok()) return rendered.error();
      mix = std::move(rendered).value();
      // Stems need the mix's loudness before normalising (their common gain); measuring it is a
      // full pass over the song, so only they pay for it.
      for (RenderFormat f : formats) {
        if (f == RenderFormat::kStems) before = MeasureLoudness(*mix).integrated_lufs;
      }
      loudness = Normalise(*mix, kSongTargetLufs, kSongPcmPeakDbtp);
    }
    file.loudness = loudness;
    file.duration_seconds = mix->Seconds();
    if (format == RenderFormat::kStems) {
      auto stems = RenderStems(song, before, cancel);
      if (!stems.ok()) return stems.error();
      file.bytes = std::move(stems).value();
      file.media_type = "application/x-tar";
      file.file_name = stem + "-stems.tar";
      files.push_back(std::move(file));
      continue;
    }
    const EncodeTags tags = TagsOf(song);
    auto bytes = format == RenderFormat::kOgg ? EncodeOggVorbis(*mix, tags, 0.5f, cancel)
                                              : EncodeMp3(*mix, tags, 192, cancel);
    if (!bytes.ok()) return bytes.error();
    file.bytes = std::move(bytes).value();
    file.media_type = format == RenderFormat::kOgg ? "audio/ogg" : "audio/mpeg";
    file.file_name = stem + (format == RenderFormat::kOgg ? ".ogg" : ".mp3");
    files.push_back(std::move(file));
  }
  return files;
}

platform::Result<std::string> SongEngine::RenderStems(const Song& song, double mix_lufs,
                                                      const CancelFlag* cancel) const {
  const std::string stem = SongFileStem(song);
  const EncodeTags tags = TagsOf(song);
  const double before = mix_lufs;
  // Stems: every part at the mix's gain so they add up to it (before the mix's limiter), each
  // kept under the same true-peak ceiling on its own.
  const float gain =
      before > -70 ? static_cast<float>(std::pow(10.0, (kSongTargetLufs - before) / 20.0)) : 1.0f;
  std::vector<std::pair<std::string, std::string>> files;
  const auto& parts = song.composition.parts;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (cancel != nullptr && cancel->load()) return MakeError(ErrorCode::kCancelled, "cancelled");
    auto audio = renderer_->Render(song.composition, {static_cast<int>(i)}, cancel);
    if (!audio.ok()) return audio.error();
    for (float& s : audio->samples) s *= gain;
    const Loudness own = MeasureLoudness(*audio);
    if (own.true_peak_dbtp > kSongPcmPeakDbtp && own.integrated_lufs > -70) {
      Normalise(*audio, own.integrated_lufs, kSongPcmPeakDbtp);
    }
    EncodeTags part_tags = tags;
    part_tags.title = song.lyrics.title + " (" + parts[i].name + ")";
    auto bytes = EncodeOggVorbis(*audio, part_tags, 0.5f, cancel);
    if (!bytes.ok()) return bytes.error();
    const std::string name = Slug(parts[i].name);
    char prefix[24];
    std::snprintf(prefix, sizeof(prefix), "%02zu-", i + 1);
    files.emplace_back(stem + "/" + prefix + name + ".ogg", std::move(bytes).value());
  }
  return MakeTar(files);
}

}  // namespace moodtape::producer
