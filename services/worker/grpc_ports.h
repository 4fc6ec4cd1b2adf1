// The mood pipeline's ports over gRPC with mutual TLS: emotion v2 (Predict, GetModelInfo),
// playlist v1 (Plan, GetCatalog) and the store (SaveMoodResult). Each call carries the job's
// request id and a deadline. Versions are remembered briefly so a cache lookup costs no extra
// round trip on every job.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "services/worker/core/mood_pipeline.h"

namespace moodtape::worker {

struct PortOptions {
  std::chrono::milliseconds call_timeout{5000};
  // How long a model or catalogue version is reused before asking again.
  std::chrono::milliseconds version_ttl{5000};
};

// The request id of the job being run on this thread (set by the handler) for outgoing calls.
void SetCurrentRequestId(std::string request_id);
// A client context for a call made for the job on this thread: its request id, a trace, the
// deadline.
std::unique_ptr<grpc::ClientContext> JobCallContext(std::chrono::milliseconds timeout);

class GrpcEmotionPort final : public EmotionPort {
 public:
  GrpcEmotionPort(std::shared_ptr<grpc::Channel> channel, PortOptions options)
      : channel_(std::move(channel)), options_(options) {}
  platform::Result<std::string> ModelVersion() override;
  platform::Result<Json> Predict(const std::string& text) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  PortOptions options_;
  std::mutex mu_;
  std::string version_;
  std::chrono::steady_clock::time_point version_at_{};
};

class GrpcPlaylistPort final : public PlaylistPort {
 public:
  GrpcPlaylistPort(std::shared_ptr<grpc::Channel> channel, PortOptions options)
      : channel_(std::move(channel)), options_(options) {}
  platform::Result<std::int64_t> CatalogVersion() override;
  platform::Result<Json> Plan(double start_valence, double start_arousal,
                              const std::string& target_emotion, int length,
                              const MoodOptions& options) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  PortOptions options_;
  std::mutex mu_;
  std::int64_t version_ = -1;
  std::chrono::steady_clock::time_point version_at_{};
};

class GrpcHistoryPort final : public HistoryPort {
 public:
  GrpcHistoryPort(std::shared_ptr<grpc::Channel> channel, PortOptions options)
      : channel_(std::move(channel)), options_(options) {}
  platform::Result<std::string> Save(const MoodJob& job, const Json& emotion,
                                     const Json& playlist) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  PortOptions options_;
};

}  // namespace moodtape::worker
