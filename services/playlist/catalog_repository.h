// Where the catalogue is kept: the store. CatalogRepository is what the playlist service needs of
// it (read the version, load every track, import); StoreCatalogRepository speaks the store's gRPC
// API. An interface so catalogue syncing can be tested without a store.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "platform/base/error.h"
#include "services/playlist/core/catalog.h"

namespace moodtape::playlist {

struct CatalogVersion {
  std::int64_t version = 0;  // 0: nothing was ever imported
  std::int64_t track_count = 0;
  std::int64_t updated_at_ms = 0;
  std::string source;
};

struct LoadedTracks {
  CatalogVersion version;
  std::vector<CatalogTrack> tracks;
};

enum class ImportMode { kMerge, kReplace };

class CatalogRepository {
 public:
  virtual ~CatalogRepository() = default;
  virtual platform::Result<CatalogVersion> Version() = 0;
  // Every track of one version (kAborted when an import keeps landing mid-read).
  virtual platform::Result<LoadedTracks> Load() = 0;
  // Stores `tracks` in one transaction; `expected_version` set: only if the stored version is
  // still that one (kFailedPrecondition otherwise, nothing written).
  virtual platform::Result<CatalogVersion> Import(ImportMode mode,
                                                  std::optional<std::int64_t> expected_version,
                                                  const std::string& source,
                                                  const std::vector<CatalogTrack>& tracks) = 0;
};

class StoreCatalogRepository final : public CatalogRepository {
 public:
  // `timeout` bounds Version(); Load() and Import() get `bulk_timeout` (they move every track).
  StoreCatalogRepository(std::shared_ptr<grpc::Channel> store, std::chrono::milliseconds timeout,
                         std::chrono::milliseconds bulk_timeout)
      : store_(std::move(store)), timeout_(timeout), bulk_timeout_(bulk_timeout) {}

  platform::Result<CatalogVersion> Version() override;
  platform::Result<LoadedTracks> Load() override;
  platform::Result<CatalogVersion> Import(ImportMode mode,
                                          std::optional<std::int64_t> expected_version,
                                          const std::string& source,
                                          const std::vector<CatalogTrack>& tracks) override;

  // Tracks per ImportCatalog message and per ListCatalogTracks batch.
  static constexpr int kBatch = 2000;

 private:
  std::shared_ptr<grpc::Channel> store_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds bulk_timeout_;
};

}  // namespace moodtape::playlist
