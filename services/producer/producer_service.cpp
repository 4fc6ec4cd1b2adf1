#include "services/producer/producer_service.h"

#include <chrono>

#include "platform/base/log.h"
#include "platform/base/text.h"
#include "platform/grpc/status.h"
#include "platform/grpc/streaming_call.h"
#include "services/producer/core/song_sheet.h"

namespace moodtape::producer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr size_t kChunkBytes = 64 * 1024;

std::optional<RenderFormat> FormatOf(v1::AudioFormat format) {
  switch (format) {
    case v1::AUDIO_FORMAT_OGG:
      return RenderFormat::kOgg;
    case v1::AUDIO_FORMAT_MP3:
      return RenderFormat::kMp3;
    case v1::AUDIO_FORMAT_MIDI:
      return RenderFormat::kMidi;
    case v1::AUDIO_FORMAT_LRC:
      return RenderFormat::kLrc;
    case v1::AUDIO_FORMAT_STEMS:
      return RenderFormat::kStems;
    default:
      return std::nullopt;
  }
}

std::string GenreIds() {
  std::string all;
  for (const auto& g : AllGenres()) all += (all.empty() ? "" : ", ") + std::string(g.id);
  return all;
}

}  // namespace

platform::AccessPolicy ProducerAccessPolicy() {
  platform::AccessPolicy policy;
  policy.Allow("/moodtape.producer.v1.ProducerService/WriteSong", {"worker", "cli"});
  policy.Allow("/moodtape.producer.v1.ProducerService/RenderSong", {"worker", "cli"});
  policy.Allow("/moodtape.producer.v1.ProducerService/ListGenres", {"gateway", "worker", "cli"});
  policy.Allow("/moodtape.superstar.v1.SongGenerator/*", {"worker", "cli"});
  return policy;
}

platform::Result<SongRequest> FromProto(const v1::SongSpec& spec) {
  SongRequest request;
  auto genre = ParseGenre(spec.genre());
  if (!genre) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "field \"genre\" must be one of: " + GenreIds() + " (ListGenres)");
  }
  request.genre = *genre;
  request.theme = spec.theme();
  request.seed = spec.seed();
  request.index_in_album = spec.index();
  if (auto valid = ValidateSongRequest(request); !valid.ok()) return valid.error();
  request.theme = std::string(platform::TrimWhitespace(request.theme));
  return request;
}

platform::Family<platform::Counter>& LyricsCounter(platform::MetricsRegistry& metrics) {
  return metrics.AddCounter("moodtape_producer_lyrics_total",
                            "Songs by who wrote the lyrics (builtin, openai) and outcome (ok, or "
                            "fallback: the model failed and the builtin writer answered).",
                            {"by", "outcome"});
}

void RecordLyricsOrigin(platform::Family<platform::Counter>& lyrics, const LyricsOrigin& origin) {
  if (origin.fallback_reason.empty()) {
    lyrics.WithLabels({origin.by, "ok"}).Inc();
    return;
  }
  lyrics.WithLabels({"builtin", "fallback"}).Inc();
  platform::LogWarn("lyrics model not used; the builtin writer answered",
                    {{"reason", origin.fallback_reason}});
}

void ToProto(const Song& song, const LyricsOrigin& origin, v1::WrittenSong* out) {
  const nlohmann::json j = SongJson(song);
  out->set_title(song.lyrics.title);
  out->set_lyrics_by(origin.by);
  out->set_genre(std::string(GenreId(song.request.genre)));
  out->set_key(song.composition.key_name);
  out->set_tempo_bpm(j["tempo_bpm"].get<double>());
  out->set_time_signature(j["time_signature"].get<std::string>());
  out->set_swing(j["swing"].get<double>());
  out->set_duration_seconds(j["duration_seconds"].get<double>());
  out->set_lyrics(LyricsText(song.lyrics));
  auto* spec = out->mutable_spec();
  spec->set_genre(std::string(GenreId(song.request.genre)));
  spec->set_theme(song.request.theme);
  spec->set_seed(song.request.seed);
  spec->set_index(song.request.index_in_album);
  for (const auto& s : j["sections"]) {
    auto* section = out->add_sections();
    section->set_label(s["label"].get<std::string>());
    section->set_kind(s["kind"].get<std::string>());
    section->set_bars(s["bars"].get<int>());
    section->set_repeat_of(s["repeat_of"].get<int>());
    section->set_start_seconds(s.value("start_seconds", 0.0));
    for (const auto& chord : s.value("chords", nlohmann::json::array())) {
      section->add_chords(chord.get<std::string>());
    }
    for (const auto& l : s["lines"]) {
      auto* line = section->add_lines();
      line->set_text(l["text"].get<std::string>());
      line->set_syllables(l["syllables"].get<int>());
      line->set_target_syllables(l.value("target_syllables", 0));
      line->set_rhyme(l["rhyme"].get<std::string>());
      line->set_rhyme_sound(l["rhyme_sound"].get<std::string>());
      line->set_start_seconds(l.value("start_seconds", 0.0));
    }
  }
}

