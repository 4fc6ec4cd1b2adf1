// The album pipeline's ports over gRPC with mutual TLS: the producer (WriteSong, RenderSong), the
// designer (DesignCover), the store (PutAsset, SaveAlbum), and the job's progress in Redis. Each
// call carries the job's request id and a deadline; rendering has its own, longer one.
#pragma once

#include <chrono>
#include <memory>

#include <grpcpp/channel.h>

#include "platform/redis/client.h"
#include "services/worker/core/album_pipeline.h"
#include "services/worker/grpc_ports.h"

namespace moodtape::worker {

struct AlbumPortOptions {
  std::chrono::milliseconds call_timeout{5000};      // [worker] call_timeout_ms
  std::chrono::milliseconds render_timeout{300000};  // [worker] render_timeout_ms
};

class GrpcSongsPort final : public SongsPort {
 public:
  GrpcSongsPort(std::shared_ptr<grpc::Channel> producer, AlbumPortOptions options)
      : channel_(std::move(producer)), options_(options) {}
  platform::Result<WrittenSong> Write(const AlbumJob& job, int index) override;
  platform::Result<std::vector<RenderedFile>> Render(
      const AlbumJob& job, const WrittenSong& song,
      const std::vector<std::string>& formats) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  AlbumPortOptions options_;
};

class GrpcCoverPort final : public CoverPort {
 public:
  GrpcCoverPort(std::shared_ptr<grpc::Channel> designer, AlbumPortOptions options)
      : channel_(std::move(designer)), options_(options) {}
  platform::Result<DesignedCover> Design(const AlbumJob& job, const std::string& title) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  AlbumPortOptions options_;
};

class GrpcAlbumStorePort final : public AlbumStorePort {
 public:
  GrpcAlbumStorePort(std::shared_ptr<grpc::Channel> store, AlbumPortOptions options)
      : channel_(std::move(store)), options_(options) {}
  platform::Result<std::string> PutAsset(const std::string& owner, const std::string& media_type,
                                         const std::string& bytes) override;
  platform::Result<std::string> SaveAlbum(const AlbumJob& job, const Json& album) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  AlbumPortOptions options_;
};

// Progress as JSON in `<prefix>jobs:album_progress:<job id>`, kept a day; Redis being down only
// means redoing work.
class RedisProgressPort final : public ProgressPort {
 public:
  RedisProgressPort(platform::RedisClient& redis, std::string key_prefix)
      : redis_(redis), prefix_(std::move(key_prefix)) {}
  Json Load(const std::string& job_id) override;
  void Store(const std::string& job_id, const Json& progress) override;
  void Clear(const std::string& job_id) override;
  std::string Key(const std::string& job_id) const;

 private:
  platform::RedisClient& redis_;
  std::string prefix_;
};

}  // namespace moodtape::worker
