// The gRPC adapters of the emotion service: moodtape.emotion.v1 (the source project's contract)
// and moodtape.emotion.v2 (mood plane, top-k, batch and streaming), served by one process over
// one ModelHolder. Proto <-> core conversion only; the model does the work.
#pragma once

#include "moodtape/emotion/v1/emotion_service.grpc.pb.h"
#include "moodtape/emotion/v2/emotion_service.grpc.pb.h"
#include "platform/grpc/auth.h"
#include "services/emotion/core/model_holder.h"

namespace moodtape::emotion {

// Who may call the emotion service: the gateway (live typing, v1 clients) and the worker (the
// mood pipeline).
platform::AccessPolicy EmotionAccessPolicy();

class EmotionServiceV1 final : public v1::EmotionService::CallbackService {
 public:
  explicit EmotionServiceV1(const ModelHolder& models) : models_(models) {}
  grpc::ServerUnaryReactor* Predict(grpc::CallbackServerContext* ctx, const v1::PredictRequest* req,
                                    v1::PredictResponse* res) override;

 private:
  const ModelHolder& models_;
};

class EmotionServiceV2 final : public v2::EmotionService::CallbackService {
 public:
  // `max_batch`: texts one PredictBatch call may send before it is refused.
  EmotionServiceV2(const ModelHolder& models, int max_batch)
      : models_(models), max_batch_(max_batch) {}

  grpc::ServerUnaryReactor* Predict(grpc::CallbackServerContext* ctx, const v2::PredictRequest* req,
                                    v2::PredictResponse* res) override;
  grpc::ServerReadReactor<v2::PredictBatchRequest>* PredictBatch(
      grpc::CallbackServerContext* ctx, v2::PredictBatchResponse* res) override;
  grpc::ServerBidiReactor<v2::PredictStreamRequest, v2::PredictStreamResponse>* PredictStream(
      grpc::CallbackServerContext* ctx) override;
  grpc::ServerUnaryReactor* GetModelInfo(grpc::CallbackServerContext* ctx,
                                         const v2::GetModelInfoRequest* req,
                                         v2::GetModelInfoResponse* res) override;

 private:
  const ModelHolder& models_;
  const int max_batch_;
};

// Core prediction -> v2 message (top_k 0 means 3, clamped to 1..13).
void ToProto(const Prediction& p, int top_k, v2::Prediction* out);

}  // namespace moodtape::emotion
