// The playlist service's gRPC adapters: PlaylistService (Plan, StreamPlan) over the catalogue
// CatalogSync serves, and CatalogService (ImportTracks, GetCatalog) that validates tracks with the
// core's import rules and stores them through the CatalogRepository. Proto <-> core only.
#pragma once

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "moodtape/playlist/v1/playlist_service.grpc.pb.h"
#include "platform/grpc/auth.h"
#include "platform/observability/metrics.h"
#include "services/playlist/catalog_sync.h"
#include "services/playlist/core/planner.h"

namespace moodtape::playlist {

// Plans: the gateway (previews) and the worker (the mood pipeline). Imports: the `cli` identity
// (moodtape-playlist import) only. GetCatalog: all three.
platform::AccessPolicy PlaylistAccessPolicy();

// Turns a PlanRequest into the core request (emotions -> their points, defaults applied).
platform::Result<PlanRequest> FromProto(const v1::PlanRequest& request);

class PlaylistServiceImpl final : public v1::PlaylistService::CallbackService {
 public:
  PlaylistServiceImpl(const CatalogSync& catalog, platform::MetricsRegistry& metrics);

  grpc::ServerUnaryReactor* Plan(grpc::CallbackServerContext* ctx, const v1::PlanRequest* req,
                                 v1::PlanResponse* res) override;
  grpc::ServerWriteReactor<v1::StreamPlanResponse>* StreamPlan(
      grpc::CallbackServerContext* ctx, const v1::StreamPlanRequest* req) override;

  // The plan in proto form (shared by both RPCs); an error says what to change.
  platform::Result<v1::PlanResponse> MakePlan(const v1::PlanRequest& req) const;

 private:
  const CatalogSync& catalog_;
  platform::Family<platform::Counter>& plans_;
  platform::Family<platform::Histogram>& plan_seconds_;
};

class CatalogServiceImpl final : public v1::CatalogService::CallbackService {
 public:
  // At most this many tracks in one import (the store's limit too).
  static constexpr std::int64_t kMaxTracksPerImport = 2'000'000;
  static constexpr int kMaxTracksPerMessage = 5000;
  static constexpr std::size_t kMaxReportedRejections = 100;

  CatalogServiceImpl(CatalogSync& catalog, CatalogRepository& repository,
                     platform::MetricsRegistry& metrics);
  ~CatalogServiceImpl() override;

  grpc::ServerReadReactor<v1::ImportTracksRequest>* ImportTracks(
      grpc::CallbackServerContext* ctx, v1::ImportTracksResponse* res) override;
  grpc::ServerUnaryReactor* GetCatalog(grpc::CallbackServerContext* ctx,
                                       const v1::GetCatalogRequest* req,
                                       v1::GetCatalogResponse* res) override;

 private:
  class ImportReactor;

  CatalogSync& catalog_;
  CatalogRepository& repository_;
  platform::Family<platform::Counter>& imported_;
  // Imports write to the store and reload: blocking work, one at a time, off gRPC's threads.
  boost::asio::thread_pool import_pool_{1};
};

}  // namespace moodtape::playlist
