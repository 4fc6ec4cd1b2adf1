#include "services/playlist/catalog_repository.h"

#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/status.h"
#include "services/playlist/track_proto.h"

namespace moodtape::playlist {
namespace {

namespace storepb = ::moodtape::store::v1;
using platform::ErrorCode;
using platform::MakeError;

CatalogVersion FromProto(const storepb::CatalogInfo& info) {
  return {info.version(), info.track_count(), info.updated_at_unix_ms(), info.source()};
}

}  // namespace

platform::Result<CatalogVersion> StoreCatalogRepository::Version() {
  auto stub = storepb::StoreService::NewStub(store_);
  auto ctx = platform::NewClientContext(timeout_);
  storepb::GetCatalogInfoResponse res;
  const grpc::Status status = stub->GetCatalogInfo(ctx.get(), {}, &res);
  if (!status.ok()) return platform::FromGrpcStatus(status);
  return FromProto(res.catalog());
}

platform::Result<LoadedTracks> StoreCatalogRepository::Load() {
  auto stub = storepb::StoreService::NewStub(store_);
  // An import landing mid-read aborts the read; a second or third try reads the new version.
  constexpr int kAttempts = 3;
  platform::Error last = MakeError(ErrorCode::kAborted, "catalogue read did not finish");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto ctx = platform::NewClientContext(bulk_timeout_);
    storepb::ListCatalogTracksRequest req;
    req.set_batch_size(kBatch);
    auto reader = stub->ListCatalogTracks(ctx.get(), req);
    LoadedTracks loaded;
    storepb::ListCatalogTracksResponse batch;
    bool first = true;
    while (reader->Read(&batch)) {
      if (first) {
        loaded.version = FromProto(batch.catalog());
        loaded.tracks.reserve(
            static_cast<std::size_t>(std::max<std::int64_t>(0, batch.catalog().track_count())));
        first = false;
      }
      for (const auto& t : batch.tracks()) loaded.tracks.push_back(playlist::FromProto(t));
    }
    const grpc::Status status = reader->Finish();
    if (status.ok()) {
      if (first) {
        // An empty catalogue sends no batch; its version still matters.
        auto v = Version();
        if (!v.ok()) return v.error();
        loaded.version = *v;
      }
      return loaded;
    }
    last = platform::FromGrpcStatus(status);
    if (last.code != ErrorCode::kAborted) return last;
  }
  return last;
}

platform::Result<CatalogVersion> StoreCatalogRepository::Import(
    ImportMode mode, std::optional<std::int64_t> expected_version, const std::string& source,
    const std::vector<CatalogTrack>& tracks) {
  auto stub = storepb::StoreService::NewStub(store_);
  auto ctx = platform::NewClientContext(bulk_timeout_);
  storepb::ImportCatalogResponse res;
  auto writer = stub->ImportCatalog(ctx.get(), &res);
  storepb::ImportCatalogRequest req;
  req.set_mode(mode == ImportMode::kReplace ? storepb::CATALOG_IMPORT_MODE_REPLACE
                                            : storepb::CATALOG_IMPORT_MODE_MERGE);
  if (expected_version) req.set_expected_version(*expected_version);
  req.set_source(source);
  std::size_t i = 0;
  // Always at least one message, so an empty REPLACE import still reaches the store.
  do {
    const std::size_t end = std::min(tracks.size(), i + kBatch);
    for (; i < end; ++i) ToProto(tracks[i], req.add_tracks());
    if (!writer->Write(req)) break;  // the store ended the call; Finish says why
    req.Clear();
  } while (i < tracks.size());
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return platform::FromGrpcStatus(status);
  return FromProto(res.catalog());
}

}  // namespace moodtape::playlist