ProducerServiceImpl::ProducerServiceImpl(const SongEngine& engine, platform::BlockingCallPool& pool,
                                         platform::MetricsRegistry& metrics)
    : engine_(engine),
      pool_(pool),
      render_seconds_(metrics.AddHistogram("moodtape_producer_render_seconds",
                                           "Time to render and encode one song file, by format.",
                                           {"format"})),
      lyrics_(LyricsCounter(metrics)) {}

grpc::ServerUnaryReactor* ProducerServiceImpl::WriteSong(grpc::CallbackServerContext* ctx,
                                                         const v1::WriteSongRequest* req,
                                                         v1::WriteSongResponse* res) {
  return pool_.Run(ctx, [this, req, res]() -> platform::Status {
    auto request = FromProto(req->song());
    if (!request.ok()) return request.error();
    LyricsOrigin origin;
    auto song = engine_.Write(*request, &origin);
    if (!song.ok()) return song.error();
    RecordLyricsOrigin(lyrics_, origin);
    ToProto(*song, origin, res->mutable_song());
    return platform::Status::Ok();
  });
}

grpc::ServerWriteReactor<v1::RenderSongResponse>* ProducerServiceImpl::RenderSong(
    grpc::CallbackServerContext* ctx, const v1::RenderSongRequest* req) {
  return platform::RunStreaming<v1::RenderSongResponse>(
      pool_, ctx,
      [this, req](platform::StreamSink<v1::RenderSongResponse>& out) -> platform::Status {
        auto request = FromProto(req->song());
        if (!request.ok()) return request.error();
        std::vector<RenderFormat> formats;
        std::vector<v1::AudioFormat> asked;
        for (int f : req->formats()) asked.push_back(static_cast<v1::AudioFormat>(f));
        if (asked.empty()) asked.push_back(req->format());
        for (auto f : asked) {
          auto format = FormatOf(f);
          if (!format) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "field \"format\" must be one of OGG, MP3, MIDI, LRC, STEMS");
          }
          formats.push_back(*format);
        }
        if (!platform::IsValidUtf8(req->lyrics()) || !platform::IsValidUtf8(req->title())) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "fields \"lyrics\" and \"title\" must be UTF-8");
        }
        // Given words are sung as given; otherwise the spec's builtin song (never a model's:
        // asking again would give other words than the ones WriteSong returned).
        auto song = req->lyrics().empty()
                        ? engine_.WriteWithoutModel(*request)
                        : engine_.WriteWithLyrics(*request, req->lyrics(), req->title());
        if (!song.ok()) return song.error();
        const auto start = std::chrono::steady_clock::now();
        auto files = engine_.RenderFiles(*song, formats, &out.cancelled());
        if (!files.ok()) return files.error();
        render_seconds_
            .WithLabels({formats.size() == 1 ? RenderFormatName(formats.front())
                                             : std::string_view("several")})
            .Observe(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        for (size_t i = 0; i < files->size(); ++i) {
          const RenderedFile& file = (*files)[i];
          v1::RenderSongResponse header;
          auto* h = header.mutable_header();
          h->set_format(asked[i]);
          h->set_media_type(file.media_type);
          h->set_file_name(file.file_name);
          h->set_duration_seconds(file.duration_seconds);
          h->set_loudness_lufs(file.loudness.integrated_lufs);
          h->set_true_peak_dbtp(file.loudness.true_peak_dbtp);
          h->set_size_bytes(static_cast<int64_t>(file.bytes.size()));
          h->set_title(song->lyrics.title);
          if (!out.Send(std::move(header))) return MakeError(ErrorCode::kCancelled, "cancelled");
          for (size_t at = 0; at < file.bytes.size(); at += kChunkBytes) {
            v1::RenderSongResponse chunk;
            chunk.set_chunk(file.bytes.substr(at, kChunkBytes));
            if (!out.Send(std::move(chunk))) {
              return MakeError(ErrorCode::kCancelled, "cancelled");
            }
          }
        }
        return platform::Status::Ok();
      });
}

grpc::ServerUnaryReactor* ProducerServiceImpl::ListGenres(grpc::CallbackServerContext* ctx,
                                                          const v1::ListGenresRequest*,
                                                          v1::ListGenresResponse* res) {
  for (const auto& g : AllGenres()) {
    auto* genre = res->add_genres();
    genre->set_id(std::string(g.id));
    genre->set_name(std::string(g.name));
    genre->set_description(std::string(g.description));
    genre->set_min_tempo_bpm(g.min_tempo_bpm);
    genre->set_max_tempo_bpm(g.max_tempo_bpm);
  }
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace moodtape::producer
