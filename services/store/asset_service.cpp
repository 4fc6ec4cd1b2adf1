#include "services/store/asset_service.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <memory>

#include "platform/base/log.h"
#include "platform/grpc/status.h"
#include "platform/grpc/streaming_call.h"
#include "services/store/core/asset_upload.h"

namespace moodtape::store {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr const char* kService = "/moodtape.store.v1.AssetService/";

void ToProto(const AssetInfo& info, v1::AssetInfo* out) {
  out->set_asset_id(info.id);
  out->set_media_type(info.media_type);
  out->set_size_bytes(info.size_bytes);
  out->set_created_at_unix_ms(info.created_at_ms);
}

// One upload. gRPC delivers one message at a time (the next read starts only after the previous
// one was handled), so the header check and the final store run on the pool between two reads
// and never race the reactor's own callbacks.
class PutAssetReactor final : public grpc::ServerReadReactor<v1::PutAssetRequest> {
 public:
  PutAssetReactor(grpc::CallbackServerContext* ctx, Storage& storage,
                  platform::BlockingCallPool& pool, const std::string& spool_dir,
                  v1::PutAssetResponse* res)
      : ctx_(ctx), storage_(storage), pool_(pool), spool_dir_(spool_dir), res_(res) {
    StartRead(&req_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // gRPC marks the call cancelled before this when the stream broke rather than ended.
      if (ctx_->IsCancelled()) {
        Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                            "the upload was cancelled; nothing was stored"));
        return;
      }
      Store();
      return;
    }
    ++messages_;
    if (messages_ == 1) {
      CheckHeader();
      return;
    }
    if (req_.part_case() != v1::PutAssetRequest::kChunk) {
      Refuse(MakeError(ErrorCode::kInvalidArgument,
                       "message " + std::to_string(messages_) +
                           " of the upload is a header; only the first message may be one"));
      return;
    }
    if (req_.chunk().size() > AssetServiceImpl::kMaxUploadChunkBytes) {
      Refuse(MakeError(ErrorCode::kInvalidArgument,
                       "message " + std::to_string(messages_) + " carries " +
                           std::to_string(req_.chunk().size()) + " bytes; a chunk holds at most " +
                           std::to_string(AssetServiceImpl::kMaxUploadChunkBytes) +
                           "; nothing was stored"));
      return;
    }
    if (auto appended = upload_->Append(req_.chunk()); !appended.ok()) {
      Refuse(appended.error());
      return;
    }
    req_.clear_chunk();
    StartRead(&req_);
  }

  void OnDone() override { delete this; }

 private:
  void CheckHeader() {
    if (req_.part_case() != v1::PutAssetRequest::kHeader) {
      Refuse(MakeError(ErrorCode::kInvalidArgument, "the first message must be the header"));
      return;
    }
    const auto& h = req_.header();
    header_ = AssetHeader{h.owner_user_id(), h.media_type(), h.size_bytes(), h.sha256()};
    req_.Clear();
    // The quota check reads the database, so it waits on the pool, not on gRPC's thread.
    OnPool([this] {
      if (Status checked = storage_.CheckAssetHeader(header_); !checked.ok()) {
        Finish(platform::ToGrpcStatus(checked.error()));
        return;
      }
      upload_ = std::make_unique<AssetUpload>(header_, spool_dir_);
      StartRead(&req_);
    });
  }

  void Store() {
    if (!upload_) {
      Refuse(MakeError(ErrorCode::kInvalidArgument,
                       "the upload must start with a header; nothing was stored"));
      return;
    }
    if (auto finished = upload_->Finish(); !finished.ok()) {
      Refuse(finished.error());
      return;
    }
    if (!upload_->MatchesHeaderSha256()) {
      const std::string message = "the bytes' sha256 is " + upload_->sha256() + ", not " +
                                  header_.sha256 + " as the header says; nothing was stored";
      upload_.reset();
      Refuse(MakeError(ErrorCode::kDataLoss, message));
      return;
    }
    OnPool([this] {
      auto stored = storage_.PutAsset(*upload_);
      upload_.reset();  // the spool file goes before the reply does
      if (!stored.ok()) {
        Finish(platform::ToGrpcStatus(stored.error()));
        return;
      }
      ToProto(stored->asset, res_->mutable_asset());
      res_->set_created(stored->created);
      Finish(grpc::Status::OK);
    });
  }

  void Refuse(const platform::Error& error) {
    upload_.reset();
    Finish(platform::ToGrpcStatus(error));
  }

  // Runs `step` on the pool; `step` ends by finishing the call or starting the next read. A
  // full pool, a caller that gave up while the step waited, or a step that throws finish the
  // call here.
  void OnPool(std::function<void()> step) {
    const bool posted = pool_.TryPost([this, step = std::move(step)] {
      if (ctx_->IsCancelled() || ctx_->deadline() <= std::chrono::system_clock::now()) {
        upload_.reset();
        Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                            "the upload was cancelled or waited past its deadline; nothing was "
                            "stored"));
        return;
      }
      try {
        step();
      } catch (const std::exception& e) {
        platform::LogError("PutAsset failed", {{"error", e.what()}});
        upload_.reset();
        Finish(grpc::Status(grpc::StatusCode::INTERNAL, "internal error"));
      }
    });
    if (!posted) {
      upload_.reset();
      Finish(platform::BlockingCallPool::BusyStatus());
    }
  }

  grpc::CallbackServerContext* ctx_;
  Storage& storage_;
  platform::BlockingCallPool& pool_;
  const std::string& spool_dir_;
  v1::PutAssetResponse* res_;
  v1::PutAssetRequest req_;
  AssetHeader header_;
  std::unique_ptr<AssetUpload> upload_;  // from a header the storage accepted
  int64_t messages_ = 0;
};

}  // namespace

