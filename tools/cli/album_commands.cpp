#include "tools/cli/album_commands.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tools/cli/album_files.h"
#include "tools/cli/command_util.h"
#include "tools/cli/job_follow.h"
#include "tools/cli/render.h"

namespace moodtape::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using platform::ErrorCode;
using platform::MakeError;

platform::Error FileError(const std::string& what, const std::string& path, int error) {
  return MakeError(ErrorCode::kFailedPrecondition,
                   what + " " + path + ": " + std::string(std::strerror(error)));
}

// Moves a fully written temporary file to its name. The data reaches the disk first, so after a
// crash `name` is either the old file or the whole new one, never a part.
platform::Status Publish(const std::string& temp, const std::string& name) {
  int fd = open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    int error = errno;
    if (fd >= 0) close(fd);
    std::remove(temp.c_str());
    return FileError("cannot write", temp, error);
  }
  close(fd);
  if (std::rename(temp.c_str(), name.c_str()) != 0) {
    int error = errno;
    std::remove(temp.c_str());
    return FileError("cannot write", name, error);
  }
  return {};
}

// A hidden name beside the final one, unique to this process, so a half-written file is never
// taken for a finished one, nor collides with another moodtape writing the same directory.
std::string TempName(const fs::path& dir, const std::string& name) {
  return (dir / ("." + name + "." + std::to_string(getpid()) + ".part")).string();
}

platform::Result<uint64_t> WriteText(const fs::path& dir, const std::string& name,
                                     const std::string& text) {
  std::string temp = TempName(dir, name);
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
      int error = errno;
      std::remove(temp.c_str());
      return FileError("cannot write", temp, error);
    }
  }
  platform::Status published = Publish(temp, (dir / name).string());
  if (!published.ok()) return published.error();
  return static_cast<uint64_t>(text.size());
}

// Downloads the album's cover and songs and writes lyrics.md into `dir` (created if missing).
// Stops at the first file that fails; whatever was finished stays. Lines go to `live` (if set).
platform::Status SaveAlbumFiles(GatewayClient& client, const json& album, const std::string& dir,
                                std::ostream* live) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kFailedPrecondition, "cannot create " + dir + ": " + ec.message());
  }
  fs::path where = fs::absolute(dir, ec);
  if (ec) where = dir;
  where = where.lexically_normal();
  AlbumFilePlan plan = PlanAlbumFiles(album);
  if (live) {
    *live << "\nDownloading " << plan.downloads.size() + 1 << " files into " << where.string()
          << "/\n";
    live->flush();
  }
  auto wrote = [&](const std::string& name, uint64_t size) {
    if (!live) return;
    *live << "  " << name << " (" << FormatBytes(size) << ")\n";
    live->flush();
  };
  for (const AlbumFile& file : plan.downloads) {
    std::string temp = TempName(where, file.name);
    auto size = client.Download(file.asset_path, temp);
    if (!size.ok()) {
      std::remove(temp.c_str());
      return MakeError(size.error().code, file.name + ": " + size.error().message);
    }
    platform::Status published = Publish(temp, (where / file.name).string());
    if (!published.ok()) return published;
    wrote(file.name, *size);
  }
  auto lyrics = WriteText(where, kLyricsFileName, LyricsMarkdown(album));
  if (!lyrics.ok()) return lyrics.error();
  wrote(kLyricsFileName, *lyrics);
  if (!plan.missing.empty()) {
    std::string list;
    for (const auto& m : plan.missing) list += (list.empty() ? "" : "; ") + m;
    return MakeError(ErrorCode::kFailedPrecondition, "not downloaded: " + list);
  }
  if (live) *live << "Files are in " << where.string() << "/\n";
  return {};
}

