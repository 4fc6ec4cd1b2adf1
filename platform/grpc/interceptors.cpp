#include "platform/grpc/interceptors.h"

#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include <chrono>
#include <cmath>

#include "platform/base/log.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/status.h"
#include "platform/observability/trace.h"

namespace moodtape::platform {
namespace {

using grpc::experimental::ClientRpcInfo;
using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;
using grpc::experimental::ServerRpcInfo;
using Clock = std::chrono::steady_clock;

const char* ServerTypeLabel(ServerRpcInfo::Type t) {
  switch (t) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

const char* ClientTypeLabel(ClientRpcInfo::Type t) {
  switch (t) {
    case ClientRpcInfo::Type::UNARY:
      return "unary";
    case ClientRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ClientRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ClientRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
    default:
      return "unknown";
  }
}

std::string FirstValue(const std::multimap<grpc::string_ref, grpc::string_ref>& md,
                       std::string_view key) {
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- server: request context -------------------------------------------------------------

class RequestContextInterceptor final : public grpc::experimental::Interceptor {
 public:
  RequestContextInterceptor(ServerRpcInfo* info, std::shared_ptr<const JwtVerifier> jwt)
      : info_(info), jwt_(std::move(jwt)) {}
  ~RequestContextInterceptor() override { UnregisterCallContext(info_->server_context()); }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      BuildContext(*methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA) &&
        !request_id_.empty()) {
      // The caller learns the id it can quote in a bug report.
      methods->GetSendInitialMetadata()->emplace(std::string(kRequestIdKey), request_id_);
    }
    methods->Proceed();
  }

 private:
  void BuildContext(const std::multimap<grpc::string_ref, grpc::string_ref>& md) {
    auto ctx = std::make_shared<CallContext>();
    ctx->method = info_->method();
    ctx->request_id = SanitizeRequestId(FirstValue(md, kRequestIdKey));
    ctx->trace = ContinueOrStartTrace(FirstValue(md, kTraceparentKey));
    auto* server_ctx = info_->server_context();
    ctx->peer = server_ctx->peer();
    if (auto auth = server_ctx->auth_context()) {
      auto cn = auth->FindPropertyValues("x509_common_name");
      if (!cn.empty()) ctx->caller = std::string(cn.front().data(), cn.front().size());
    }
    std::string authorization = FirstValue(md, "authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (jwt_ && authorization.size() > kBearer.size() &&
        authorization.compare(0, kBearer.size(), kBearer) == 0) {
      std::string token = authorization.substr(kBearer.size());
      auto claims = jwt_->Verify(token);
      // With TLS on, CallerAuthorizer has already refused calls with a bad token; with TLS off
      // (debugging) a bad token simply leaves the call without a user.
      if (claims.ok()) {
        ctx->user = std::move(claims).value();
        ctx->bearer_token = std::move(token);
      }
    }
    request_id_ = ctx->request_id;
    RegisterCallContext(server_ctx, std::move(ctx));
  }

  ServerRpcInfo* info_;
  std::shared_ptr<const JwtVerifier> jwt_;
  std::string request_id_;
};

// ---- server: metrics ---------------------------------------------------------------------

struct ServerMetricFamilies {
  Family<Counter>* started;
  Family<Counter>* handled;
  Family<Histogram>* seconds;
  Family<Counter>* msg_received;
  Family<Counter>* msg_sent;