void AllowAssetCallers(platform::AccessPolicy& policy) {
  policy.Allow(std::string(kService) + "PutAsset", {"worker"});
  policy.Allow(std::string(kService) + "GetAsset", {"gateway", "worker"});
}

grpc::ServerReadReactor<v1::PutAssetRequest>* AssetServiceImpl::PutAsset(
    grpc::CallbackServerContext* ctx, v1::PutAssetResponse* res) {
  return new PutAssetReactor(ctx, storage_, pool_, spool_dir_, res);
}

grpc::ServerWriteReactor<v1::GetAssetResponse>* AssetServiceImpl::GetAsset(
    grpc::CallbackServerContext* ctx, const v1::GetAssetRequest* req) {
  return platform::RunStreaming<v1::GetAssetResponse>(
      pool_, ctx, [this, req](platform::StreamSink<v1::GetAssetResponse>& out) -> platform::Status {
        const std::string& owner = req->owner_user_id();
        auto found = storage_.GetAssetInfo(owner, req->asset_id());
        if (!found.ok()) return found.error();
        const AssetInfo& info = *found;
        auto fitted = FitAssetRange(info.size_bytes, req->offset(), req->length());
        if (!fitted.ok()) return fitted.error();
        const auto& range = *fitted;
        if (range.past_end) {
          return MakeError(ErrorCode::kOutOfRange, "offset " + std::to_string(req->offset()) +
                                                       " is at or past the end of the asset (" +
                                                       std::to_string(info.size_bytes) + " bytes)");
        }
        v1::GetAssetResponse first;
        ToProto(info, first.mutable_info());
        if (!out.Send(std::move(first)))
          return MakeError(ErrorCode::kCancelled, "the reader went away");
        const int64_t end = range.offset + range.length;
        for (int64_t at = range.offset; at < end;) {
          auto bytes = storage_.ReadAssetBytes(owner, info.id, at,
                                               std::min(end - at, StorageLimits::kAssetChunkBytes));
          if (!bytes.ok()) return bytes.error();
          if (bytes->empty())
            return MakeError(ErrorCode::kInternal, "an asset read returned nothing");
          for (size_t i = 0; i < bytes->size(); i += kDownloadChunkBytes) {
            v1::GetAssetResponse piece;
            piece.set_chunk(bytes->substr(i, kDownloadChunkBytes));
            if (!out.Send(std::move(piece)))
              return MakeError(ErrorCode::kCancelled, "the reader went away");
          }
          at += static_cast<int64_t>(bytes->size());
        }
        return platform::Status::Ok();
      });
}

}  // namespace moodtape::store
