// The producer's quality and speed report: every genre x 30 themes x 3 seeds, each written as a
// 5-song album by the song engine and, side by side, by the baseline (WriteBaselineLyrics on the
// same forms and theme fields, composed by the same composer, so the musical figures compare).
// Measures end rhyme, rap rhyme density, syllable error, stress placement, theme words, lines
// repeated across an album, melody in key and range, and the time to write and compose a song;
// then renders one song per genre to time rendering, normalisation and both encoders and to
// check loudness. Prints tables with the aims marked met or missed, and writes one JSON object to
// --benchmark_out=FILE (default <build>/bench/producer_quality.json).
//
//   producer_quality [--benchmark_out=FILE] [--themes=N] [--seeds=N] [--no-render]
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_stats.h"
#include "services/producer/core/compose/composer.h"
#include "services/producer/core/genre.h"
#include "services/producer/core/lyrics/forms.h"
#include "services/producer/core/lyrics/lyric_writer.h"
#include "services/producer/core/random.h"
#include "services/producer/core/song.h"
#include "services/producer/core/song_engine.h"
#include "services/producer/core/sound/audio.h"
#include "services/producer/core/words/phonetics.h"
#include "services/producer/core/words/theme_field.h"

namespace {

using moodtape::bench::Mean;
using moodtape::bench::Percentile;

using namespace moodtape::producer;
using nlohmann::json;

// Varied on purpose: one word, a place, an object, a feeling, a long sentence, a proper noun,
// a word WordNet lacks.
constexpr std::array<std::string_view, 30> kThemes = {
    "love",
    "the streets",
    "dragons",
    "a rainy Monday",
    "losing my mind over money and fire",
    "first love in a summer town",
    "a road trip to the coast",
    "space",
    "grief",
    "my old dog",
    "a job interview",
    "rust",
    "dancing at a village wedding",
    "revenge on the king",
    "neon lights over an empty highway",
    "the train that never came back",
    "a broken guitar",
    "winter in the mountains",
    "my mother's kitchen",
    "fighting the system",
    "friends who moved away",
    "a storm at sea",
    "the last night of the festival",
    "coffee and insomnia",
    "a lottery ticket",
    "ghosts in the old house",
    "skateboarding after school",
    "falling in love with a robot",
    "2 a.m. in Warsaw",
    "moodtape",
};
constexpr std::array<uint64_t, 3> kSeeds = {1, 7, 2026};
constexpr int kAlbumSongs = 5;
constexpr std::string_view kRenderTheme = "first love in a summer town";
constexpr uint64_t kRenderSeed = 7;
// NearRhymeScore: 0.6 and up is the same stressed vowel with a similar coda ("time" / "line").
constexpr double kNearRhyme = 0.6;
constexpr double kPcmPeakDbtp = moodtape::producer::kSongPcmPeakDbtp;  // the engine's own

// ----- Small helpers --------------------------------------------------------------------------

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double WallMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Times one call: CPU time of this thread and steady-clock time, in milliseconds.
struct Stopwatch {
  double cpu0 = ThreadCpuMs(), wall0 = WallMs();
  double Cpu() const { return ThreadCpuMs() - cpu0; }
  double Wall() const { return WallMs() - wall0; }
};

double Share(size_t part, size_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

json Summary(const std::vector<double>& v) {
  return {{"mean", Mean(v)},
          {"p50", Percentile(v, 0.5)},
          {"p95", Percentile(v, 0.95)},
          {"max", Percentile(v, 1.0)}};
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The engine's own stream per song of an album (song_engine.cpp's SongStream), so the replayed
// pipeline below writes exactly what WriteAlbum writes.
SongRandom SongStream(uint64_t seed, int index) {
  return SongRandom(seed).Fork("song " + std::to_string(index));
}

// Pronunciations are looked up many times over (choruses, common words): cache them.
class Pronouncer {
 public:
  explicit Pronouncer(const PronouncingDictionary& dictionary) : dictionary_(dictionary) {}
  const Pronunciation& Of(const std::string& word) {
    auto it = cache_.find(word);
    if (it == cache_.end()) it = cache_.emplace(word, dictionary_.Pronounce(word)).first;
    return it->second;
  }

 private:
  const PronouncingDictionary& dictionary_;
  std::unordered_map<std::string, Pronunciation> cache_;
};

// The consonants that open a word's last stressed syllable (its last syllable when none is
// stressed), by the dictionary's own syllabification: "L" for both "deadline" and "lifeline".
std::vector<std::string> StressedOnset(const Pronunciation& p) {
  if (p.syllables.empty()) return {};
  size_t k = p.syllables.size() - 1;
  for (size_t i = p.syllables.size(); i-- > 0;) {
    if (p.syllables[i].stress > 0) {
      k = i;
      break;
    }
  }
  std::vector<std::string> onset;
  for (const std::string& phone : p.syllables[k].phones) {
    if (IsVowelPhone(phone)) break;
    onset.push_back(phone);
  }
  return onset;
}

// ----- What is measured -----------------------------------------------------------------------

struct Tally {
  size_t songs = 0;
  // End rhyme: pairs (a line and the previous line with its rhyme label in its section).
  size_t rhyme_pairs = 0, perfect = 0, near = 0;
  // Perfect by IsPerfectRhyme but the stressed syllables themselves are the same sound (their
  // onsets are equal: "deadline" / "lifeline"), and pairs ending on the same word.
  size_t perfect_same_syllable = 0, same_word = 0;
  std::vector<double> rap_density, rap_density_verses;
  size_t lines = 0;
  double syllable_error = 0;
  size_t lines_off_target = 0;
  size_t stressed = 0, stressed_strong = 0, stressed_on_beat = 0, sung = 0;
  size_t songs_3_theme_words = 0;
  size_t songs_3_theme_lemmas = 0;  // counting inflected forms too ("dragons" for "dragon")
  std::vector<double> theme_words;
  size_t albums = 0, album_repeats = 0, albums_with_repeats = 0;
  size_t lead_notes = 0, lead_in_key = 0;
  std::vector<double> range, duration;
  size_t sung_count_mismatch = 0;  // songs whose sung syllables differ from the lyrics' count
  // Consistency of the composition: a sung syllable whose `strong` flag disagrees with its tick,
  // lead notes that overlap (the lead is one voice), notes ending after end_tick.
  size_t strong_flag_mismatch = 0, lead_overlaps = 0, notes_after_end = 0;
  std::vector<double> lyrics_cpu, lyrics_wall, compose_cpu, compose_wall, total_cpu;

  void Add(const Tally& o) {
    songs += o.songs;
    rhyme_pairs += o.rhyme_pairs;
    perfect += o.perfect;
    perfect_same_syllable += o.perfect_same_syllable;
    same_word += o.same_word;
    near += o.near;
    rap_density.insert(rap_density.end(), o.rap_density.begin(), o.rap_density.end());
    rap_density_verses.insert(rap_density_verses.end(), o.rap_density_verses.begin(),
                              o.rap_density_verses.end());
    lines += o.lines;
    syllable_error += o.syllable_error;
    lines_off_target += o.lines_off_target;
    stressed += o.stressed;
    stressed_strong += o.stressed_strong;
    stressed_on_beat += o.stressed_on_beat;
    sung += o.sung;
    songs_3_theme_words += o.songs_3_theme_words;
    songs_3_theme_lemmas += o.songs_3_theme_lemmas;
    theme_words.insert(theme_words.end(), o.theme_words.begin(), o.theme_words.end());
    albums += o.albums;
    album_repeats += o.album_repeats;
    albums_with_repeats += o.albums_with_repeats;
    lead_notes += o.lead_notes;
    lead_in_key += o.lead_in_key;
    range.insert(range.end(), o.range.begin(), o.range.end());
    duration.insert(duration.end(), o.duration.begin(), o.duration.end());
    sung_count_mismatch += o.sung_count_mismatch;
    strong_flag_mismatch += o.strong_flag_mismatch;
    lead_overlaps += o.lead_overlaps;
    notes_after_end += o.notes_after_end;
    for (auto [to, from] : {std::pair{&lyrics_cpu, &o.lyrics_cpu},
                            {&lyrics_wall, &o.lyrics_wall},
                            {&compose_cpu, &o.compose_cpu},
                            {&compose_wall, &o.compose_wall},
                            {&total_cpu, &o.total_cpu}}) {
      to->insert(to->end(), from->begin(), from->end());
    }
  }

  double EndRhyme() const { return Share(perfect, rhyme_pairs); }
  double NearOnly() const { return Share(near, rhyme_pairs); }
  double SyllableError() const { return lines ? syllable_error / static_cast<double>(lines) : 0; }
  double StrongShare() const { return Share(stressed_strong, stressed); }
  double OnBeatShare() const { return Share(stressed_on_beat, stressed); }
  double InKey() const { return Share(lead_in_key, lead_notes); }

  json Json() const {
    json j = {
        {"songs", songs},
        {"end_rhyme",
         {{"pairs", rhyme_pairs},
          {"perfect", EndRhyme()},
          {"near_not_perfect", NearOnly()},
          {"perfect_or_near", Share(perfect + near, rhyme_pairs)},
          {"perfect_but_same_stressed_syllable", Share(perfect_same_syllable, rhyme_pairs)},
          {"perfect_strict", Share(perfect - perfect_same_syllable, rhyme_pairs)},
          {"same_end_word", Share(same_word, rhyme_pairs)}}},
        {"syllables",
         {{"lines", lines},
          {"mean_abs_error", SyllableError()},
          {"share_lines_off_target", Share(lines_off_target, lines)}}},
        {"stress",
         {{"stressed_syllables", stressed},
          {"sung_syllables", sung},
          {"share_on_strong_beats", StrongShare()},
          {"share_on_any_beat", OnBeatShare()}}},
        {"theme_words",
         {{"share_songs_with_3", Share(songs_3_theme_words, songs)},
          {"share_songs_with_3_counting_inflections", Share(songs_3_theme_lemmas, songs)},
          {"distinct_per_song", Summary(theme_words)}}},
        {"album_repeats",
         {{"albums", albums},
          {"lines_in_two_songs", album_repeats},
          {"albums_with_a_repeat", albums_with_repeats}}},
        {"melody",
         {{"lead_notes", lead_notes},
          {"share_in_key", InKey()},
          {"range_semitones", Summary(range)},
          {"duration_seconds", Summary(duration)}}},
        {"checks",
         {{"songs_sung_syllables_mismatch", sung_count_mismatch},
          {"strong_flag_mismatch", strong_flag_mismatch},
          {"lead_overlaps", lead_overlaps},
          {"notes_after_end", notes_after_end}}},
        {"ms_per_song",
         {{"lyrics_cpu", Summary(lyrics_cpu)},
          {"lyrics_wall", Summary(lyrics_wall)},
          {"compose_cpu", Summary(compose_cpu)},
          {"compose_wall", Summary(compose_wall)},
          {"lyrics_plus_compose_cpu", Summary(total_cpu)}}},
    };
    if (!rap_density.empty()) {
      size_t at_aim = 0;
      for (double d : rap_density) at_aim += d >= 1.2 ? 1 : 0;
      j["rap_rhyme_density"] = {{"whole_song", Summary(rap_density)},
                                {"verses_only", Summary(rap_density_verses)},
                                {"share_songs_at_least_1_2", Share(at_aim, rap_density.size())}};
    }
    return j;
  }
};

class Meter {
 public:
  Meter(const PronouncingDictionary& dictionary, const WordNet& wordnet)
      : pronounce_(dictionary), wordnet_(wordnet) {}

  // Every lyric figure of one song. `form` is the song's form (targets, repeats).
  void Lyric(const SongForm& form, const Lyrics& lyrics, const ThemeField& field, Tally* t) {
    ++t->songs;
    for (size_t s = 0; s < lyrics.sections.size() && s < form.sections.size(); ++s) {
      const LyricSection& section = lyrics.sections[s];
      const SectionSpec& spec = form.sections[s];
      if (spec.repeat_of >= 0) continue;  // a chorus sung again: measured where it was written
      std::map<char, size_t> previous;    // rhyme label -> the last line with it
      for (size_t k = 0; k < section.lines.size() && k < spec.lines.size(); ++k) {
        const LyricLine& line = section.lines[k];
        const LineSpec& target = spec.lines[k];
        const bool copy = target.repeats_line >= 0;  // the blues' restated line
        if (!copy) {
          ++t->lines;
          const int error = std::abs(line.SyllableCount() - target.syllables);
          t->syllable_error += error;
          if (error != 0) ++t->lines_off_target;
        }
        if (target.rhyme == '-' || line.words.empty()) continue;
        auto it = previous.find(target.rhyme);
        if (it != previous.end() && !copy) {
          const LyricLine& before = section.lines[it->second];
          if (!before.words.empty()) {
            const Pronunciation& a = pronounce_.Of(Lower(before.words.back().text));
            const Pronunciation& b = pronounce_.Of(Lower(line.words.back().text));
            ++t->rhyme_pairs;
            if (Lower(before.words.back().text) == Lower(line.words.back().text)) ++t->same_word;
            if (IsPerfectRhyme(a, b)) {
              ++t->perfect;
              if (StressedOnset(a) == StressedOnset(b)) ++t->perfect_same_syllable;
            } else if (NearRhymeScore(a, b) >= kNearRhyme) {
              ++t->near;
            }
          }
        }
        previous[target.rhyme] = k;
      }
    }

    if (form.genre == Genre::kGangstaRap) {
      std::vector<std::vector<Pronunciation>> all, verses;
      for (const LyricSection& section : lyrics.sections) {
        for (const LyricLine& line : section.lines) {
          std::vector<Pronunciation> words;
          for (const LyricWord& w : line.words) words.push_back(pronounce_.Of(Lower(w.text)));
          if (section.kind == SectionKind::kVerse) verses.push_back(words);
          all.push_back(std::move(words));
        }
      }
      t->rap_density.push_back(RhymeDensity(all));
      t->rap_density_verses.push_back(RhymeDensity(verses));
    }

    std::unordered_set<std::string> field_words(field.theme_words.begin(), field.theme_words.end());
    for (const ThemeWord& w : field.words) field_words.insert(w.word);
    std::set<std::string> used, used_lemmas;
    for (const LyricSection& section : lyrics.sections) {
      for (const LyricLine& line : section.lines) {
        for (const LyricWord& w : line.words) {
          const std::string word = Lower(w.text);
          if (field_words.count(word)) {
            used.insert(word);
            used_lemmas.insert(word);
            continue;
          }
          for (const std::string& base : BaseForms(word)) {
            if (field_words.count(base)) {
              used_lemmas.insert(base);
              break;
            }
          }
        }
      }
    }
    t->theme_words.push_back(static_cast<double>(used.size()));
    if (used.size() >= 3) ++t->songs_3_theme_words;
    if (used_lemmas.size() >= 3) ++t->songs_3_theme_lemmas;
    last_theme_words_ = used.size();
  }

  size_t last_theme_words() const { return last_theme_words_; }

  static void Music(const Lyrics& lyrics, const Composition& c, Tally* t) {
    const Part* lead = c.Lead();
    t->duration.push_back(c.DurationSeconds());
    if (lead == nullptr) return;
    const std::vector<int> scale = ScalePitchClasses(c.tonic, c.mode);
    int low = 127, high = 0;
    int64_t previous_end = 0;
    for (const Note& n : lead->notes) {
      if (n.start < previous_end) ++t->lead_overlaps;
      previous_end = std::max(previous_end, n.start + n.duration);
      if (n.start + n.duration > c.end_tick) ++t->notes_after_end;
      ++t->lead_notes;
      if (std::find(scale.begin(), scale.end(), ((n.pitch % 12) + 12) % 12) != scale.end()) {
        ++t->lead_in_key;
      }
      low = std::min(low, n.pitch);
      high = std::max(high, n.pitch);
    }
    if (!lead->notes.empty()) t->range.push_back(high - low);
    for (const SungSyllable& s : lead->sung) {
      ++t->sung;
      const int64_t bar = int64_t{kTicksPerBeat} * c.beats_per_bar;
      const bool strong = s.tick % bar == 0 || (c.beats_per_bar == 4 && s.tick % bar == bar / 2);
      if (strong != s.strong) ++t->strong_flag_mismatch;
      if (s.stress != 1) continue;
      ++t->stressed;
      if (s.strong) ++t->stressed_strong;
      if (s.tick % kTicksPerBeat == 0) ++t->stressed_on_beat;
    }
    size_t syllables = 0;  // as sung: repeated sections again in full
    for (const LyricSection& section : lyrics.sections) {
      for (const LyricLine& line : section.lines) syllables += line.SyllableCount();
    }
    if (syllables != lead->sung.size()) ++t->sung_count_mismatch;
  }

  // Normalised lines sung in two or more songs of one album (repeats inside a song are fine).
  static void Album(const std::vector<const Lyrics*>& songs, Tally* t) {
    std::map<std::string, std::set<size_t>> where;
    for (size_t i = 0; i < songs.size(); ++i) {
      for (const LyricSection& section : songs[i]->sections) {
        for (const LyricLine& line : section.lines) where[NormaliseLine(line.text)].insert(i);
      }
    }
    size_t repeats = 0;
    for (const auto& [line, in] : where) {
      if (in.size() >= 2) ++repeats;
    }
    ++t->albums;
    t->album_repeats += repeats;
    if (repeats > 0) ++t->albums_with_repeats;
  }

 private:
  // WordNet's base forms of a word in every class ("dragons" -> "dragon"), cached.
  const std::vector<std::string>& BaseForms(const std::string& word) {
    auto it = base_forms_.find(word);
    if (it != base_forms_.end()) return it->second;
    std::vector<std::string> forms;
    for (WordClass c :
         {WordClass::kNoun, WordClass::kVerb, WordClass::kAdjective, WordClass::kAdverb}) {
      for (std::string& f : wordnet_.BaseForms(word, c)) {
        if (f != word && std::find(forms.begin(), forms.end(), f) == forms.end()) {
          forms.push_back(std::move(f));
        }
      }
    }
    return base_forms_.emplace(word, std::move(forms)).first->second;
  }

  Pronouncer pronounce_;
  const WordNet& wordnet_;
  std::unordered_map<std::string, std::vector<std::string>> base_forms_;
  size_t last_theme_words_ = 0;
};

// Per theme: how big its field is and how many engine songs use 3+ of its words.
struct ThemeRow {
  size_t field_words = 0, songs = 0, with_3 = 0;
};

// ----- Render sample --------------------------------------------------------------------------

struct Decoded {
  bool ok = false;
  double lufs = 0, true_peak = 0;
};

// ffmpeg's EBU R128 filter over a decoded file: the loudness a listener gets.
Decoded FfmpegLoudness(const std::filesystem::path& file) {
  const std::string command = "ffmpeg -hide_banner -nostats -i '" + file.string() +
                              "' -af ebur128=peak=true -f null - 2>&1";
  Decoded d;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return d;
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) out.append(buffer, n);
  if (pclose(pipe) != 0) return d;
  // The summary comes last: "I:  -14.0 LUFS" ... "True peak:" "Peak:  -1.3 dBFS".
  const size_t summary = out.rfind("Summary:");
  if (summary == std::string::npos) return d;
  const size_t i = out.find("I:", summary);
  const size_t p = out.find("Peak:", out.find("True peak:", summary));
  if (i == std::string::npos || p == std::string::npos) return d;
  d.lufs = std::strtod(out.c_str() + i + 2, nullptr);
  d.true_peak = std::strtod(out.c_str() + p + 5, nullptr);
  d.ok = true;
  return d;
}

struct RenderRow {
  std::string genre;
  std::string title;
  double seconds = 0;
  double engine_ogg_s = 0, engine_ogg_cpu_s = 0;  // SongEngine::Render(kOgg)
  double render_s = 0, normalise_s = 0, ogg_s = 0, mp3_s = 0;
  double render_cpu_s = 0, normalise_cpu_s = 0, ogg_cpu_s = 0, mp3_cpu_s = 0;
  Loudness engine_loudness, normalised, remeasured;
  Decoded ogg_decoded, mp3_decoded;
  size_t ogg_bytes = 0, mp3_bytes = 0;
  std::string error;

