#include "platform/grpc/service_glue.h"

namespace moodtape::platform {

std::unique_ptr<GrpcServer> StartGrpcServer(ServiceContext& ctx, AccessPolicy policy,
                                            const std::vector<grpc::Service*>& services,
                                            std::shared_ptr<const JwtVerifier> user_tokens) {
  RequireHostPort(ctx.settings.name, "grpc_address", ctx.settings.grpc_address);
  GrpcServerOptions options;
  options.service_name = ctx.settings.name;
  options.address = ctx.settings.grpc_address;
  options.tls = ctx.settings.tls;
  options.grpc = ctx.settings.grpc;
  options.access = std::move(policy);
  options.jwt = std::move(user_tokens);
  auto server = std::make_unique<GrpcServer>(std::move(options), ctx.metrics, &ctx.reporter);
  for (grpc::Service* s : services) server->AddService(s);
  server->Start();
  return server;
}

std::unique_ptr<GrpcServer> StartGrpcListener(ServiceContext& ctx, ExtraListener listener,
                                              const std::vector<grpc::Service*>& services) {
  GrpcServerOptions options;
  options.service_name = listener.name;
  options.address = listener.address;
  options.tls = ctx.settings.tls;
  options.grpc = ctx.settings.grpc;
  options.access = std::move(listener.policy);
  options.jwt = std::move(listener.user_tokens);
  options.require_client_certificate = listener.require_client_certificate;
  options.require_user_token = listener.require_user_token;
  auto server = std::make_unique<GrpcServer>(std::move(options), ctx.metrics, &ctx.reporter);
  for (grpc::Service* s : services) server->AddService(s);
  server->Start();
  return server;
}

std::unique_ptr<ChannelFactory> MakeChannelFactory(ServiceContext& ctx) {
  ChannelOptions options;
  options.tls = ctx.settings.tls;
  options.grpc = ctx.settings.grpc;
  return std::make_unique<ChannelFactory>(std::move(options), ctx.metrics);
}

void DrainGrpcServer(GrpcServer& server, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  server.Shutdown(std::max(left, std::chrono::milliseconds(0)));
}

}  // namespace moodtape::platform
