#include "services/playlist/catalog_sync.h"

#include <fstream>

#include "platform/base/log.h"

namespace moodtape::playlist {
namespace {

using platform::ErrorCode;
using platform::MakeError;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

platform::Result<ImportResult> ReadCatalogFile(const std::string& path, const std::string& source) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open catalogue file " + path);
  if (EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson")) {
    return ReadCatalogJsonLines(in, source);
  }
  return ReadCatalogCsv(in, source);
}

CatalogSync::CatalogSync(CatalogRepository& repository, CatalogSyncOptions options,
                         platform::MetricsRegistry* metrics, const platform::Clock* clock)
    : repository_(repository), options_(std::move(options)), clock_(clock) {
  if (metrics != nullptr) {
    version_gauge_ = &metrics
                          ->AddGauge("moodtape_playlist_catalog_version",
                                     "The catalogue version being served (0: none loaded).")
                          .WithLabels({});
    tracks_gauge_ =
        &metrics
             ->AddGauge("moodtape_playlist_catalog_tracks", "Tracks in the catalogue being served.")
             .WithLabels({});
    reloads_ = &metrics->AddCounter("moodtape_playlist_catalog_loads_total",
                                    "Catalogue loads from the store by outcome.", {"outcome"});
    load_seconds_ = &metrics
                         ->AddHistogram("moodtape_playlist_catalog_load_seconds",
                                        "Time to load the catalogue from the store and index it.",
                                        {}, {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60})
                         .WithLabels({});
  }
}

CatalogSync::~CatalogSync() { Stop(); }

std::shared_ptr<const ServedCatalog> CatalogSync::Current() const {
  std::lock_guard lock(current_mu_);
  return current_;
}

platform::Status CatalogSync::ImportDefaultIfEmpty(const CatalogVersion& version) {
  if (version.version != 0 || options_.default_catalog.empty() || default_unreadable_) {
    return platform::Status::Ok();
  }
  auto read = ReadCatalogFile(options_.default_catalog, "default");
  if (!read.ok()) {
    // A missing or unusable file will not get better by retrying: say so once and serve the
    // empty catalogue (plans then ask for an import) rather than refuse to start.
    default_unreadable_ = true;
    platform::LogWarn("default catalogue not imported; serving an empty catalogue until an import",
                      {{"file", options_.default_catalog}, {"error", read.error().message}});
    return platform::Status::Ok();
  }
  const ImportReport& report = read->report;
  platform::LogInfo("importing the default catalogue", {{"file", options_.default_catalog},
                                                        {"rows", report.rows},
                                                        {"accepted", report.accepted},
                                                        {"rejected", report.rejected}});
  auto imported = repository_.Import(ImportMode::kReplace, /*expected_version=*/0,
                                     "default:" + options_.default_catalog, read->tracks);
  // Another replica imported first: fine, load theirs.
  if (!imported.ok() && imported.error().code != ErrorCode::kFailedPrecondition) {
    return imported.error();
  }
  return platform::Status::Ok();
}

platform::Result<bool> CatalogSync::Sync() {
  std::lock_guard sync_lock(sync_mu_);
  auto version = repository_.Version();
  if (!version.ok()) return version.error();
  if (auto status = ImportDefaultIfEmpty(*version); !status.ok()) {
    platform::LogWarn("default catalogue import failed", {{"error", status.error().message}});
    return status.error();
  }
  {
    auto current = Current();
    if (current != nullptr && current->version.version == version->version) return false;
  }
  const auto started = std::chrono::steady_clock::now();
  auto loaded = repository_.Load();
  if (!loaded.ok()) {
    if (reloads_ != nullptr) reloads_->WithLabels({"error"}).Inc();
    return loaded.error();
  }
  auto served = std::make_shared<ServedCatalog>();
  served->version = loaded->version;
  served->index = std::make_shared<const TrackIndex>(std::move(loaded->tracks));
  served->loaded_at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_->Now().time_since_epoch())
          .count();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  {
    std::lock_guard lock(current_mu_);
    current_ = served;
  }
  if (reloads_ != nullptr) reloads_->WithLabels({"ok"}).Inc();
  if (load_seconds_ != nullptr) load_seconds_->Observe(seconds);
  if (version_gauge_ != nullptr) version_gauge_->Set(static_cast<double>(served->version.version));
  if (tracks_gauge_ != nullptr) tracks_gauge_->Set(static_cast<double>(served->index->size()));
  platform::LogInfo("catalogue loaded", {{"version", served->version.version},
                                         {"tracks", served->index->size()},
                                         {"source", served->version.source},
                                         {"seconds", seconds}});
  return true;
}

void CatalogSync::Start() {
  std::lock_guard lock(stop_mu_);
  if (poller_.joinable()) return;
  stopping_ = false;
  poller_ = std::thread([this] {
    std::unique_lock lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) {
      lock.unlock();
      auto synced = Sync();
      if (!synced.ok()) {
        platform::LogWarn("catalogue sync failed; keeping the catalogue being served",
                          {{"error", synced.error().message}});
      }
      lock.lock();
    }
  });
}

void CatalogSync::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

}  // namespace moodtape::playlist
