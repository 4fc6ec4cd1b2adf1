#include <chrono>
#include <iostream>

#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/service_glue.h"
#include "platform/security/user_tokens.h"
#include "services/auth/auth_service.h"
#include "services/auth/serve.h"

namespace moodtape::auth {

int RunRotateKeyCommand(std::ostream& out, std::ostream& err) {
  try {
    platform::Config config = platform::LoadProcessConfig();
    auto settings = ReadAuthSettings(config);
    auto tokens = platform::ReadUserTokenSettings(config);
    auto keys = SigningKeys::Open(settings.signing_key_dir, tokens.jwks_file,
                                  platform::SystemClock::Instance());
    auto kid = keys->Rotate();
    if (!kid.ok()) {
      err << "rotate-key: " << kid.error().message << "\n";
      return 1;
    }
    out << *kid << "\n";
    return 0;
  } catch (const platform::ConfigError& e) {
    err << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "rotate-key: " << e.what() << "\n";
    return 1;
  }
}

// An operator's command on the server, not an API: whoever can read the auth certificate may
// already do anything auth can.
int RunMakeAdminCommand(const std::vector<std::string>& args, std::ostream& out,
                        std::ostream& err) {
  if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
    err << "usage: moodtape-auth make-admin LOGIN   (a username or email)\n";
    return 2;
  }
  const std::string& login = args[0];
  try {
    platform::Config config = platform::LoadProcessConfig();
    platform::ChannelOptions options;
    options.tls = platform::ReadTlsSettings(config, "auth");
    platform::MetricsRegistry metrics;
    auto store = store::v1::StoreService::NewStub(
        platform::ChannelFactory(options, metrics)
            .Create(platform::PeerAddress(config, "store"), "store"));
    auto fail = [&](const grpc::Status& status) {
      err << "make-admin: " << status.error_message();
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
        err << " (is the store running? make run starts it)";
      }
      err << "\n";
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
      already = already || role == kAdminRole;
    }
    if (already) {
      out << user.user().username() << " is an admin already\n";
      return 0;
    }
    set.add_roles(kAdminRole);
    store::v1::SetUserRolesResponse updated;
    ctx = platform::NewClientContext(std::chrono::seconds(10));
    if (auto status = store->SetUserRoles(ctx.get(), set, &updated); !status.ok()) {
      return fail(status);
    }
    out << updated.user().username()
        << " is now an admin; tokens issued from now on carry the role (log in again, or wait "
           "for the next refresh)\n";
    return 0;
  } catch (const platform::ConfigError& e) {
    err << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "make-admin: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace moodtape::auth
