// The one way a moodtape process calls another: TLS with this process's certificate as the
// client identity (mTLS), the server verified against the CA under its service name, keepalive,
// message limits, a retry policy for UNAVAILABLE, and the client interceptors. Deadlines are set
// per call with NewClientContext (call_context.h).
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "platform/observability/metrics.h"
#include "platform/service/settings.h"

namespace moodtape::platform {

struct ChannelOptions {
  TlsSettings tls;  // this process's CA, certificate and key
  GrpcSettings grpc;
  int max_attempts = 3;  // per call, for UNAVAILABLE only (safe to repeat: nothing happened)
};

class ChannelFactory {
 public:
  ChannelFactory(ChannelOptions options, MetricsRegistry& metrics);

  // `target` is "host:port"; `peer_service` is the name the peer's certificate must carry (its
  // CN/SAN), so addresses can change without touching certificates.
  std::shared_ptr<grpc::Channel> Create(const std::string& target,
                                        const std::string& peer_service) const;

 private:
  ChannelOptions options_;
  MetricsRegistry& metrics_;
  std::string ca_pem_, key_pem_, cert_pem_;
};

}  // namespace moodtape::platform
