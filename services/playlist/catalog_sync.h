// Keeps the catalogue being served in step with the store: loads every track of the current
// version into a TrackIndex, swaps it in whole (plans in flight keep the one they started with),
// and polls the store's catalogue version so an import made through any replica is picked up.
// On a store that has never had a catalogue, imports the default file first (the first `make run`).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "platform/base/clock.h"
#include "platform/observability/metrics.h"
#include "services/playlist/catalog_repository.h"
#include "services/playlist/core/track_index.h"

namespace moodtape::playlist {

struct ServedCatalog {
  std::shared_ptr<const TrackIndex> index;
  CatalogVersion version;
  std::int64_t loaded_at_ms = 0;
};

struct CatalogSyncOptions {
  std::chrono::milliseconds poll_interval{5000};
  // Imported (REPLACE, only while the store's version is 0) when the store has no catalogue.
  // Empty: no default. A .jsonl/.ndjson file is read as JSON Lines, anything else as CSV.
  std::string default_catalog;
};

class CatalogSync {
 public:
  CatalogSync(CatalogRepository& repository, CatalogSyncOptions options,
              platform::MetricsRegistry* metrics = nullptr,
              const platform::Clock* clock = &platform::SystemClock::Instance());
  ~CatalogSync();
  CatalogSync(const CatalogSync&) = delete;
  CatalogSync& operator=(const CatalogSync&) = delete;

  // The catalogue being served; null until the first successful Sync().
  std::shared_ptr<const ServedCatalog> Current() const;

  // Reads the store's version and, when it differs from the one served (or nothing is served
  // yet), loads and swaps. Returns true when it swapped. Serialised: concurrent callers wait.
  platform::Result<bool> Sync();

  // Sync() every poll_interval on a background thread until Stop() (errors are logged, retried).
  void Start();
  void Stop();

 private:
  platform::Status ImportDefaultIfEmpty(const CatalogVersion& version);

  CatalogRepository& repository_;
  const CatalogSyncOptions options_;
  const platform::Clock* clock_;
  mutable std::mutex current_mu_;
  std::shared_ptr<const ServedCatalog> current_;
  std::mutex sync_mu_;
  bool default_unreadable_ = false;  // under sync_mu_
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread poller_;
  platform::Gauge* version_gauge_ = nullptr;
  platform::Gauge* tracks_gauge_ = nullptr;
  platform::Family<platform::Counter>* reloads_ = nullptr;
  platform::Histogram* load_seconds_ = nullptr;
};

// Reads a catalogue file (CSV or, by extension .jsonl/.ndjson, JSON Lines) with the import rules.
platform::Result<ImportResult> ReadCatalogFile(const std::string& path, const std::string& source);

}  // namespace moodtape::playlist
