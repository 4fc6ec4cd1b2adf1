#include "services/emotion/emotion_service.h"

#include <algorithm>
#include <numeric>

#include "platform/grpc/status.h"

namespace moodtape::emotion {
namespace {

using common::v1::EmotionScore;

common::v1::Emotion ToProto(Emotion e) {
  return static_cast<common::v1::Emotion>(static_cast<int>(e));
}

// Indices of the 13 emotions, most likely first (ties: table order, so the answer is stable).
std::array<int, kNumEmotions> Ranked(const Probabilities& p) {
  std::array<int, kNumEmotions> order;
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
  return order;
}

void AddScore(google::protobuf::RepeatedPtrField<EmotionScore>* out, int index,
              double probability) {
  EmotionScore* s = out->Add();
  s->set_emotion(ToProto(EmotionAt(index)));
  s->set_probability(probability);
}

}  // namespace

platform::AccessPolicy EmotionAccessPolicy() {
  platform::AccessPolicy policy;
  policy.Allow("/moodtape.emotion.v1.EmotionService/*", {"gateway", "worker"})
      .Allow("/moodtape.emotion.v2.EmotionService/*", {"gateway", "worker"});
  return policy;
}

void ToProto(const Prediction& p, int top_k, v2::Prediction* out) {
  int k = top_k <= 0 ? 3 : std::min(top_k, kNumEmotions);
  out->set_emotion(ToProto(p.label));
  auto order = Ranked(p.probabilities);
  for (int i = 0; i < kNumEmotions; ++i) {
    AddScore(out->mutable_scores(), order[i], p.probabilities[order[i]]);
    if (i < k) AddScore(out->mutable_top(), order[i], p.probabilities[order[i]]);
  }
  out->set_valence(p.valence);
  out->set_arousal(p.arousal);
  out->mutable_point()->set_valence(p.valence);
  out->mutable_point()->set_arousal(p.arousal);
  out->set_model_version(p.model_version);
}

grpc::ServerUnaryReactor* EmotionServiceV1::Predict(grpc::CallbackServerContext* ctx,
                                                    const v1::PredictRequest* req,
                                                    v1::PredictResponse* res) {
  auto* reactor = ctx->DefaultReactor();
  auto served = models_.Current();
  auto prediction = served->model->Predict(req->text());
  if (!prediction.ok()) {
    reactor->Finish(platform::ToGrpcStatus(prediction.error()));
    return reactor;
  }
  res->set_emotion(ToProto(prediction->label));
  for (int index : Ranked(prediction->probabilities)) {
    AddScore(res->mutable_probabilities(), index, prediction->probabilities[index]);
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* EmotionServiceV2::Predict(grpc::CallbackServerContext* ctx,
                                                    const v2::PredictRequest* req,
                                                    v2::PredictResponse* res) {
  auto* reactor = ctx->DefaultReactor();
  if (req->top_k() < 0 || req->top_k() > kNumEmotions) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "top_k must be 0..13"));
    return reactor;
  }
  auto served = models_.Current();
  auto prediction = served->model->Predict(req->text());
  if (!prediction.ok()) {
    reactor->Finish(platform::ToGrpcStatus(prediction.error()));
    return reactor;
  }
  ToProto(*prediction, req->top_k(), res->mutable_prediction());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerReadReactor<v2::PredictBatchRequest>* EmotionServiceV2::PredictBatch(
    grpc::CallbackServerContext*, v2::PredictBatchResponse* res) {
  // Reads every text, predicts each as it arrives, and answers once with the summary. The whole
  // batch uses the model that was current when it began, so a reload never mixes versions.
  class Batch final : public grpc::ServerReadReactor<v2::PredictBatchRequest> {
   public:
    Batch(std::shared_ptr<const ServedModel> served, int max_batch, v2::PredictBatchResponse* res)
        : served_(std::move(served)), max_batch_(max_batch), res_(res) {
      StartRead(&request_);
    }
    void OnReadDone(bool ok) override {
      if (!ok) return Summarise();
      if (res_->items_size() >= max_batch_) {
        return Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                   "a batch may hold at most " + std::to_string(max_batch_) +
                                       " texts; split it into several calls"));
      }
      auto prediction = served_->model->Predict(request_.text());
      if (!prediction.ok()) {
        return Finish(
            grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                         "text " + std::to_string(res_->items_size() + 1) +
                             (request_.id().empty() ? "" : " (id " + request_.id() + ")") + ": " +
                             prediction.error().message));
      }
      for (int i = 0; i < kNumEmotions; ++i) sum_[i] += prediction->probabilities[i];
      wins_[EmotionIndex(prediction->label)]++;
      valence_ += prediction->valence;
      arousal_ += prediction->arousal;
      auto* item = res_->add_items();
      item->set_id(request_.id());
      ToProto(*prediction, 3, item->mutable_prediction());
      StartRead(&request_);
    }
    void OnDone() override { delete this; }

   private:
    void Summarise() {
      int n = res_->items_size();
      if (n == 0) {
        return Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the batch has no texts"));
      }
      res_->set_count(n);
      res_->set_model_version(served_->model->Version());
      std::array<int, kNumEmotions> order;
      std::iota(order.begin(), order.end(), 0);
      // Most wins first; ties go to the higher mean probability.
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return wins_[a] != wins_[b] ? wins_[a] > wins_[b] : sum_[a] > sum_[b];
      });
      res_->set_dominant_emotion(ToProto(EmotionAt(order[0])));
      for (int index : order) {
        if (wins_[index] == 0) continue;
        auto* c = res_->add_counts();
        c->set_emotion(ToProto(EmotionAt(index)));
        c->set_count(wins_[index]);
      }
      Probabilities mean{};
      for (int i = 0; i < kNumEmotions; ++i) mean[i] = sum_[i] / n;
      for (int index : Ranked(mean)) AddScore(res_->mutable_mean_scores(), index, mean[index]);
      res_->mutable_mean_point()->set_valence(valence_ / n);
      res_->mutable_mean_point()->set_arousal(arousal_ / n);
      Finish(grpc::Status::OK);
    }

    std::shared_ptr<const ServedModel> served_;
    const int max_batch_;
    v2::PredictBatchResponse* res_;
    v2::PredictBatchRequest request_;
    std::array<double, kNumEmotions> sum_{};
    std::array<int, kNumEmotions> wins_{};
    double valence_ = 0, arousal_ = 0;
  };
  return new Batch(models_.Current(), max_batch_, res);
}

