#include "platform/grpc/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "platform/grpc/interceptors.h"
#include "platform/grpc/server.h"

namespace moodtape::platform {

ChannelFactory::ChannelFactory(ChannelOptions options, MetricsRegistry& metrics)
    : options_(std::move(options)), metrics_(metrics) {
  if (options_.tls.enabled) {
    // Read once at start-up so a missing file fails the process early, with a clear message.
    ca_pem_ = ReadTlsFile(options_.tls.ca_file, "CA certificate");
    key_pem_ = ReadTlsFile(options_.tls.key_file, "private key");
    cert_pem_ = ReadTlsFile(options_.tls.cert_file, "certificate");
  }
}

std::shared_ptr<grpc::Channel> ChannelFactory::Create(const std::string& target,
                                                      const std::string& peer_service) const {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  grpc::ChannelArguments args;
  if (options_.tls.enabled) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca_pem_;
    ssl.pem_private_key = key_pem_;
    ssl.pem_cert_chain = cert_pem_;
    creds = grpc::SslCredentials(ssl);
    args.SetSslTargetNameOverride(peer_service);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  args.SetMaxReceiveMessageSize(options_.grpc.max_message_bytes);
  args.SetMaxSendMessageSize(options_.grpc.max_message_bytes);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(options_.grpc.keepalive_time.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
              static_cast<int>(options_.grpc.keepalive_timeout.count()));
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  // After a peer restarts, reconnect within a second or two: gRPC's default reconnect backoff
  // grows to 120 s, during which every call fails fast although the peer is back.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  // Retry only UNAVAILABLE: the request never reached a handler, so repeating it is safe.
  args.SetServiceConfigJSON(
      R"({"methodConfig":[{"name":[{}],"retryPolicy":{"maxAttempts":)" +
      std::to_string(options_.max_attempts) +
      R"(,"initialBackoff":"0.05s","maxBackoff":"1s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]})");
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, creds, args, MakeClientInterceptors(&metrics_, peer_service));
}

}  // namespace moodtape::platform
