// moodtape.designer.v1.DesignerService over the CoverDesigner: proto <-> core only. Drawing is
// CPU work (tens of milliseconds, seconds with an image model), so both RPCs run on the
// service's bounded pool, never on a gRPC callback thread.
#pragma once

#include "moodtape/designer/v1/designer_service.grpc.pb.h"
#include "platform/grpc/auth.h"
#include "platform/grpc/blocking_call_pool.h"
#include "platform/observability/metrics.h"
#include "services/designer/core/cover_designer.h"

namespace moodtape::designer {

// Covers for the producer and the worker (album jobs) and the `cli` identity.
platform::AccessPolicy DesignerAccessPolicy();

// The request's spec, validated: kInvalidArgument naming the field (a description over 300
// characters or not UTF-8, an unknown genre, an empty or over-100-character title or artist).
platform::Result<CoverSpec> FromProto(const v1::CoverSpec& spec);
void ToProto(const Cover& cover, v1::DesignCoverResponse* out);

struct DesignerServiceOptions {
  int threads = 2;  // [designer] render_threads: covers drawn at once
  int queue = 8;    // [designer] render_queue: calls waiting for one of those threads
};

class DesignerServiceImpl final : public v1::DesignerService::CallbackService {
 public:
  // `designer`, `pool` and `metrics` must outlive the service.
  DesignerServiceImpl(const CoverDesigner& designer, platform::BlockingCallPool& pool,
                      platform::MetricsRegistry& metrics);

  grpc::ServerUnaryReactor* DesignCover(grpc::CallbackServerContext* ctx,
                                        const v1::DesignCoverRequest* req,
                                        v1::DesignCoverResponse* res) override;
  grpc::ServerWriteReactor<v1::StreamCoverResponse>* StreamCover(
      grpc::CallbackServerContext* ctx, const v1::StreamCoverRequest* req) override;

 private:
  // Draws the cover and counts who drew it; a picture source's failure is logged as a warning.
  platform::Result<Cover> Draw(const CoverSpec& spec, const std::atomic<bool>* cancelled);

  const CoverDesigner& designer_;
  platform::BlockingCallPool& pool_;
  platform::Family<platform::Counter>& covers_;
  platform::Family<platform::Histogram>& seconds_;
};

}  // namespace moodtape::designer
