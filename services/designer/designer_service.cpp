#include "services/designer/designer_service.h"

#include <chrono>

#include "platform/base/log.h"
#include "platform/grpc/streaming_call.h"

namespace moodtape::designer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

platform::AccessPolicy DesignerAccessPolicy() {
  platform::AccessPolicy policy;
  policy.Allow("/moodtape.designer.v1.DesignerService/*", {"producer", "worker", "cli"});
  return policy;
}

platform::Result<CoverSpec> FromProto(const v1::CoverSpec& spec) {
  return MakeCoverSpec(spec.description(), spec.genre(), spec.title(), spec.artist(), spec.seed());
}

void ToProto(const Cover& cover, v1::DesignCoverResponse* out) {
  out->set_png(cover.png);
  out->set_thumbnail_png(cover.thumbnail_png);
  for (const auto& c : cover.palette) out->add_palette(c);
  for (const auto& m : cover.motifs) out->add_motifs(m);
  out->set_layout(cover.layout);
  out->set_title_contrast(cover.title_contrast);
  out->set_artist_contrast(cover.artist_contrast);
  out->set_designed_by(cover.designed_by);
}

DesignerServiceImpl::DesignerServiceImpl(const CoverDesigner& designer,
                                         platform::BlockingCallPool& pool,
                                         platform::MetricsRegistry& metrics)
    : designer_(designer),
      pool_(pool),
      covers_(metrics.AddCounter("moodtape_designer_covers_total",
                                 "Covers by who drew the picture (builtin, openai) and outcome "
                                 "(ok, or fallback: the image model failed and the builtin "
                                 "painter drew).",
                                 {"by", "outcome"})),
      seconds_(metrics.AddHistogram("moodtape_designer_render_seconds",
                                    "Time to draw one cover (final) or preview.", {"stage"})) {}

platform::Result<Cover> DesignerServiceImpl::Draw(const CoverSpec& spec,
                                                  const std::atomic<bool>* cancelled) {
  const auto start = std::chrono::steady_clock::now();
  auto cover = designer_.Design(spec, cancelled);
  if (!cover.ok()) return cover;
  seconds_.WithLabels({"cover"}).Observe(SecondsSince(start));
  if (!cover->fallback_reason.empty()) {
    covers_.WithLabels({"builtin", "fallback"}).Inc();
    platform::LogWarn("image model not used; the builtin painter drew the cover",
                      {{"reason", cover->fallback_reason}});
  } else {
    covers_.WithLabels({cover->backend, "ok"}).Inc();
  }
  return cover;
}

grpc::ServerUnaryReactor* DesignerServiceImpl::DesignCover(grpc::CallbackServerContext* ctx,
                                                           const v1::DesignCoverRequest* req,
                                                           v1::DesignCoverResponse* res) {
  return pool_.Run(ctx, [this, req, res]() -> platform::Status {
    auto spec = FromProto(req->cover());
    if (!spec.ok()) return spec.error();
    auto cover = Draw(*spec, nullptr);
    if (!cover.ok()) return cover.error();
    ToProto(*cover, res);
    return platform::Status::Ok();
  });
}

grpc::ServerWriteReactor<v1::StreamCoverResponse>* DesignerServiceImpl::StreamCover(
    grpc::CallbackServerContext* ctx, const v1::StreamCoverRequest* req) {
  return platform::RunStreaming<v1::StreamCoverResponse>(
      pool_, ctx,
      [this, req](platform::StreamSink<v1::StreamCoverResponse>& out) -> platform::Status {
        auto spec = FromProto(req->cover());
        if (!spec.ok()) return spec.error();
        const auto start = std::chrono::steady_clock::now();
        v1::StreamCoverResponse preview;
        preview.set_preview_png(designer_.Preview(*spec));
        seconds_.WithLabels({"preview"}).Observe(SecondsSince(start));
        if (!out.Send(std::move(preview))) return MakeError(ErrorCode::kCancelled, "cancelled");
        auto cover = Draw(*spec, &out.cancelled());
        if (!cover.ok()) return cover.error();
        v1::StreamCoverResponse final_cover;
        ToProto(*cover, final_cover.mutable_cover());
        if (!out.Send(std::move(final_cover))) {
          return MakeError(ErrorCode::kCancelled, "cancelled");
        }
        return platform::Status::Ok();
      });
}

}  // namespace moodtape::designer
