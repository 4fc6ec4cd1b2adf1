#include "services/auth/serve.h"

#include <memory>
#include <stdexcept>

#include "platform/grpc/service_glue.h"
#include "platform/http/server.h"
#include "platform/redis/client.h"
#include "platform/security/user_tokens.h"
#include "services/auth/auth_service.h"
#include "services/auth/redis_attempt_counter.h"

namespace moodtape::auth {
namespace {

// Members are destroyed bottom-up: the server first, then what its handlers use.
struct RunningAuth {
  AuthSettings settings;
  std::unique_ptr<SigningKeys> keys;
  std::shared_ptr<platform::JwtVerifier> verifier;
  std::unique_ptr<platform::RedisClient> redis;
  std::unique_ptr<RedisAttemptCounter> attempts;
  std::unique_ptr<LoginThrottle> throttle;
  std::unique_ptr<PasswordHasher> hasher;
  std::unique_ptr<platform::ChannelFactory> channels;
  std::unique_ptr<store::v1::StoreService::Stub> store;
  std::unique_ptr<AuthServiceImpl> service;
  std::unique_ptr<platform::GrpcServer> server;
};

}  // namespace

platform::ServiceHooks Start(platform::ServiceContext& ctx) {
  const platform::Clock& clock = platform::SystemClock::Instance();
  auto running = std::make_shared<RunningAuth>();
  running->settings = ReadAuthSettings(ctx.config);
  const auto tokens = platform::ReadUserTokenSettings(ctx.config);
  running->keys = SigningKeys::Open(running->settings.signing_key_dir, tokens.jwks_file, clock);
  // Auth verifies user tokens (GetUser) with its own keys, in memory.
  running->verifier =
      std::make_shared<platform::JwtVerifier>(running->keys->PublicKeys(), tokens.issuer);
  running->redis = std::make_unique<platform::RedisClient>(platform::ReadRedisSettings(ctx.config),
                                                           &ctx.metrics);
  running->attempts = std::make_unique<RedisAttemptCounter>(*running->redis);
  running->throttle =
      std::make_unique<LoginThrottle>(running->settings.throttle, *running->attempts, clock);
  running->hasher = std::make_unique<PasswordHasher>(Argon2Limits::Interactive());
  running->channels = platform::MakeChannelFactory(ctx);
  running->store = store::v1::StoreService::NewStub(
      running->channels->Create(platform::PeerAddress(ctx.config, "store"), "store"));
  running->service =
      std::make_unique<AuthServiceImpl>(running->settings, *running->store, *running->throttle,
                                        *running->hasher, *running->keys, clock, &ctx.metrics);
  running->server = platform::StartGrpcServer(ctx, AuthAccessPolicy(), {running->service.get()},
                                              running->verifier);

  // New keys sign at once; other services trust them after they reload the JWKS (SIGHUP).
  ctx.admin.AddRoute("POST", "/admin/rotate-key", [running](const platform::HttpRequest& req) {
    auto kid = running->keys->Rotate();
    if (!kid.ok()) return platform::ErrorResponse(kid.error(), req.request_id);
    running->verifier->SetKeys(running->keys->PublicKeys());
    return platform::JsonResponse(200, {{"kid", *kid}});
  });

  platform::ServiceHooks hooks;
  hooks.reload = [running] {
    auto status = running->keys->Reload();
    if (!status.ok()) throw std::runtime_error(status.error().message);
    running->verifier->SetKeys(running->keys->PublicKeys());
  };
  hooks.stop = [running](std::chrono::steady_clock::time_point deadline) {
    platform::DrainGrpcServer(*running->server, deadline);
  };
  hooks.addresses = {{"grpc", running->server->BoundAddress()}};
  return hooks;
}

}  // namespace moodtape::auth