grpc::ServerBidiReactor<v2::PredictStreamRequest, v2::PredictStreamResponse>*
EmotionServiceV2::PredictStream(grpc::CallbackServerContext*) {
  // One answer per text, in order; the next read starts only after the answer is written, so a
  // fast typist is slowed by flow control instead of growing a queue here.
  class Stream final
      : public grpc::ServerBidiReactor<v2::PredictStreamRequest, v2::PredictStreamResponse> {
   public:
    explicit Stream(const ModelHolder& models) : models_(models) { StartRead(&request_); }
    void OnReadDone(bool ok) override {
      if (!ok) return Finish(grpc::Status::OK);
      response_.Clear();
      response_.set_sequence(request_.sequence());
      if (request_.top_k() < 0 || request_.top_k() > kNumEmotions) {
        response_.set_error("top_k must be 0..13");
      } else {
        // Each text uses the current model: a long typing session picks up a reload.
        auto prediction = models_.Current()->model->Predict(request_.text());
        if (prediction.ok()) {
          ToProto(*prediction, request_.top_k(), response_.mutable_prediction());
        } else {
          response_.set_error(prediction.error().message);
        }
      }
      StartWrite(&response_);
    }
    void OnWriteDone(bool ok) override {
      if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      StartRead(&request_);
    }
    void OnDone() override { delete this; }

   private:
    const ModelHolder& models_;
    v2::PredictStreamRequest request_;
    v2::PredictStreamResponse response_;
  };
  return new Stream(models_);
}

grpc::ServerUnaryReactor* EmotionServiceV2::GetModelInfo(grpc::CallbackServerContext* ctx,
                                                         const v2::GetModelInfoRequest*,
                                                         v2::GetModelInfoResponse* res) {
  auto* reactor = ctx->DefaultReactor();
  auto served = models_.Current();
  res->set_model_version(served->model->Version());
  res->set_trained_at(served->card.value("created_at", ""));
  for (Emotion e : AllEmotions()) res->add_labels(ToProto(e));
  if (served->card.contains("dev_scores") && served->card["dev_scores"].is_object()) {
    for (auto& [name, value] : served->card["dev_scores"].items()) {
      if (!value.is_number()) continue;
      auto* s = res->add_dev_scores();
      s->set_name(name);
      s->set_value(value.get<double>());
    }
  }
  res->set_model_card_json(served->card.dump());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace moodtape::emotion
