// moodtape-auth: who a user is (sign-up, log-in, tokens). Wiring only; the logic is in core/.
//   moodtape-auth               serve (gRPC + admin endpoint)
//   moodtape-auth rotate-key    add a signing key and republish the JWKS, then exit; a running
//                               auth picks it up on SIGHUP (or use POST /admin/rotate-key)
//   moodtape-auth make-admin LOGIN
//                               give an account the admin role (dead letters), through the store
//                               as the auth identity; the first account is an admin already
#include <iostream>
#include <memory>
#include <string>

#include "platform/call_context.h"
#include "platform/grpc_service.h"
#include "platform/grpc_status.h"
#include "platform/http_server.h"
#include "platform/log.h"
#include "platform/redis_client.h"
#include "platform/service_main.h"
#include "platform/user_tokens.h"
#include "services/auth/auth_service.h"
#include "services/auth/redis_attempt_counter.h"

namespace {

using namespace moodtape;

// Members are destroyed bottom-up: the server first, then what its handlers use.
struct RunningAuth {
  auth::AuthSettings settings;
  std::unique_ptr<auth::SigningKeys> keys;
  std::shared_ptr<platform::JwtVerifier> verifier;
  std::unique_ptr<platform::RedisClient> redis;
  std::unique_ptr<auth::RedisAttemptCounter> attempts;
  std::unique_ptr<auth::LoginThrottle> throttle;
  std::unique_ptr<auth::PasswordHasher> hasher;
  std::unique_ptr<platform::ChannelFactory> channels;
  std::unique_ptr<store::v1::StoreService::Stub> store;
  std::unique_ptr<auth::AuthServiceImpl> service;
  std::unique_ptr<platform::GrpcServer> server;
};

int RotateKey() {
  try {
    platform::Config config = platform::LoadProcessConfig();
    auto settings = auth::ReadAuthSettings(config);
    auto tokens = platform::ReadUserTokenSettings(config);
    auto keys = auth::SigningKeys::Open(settings.signing_key_dir, tokens.jwks_file,
                                        platform::SystemClock::Instance());
    auto kid = keys->Rotate();
    if (!kid.ok()) {
      std::cerr << "rotate-key: " << kid.error().message << "\n";
      return 1;
    }
    std::cout << *kid << "\n";
    return 0;
  } catch (const platform::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "rotate-key: " << e.what() << "\n";
    return 1;
  }
}

// An operator's command on the server, not an API: whoever can read the auth certificate may
// already do anything auth can.
int MakeAdmin(int argc, char** argv) {
  if (argc != 3 || argv[2][0] == '-') {
    std::cerr << "usage: moodtape-auth make-admin LOGIN   (a username or email)\n";
    return 2;
  }
  const std::string login = argv[2];
  try {
    platform::Config config = platform::LoadProcessConfig();
    platform::ChannelOptions options;
    options.tls = platform::ReadTlsSettings(config, "auth");
    platform::MetricsRegistry metrics;
    auto store = store::v1::StoreService::NewStub(
        platform::ChannelFactory(options, metrics)
            .Create(platform::PeerAddress(config, "store"), "store"));
    auto fail = [&](const grpc::Status& status) {
      std::cerr << "make-admin: " << status.error_message();
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
        std::cerr << " (is the store running? make run starts it)";
      }
      std::cerr << "\n";
      return 1;
    };
    store::v1::GetUserByLoginRequest get;
    get.set_login(login);
    store::v1::GetUserByLoginResponse user;
    auto ctx = platform::NewClientContext(std::chrono::seconds(10));
    if (auto status = store->GetUserByLogin(ctx.get(), get, &user); !status.ok()) {
      return fail(status);
    }
    store::v1::SetUserRolesRequest set;
    set.set_user_id(user.user().id());
    bool already = false;
    for (const auto& role : user.user().roles()) {
      set.add_roles(role);
      already = already || role == "admin";
    }
    if (already) {
      std::cout << user.user().username() << " is an admin already\n";
      return 0;
    }
    set.add_roles("admin");
    store::v1::SetUserRolesResponse updated;
    ctx = platform::NewClientContext(std::chrono::seconds(10));
    if (auto status = store->SetUserRoles(ctx.get(), set, &updated); !status.ok()) {
      return fail(status);
    }
    std::cout << updated.user().username()
              << " is now an admin; tokens issued from now on carry the role (log in again, or "
                 "wait for the next refresh)\n";
    return 0;
  } catch (const platform::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "make-admin: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "rotate-key") return RotateKey();
  if (argc > 1 && std::string(argv[1]) == "make-admin") return MakeAdmin(argc, argv);
  return platform::RunService("auth", argc, argv, [](platform::ServiceContext& ctx) {
    const platform::Clock& clock = platform::SystemClock::Instance();
    auto running = std::make_shared<RunningAuth>();
    running->settings = auth::ReadAuthSettings(ctx.config);
    const auto tokens = platform::ReadUserTokenSettings(ctx.config);
    running->keys =
        auth::SigningKeys::Open(running->settings.signing_key_dir, tokens.jwks_file, clock);
    // Auth verifies user tokens (GetUser) with its own keys, in memory.
    running->verifier =
        std::make_shared<platform::JwtVerifier>(running->keys->PublicKeys(), tokens.issuer);
    running->redis = std::make_unique<platform::RedisClient>(
        platform::ReadRedisSettings(ctx.config), &ctx.metrics);
    running->attempts = std::make_unique<auth::RedisAttemptCounter>(*running->redis);
    running->throttle = std::make_unique<auth::LoginThrottle>(running->settings.throttle,
                                                              *running->attempts, clock);
    running->hasher = std::make_unique<auth::PasswordHasher>(auth::Argon2Limits::Interactive());
    running->channels = platform::MakeChannelFactory(ctx);
    running->store = store::v1::StoreService::NewStub(
        running->channels->Create(platform::PeerAddress(ctx.config, "store"), "store"));
    running->service = std::make_unique<auth::AuthServiceImpl>(
        running->settings, *running->store, *running->throttle, *running->hasher, *running->keys,
        clock, running->settings.handler_threads, &ctx.metrics);
    running->server = platform::StartGrpcServer(ctx, auth::AuthAccessPolicy(),
                                                {running->service.get()}, running->verifier);

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
  });
}
