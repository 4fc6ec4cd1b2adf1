// The one way a moodtape service serves gRPC: TLS with required client certificates (mTLS),
// per-method caller authorisation, the standard interceptors, health and reflection services,
// keepalive and message limits, and a graceful drain.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/server.h>

#include "platform/grpc/auth.h"
#include "platform/observability/metrics.h"
#include "platform/security/jwt.h"
#include "platform/service/error_reporter.h"
#include "platform/service/settings.h"

namespace moodtape::platform {

struct GrpcServerOptions {
  std::string service_name;  // for logs
  std::string address;       // "127.0.0.1:50051"; port 0 picks a free port (tests)
  TlsSettings tls;
  GrpcSettings grpc;
  AccessPolicy access;                     // enforced whenever TLS is on
  std::shared_ptr<const JwtVerifier> jwt;  // null: calls with a user token are refused
  // Server-side TLS only (no client certificate): for clients outside moodtape, such as the
  // source project's, which trust the CA but have no certificate of their own. The access
  // policy then sees an empty caller, so only "*" rules admit calls.
  bool require_client_certificate = true;
  // Every call must carry a verified user token (`authorization: Bearer <access token>`): what
  // stands in for the client certificate on a listener without one that is reachable beyond
  // loopback.
  bool require_user_token = false;
};

// Reads a whole file for TLS material; throws with a message that says how to fix it.
std::string ReadTlsFile(const std::string& path, const std::string& what);

class GrpcServer {
 public:
  GrpcServer(GrpcServerOptions options, MetricsRegistry& metrics, ErrorReporter* reporter);
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // Register before Start(). The server does not own the services.
  void AddService(grpc::Service* service);

  // Binds and starts serving; throws std::runtime_error when it cannot (bad certificates, the
  // port is taken).
  void Start();
  int port() const { return port_; }
  // The configured host with the port actually bound ("127.0.0.1:50053"; differs from the
  // configured address when that asked for port 0).
  std::string BoundAddress() const;

  // Marks the health service NOT_SERVING, stops accepting calls and waits up to `drain` for
  // calls in flight, then cancels what is left.
  void Shutdown(std::chrono::milliseconds drain);

 private:
  GrpcServerOptions options_;
  MetricsRegistry& metrics_;
  ErrorReporter* reporter_;
  std::vector<grpc::Service*> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace moodtape::platform
