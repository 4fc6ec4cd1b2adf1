// The account routes of the gateway: sign-up, log-in, refresh, log-out and /me, as glue between
// the HTTP server and moodtape.auth.v1 (every decision about input, cookies and CSRF lives in
// core/account_requests.h). Handlers run on the HTTP worker pool, so the gRPC calls block.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "moodtape/auth/v1/auth_service.grpc.pb.h"
#include "platform/config.h"
#include "platform/http_server.h"
#include "platform/jwt.h"
#include "platform/user_tokens.h"
#include "services/gateway/request_auth.h"

namespace moodtape::gateway {

struct AccountSettings {
  bool secure_cookies = false;                   // [gateway] secure_cookies: only behind TLS
  std::chrono::milliseconds auth_timeout{5000};  // [gateway] auth_timeout_ms: per auth call
  platform::UserTokenSettings tokens;            // [jwt] issuer, jwks_file
};

// Reads [gateway] secure_cookies, auth_timeout_ms and [jwt].
AccountSettings ReadAccountSettings(platform::Config& config);

class AccountRoutes {
 public:
  AccountRoutes(AccountSettings settings,
                std::shared_ptr<auth::v1::AuthService::StubInterface> auth,
                std::shared_ptr<const RequestAuthenticator> authenticator);

  // Adds the five routes to `server` (exact paths, so they win over the /api/ fallback). `this`
  // must outlive the server's handlers.
  void Register(platform::HttpServer& server);

  platform::HttpResponse SignUp(const platform::HttpRequest& request) const;
  platform::HttpResponse Login(const platform::HttpRequest& request) const;
  platform::HttpResponse Refresh(const platform::HttpRequest& request) const;
  platform::HttpResponse Logout(const platform::HttpRequest& request) const;
  platform::HttpResponse Me(const platform::HttpRequest& request) const;

 private:
  platform::HttpResponse SessionResponse(int status, const auth::v1::User& user,
                                         const auth::v1::Session& session,
                                         bool tokens_in_body) const;

  AccountSettings settings_;
  std::shared_ptr<auth::v1::AuthService::StubInterface> auth_;
  std::shared_ptr<const RequestAuthenticator> authenticator_;
};

}  // namespace moodtape::gateway