int MakeAlbum(const Invocation& inv, GatewayClient& client, std::ostream& out, std::ostream& err,
              const CommandSettings& settings) {
  json body = {{"genre", inv.genre}, {"songs_count", *inv.songs}, {"theme", inv.theme}};
  if (inv.cover) body["cover_description"] = *inv.cover;
  if (inv.seed) body["seed"] = *inv.seed;
  auto accepted = client.AuthedCall("POST", "/api/v1/albums", body);
  if (!accepted.ok()) return FailWith(err, accepted.error());
  std::string job_id = StringField(*accepted, "job_id");
  if (job_id.empty()) return Fail(err, "the gateway accepted the album but sent no job id");
  if (!inv.json) {
    json seed = accepted->value("seed", body.value("seed", json()));
    out << "Queued album job " << job_id;
    if (seed.is_number_integer()) out << " (seed " << seed.dump() << ")";
    if (accepted->value("duplicate", false)) out << ": the same request is already running";
    out << "\n";
    out.flush();
  }
  FollowOptions follow{
      .quiet = settings.album_quiet, .wait_while_running = true, .see_also = "moodtape albums"};
  auto step =
      FollowJob(client, job_id, JobSocketPath(*accepted), follow, inv.json ? nullptr : &out);
  if (!step.ok()) return Fail(err, step.error().message);
  if (!step->succeeded) return Fail(err, "job " + job_id + " failed: " + step->error);
  auto album = JobResult(client, job_id, *step);
  if (!album.ok()) return Fail(err, album.error().message);
  if (!inv.json) out << "\n" << RenderAlbum(*album, /*with_lyrics=*/false);

  int status = kExitOk;
  if (!inv.out_dir.empty()) {
    platform::Status saved = SaveAlbumFiles(client, *album, inv.out_dir, inv.json ? nullptr : &out);
    if (!saved.ok()) {
      std::string id = StringField(*album, "album_id");
      status = Fail(
          err, saved.error().message +
                   (id.empty() ? "" : " (the album is saved: moodtape album show " + id + ")"));
    }
  }
  if (inv.json) out << album->dump(2) << "\n";
  return status;
}

int DeleteAlbum(const Invocation& inv, GatewayClient& client, std::ostream& out,
                std::ostream& err) {
  auto answer = client.AuthedCall("DELETE", "/api/v1/albums/" + EscapeUrlPart(inv.album_id));
  if (!answer.ok()) return FailWith(err, answer.error());
  json count = answer->value("deleted_assets", json());
  out << "Deleted album " << inv.album_id;
  if (!count.is_number_integer()) {
    out << ".\n";
  } else if (count.get<int64_t>() == 0) {
    out << "; no files went with it.\n";
  } else {
    out << "; " << count.get<int64_t>() << (count.get<int64_t>() == 1 ? " file" : " files")
        << " went with it.\n";
  }
  return kExitOk;
}

std::string RenderAlbumWithLyrics(const json& album) {
  return RenderAlbum(album, /*with_lyrics=*/true);
}

}  // namespace

int RunAlbumCommand(const Invocation& inv, GatewayClient& client, std::ostream& out,
                    std::ostream& err, const CommandSettings& settings) {
  switch (inv.command) {
    case Command::kGenres: {
      // The genres need no login: anyone may look before signing up.
      auto answer = client.Call("GET", "/api/v1/genres", std::nullopt);
      if (!answer.ok()) return FailWith(err, answer.error());
      out << (inv.json ? answer->dump(2) + "\n" : RenderGenres(*answer));
      return kExitOk;
    }
    case Command::kAlbum:
      return MakeAlbum(inv, client, out, err, settings);
    case Command::kAlbums:
      return Listing(
          inv, client, out, err,
          "/api/v1/albums" + QueryString({{"limit", LimitText(inv.limit)}, {"cursor", inv.cursor}}),
          RenderAlbums);
    case Command::kAlbumShow:
      return Listing(inv, client, out, err, "/api/v1/albums/" + EscapeUrlPart(inv.album_id),
                     RenderAlbumWithLyrics);
    case Command::kAlbumDelete:
      return DeleteAlbum(inv, client, out, err);
    default:
      return kExitUsage;
  }
}

}  // namespace moodtape::cli
