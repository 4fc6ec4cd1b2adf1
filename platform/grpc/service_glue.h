// Glue between RunService and the gRPC server/channel builders, so a service's main.cpp says only
// which services it serves, who may call them and whom it calls.
#pragma once

#include <memory>
#include <vector>

#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "platform/service/service_main.h"

namespace moodtape::platform {

// Starts the gRPC server on settings.grpc_address with the shared TLS, limits and interceptors.
// Throws (start-up) when it cannot listen. Drain it in ServiceHooks::stop.
std::unique_ptr<GrpcServer> StartGrpcServer(
    ServiceContext& ctx, AccessPolicy policy, const std::vector<grpc::Service*>& services,
    std::shared_ptr<const JwtVerifier> user_tokens = nullptr);

// A further listener of the same process with its own address and rules (the producer's for the
// source project's clients): the process's TLS material, limits and interceptors.
struct ExtraListener {
  std::string name;     // for logs: "producer-legacy"
  std::string address;  // "host:port"
  AccessPolicy policy;
  bool require_client_certificate = true;
  bool require_user_token = false;
  std::shared_ptr<const JwtVerifier> user_tokens;
};
std::unique_ptr<GrpcServer> StartGrpcListener(ServiceContext& ctx, ExtraListener listener,
                                              const std::vector<grpc::Service*>& services);

// Channels to other services with this process's identity.
std::unique_ptr<ChannelFactory> MakeChannelFactory(ServiceContext& ctx);

// Drains `server` by `deadline` (for ServiceHooks::stop).
void DrainGrpcServer(GrpcServer& server, std::chrono::steady_clock::time_point deadline);

}  // namespace moodtape::platform
