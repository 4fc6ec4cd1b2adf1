#include "platform/grpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "platform/base/log.h"
#include "platform/grpc/interceptors.h"

namespace moodtape::platform {

std::string ReadTlsFile(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in || ss.str().empty()) {
    throw std::runtime_error("TLS is on but the " + what + " " + path +
                             " cannot be read: `make run` creates dev certificates under "
                             "var/certs, or set [tls] cert_dir / ca_file, or [tls] enabled = false "
                             "for debugging");
  }
  return ss.str();
}

GrpcServer::GrpcServer(GrpcServerOptions options, MetricsRegistry& metrics, ErrorReporter* reporter)
    : options_(std::move(options)), metrics_(metrics), reporter_(reporter) {}

GrpcServer::~GrpcServer() {
  if (server_ && !shut_down_) Shutdown(std::chrono::milliseconds(0));
}

void GrpcServer::AddService(grpc::Service* service) { services_.push_back(service); }

void GrpcServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::shared_ptr<grpc::ServerCredentials> creds;
  if (options_.tls.enabled) {
    grpc::SslServerCredentialsOptions ssl(
        options_.require_client_certificate
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_root_certs = ReadTlsFile(options_.tls.ca_file, "CA certificate");
    ssl.pem_key_cert_pairs.push_back({ReadTlsFile(options_.tls.key_file, "private key"),
                                      ReadTlsFile(options_.tls.cert_file, "certificate")});
    creds = grpc::SslServerCredentials(ssl);
    creds->SetAuthMetadataProcessor(std::make_shared<CallerAuthorizer>(
        options_.access, options_.jwt, &metrics_, options_.require_user_token));
  } else {
    LogWarn(
        "TLS is off: callers are not authenticated and the per-method allow-list is not "
        "enforced; use this only for debugging",
        {{"service", options_.service_name}});
    creds = grpc::InsecureServerCredentials();
  }

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.address, creds, &port_);
  builder.SetMaxReceiveMessageSize(options_.grpc.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.grpc.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             static_cast<int>(options_.grpc.keepalive_time.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             static_cast<int>(options_.grpc.keepalive_timeout.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Clients ping at most as often as our own keepalive; anything faster is abuse.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             static_cast<int>(options_.grpc.keepalive_time.count() / 2));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  for (grpc::Service* s : services_) builder.RegisterService(s);

  ServerInterceptorDeps deps;
  deps.metrics = &metrics_;
  deps.reporter = reporter_;
  deps.jwt = options_.jwt;
  builder.experimental().SetInterceptorCreators(MakeServerInterceptors(deps));

  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    server_.reset();
    throw std::runtime_error("gRPC server for " + options_.service_name + " cannot listen on " +
                             options_.address + " (is the port taken?)");
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  LogInfo("grpc server listening", {{"address", options_.address},
                                    {"port", port_},
                                    {"tls", !options_.tls.enabled                 ? "off"
                                            : options_.require_client_certificate ? "mutual"
                                                                                  : "server"}});
}

std::string GrpcServer::BoundAddress() const {
  const std::string& a = options_.address;
  return a.substr(0, a.rfind(':') + 1) + std::to_string(port_);
}

void GrpcServer::Shutdown(std::chrono::milliseconds drain) {
  if (!server_ || shut_down_) return;
  shut_down_ = true;
  // Load balancers and health probes see NOT_SERVING first, then in-flight calls may finish.
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(std::chrono::system_clock::now() + drain);
  server_->Wait();
}

}  // namespace moodtape::platform