  double X(double s) const { return s > 0 ? seconds / s : 0; }
  double OggPipeline() const { return render_s + normalise_s + ogg_s; }
  double OggPipelineCpu() const { return render_cpu_s + normalise_cpu_s + ogg_cpu_s; }
  double AllPipeline() const { return OggPipeline() + mp3_s; }

  json Json() const {
    return {
        {"genre", genre},
        {"title", title},
        {"error", error},
        {"audio_seconds", seconds},
        {"engine_render_ogg",
         {{"seconds", engine_ogg_s},
          {"cpu_seconds", engine_ogg_cpu_s},
          {"x_real_time", X(engine_ogg_s)},
          {"x_real_time_cpu", X(engine_ogg_cpu_s)}}},
        {"render", {{"seconds", render_s}, {"cpu_seconds", render_cpu_s}, {"x", X(render_s)}}},
        {"normalise",
         {{"seconds", normalise_s}, {"cpu_seconds", normalise_cpu_s}, {"x", X(normalise_s)}}},
        {"ogg",
         {{"seconds", ogg_s}, {"cpu_seconds", ogg_cpu_s}, {"x", X(ogg_s)}, {"bytes", ogg_bytes}}},
        {"mp3",
         {{"seconds", mp3_s}, {"cpu_seconds", mp3_cpu_s}, {"x", X(mp3_s)}, {"bytes", mp3_bytes}}},
        {"render_normalise_ogg_x", X(OggPipeline())},
        {"render_normalise_ogg_x_cpu", X(OggPipelineCpu())},
        {"render_normalise_ogg_mp3_x", X(AllPipeline())},
        {"engine_file_loudness",
         {{"lufs", engine_loudness.integrated_lufs},
          {"true_peak_dbtp", engine_loudness.true_peak_dbtp}}},
        {"after_normalise",
         {{"lufs", normalised.integrated_lufs},
          {"true_peak_dbtp", normalised.true_peak_dbtp},
          {"lra_lu", normalised.loudness_range_lu}}},
        {"after_normalise_measured_again",
         {{"lufs", remeasured.integrated_lufs}, {"true_peak_dbtp", remeasured.true_peak_dbtp}}},
        {"decoded_ogg_ffmpeg",
         {{"ok", ogg_decoded.ok},
          {"lufs", ogg_decoded.lufs},
          {"true_peak_dbtp", ogg_decoded.true_peak}}},
        {"decoded_mp3_ffmpeg",
         {{"ok", mp3_decoded.ok},
          {"lufs", mp3_decoded.lufs},
          {"true_peak_dbtp", mp3_decoded.true_peak}}}};
  }
};

RenderRow RenderOne(const SongEngine& engine, const Renderer& renderer, Genre genre,
                    const std::filesystem::path& dir) {
  RenderRow row;
  row.genre = std::string(GenreId(genre));
  SongRequest request;
  request.genre = genre;
  request.theme = std::string(kRenderTheme);
  request.seed = kRenderSeed;
  auto song = engine.Write(request);
  if (!song.ok()) {
    row.error = song.error().message;
    return row;
  }
  row.title = song->lyrics.title;

  {  // The whole of one request, as the service runs it.
    Stopwatch w;
    auto file = engine.Render(*song, RenderFormat::kOgg);
    row.engine_ogg_s = w.Wall() / 1e3;
    row.engine_ogg_cpu_s = w.Cpu() / 1e3;
    if (!file.ok()) {
      row.error = file.error().message;
      return row;
    }
    row.engine_loudness = file->loudness;
  }

  // The same pieces timed apart.
  Stopwatch w_render;
  auto mix = renderer.Render(song->composition);
  row.render_s = w_render.Wall() / 1e3;
  row.render_cpu_s = w_render.Cpu() / 1e3;
  if (!mix.ok()) {
    row.error = mix.error().message;
    return row;
  }
  row.seconds = mix->Seconds();
  Stopwatch w_norm;
  row.normalised = Normalise(*mix, -14.0, kPcmPeakDbtp);
  row.normalise_s = w_norm.Wall() / 1e3;
  row.normalise_cpu_s = w_norm.Cpu() / 1e3;
  row.remeasured = MeasureLoudness(*mix);
  const EncodeTags tags{song->lyrics.title, "moodtape", request.theme,
                        std::string(InfoOf(genre).name)};
  Stopwatch w_ogg;
  auto ogg = EncodeOggVorbis(*mix, tags);
  row.ogg_s = w_ogg.Wall() / 1e3;
  row.ogg_cpu_s = w_ogg.Cpu() / 1e3;
  Stopwatch w_mp3;
  auto mp3 = EncodeMp3(*mix, tags);
  row.mp3_s = w_mp3.Wall() / 1e3;
  row.mp3_cpu_s = w_mp3.Cpu() / 1e3;
  if (!ogg.ok() || !mp3.ok()) {
    row.error = !ogg.ok() ? ogg.error().message : mp3.error().message;
    return row;
  }
  row.ogg_bytes = ogg->size();
  row.mp3_bytes = mp3->size();
  const auto ogg_path = dir / (row.genre + ".ogg");
  const auto mp3_path = dir / (row.genre + ".mp3");
  std::ofstream(ogg_path, std::ios::binary) << *ogg;
  std::ofstream(mp3_path, std::ios::binary) << *mp3;
  row.ogg_decoded = FfmpegLoudness(ogg_path);
  row.mp3_decoded = FfmpegLoudness(mp3_path);
  return row;
}

// ----- Aims -----------------------------------------------------------------------------------

struct Aim {
  std::string name;
  std::string figure;  // what was measured, as printed
  bool met = false;
  std::string by;  // how far from the aim
};

std::string Format(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

// ----- Printing -------------------------------------------------------------------------------

void PrintQualityHeader() {
  std::printf("%-12s %-8s %5s %7s %6s %6s %6s %7s %7s %7s %7s %6s %6s %6s %6s %6s\n", "genre",
              "system", "songs", "rhyme", "near", "rapRD", "syl", "stress", "stress", "theme",
              "theme", "album", "inkey", "range", "dur", "unsung");
  std::printf("%-12s %-8s %5s %7s %6s %6s %6s %7s %7s %7s %7s %6s %6s %6s %6s %6s\n", "", "", "",
              "perfect", "only", "mean", "|err|", "1 or 3", "beat", ">=3 w", ">=3 lem", "reps", "%",
              "st", "s", "songs");
}

void PrintQualityRow(const std::string& genre, const char* system, const Tally& t) {
  const std::string rd = t.rap_density.empty() ? "-" : Format("%.2f", Mean(t.rap_density));
  std::printf(
      "%-12s %-8s %5zu %6.1f%% %5.1f%% %6s %6.2f %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6zu %5.1f%% "
      "%6.1f %6.0f %6zu\n",
      genre.c_str(), system, t.songs, 100 * t.EndRhyme(), 100 * t.NearOnly(), rd.c_str(),
      t.SyllableError(), 100 * t.StrongShare(), 100 * t.OnBeatShare(),
      100 * Share(t.songs_3_theme_words, t.songs), 100 * Share(t.songs_3_theme_lemmas, t.songs),
      t.album_repeats, 100 * t.InKey(), Mean(t.range), Mean(t.duration), t.sung_count_mismatch);
}

void PrintSpeedRow(const std::string& genre, const Tally& e, const Tally& b, double field_ms,
                   double album_ms) {
  std::printf("%-12s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %9.2f %9.2f %9.2f %9.2f\n", genre.c_str(),
              Mean(e.lyrics_cpu), Percentile(e.lyrics_cpu, 0.95), Mean(e.compose_cpu),
              Percentile(e.compose_cpu, 0.95), Mean(e.total_cpu), Percentile(e.total_cpu, 1.0),
              album_ms, field_ms, Mean(b.lyrics_cpu), Mean(b.compose_cpu));
}

struct Args {
  std::string out;
  size_t themes = kThemes.size();
  size_t seeds = kSeeds.size();
  bool render = true;
};

Args ParseArgs(int argc, char** argv) {
  Args args;
  args.out = std::string(MOODTAPE_BINARY_DIR) + "/bench/producer_quality.json";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--benchmark_out=")) {
      args.out = std::string(a.substr(16));
    } else if (a.starts_with("--themes=")) {
      args.themes = std::clamp<size_t>(std::stoul(std::string(a.substr(9))), 1, kThemes.size());
    } else if (a.starts_with("--seeds=")) {
      args.seeds = std::clamp<size_t>(std::stoul(std::string(a.substr(8))), 1, kSeeds.size());
    } else if (a == "--no-render") {
      args.render = false;
    } else if (a.starts_with("--benchmark_out_format=")) {
      // make bench passes it to every program; the output is always JSON.
    } else {
      std::fprintf(stderr, "producer_quality: unknown argument %s\n", argv[i]);
    }
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  const Stopwatch whole;

  Stopwatch w_load;
  auto loaded = SongEngine::Load();
  if (!loaded.ok()) {
    std::fprintf(stderr, "producer_quality: %s\n", loaded.error().message.c_str());
    return 1;
  }
  const SongEngine& engine = **loaded;
  const double load_s = w_load.Wall() / 1e3;
  // The engine's writer is private; a second one over the same data replays its pipeline with
  // each stage timed apart (checked below to write the very same songs as WriteAlbum).
  const LyricWriter writer(engine.dictionary(), engine.wordnet());
  Meter meter(engine.dictionary(), engine.wordnet());
  std::vector<ThemeRow> theme_rows(args.themes);

  const auto& genres = AllGenres();
  std::vector<Tally> engine_tally(genres.size()), baseline_tally(genres.size());
  std::vector<std::vector<double>> field_ms(genres.size()), album_ms(genres.size());
  size_t replay_mismatches = 0, album_failures = 0;

  std::printf(
      "producer quality: %zu genres x %zu themes x %zu seeds, each a %d-song album (%zu songs "
      "per system)\nengine = SongEngine::WriteAlbum; baseline = WriteBaselineLyrics on the same "
      "forms and theme fields, same composer\n\n",
      genres.size(), args.themes, args.seeds, kAlbumSongs,
      genres.size() * args.themes * args.seeds * kAlbumSongs);
  std::fflush(stdout);

  for (size_t g = 0; g < genres.size(); ++g) {
    const Genre genre = genres[g].genre;
    for (size_t th = 0; th < args.themes; ++th) {
      for (size_t se = 0; se < args.seeds; ++se) {
        SongRequest first;
        first.genre = genre;
        first.theme = std::string(kThemes[th]);
        first.seed = kSeeds[se];

        std::vector<Song> album;
        Stopwatch w_album;
        // Generic in what follows the song: the engine's callback also passes who wrote the
        // lyrics (always the builtin writer here: no lyrics model is set).
        const auto status = engine.WriteAlbum(first, kAlbumSongs, [&](Song song, const auto&...) {
          album.push_back(std::move(song));
          return true;
        });
        album_ms[g].push_back(w_album.Cpu() / kAlbumSongs);
        if (!status.ok() || album.size() != kAlbumSongs) {
          ++album_failures;
          std::fprintf(stderr, "WriteAlbum failed: %s / %s\n", std::string(genres[g].id).c_str(),
                       first.theme.c_str());
          continue;
        }

        Stopwatch w_field;
        const ThemeField field =
            BuildThemeField(first.theme, engine.wordnet(), engine.dictionary());
        field_ms[g].push_back(w_field.Cpu());
        theme_rows[th].field_words = field.words.size();

        // The same album again, stage by stage, timed; and the baseline on the same forms.
        AlbumLines lines;
        std::vector<Lyrics> baseline(kAlbumSongs);
        for (int i = 0; i < kAlbumSongs; ++i) {
          const SongRandom stream = SongStream(first.seed, i);
          SongRandom form_random = stream.Fork("form");
          const SongForm form = MakeForm(genre, form_random);

          SongRandom lyrics_random = stream.Fork("lyrics");
          Stopwatch w_lyrics;
          const Lyrics lyrics = writer.Write(form, field, lyrics_random, lines);
          const double lyrics_cpu = w_lyrics.Cpu(), lyrics_wall = w_lyrics.Wall();
          SongRandom compose_random = stream.Fork("compose");
          Stopwatch w_compose;
          const Composition composition = Compose(lyrics, genre, compose_random);
          const double compose_cpu = w_compose.Cpu(), compose_wall = w_compose.Wall();
          Tally& e = engine_tally[g];
          e.lyrics_cpu.push_back(lyrics_cpu);
          e.lyrics_wall.push_back(lyrics_wall);
          e.compose_cpu.push_back(compose_cpu);
          e.compose_wall.push_back(compose_wall);
          e.total_cpu.push_back(lyrics_cpu + compose_cpu);
          const Song& written = album[static_cast<size_t>(i)];
          if (LyricsText(lyrics) != LyricsText(written.lyrics) ||
              lyrics.title != written.lyrics.title ||
              composition.end_tick != written.composition.end_tick ||
              composition.Lead()->notes.size() != written.composition.Lead()->notes.size()) {
            ++replay_mismatches;
          }
          meter.Lyric(written.form, written.lyrics, field, &e);
          ++theme_rows[th].songs;
          if (meter.last_theme_words() >= 3) ++theme_rows[th].with_3;
          Meter::Music(written.lyrics, written.composition, &e);

          SongRandom baseline_random = stream.Fork("lyrics");
          Stopwatch w_base;
          baseline[static_cast<size_t>(i)] =
              WriteBaselineLyrics(form, field, engine.dictionary(), baseline_random);
          const double base_lyrics_cpu = w_base.Cpu(), base_lyrics_wall = w_base.Wall();
          SongRandom base_compose_random = stream.Fork("compose");
          Stopwatch w_base_compose;
          const Composition base_composition =
              Compose(baseline[static_cast<size_t>(i)], genre, base_compose_random);
          Tally& b = baseline_tally[g];
          b.lyrics_cpu.push_back(base_lyrics_cpu);
          b.lyrics_wall.push_back(base_lyrics_wall);
          b.compose_cpu.push_back(w_base_compose.Cpu());
          b.compose_wall.push_back(w_base_compose.Wall());
          b.total_cpu.push_back(base_lyrics_cpu + b.compose_cpu.back());
          meter.Lyric(form, baseline[static_cast<size_t>(i)], field, &b);
          Meter::Music(baseline[static_cast<size_t>(i)], base_composition, &b);
        }
        std::vector<const Lyrics*> engine_lyrics, baseline_lyrics;
        for (int i = 0; i < kAlbumSongs; ++i) {
          engine_lyrics.push_back(&album[static_cast<size_t>(i)].lyrics);
          baseline_lyrics.push_back(&baseline[static_cast<size_t>(i)]);
        }
        Meter::Album(engine_lyrics, &engine_tally[g]);
        Meter::Album(baseline_lyrics, &baseline_tally[g]);
      }
    }
    std::fprintf(stderr, "  %s done (%.0f s)\n", std::string(genres[g].id).c_str(),
                 whole.Wall() / 1e3);
  }

  Tally engine_all, baseline_all;
  std::vector<double> field_all, album_all;
  for (size_t g = 0; g < genres.size(); ++g) {
    engine_all.Add(engine_tally[g]);
    baseline_all.Add(baseline_tally[g]);
    field_all.insert(field_all.end(), field_ms[g].begin(), field_ms[g].end());
    album_all.insert(album_all.end(), album_ms[g].begin(), album_ms[g].end());
  }

  std::printf(
      "Quality per genre (all songs of every album; a chorus sung again is measured once for "
      "rhyme and syllables)\n"
      "  rhyme perfect: share of rhymed-line pairs whose last words rhyme perfectly; near only: "
      "not perfect but NearRhymeScore >= %.1f\n"
      "  rapRD: DopeLearning rhyme density over the whole song as sung; syl |err|: mean "
      "|syllables - target| per line\n"
      "  stress: share of stress-1 sung syllables on beat 1 or 3 / on any beat; theme >=3 w: songs "
      "with 3+ theme-field words\n"
      "  album reps: lines sung in two songs of one album (sum over albums); inkey: lead notes in "
      "the scale; range: lead, semitones (mean)\n"
      "  unsung songs: songs whose lead sings a different number of syllables than the lyrics "
      "have (a consistency check, should be 0)\n\n",
      kNearRhyme);
  PrintQualityHeader();
  for (size_t g = 0; g < genres.size(); ++g) {
    PrintQualityRow(std::string(genres[g].id), "engine", engine_tally[g]);
    PrintQualityRow("", "baseline", baseline_tally[g]);
  }
  PrintQualityRow("ALL", "engine", engine_all);
  PrintQualityRow("", "baseline", baseline_all);
  if (!engine_tally[0].rap_density.empty()) {
    std::printf(
        "\nrap rhyme density (gangsta-rap, %zu songs): engine whole song %.2f (p5 %.2f, p50 %.2f, "
        "%.0f%% of songs >= 1.2), verses only %.2f; baseline whole song %.2f, verses only %.2f\n",
        engine_tally[0].rap_density.size(), Mean(engine_tally[0].rap_density),
        Percentile(engine_tally[0].rap_density, 0.05), Percentile(engine_tally[0].rap_density, 0.5),
        100 * engine_tally[0].Json()["rap_rhyme_density"]["share_songs_at_least_1_2"].get<double>(),
        Mean(engine_tally[0].rap_density_verses), Mean(baseline_tally[0].rap_density),
        Mean(baseline_tally[0].rap_density_verses));
  }
  for (const auto& [name, t] : {std::pair{"engine", &engine_all}, {"baseline", &baseline_all}}) {
    std::printf(
        "%s: rhyme pairs %zu; perfect but the same stressed syllable (\"deadline\"/\"lifeline\") "
        "%.1f%% -> strict perfect %.1f%%; same end word %.1f%%; checks: strong-flag mismatches "
        "%zu, "
        "lead overlaps %zu, notes after the end %zu\n",
        name, t->rhyme_pairs, 100 * Share(t->perfect_same_syllable, t->rhyme_pairs),
        100 * Share(t->perfect - t->perfect_same_syllable, t->rhyme_pairs),
        100 * Share(t->same_word, t->rhyme_pairs), t->strong_flag_mismatch, t->lead_overlaps,
        t->notes_after_end);
  }
  std::printf(
      "themes where engine songs use fewer than 3 theme-field words (share of its %zu songs "
      "with 3+; field size):",
      args.seeds * kAlbumSongs * genres.size());
  for (size_t th = 0; th < args.themes; ++th) {
    const ThemeRow& r = theme_rows[th];
    if (r.with_3 == r.songs) continue;
    std::printf(" \"%s\" %.0f%% (%zu words);", std::string(kThemes[th]).c_str(),
                100 * Share(r.with_3, r.songs), r.field_words);
  }
  std::printf("\n");
  std::printf(
      "replayed pipeline vs WriteAlbum: %zu songs differ (0 expected); WriteAlbum failures: %zu\n",
      replay_mismatches, album_failures);

  std::printf(
      "\nTime per song, ms of CPU (one thread; the engine's stages replayed one by one)\n"
      "%-12s %8s %8s %8s %8s %8s %8s %9s %9s %9s %9s\n"
      "%-12s %8s %8s %8s %8s %8s %8s %9s %9s %9s %9s\n",
      "genre", "lyrics", "lyrics", "compose", "compose", "l+c", "l+c", "WriteAlb", "field/", "base",
      "base", "", "mean", "p95", "mean", "p95", "mean", "max", "per song", "album", "lyrics",
      "compose");
  for (size_t g = 0; g < genres.size(); ++g) {
    PrintSpeedRow(std::string(genres[g].id), engine_tally[g], baseline_tally[g], Mean(field_ms[g]),
                  Mean(album_ms[g]));
  }
  PrintSpeedRow("ALL", engine_all, baseline_all, Mean(field_all), Mean(album_all));
  std::printf(
      "(wall clock, all genres: lyrics %.2f ms, compose %.2f ms a song; engine load %.2f s)\n",
      Mean(engine_all.lyrics_wall), Mean(engine_all.compose_wall), load_s);
  std::fflush(stdout);

  // The render sample: one song per genre, the same theme and seed.
  std::vector<RenderRow> rows;
  if (args.render) {
    auto renderer = Renderer::Create();
    if (!renderer.ok()) {
      std::fprintf(stderr, "producer_quality: %s\n", renderer.error().message.c_str());
      return 1;
    }
    const auto dir = std::filesystem::temp_directory_path() / "producer_quality";
    std::filesystem::create_directories(dir);
    for (const GenreInfo& info : genres) {
      rows.push_back(RenderOne(engine, **renderer, info.genre, dir));
      std::fprintf(stderr, "  rendered %s (%.0f s)\n", std::string(info.id).c_str(),
                   whole.Wall() / 1e3);
    }
    std::filesystem::remove_all(dir);

    std::printf(
        "\nRender sample: \"%s\", seed %llu, song 1 of each genre; x = seconds of audio / "
        "seconds taken (the machine is shared: wall clock, and this thread's CPU time where "
        "marked cpu)\n"
        "  engine ogg: SongEngine::Render(kOgg) as a request runs it; then the pieces apart: "
        "Renderer::Render, Normalise(-14 LUFS, %.1f dBTP PCM ceiling), EncodeOggVorbis(q0.5), "
        "EncodeMp3(192k)\n"
        "  LUFS/TP: after Normalise (its own figures); ogg dec/mp3 dec: the encoded files decoded "
        "by ffmpeg's ebur128 filter\n\n",
        std::string(kRenderTheme).c_str(), static_cast<unsigned long long>(kRenderSeed),
        kPcmPeakDbtp);
    std::printf("%-12s %6s %7s %7s %7s %7s %7s %7s %8s %8s %8s %7s %6s %7s %6s %7s %6s\n", "genre",
                "audio", "engine", "engine", "render", "normal", "ogg", "mp3", "r+n+ogg", "r+n+ogg",
                "r+n+o+m", "LUFS", "TP", "ogg dec", "TP", "mp3 dec", "TP");
    std::printf("%-12s %6s %7s %7s %7s %7s %7s %7s %8s %8s %8s %7s %6s %7s %6s %7s %6s\n", "", "s",
                "ogg x", "cpu x", "x", "x", "x", "x", "x", "cpu x", "x", "", "dBTP", "LUFS", "dBTP",
                "LUFS", "dBTP");
    for (const RenderRow& r : rows) {
      if (!r.error.empty()) {
        std::printf("%-12s failed: %s\n", r.genre.c_str(), r.error.c_str());
        continue;
      }
      std::printf(
          "%-12s %6.1f %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f %8.1f %8.1f %8.1f %7.2f %6.2f %7.2f "
          "%6.2f %7.2f %6.2f\n",
          r.genre.c_str(), r.seconds, r.X(r.engine_ogg_s), r.X(r.engine_ogg_cpu_s), r.X(r.render_s),
          r.X(r.normalise_s), r.X(r.ogg_s), r.X(r.mp3_s), r.X(r.OggPipeline()),
          r.X(r.OggPipelineCpu()), r.X(r.AllPipeline()), r.normalised.integrated_lufs,
          r.normalised.true_peak_dbtp, r.ogg_decoded.lufs, r.ogg_decoded.true_peak,
          r.mp3_decoded.lufs, r.mp3_decoded.true_peak);
    }
  }

  // ----- Aims
  std::vector<Aim> aims;
  auto percent = [](double v) { return Format("%.1f%%", 100 * v); };
  auto points = [](double v) { return Format("%+.1f points", 100 * v); };
  aims.push_back({"end rhyme (perfect) >= 90%", percent(engine_all.EndRhyme()),
                  engine_all.EndRhyme() >= 0.9, points(engine_all.EndRhyme() - 0.9)});
  {
    const double rd = Mean(engine_tally[0].rap_density);
    aims.push_back(
        {"rap rhyme density >= 1.2", Format("%.2f", rd), rd >= 1.2, Format("%+.2f", rd - 1.2)});
  }
  aims.push_back({"stressed syllables on beats 1/3 >= 85%", percent(engine_all.StrongShare()),
                  engine_all.StrongShare() >= 0.85, points(engine_all.StrongShare() - 0.85)});
  {
    Tally sung_not_rap;  // the rap lines cannot reach it by design (the composer says so)
    for (size_t g = 1; g < genres.size(); ++g) sung_not_rap.Add(engine_tally[g]);
    aims.push_back({"  the same, sung genres only (not rap)", percent(sung_not_rap.StrongShare()),
                    sung_not_rap.StrongShare() >= 0.85, points(sung_not_rap.StrongShare() - 0.85)});
  }
  aims.push_back({"0 lines repeated across an album's songs",
                  std::to_string(engine_all.album_repeats) + " in " +
                      std::to_string(engine_all.albums) + " albums",
                  engine_all.album_repeats == 0, std::to_string(engine_all.album_repeats)});
  aims.push_back({"melody in key >= 95%", percent(engine_all.InKey()), engine_all.InKey() >= 0.95,
                  points(engine_all.InKey() - 0.95)});
  {
    const double p95 = Percentile(engine_all.total_cpu, 0.95), mean = Mean(engine_all.total_cpu);
    aims.push_back({"lyrics + composition < 50 ms a song",
                    Format("mean %.1f ms", mean) + Format(", p95 %.1f", p95) +
                        Format(", max %.1f", Percentile(engine_all.total_cpu, 1.0)),
                    mean < 50 && p95 < 50, Format("%+.1f ms (p95)", p95 - 50)});
  }
  if (!rows.empty()) {
    double worst_lufs = -14, worst_dec_peak = -100, min_x = 1e9, min_x_cpu = 1e9;
    double min_engine_x = 1e9, min_engine_x_cpu = 1e9;
    double total_audio = 0, total_pipeline = 0, total_pipeline_cpu = 0;
    for (const RenderRow& r : rows) {
      if (!r.error.empty()) {
        min_x = min_x_cpu = min_engine_x = min_engine_x_cpu = 0;
        continue;
      }
      for (double lufs : {r.engine_loudness.integrated_lufs, r.normalised.integrated_lufs,
                          r.ogg_decoded.lufs, r.mp3_decoded.lufs}) {
        if (std::abs(lufs + 14) > std::abs(worst_lufs + 14)) worst_lufs = lufs;
      }
      worst_dec_peak = std::max({worst_dec_peak, r.ogg_decoded.true_peak, r.mp3_decoded.true_peak});
      min_x = std::min(min_x, r.X(r.OggPipeline()));
      min_x_cpu = std::min(min_x_cpu, r.X(r.OggPipelineCpu()));
      min_engine_x = std::min(min_engine_x, r.X(r.engine_ogg_s));
      min_engine_x_cpu = std::min(min_engine_x_cpu, r.X(r.engine_ogg_cpu_s));
      total_audio += r.seconds;
      total_pipeline += r.OggPipeline();
      total_pipeline_cpu += r.OggPipelineCpu();
    }
    aims.push_back({"-14 +-1 LUFS (after Normalise and decoded)",
                    Format("furthest %.2f LUFS", worst_lufs), std::abs(worst_lufs + 14) <= 1,
                    Format("%.2f LU off -14", std::abs(worst_lufs + 14))});
    aims.push_back({"true peak <= -1 dBTP (README; decoded files)",
                    Format("highest %.2f dBTP", worst_dec_peak), worst_dec_peak <= -1.0,
                    Format("%+.2f dB", worst_dec_peak + 1.0)});
    const double all_x = total_pipeline > 0 ? total_audio / total_pipeline : 0;
    const double all_x_cpu = total_pipeline_cpu > 0 ? total_audio / total_pipeline_cpu : 0;
    // Judged on CPU time: other work shares the two cores, and the aim is about one core.
    aims.push_back({"render+normalise+ogg >= 50x real time (cpu)",
                    Format("slowest %.1fx", min_x_cpu) + Format(", all 7 %.1fx", all_x_cpu),
                    min_x_cpu >= 50, Format("%+.1fx (slowest)", min_x_cpu - 50)});
    aims.push_back({"  the same, wall clock",
                    Format("slowest %.1fx", min_x) + Format(", all 7 %.1fx", all_x), min_x >= 50,
                    Format("%+.1fx (slowest)", min_x - 50)});
    aims.push_back(
        {"  SongEngine::Render(kOgg) >= 50x (cpu)",
         Format("slowest %.1fx", min_engine_x_cpu) + Format(" (wall %.1fx)", min_engine_x),
         min_engine_x_cpu >= 50, Format("%+.1fx", min_engine_x_cpu - 50)});
  }
  std::printf("\nAims (engine)\n%-44s %-36s %-7s %s\n", "aim", "measured", "", "by");
  for (const Aim& a : aims) {
    std::printf("%-44s %-36s %-7s %s\n", a.name.c_str(), a.figure.c_str(), a.met ? "met" : "MISSED",
                a.by.c_str());
  }

  // ----- JSON
  json out = {{"benchmark", "producer_quality"},
              {"themes", std::vector<std::string>(
                             kThemes.begin(), kThemes.begin() + static_cast<long>(args.themes))},
              {"seeds", std::vector<uint64_t>(kSeeds.begin(),
                                              kSeeds.begin() + static_cast<long>(args.seeds))},
              {"songs_per_album", kAlbumSongs},
              {"near_rhyme_threshold", kNearRhyme},
              {"engine_load_seconds", load_s},
              {"replay_mismatches", replay_mismatches},
              {"album_failures", album_failures}};
  json per_genre = json::object();
  for (size_t g = 0; g < genres.size(); ++g) {
    per_genre[std::string(genres[g].id)] = {{"engine", engine_tally[g].Json()},
                                            {"baseline", baseline_tally[g].Json()},
                                            {"theme_field_ms_per_album", Summary(field_ms[g])},
                                            {"write_album_cpu_ms_per_song", Summary(album_ms[g])}};
  }
  out["per_genre"] = per_genre;
  json per_theme = json::object();
  for (size_t th = 0; th < args.themes; ++th) {
    per_theme[std::string(kThemes[th])] = {
        {"field_words", theme_rows[th].field_words},
        {"engine_songs", theme_rows[th].songs},
        {"engine_share_with_3_theme_words", Share(theme_rows[th].with_3, theme_rows[th].songs)}};
  }
  out["per_theme"] = per_theme;
  out["overall"] = {{"engine", engine_all.Json()},
                    {"baseline", baseline_all.Json()},
                    {"theme_field_ms_per_album", Summary(field_all)},
                    {"write_album_cpu_ms_per_song", Summary(album_all)}};
  json render = json::array();
  for (const RenderRow& r : rows) render.push_back(r.Json());
  out["render_sample"] = {{"theme", kRenderTheme}, {"seed", kRenderSeed}, {"songs", render}};
  json aims_json = json::array();
  for (const Aim& a : aims) {
    aims_json.push_back({{"aim", a.name}, {"measured", a.figure}, {"met", a.met}, {"by", a.by}});
  }
  out["aims"] = aims_json;
  out["run_seconds"] = whole.Wall() / 1e3;

  const std::filesystem::path path(args.out);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << out.dump(2) << "\n";
  std::printf("\nwrote %s (run %.0f s)\n", path.c_str(), whole.Wall() / 1e3);
  return 0;
}