  explicit ServerMetricFamilies(MetricsRegistry& r)
      : started(&r.AddCounter("grpc_server_started_total",
                              "Total number of RPCs started on the server.",
                              {"grpc_type", "grpc_service", "grpc_method"})),
        handled(&r.AddCounter(
            "grpc_server_handled_total",
            "Total number of RPCs completed on the server, regardless of success or failure.",
            {"grpc_type", "grpc_service", "grpc_method", "grpc_code"})),
        seconds(&r.AddHistogram("grpc_server_handling_seconds",
                                "Histogram of response latency (seconds) of gRPC that had been "
                                "application-level handled by the server.",
                                {"grpc_type", "grpc_service", "grpc_method"})),
        msg_received(&r.AddCounter("grpc_server_msg_received_total",
                                   "Total number of RPC stream messages received on the server.",
                                   {"grpc_type", "grpc_service", "grpc_method"})),
        msg_sent(&r.AddCounter("grpc_server_msg_sent_total",
                               "Total number of gRPC stream messages sent by the server.",
                               {"grpc_type", "grpc_service", "grpc_method"})) {}
};

class ServerMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  ServerMetricsInterceptor(ServerRpcInfo* info, const ServerMetricFamilies& f) : f_(f) {
    auto [service, method] = SplitGrpcMethod(info->method());
    labels_ = {ServerTypeLabel(info->type()), service, method};
    f_.started->WithLabels(labels_).Inc();
  }
  ~ServerMetricsInterceptor() override {
    // No status was sent: the call was cancelled (client gone, deadline, shutdown).
    if (!done_) Finish(grpc::StatusCode::CANCELLED);
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      f_.msg_received->WithLabels(labels_).Inc();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      f_.msg_sent->WithLabels(labels_).Inc();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && !done_) {
      Finish(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Finish(grpc::StatusCode code) {
    done_ = true;
    f_.handled->WithLabels({labels_[0], labels_[1], labels_[2], std::string(GrpcCodeLabel(code))})
        .Inc();
    f_.seconds->WithLabels(labels_).Observe(SecondsSince(start_));
  }

  const ServerMetricFamilies& f_;
  std::vector<std::string> labels_;
  Clock::time_point start_ = Clock::now();
  bool done_ = false;
};

// ---- server: access log + error reporting --------------------------------------------------

class AccessLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  AccessLogInterceptor(ServerRpcInfo* info, ErrorReporter* reporter)
      : info_(info), reporter_(reporter) {}
  ~AccessLogInterceptor() override {
    if (!done_) Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      ++received_;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) ++sent_;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && !done_) {
      Finish(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void Finish(const grpc::Status& status) {
    done_ = true;
    auto ctx = CallContextOf(info_->server_context());
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
    LogFields fields = {{"rpc", info_->method()},
                        {"grpc_type", ServerTypeLabel(info_->type())},
                        {"code", std::string(GrpcCodeLabel(status.error_code()))},
                        {"duration_ms", std::round(ms * 1000) / 1000},
                        {"request_id", ctx->request_id},
                        {"trace_id", ctx->trace.trace_id},
                        {"span_id", ctx->trace.span_id},
                        {"caller", ctx->caller},
                        {"peer", ctx->peer},
                        {"msg_received", received_},
                        {"msg_sent", sent_}};
    if (ctx->user) fields["user_id"] = ctx->user->subject;
    if (!status.ok()) fields["error"] = status.error_message();
    bool fault = IsServerFault(status.error_code());
    Log(fault ? LogLevel::kError : LogLevel::kInfo, "grpc call", fields);
    if (fault && reporter_ != nullptr) {
      reporter_->Report(std::string(info_->method()) + ": " + status.error_message(),
                        {{"rpc", info_->method()},
                         {"code", std::string(GrpcCodeLabel(status.error_code()))},
                         {"request_id", ctx->request_id},
                         {"trace_id", ctx->trace.trace_id}});
    }
  }

  ServerRpcInfo* info_;
  ErrorReporter* reporter_;
  Clock::time_point start_ = Clock::now();
  int received_ = 0;
  int sent_ = 0;
  bool done_ = false;
};

class RequestContextFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RequestContextFactory(std::shared_ptr<const JwtVerifier> jwt) : jwt_(std::move(jwt)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new RequestContextInterceptor(info, jwt_);
  }

 private:
  std::shared_ptr<const JwtVerifier> jwt_;
};

class ServerMetricsFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerMetricsFactory(MetricsRegistry& r) : families_(r) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new ServerMetricsInterceptor(info, families_);
  }

 private:
  ServerMetricFamilies families_;
};

class AccessLogFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AccessLogFactory(ErrorReporter* reporter) : reporter_(reporter) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new AccessLogInterceptor(info, reporter_);
  }

 private:
  ErrorReporter* reporter_;
};

// ---- client: metrics + log ---------------------------------------------------------------

struct ClientMetricFamilies {
  Family<Counter>* started;
  Family<Counter>* handled;
  Family<Histogram>* seconds;
  Family<Counter>* msg_received;
  Family<Counter>* msg_sent;

