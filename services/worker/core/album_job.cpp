#include "services/worker/core/album_job.h"

#include <nlohmann/json.hpp>

#include "platform/base/json_fields.h"
#include "services/producer/core/genre.h"
#include "services/worker/core/job_payload.h"

namespace moodtape::worker {
namespace {

using nlohmann::json;
using platform::JsonFieldReader;

// The one set of field rules for an album request, wherever it comes from.
AlbumRequest ReadAlbumFields(JsonFieldReader& r) {
  AlbumRequest a;
  const std::string genre = r.String("genre", {.trim = true, .max_chars = 64});
  if (r.ok()) {
    if (auto parsed = producer::ParseGenre(genre)) {
      a.genre = std::string(producer::GenreId(*parsed));
    } else {
      std::string all;
      for (const auto& g : producer::AllGenres())
        all += (all.empty() ? "" : ", ") + std::string(g.id);
      r.Fail(r.FieldName("genre") + " must be one of: " + all);
    }
  }
  a.songs_count = static_cast<int>(
      r.RequiredInt("songs_count", {.min = kMinAlbumSongs, .max = kMaxAlbumSongs}));
  a.theme = r.String("theme", {.trim = true, .max_chars = kMaxAlbumThemeChars});
  a.cover_description = r.String("cover_description", {.required = false,
                                                       .trim = true,
                                                       .allow_empty = true,
                                                       .max_chars = kMaxCoverDescriptionChars});
  a.has_seed = r.Has("seed");
  a.seed = r.Uint64("seed", 0);
  return a;
}

}  // namespace

platform::Result<AlbumRequest> ParseAlbumRequest(std::string_view body) {
  return ParseRequestBody<AlbumRequest>(body, ReadAlbumFields);
}

std::string AlbumJobPayload(const AlbumRequest& request, uint64_t seed, std::string_view artist,
                            std::string_view request_id) {
  return json{{"genre", request.genre},
              {"songs_count", request.songs_count},
              {"theme", request.theme},
              {"cover_description", request.cover_description},
              {"seed", seed},
              {"artist", std::string(artist)},
              {"request_id", std::string(request_id)}}
      .dump();
}

platform::Result<AlbumJob> ParseAlbumJob(const std::string& job_id, const std::string& owner,
                                         std::string_view payload_json) {
  return ParseQueuedJob<AlbumJob>(
      "album", job_id, owner, payload_json, [](JsonFieldReader& r, AlbumJob& job) {
        static_cast<AlbumRequest&>(job) = ReadAlbumFields(r);
        if (!job.has_seed && r.ok()) {
          r.Fail(r.FieldName("seed") + " is required in a queued job");
        }
        job.artist = r.String("artist", {.trim = true, .max_chars = kMaxArtistChars});
      });
}

}  // namespace moodtape::worker
