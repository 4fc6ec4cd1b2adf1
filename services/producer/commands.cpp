#include "services/producer/commands.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>

#include "platform/base/command_flags.h"
#include "platform/base/files.h"
#include "platform/base/seed.h"
#include "platform/service/settings.h"
#include "services/producer/core/song_sheet.h"

namespace moodtape::producer {
namespace {

const std::vector<std::string> kSongOptions = {"--genre", "--theme", "--seed", "--index"};

std::string GenreList() {
  std::string all;
  for (const auto& g : AllGenres()) all += (all.empty() ? "" : ", ") + std::string(g.id);
  return all;
}

// The song a command names, or a usage error in *why.
std::optional<SongRequest> RequestFrom(platform::CommandFlags& flags, std::ostream& out,
                                       std::string* why) {
  if (!flags.error().empty()) {
    *why = flags.error();
    return std::nullopt;
  }
  SongRequest request;
  auto genre = ParseGenre(flags.Get("--genre", ""));
  if (!genre) {
    *why = "--genre must be one of: " + GenreList();
    return std::nullopt;
  }
  request.genre = *genre;
  request.theme = flags.Get("--theme", "");
  if (flags.Has("--seed")) {
    const std::string text = flags.Get("--seed", "");
    try {
      size_t used = 0;
      request.seed = std::stoull(text, &used);
      if (used != text.size() || text.front() == '-') throw std::invalid_argument(text);
    } catch (...) {
      *why = "--seed must be a whole number from 0 to 18446744073709551615";
      return std::nullopt;
    }
  } else {
    // No seed: a fresh song, told to the user so they can have it again.
    request.seed = platform::FreshSeed();
    out << "seed " << request.seed << " (pass --seed " << request.seed
        << " to write this song again)\n";
  }
  double index = 1;
  if (!flags.Number("--index", &index) || index < 1 || index > kMaxSongsPerAlbum ||
      index != static_cast<int>(index)) {
    *why = "--index must be a song number from 1 to " + std::to_string(kMaxSongsPerAlbum);
    return std::nullopt;
  }
  request.index_in_album = static_cast<int>(index) - 1;
  if (auto valid = ValidateSongRequest(request); !valid.ok()) {
    *why = valid.error().message;
    return std::nullopt;
  }
  return request;
}

platform::Result<std::unique_ptr<SongEngine>> LoadEngine(bool with_renderer) {
  platform::Config config = platform::LoadProcessConfig();
  EngineOptions options = ReadEngineOptions(config);
  options.load_renderer = with_renderer;
  return SongEngine::Load(options);
}

std::optional<RenderFormat> FormatForPath(const std::string& path) {
  auto ends = [&](const std::string& ext) {
    return path.size() >= ext.size() &&
           path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends(".ogg") || ends(".oga")) return RenderFormat::kOgg;
  if (ends(".mp3")) return RenderFormat::kMp3;
  if (ends(".mid") || ends(".midi")) return RenderFormat::kMidi;
  if (ends(".lrc")) return RenderFormat::kLrc;
  if (ends(".tar")) return RenderFormat::kStems;
  return std::nullopt;
}

// The file whole or not at all, and why not in words a person can act on.
bool WriteFile(const std::string& path, const std::string& bytes, std::ostream& err) {
  const platform::Status written = platform::WriteFileAtomically(path, bytes);
  if (!written.ok()) err << written.error().message << "\n";
  return written.ok();
}

}  // namespace

EngineOptions ReadEngineOptions(platform::Config& config) {
  EngineOptions o;
  o.cmu_dir = config.String("producer", "cmu_dir", o.cmu_dir);
  o.wordnet_dir = config.String("producer", "wordnet_dir", o.wordnet_dir);
  o.soundfont = config.String("producer", "soundfont", o.soundfont);
  return o;
}

std::string UsageText() {
  return "usage: moodtape-producer [serve]\n"
         "       moodtape-producer write  --genre G --theme \"...\" [--seed N] [--index I] "
         "[--json]\n"
         "       moodtape-producer render --genre G --theme \"...\" [--seed N] [--index I] "
         "--out song.ogg\n"
         "                                [--midi song.mid] [--mp3 song.mp3] [--lrc song.lrc] "
         "[--stems stems.tar]\n"
         "       moodtape-producer genres [--json]\n"
         "genres: " +
         GenreList() +
         "\n--index: the song's number in its album (songs of one album share no line)\n";
}

int RunWriteCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> with_value = kSongOptions;
  platform::CommandFlags flags(args, with_value, {"--json"});
  std::string why;
  auto request = RequestFrom(flags, flags.Has("--json") ? err : out, &why);
  if (!request) {
    err << "write: " << why << "\n" << UsageText();
    return 2;
  }
  auto engine = LoadEngine(/*with_renderer=*/false);
  if (!engine.ok()) {
    err << "write: " << engine.error().message << "\n";
    return 1;
  }
  auto song = (*engine)->Write(*request);
  if (!song.ok()) {
    err << "write: " << song.error().message << "\n";
    return 1;
  }
  if (flags.Has("--json")) {
    out << SongJson(*song).dump(2) << "\n";
  } else {
    out << SongSheet(*song);
  }
  return 0;
}

int RunRenderCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> with_value = kSongOptions;
  for (const char* o : {"--out", "--midi", "--mp3", "--lrc", "--stems"}) with_value.push_back(o);
  platform::CommandFlags flags(args, with_value, {});
  std::string why;
  auto request = RequestFrom(flags, out, &why);
  std::vector<std::pair<std::string, RenderFormat>> targets;
  if (request) {
    const std::string main = flags.Get("--out", "");
    auto format = FormatForPath(main);
    if (main.empty()) {
      why = "--out FILE is required (.ogg, .mp3, .mid, .lrc or .tar)";
    } else if (!format) {
      why = "--out must end in .ogg, .mp3, .mid, .lrc or .tar (stems), not " + main;
    } else {
      targets.emplace_back(main, *format);
    }
    const std::pair<const char*, RenderFormat> extra[] = {{"--midi", RenderFormat::kMidi},
                                                          {"--mp3", RenderFormat::kMp3},
                                                          {"--lrc", RenderFormat::kLrc},
                                                          {"--stems", RenderFormat::kStems}};
    for (const auto& [option, f] : extra) {
      if (flags.Has(option)) targets.emplace_back(flags.Get(option, ""), f);
    }
  }
  if (!request || targets.empty()) {
    err << "render: " << why << "\n" << UsageText();
    return 2;
  }
  bool audio = false;
  for (const auto& [path, format] : targets) {
    audio = audio || format == RenderFormat::kOgg || format == RenderFormat::kMp3 ||
            format == RenderFormat::kStems;
  }
  auto engine = LoadEngine(audio);
  if (!engine.ok()) {
    err << "render: " << engine.error().message << "\n";
    return 1;
  }
  auto song = (*engine)->Write(*request);
  if (!song.ok()) {
    err << "render: " << song.error().message << "\n";
    return 1;
  }
  out << "\"" << song->lyrics.title << "\" (" << InfoOf(request->genre).name << ", "
      << song->composition.key_name << ", " << static_cast<int>(song->composition.tempo_bpm)
      << " BPM)\n";
  for (const auto& [path, format] : targets) {
    const auto start = std::chrono::steady_clock::now();
    auto file = (*engine)->Render(*song, format);
    if (!file.ok()) {
      err << "render: " << file.error().message << "\n";
      return 1;
    }
    if (!WriteFile(path, file->bytes, err)) return 1;
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[256];
    if (format == RenderFormat::kOgg || format == RenderFormat::kMp3) {
      std::snprintf(line, sizeof(line), "%s: %.1f s, %.1f LUFS, %.1f dBTP, %zu KiB (%.1f s)\n",
                    path.c_str(), file->duration_seconds, file->loudness.integrated_lufs,
                    file->loudness.true_peak_dbtp, file->bytes.size() / 1024, took);
    } else {
      std::snprintf(line, sizeof(line), "%s: %zu KiB (%.1f s)\n", path.c_str(),
                    file->bytes.size() / 1024, took);
    }
    out << line;
  }
  return 0;
}

int RunGenresCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  platform::CommandFlags flags(args, {}, {"--json"});
  if (!flags.error().empty()) {
    err << "genres: " << flags.error() << "\n";
    return 2;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& g : AllGenres()) {
    if (flags.Has("--json")) {
      list.push_back({{"id", g.id},
                      {"name", g.name},
                      {"description", g.description},
                      {"min_tempo_bpm", g.min_tempo_bpm},
                      {"max_tempo_bpm", g.max_tempo_bpm}});
    } else {
      out << g.id << "  " << g.name << " (" << g.min_tempo_bpm << "-" << g.max_tempo_bpm
          << " BPM): " << g.description << "\n";
    }
  }
  if (flags.Has("--json")) out << list.dump(2) << "\n";
  return 0;
}

}  // namespace moodtape::producer