  explicit ClientMetricFamilies(MetricsRegistry& r)
      : started(&r.AddCounter("grpc_client_started_total",
                              "Total number of RPCs started on the client.",
                              {"grpc_type", "grpc_service", "grpc_method"})),
        handled(&r.AddCounter(
            "grpc_client_handled_total",
            "Total number of RPCs completed by the client, regardless of success or failure.",
            {"grpc_type", "grpc_service", "grpc_method", "grpc_code"})),
        seconds(&r.AddHistogram("grpc_client_handling_seconds",
                                "Histogram of response latency (seconds) of the gRPC until it is "
                                "finished by the application.",
                                {"grpc_type", "grpc_service", "grpc_method"})),
        msg_received(&r.AddCounter("grpc_client_msg_received_total",
                                   "Total number of RPC stream messages received by the client.",
                                   {"grpc_type", "grpc_service", "grpc_method"})),
        msg_sent(&r.AddCounter("grpc_client_msg_sent_total",
                               "Total number of gRPC stream messages sent by the client.",
                               {"grpc_type", "grpc_service", "grpc_method"})) {}
};

class ClientInterceptor final : public grpc::experimental::Interceptor {
 public:
  ClientInterceptor(ClientRpcInfo* info, const ClientMetricFamilies& f, const std::string& peer)
      : info_(info), f_(f), peer_(peer) {
    auto [service, method] = SplitGrpcMethod(info->method());
    labels_ = {ClientTypeLabel(info->type()), service, method};
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      f_.started->WithLabels(labels_).Inc();
      if (info_->client_context()->deadline() == std::chrono::system_clock::time_point::max()) {
        // Every call must have a deadline (NewClientContext sets one); say so loudly.
        LogWarn("grpc client call without a deadline",
                {{"rpc", info_->method()}, {"peer_service", peer_}});
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      f_.msg_sent->WithLabels(labels_).Inc();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      f_.msg_received->WithLabels(labels_).Inc();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      const grpc::Status* status = methods->GetRecvStatus();
      grpc::StatusCode code = status ? status->error_code() : grpc::StatusCode::UNKNOWN;
      f_.handled->WithLabels({labels_[0], labels_[1], labels_[2], std::string(GrpcCodeLabel(code))})
          .Inc();
      double secs = SecondsSince(start_);
      f_.seconds->WithLabels(labels_).Observe(secs);
      if (code != grpc::StatusCode::OK || LogEnabled(LogLevel::kDebug)) {
        Log(code == grpc::StatusCode::OK ? LogLevel::kDebug : LogLevel::kWarn, "grpc client call",
            {{"rpc", info_->method()},
             {"peer_service", peer_},
             {"code", std::string(GrpcCodeLabel(code))},
             {"duration_ms", std::round(secs * 1e6) / 1000},
             {"error", status ? status->error_message() : ""}});
      }
    }
    methods->Proceed();
  }

 private:
  ClientRpcInfo* info_;
  const ClientMetricFamilies& f_;
  const std::string& peer_;
  std::vector<std::string> labels_;
  Clock::time_point start_ = Clock::now();
};

class ClientFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  ClientFactory(MetricsRegistry& r, std::string peer) : families_(r), peer_(std::move(peer)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(ClientRpcInfo* info) override {
    return new ClientInterceptor(info, families_, peer_);
  }

 private:
  ClientMetricFamilies families_;
  std::string peer_;
};

}  // namespace

std::pair<std::string, std::string> SplitGrpcMethod(std::string_view full) {
  if (full.size() > 1 && full[0] == '/') {
    size_t slash = full.find('/', 1);
    if (slash != std::string_view::npos && slash + 1 < full.size()) {
      return {std::string(full.substr(1, slash - 1)), std::string(full.substr(slash + 1))};
    }
  }
  return {"unknown", std::string(full)};
}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeServerInterceptors(const ServerInterceptorDeps& deps) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<RequestContextFactory>(deps.jwt));
  out.push_back(std::make_unique<ServerMetricsFactory>(*deps.metrics));
  out.push_back(std::make_unique<AccessLogFactory>(deps.reporter));
  return out;
}

std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
MakeClientInterceptors(MetricsRegistry* metrics, std::string peer_service) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<ClientFactory>(*metrics, std::move(peer_service)));
  return out;
}

}  // namespace moodtape::platform
