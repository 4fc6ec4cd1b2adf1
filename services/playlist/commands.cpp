// `moodtape-playlist import FILE`: the catalogue import from a shell, through the running service.
#include <filesystem>
#include <ostream>

#include "moodtape/playlist/v1/playlist_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/status.h"
#include "platform/service/settings.h"
#include "services/playlist/catalog_sync.h"
#include "services/playlist/serve.h"
#include "services/playlist/track_proto.h"

namespace moodtape::playlist {
namespace {

struct ImportArgs {
  std::string file;
  bool replace = false;
  std::string source;
  std::string address;
  std::chrono::milliseconds timeout{300000};
};

// Parses the arguments; returns an error text or "".
std::string ParseImportArgs(const std::vector<std::string>& args, ImportArgs* out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* into) {
      if (i + 1 >= args.size()) return false;
      *into = args[++i];
      return true;
    };
    if (a == "--replace") {
      out->replace = true;
    } else if (a == "--source") {
      if (!value(&out->source)) return "--source needs a name";
    } else if (a == "--address") {
      if (!value(&out->address)) return "--address needs HOST:PORT";
    } else if (!a.empty() && a[0] == '-') {
      return "unknown option " + a;
    } else if (out->file.empty()) {
      out->file = a;
    } else {
      return "one FILE at a time (got " + out->file + " and " + a + ")";
    }
  }
  if (out->file.empty()) return "import needs a FILE (CSV or JSON Lines)";
  return "";
}

}  // namespace

std::string UsageText() {
  return "usage: moodtape-playlist [serve]            the gRPC service (config: $MOODTAPE_CONFIG)\n"
         "       moodtape-playlist import FILE [--replace] [--source NAME] [--address HOST:PORT]\n"
         "           imports a CSV (spotify_songs columns) or JSON Lines (.jsonl) catalogue into\n"
         "           the running service; merges by track id unless --replace\n";
}

int RunImportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ImportArgs a;
  if (std::string problem = ParseImportArgs(args, &a); !problem.empty()) {
    err << "moodtape-playlist import: " << problem << "\n" << UsageText();
    return 2;
  }
  if (a.source.empty()) a.source = std::filesystem::path(a.file).filename().string();

  auto read = ReadCatalogFile(a.file, a.source);
  if (!read.ok()) {
    err << "moodtape-playlist import: " << read.error().message << "\n";
    return 1;
  }
  const ImportReport& local = read->report;
  out << "read " << a.file << ": " << local.rows << " rows, " << local.accepted << " to send\n";
  for (const auto& [reason, count] : local.rejected) {
    out << "  skipped " << count << " " << reason << "\n";
  }
  for (const RowProblem& p : local.problems) {
    out << "  line " << p.line << ": " << p.reason << "\n";
  }
  if (const auto m = local.rejected.find("malformed");
      m != local.rejected.end() && m->second > local.problems.size()) {
    out << "  (only the first " << local.problems.size() << " malformed rows are listed)\n";
  }

  platform::Config config = platform::LoadProcessConfig();
  if (a.address.empty()) a.address = platform::PeerAddress(config, "playlist");
  platform::ChannelOptions options;
  options.tls = platform::ReadTlsSettings(config, "cli");
  platform::MetricsRegistry metrics;
  std::shared_ptr<grpc::Channel> channel;
  try {
    channel = platform::ChannelFactory(options, metrics).Create(a.address, "playlist");
  } catch (const std::exception& e) {
    err << "moodtape-playlist import: " << e.what() << "\n";
    return 1;
  }
  auto stub = v1::CatalogService::NewStub(channel);
  auto ctx = platform::NewClientContext(a.timeout);
  v1::ImportTracksResponse res;
  auto writer = stub->ImportTracks(ctx.get(), &res);
  v1::ImportTracksRequest req;
  req.set_mode(a.replace ? v1::IMPORT_MODE_REPLACE : v1::IMPORT_MODE_MERGE);
  req.set_source(a.source);
  constexpr std::size_t kBatch = 2000;
  const auto& tracks = read->tracks;
  std::size_t i = 0;
  do {
    const std::size_t end = std::min(tracks.size(), i + kBatch);
    for (; i < end; ++i) {
      auto* t = req.add_tracks();
      ToProto(tracks[i], t->mutable_track());
      t->set_line(static_cast<std::int64_t>(read->lines[i]));
    }
    if (!writer->Write(req)) break;
    req.Clear();
  } while (i < tracks.size());
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    err << "moodtape-playlist import: the service refused the import ("
        << platform::GrpcCodeLabel(status.error_code()) << "): " << status.error_message() << "\n";
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      err << "  is the playlist service running at " << a.address << "? (make run starts it)\n";
    }
    return 1;
  }
  out << "imported: " << res.accepted() << " accepted, " << res.rejected()
      << " rejected by the service; catalogue version " << res.catalog_version() << " ("
      << res.catalog_tracks() << " tracks)\n";
  for (const auto& r : res.rejected_tracks()) {
    out << "  line " << r.line() << " (" << r.id() << "): " << r.reason() << ": " << r.detail()
        << "\n";
  }
  return 0;
}

}  // namespace moodtape::playlist
