// The gRPC platform end to end over loopback: server builder, channel factory, interceptors,
// caller allow-list, JWT checks, TLS/mTLS handshakes, graceful drain and error reporting.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include "platform/base/encoding.h"
#include "platform/base/log.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "platform/observability/metrics.h"
#include "tests/platform/echo_service.h"
#include "tests/support/test_support.h"

namespace moodtape::platform {
namespace {

using namespace std::chrono_literals;
using moodtape::testing::EchoServiceImpl;
using namespace moodtape::testing::v1;

// Certificates for the whole suite: one CA with a server ("store") and two callers, and a
// second, unrelated CA whose certificate the server must refuse.
class Certs {
 public:
  Certs() {
    std::string script = moodtape::testing::SourceDir() + "/scripts/dev_certs.sh";
    EXPECT_EQ(moodtape::testing::RunCommand({script, dir_.path(), "store", "gateway", "intruder"}),
              0);
    EXPECT_EQ(moodtape::testing::RunCommand({script, rogue_.path(), "gateway"}), 0);
  }
  TlsSettings For(const std::string& name, bool rogue = false) const {
    const auto& d = rogue ? rogue_ : dir_;
    return TlsSettings{true, d.File("ca.crt"), d.File(name + ".crt"), d.File(name + ".key")};
  }

 private:
  moodtape::testing::TempDir dir_;
  moodtape::testing::TempDir rogue_;
};

const Certs& SuiteCerts() {
  static Certs* certs = new Certs();
  return *certs;
}

struct Harness {
  MetricsRegistry metrics;
  EchoServiceImpl service;
  std::unique_ptr<GrpcServer> server;

  explicit Harness(GrpcServerOptions opts, ErrorReporter* reporter = nullptr) {
    opts.address = "127.0.0.1:0";
    server = std::make_unique<GrpcServer>(std::move(opts), metrics, reporter);
    server->AddService(&service);
    server->Start();
  }
  std::string target() const { return "127.0.0.1:" + std::to_string(server->port()); }
  std::unique_ptr<EchoService::Stub> Stub(TlsSettings tls,
                                          MetricsRegistry* client_metrics = nullptr) {
    ChannelOptions co;
    co.tls = std::move(tls);
    static MetricsRegistry spare;
    ChannelFactory factory(co, client_metrics ? *client_metrics : spare);
    return EchoService::NewStub(factory.Create(target(), "store"));
  }
};

GrpcServerOptions PlainOptions() {
  GrpcServerOptions o;
  o.service_name = "store";
  o.tls.enabled = false;
  return o;
}

GrpcServerOptions MutualTlsOptions(AccessPolicy policy,
                                   std::shared_ptr<const JwtVerifier> jwt = nullptr) {
  GrpcServerOptions o;
  o.service_name = "store";
  o.tls = SuiteCerts().For("store");
  o.access = std::move(policy);
  o.jwt = std::move(jwt);
  return o;
}

TlsSettings NoTls() { return TlsSettings{false, "", "", ""}; }

TEST(GrpcPlatformTest, UnaryPropagatesRequestIdAndTrace) {
  Harness h(PlainOptions());
  auto stub = h.Stub(NoTls());
  CallContext parent;
  parent.request_id = "req-abc.123";
  parent.trace = ContinueOrStartTrace("");
  auto ctx = NewClientContext(2s, &parent);
  EchoRequest req;
  req.set_text("hi");
  EchoResponse res;
  ASSERT_TRUE(stub->Echo(ctx.get(), req, &res).ok());
  EXPECT_EQ(res.text(), "hi");
  EXPECT_EQ(res.request_id(), "req-abc.123");
  EXPECT_EQ(res.trace_id(), parent.trace.trace_id);
  EXPECT_EQ(res.caller(), "");  // no TLS, no identity
  auto md = ctx->GetServerInitialMetadata();
  auto it = md.find("x-request-id");
  ASSERT_NE(it, md.end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "req-abc.123");
}

TEST(GrpcPlatformTest, HostileRequestIdIsReplaced) {
  Harness h(PlainOptions());
  auto stub = h.Stub(NoTls());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 2s);
  ctx.AddMetadata("x-request-id", "bad id\"} {\"level\":\"fake");
  EchoRequest req;
  EchoResponse res;
  ASSERT_TRUE(stub->Echo(&ctx, req, &res).ok());
  EXPECT_EQ(res.request_id().size(), 32u);
}

TEST(GrpcPlatformTest, AllFourCallKindsWorkAndAreMeasured) {
  Harness h(PlainOptions());
  MetricsRegistry client_metrics;
  auto stub = h.Stub(NoTls(), &client_metrics);

  {  // unary, one OK and one failure
    EchoRequest req;
    EchoResponse res;
    auto ctx = NewClientContext(2s);
    ASSERT_TRUE(stub->Echo(ctx.get(), req, &res).ok());
    req.set_fail_with_code(grpc::StatusCode::NOT_FOUND);
    auto ctx2 = NewClientContext(2s);
    EXPECT_EQ(stub->Echo(ctx2.get(), req, &res).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {  // server streaming: 3 messages out
    EchoServerStreamRequest req;
    req.set_text("s");
    req.set_count(3);
    auto ctx = NewClientContext(2s);
    auto reader = stub->EchoServerStream(ctx.get(), req);
    EchoServerStreamResponse msg;
    int n = 0;
    while (reader->Read(&msg)) EXPECT_EQ(msg.index(), n++);
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_EQ(n, 3);
  }
  {  // client streaming: 4 messages in
    auto ctx = NewClientContext(2s);
    EchoClientStreamResponse res;
    auto writer = stub->EchoClientStream(ctx.get(), &res);
    for (const char* t : {"a", "b", "c", "d"}) {
      EchoClientStreamRequest m;
      m.set_text(t);
      ASSERT_TRUE(writer->Write(m));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(res.joined(), "abcd");
    EXPECT_EQ(res.count(), 4);
  }
  {  // bidirectional: 2 in, 2 out
    auto ctx = NewClientContext(2s);
    auto stream = stub->EchoBidi(ctx.get());
    for (const char* t : {"x", "y"}) {
      EchoBidiRequest in;
      in.set_text(t);
      ASSERT_TRUE(stream->Write(in));
      EchoBidiResponse out;
      ASSERT_TRUE(stream->Read(&out));
      EXPECT_EQ(out.text(), std::string("echo:") + t);
    }
    stream->WritesDone();
    EXPECT_TRUE(stream->Finish().ok());
  }

  std::string server = h.metrics.Render();
  const std::string svc = "grpc_service=\"moodtape.testing.v1.EchoService\"";
  auto has = [&](const std::string& text, const std::string& needle) {
    EXPECT_NE(text.find(needle), std::string::npos) << "missing: " << needle << "\n" << text;
  };
  // The interceptor finishes its bookkeeping right after the status is sent; allow it a moment.
  ASSERT_TRUE(moodtape::testing::WaitUntil(
      [&] {
        return h.metrics.Render().find("grpc_method=\"EchoBidi\",grpc_code=\"OK\"} 1") !=
               std::string::npos;
      },
      2s));
  server = h.metrics.Render();
  has(server, "grpc_server_started_total{grpc_type=\"unary\"," + svc + ",grpc_method=\"Echo\"} 2");
  has(server, "grpc_server_handled_total{grpc_type=\"unary\"," + svc +
                  ",grpc_method=\"Echo\",grpc_code=\"OK\"} 1");
  has(server, "grpc_server_handled_total{grpc_type=\"unary\"," + svc +
                  ",grpc_method=\"Echo\",grpc_code=\"NotFound\"} 1");
  has(server, "grpc_server_handled_total{grpc_type=\"server_stream\"," + svc +
                  ",grpc_method=\"EchoServerStream\",grpc_code=\"OK\"} 1");
  has(server, "grpc_server_msg_sent_total{grpc_type=\"server_stream\"," + svc +
                  ",grpc_method=\"EchoServerStream\"} 3");
  has(server, "grpc_server_msg_received_total{grpc_type=\"client_stream\"," + svc +
                  ",grpc_method=\"EchoClientStream\"} 4");
  has(server, "grpc_server_handled_total{grpc_type=\"bidi_stream\"," + svc +
                  ",grpc_method=\"EchoBidi\",grpc_code=\"OK\"} 1");
  has(server, "grpc_server_msg_received_total{grpc_type=\"bidi_stream\"," + svc +
                  ",grpc_method=\"EchoBidi\"} 2");
  has(server,
      "grpc_server_handling_seconds_count{grpc_type=\"unary\"," + svc + ",grpc_method=\"Echo\"} 2");

  std::string client = client_metrics.Render();
  has(client, "grpc_client_started_total{grpc_type=\"unary\"," + svc + ",grpc_method=\"Echo\"} 2");
  has(client, "grpc_client_handled_total{grpc_type=\"unary\"," + svc +
                  ",grpc_method=\"Echo\",grpc_code=\"NotFound\"} 1");
  has(client, "grpc_client_msg_received_total{grpc_type=\"server_stream\"," + svc +
                  ",grpc_method=\"EchoServerStream\"} 3");
  has(client, "grpc_client_msg_sent_total{grpc_type=\"client_stream\"," + svc +
                  ",grpc_method=\"EchoClientStream\"} 4");
  has(client, "grpc_client_handled_total{grpc_type=\"bidi_stream\"," + svc +
                  ",grpc_method=\"EchoBidi\",grpc_code=\"OK\"} 1");
}

TEST(GrpcPlatformTest, AccessLogLineHasTheCallFields) {
  std::mutex mu;
  std::vector<nlohmann::json> lines;
  SetLogSink([&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.push_back(nlohmann::json::parse(line));
  });
  {
    Harness h(PlainOptions());
    auto stub = h.Stub(NoTls());
    CallContext parent;
    parent.request_id = "log-test-1";
    parent.trace = ContinueOrStartTrace("");
    auto ctx = NewClientContext(2s, &parent);
    EchoRequest req;
    req.set_fail_with_code(grpc::StatusCode::INVALID_ARGUMENT);
    EchoResponse res;
    stub->Echo(ctx.get(), req, &res);
    ASSERT_TRUE(moodtape::testing::WaitUntil(
        [&] {
          std::lock_guard lock(mu);
          for (auto& l : lines)
            if (l.value("msg", "") == "grpc call") return true;
          return false;
        },
        2s));
  }
  SetLogSink(nullptr);
  std::lock_guard lock(mu);
  nlohmann::json call;
  for (auto& l : lines)
    if (l.value("msg", "") == "grpc call") call = l;
  EXPECT_EQ(call["rpc"], "/moodtape.testing.v1.EchoService/Echo");
  EXPECT_EQ(call["grpc_type"], "unary");
  EXPECT_EQ(call["code"], "InvalidArgument");
  EXPECT_EQ(call["request_id"], "log-test-1");
  EXPECT_EQ(call["level"], "info");  // a caller error is not a server fault
  EXPECT_EQ(call["service"].is_string(), true);
  EXPECT_TRUE(call["duration_ms"].is_number());
  EXPECT_EQ(call["trace_id"].get<std::string>().size(), 32u);
  EXPECT_TRUE(call.contains("ts"));
}

TEST(GrpcPlatformTest, MutualTlsIdentifiesCallerAndAppliesAllowList) {
  AccessPolicy policy;
  policy.Allow("/moodtape.testing.v1.EchoService/Echo", {"gateway"})
      .Allow("/moodtape.testing.v1.EchoService/EchoServerStream", {"*"});
  Harness h(MutualTlsOptions(policy));

  auto gateway = h.Stub(SuiteCerts().For("gateway"));
  EchoRequest req;
  req.set_text("hello");
  EchoResponse res;
  auto ctx = NewClientContext(5s);
  auto status = gateway->Echo(ctx.get(), req, &res);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(res.caller(), "gateway");

  auto intruder = h.Stub(SuiteCerts().For("intruder"));
  auto ctx2 = NewClientContext(5s);
  status = intruder->Echo(ctx2.get(), req, &res);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("intruder"), std::string::npos);

  // A method open to every authenticated service, and methods nobody listed.
  EchoServerStreamRequest sreq;
  sreq.set_count(1);
  auto ctx3 = NewClientContext(5s);
  auto reader = intruder->EchoServerStream(ctx3.get(), sreq);
  EchoServerStreamResponse msg;
  while (reader->Read(&msg)) {
  }
  EXPECT_TRUE(reader->Finish().ok());
  auto ctx4 = NewClientContext(5s);
  EchoClientStreamResponse cres;
  auto writer = gateway->EchoClientStream(ctx4.get(), &cres);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);

  EXPECT_NE(h.metrics.Render().find("moodtape_grpc_auth_denied_total"), std::string::npos);
}

TEST(GrpcPlatformTest, HealthServiceIsOpenToAnyServiceWithACertificate) {
  Harness h(MutualTlsOptions(AccessPolicy()));
  ChannelOptions co;
  co.tls = SuiteCerts().For("intruder");
  MetricsRegistry m;
  auto channel = ChannelFactory(co, m).Create(h.target(), "store");
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  // grpc.health.v1.HealthCheckRequest{service: ""} serialises to zero bytes.
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  grpc::GenericStub generic(channel);
  std::promise<grpc::Status> done;
  generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                    [&](grpc::Status s) { done.set_value(s); });
  EXPECT_TRUE(done.get_future().get().ok());
}

TEST(GrpcPlatformTest, ClientWithoutCertificateIsRejected) {
  Harness h(MutualTlsOptions(AccessPolicy().Allow("/moodtape.testing.v1.EchoService/*", {"*"})));
  // TLS with the right CA but no client certificate.
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = moodtape::testing::ReadFile(SuiteCerts().For("gateway").ca_file);
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("store");
  auto stub =
      EchoService::NewStub(grpc::CreateCustomChannel(h.target(), grpc::SslCredentials(ssl), args));
  auto ctx = NewClientContext(3s);
  EchoRequest req;
  EchoResponse res;
  EXPECT_EQ(stub->Echo(ctx.get(), req, &res).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(GrpcPlatformTest, CertificateFromAnotherCaIsRejected) {
  Harness h(MutualTlsOptions(AccessPolicy().Allow("/moodtape.testing.v1.EchoService/*", {"*"})));
  TlsSettings rogue = SuiteCerts().For("gateway", /*rogue=*/true);
  rogue.ca_file = SuiteCerts().For("gateway").ca_file;  // trusts the server, but is not trusted
  auto stub = h.Stub(rogue);
  auto ctx = NewClientContext(3s);
  EchoRequest req;
  EchoResponse res;
  EXPECT_EQ(stub->Echo(ctx.get(), req, &res).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(GrpcPlatformTest, PlaintextClientCannotTalkToTlsServer) {
  Harness h(MutualTlsOptions(AccessPolicy().Allow("/moodtape.testing.v1.EchoService/*", {"*"})));
  auto stub = h.Stub(NoTls());
  auto ctx = NewClientContext(3s);
  EchoRequest req;
  EchoResponse res;
  EXPECT_EQ(stub->Echo(ctx.get(), req, &res).error_code(), grpc::StatusCode::UNAVAILABLE);
}

class JwtOverGrpcTest : public ::testing::Test {
 protected:
  JwtOverGrpcTest()
      : signer_(JwtSigner::GenerateEs256("k1")), clock_(std::chrono::system_clock::now()) {
    auto keys = std::make_shared<JwtKeySet>();
    keys->Add(signer_->PublicKey());
    verifier_ = std::make_shared<JwtVerifier>(keys, "moodtape", &clock_);
    h_ = std::make_unique<Harness>(MutualTlsOptions(
        AccessPolicy().Allow("/moodtape.testing.v1.EchoService/*", {"gateway"}), verifier_));
    stub_ = h_->Stub(SuiteCerts().For("gateway"));
  }

  nlohmann::json Claims(int64_t exp_offset = 900) const {
    auto now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    return {{"iss", "moodtape"}, {"sub", "user-42"}, {"iat", now}, {"exp", now + exp_offset}};
  }

  grpc::Status Call(const std::string& authorization, EchoResponse* res) {
    auto ctx = NewClientContext(5s);
    if (!authorization.empty()) ctx->AddMetadata("authorization", authorization);
    EchoRequest req;
    return stub_->Echo(ctx.get(), req, res);
  }

  std::unique_ptr<JwtSigner> signer_;
  ManualClock clock_;
  std::shared_ptr<JwtVerifier> verifier_;
  std::unique_ptr<Harness> h_;
  std::unique_ptr<EchoService::Stub> stub_;
};

TEST_F(JwtOverGrpcTest, ValidTokenReachesTheHandler) {
  EchoResponse res;
  auto status = Call("Bearer " + signer_->Sign(Claims()), &res);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(res.user_id(), "user-42");
}

TEST_F(JwtOverGrpcTest, NoTokenMeansNoUser) {
  EchoResponse res;
  ASSERT_TRUE(Call("", &res).ok());
  EXPECT_EQ(res.user_id(), "");
}

TEST_F(JwtOverGrpcTest, EveryBadTokenIsRefused) {
  std::string good = signer_->Sign(Claims());
  std::string tampered = good;
  tampered[tampered.find('.') + 5] ^= 1;        // one payload character changed
  auto other = JwtSigner::GenerateEs256("k1");  // same kid, different key
  std::string alg_none = Base64UrlEncode(R"({"alg":"none","kid":"k1"})") + "." +
                         Base64UrlEncode(Claims().dump()) + ".";
  auto wrong_iss = Claims();
  wrong_iss["iss"] = "someone-else";
  for (const std::string& token : {tampered, other->Sign(Claims()), alg_none,
                                   signer_->Sign(wrong_iss), std::string("garbage")}) {
    EchoResponse res;
    EXPECT_EQ(Call("Bearer " + token, &res).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << token;
  }
  EchoResponse res;
  EXPECT_EQ(Call("Basic dXNlcjpwYXNz", &res).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(JwtOverGrpcTest, ExpiredTokenIsRefused) {
  std::string token = signer_->Sign(Claims(/*exp_offset=*/60));
  EchoResponse res;
  ASSERT_TRUE(Call("Bearer " + token, &res).ok());
  clock_.Advance(std::chrono::minutes(5));
  auto status = Call("Bearer " + token, &res);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(status.error_message().find("expired"), std::string::npos);
}

// A listener for clients outside moodtape (the source project's): server-side TLS only, so a
// client with no certificate of its own connects, and with require_user_token each call must
// carry a verified user token instead.
TEST_F(JwtOverGrpcTest, ServerTlsOnlyListenerTakesClientsWithoutCertificatesAndAsksForTokens) {
  for (bool require_token : {false, true}) {
    GrpcServerOptions o = MutualTlsOptions(
        AccessPolicy().Allow("/moodtape.testing.v1.EchoService/*", {"*"}), verifier_);
    o.require_client_certificate = false;
    o.require_user_token = require_token;
    Harness h(std::move(o));
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadTlsFile(SuiteCerts().For("store").ca_file, "CA");
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("store");
    auto stub = EchoService::NewStub(
        grpc::CreateCustomChannel(h.target(), grpc::SslCredentials(ssl), args));
    auto call = [&](const std::string& authorization) {
      auto ctx = NewClientContext(5s);
      if (!authorization.empty()) ctx->AddMetadata("authorization", authorization);
      EchoRequest req;
      EchoResponse res;
      return stub->Echo(ctx.get(), req, &res);
    };
    auto anonymous = call("");
    if (require_token) {
      EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_NE(anonymous.error_message().find("Bearer"), std::string::npos);
    } else {
      EXPECT_TRUE(anonymous.ok()) << anonymous.error_message();
    }
    EXPECT_TRUE(call("Bearer " + signer_->Sign(Claims())).ok());
    EXPECT_EQ(call("Bearer garbage").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST(GrpcPlatformTest, ShutdownDrainsCallsInFlight) {
  Harness h(PlainOptions());
  auto stub = h.Stub(NoTls());
  auto slow = std::async(std::launch::async, [&] {
    auto ctx = NewClientContext(10s);
    EchoRequest req;
    req.set_text("slow");
    req.set_delay_ms(700);
    EchoResponse res;
    return stub->Echo(ctx.get(), req, &res);
  });
  // Wait until the slow call is being handled before asking the server to stop.
  ASSERT_TRUE(moodtape::testing::WaitUntil(
      [&] { return h.metrics.Render().find("grpc_server_started_total{") != std::string::npos; },
      5s));
  auto t0 = std::chrono::steady_clock::now();
  h.server->Shutdown(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);
  EXPECT_TRUE(slow.get().ok());
  auto ctx = NewClientContext(1s);
  EchoRequest req;
  EchoResponse res;
  EXPECT_FALSE(stub->Echo(ctx.get(), req, &res).ok());
}

// A one-shot HTTP endpoint standing in for a Sentry server: records the request it gets.
class FakeDsnServer {
 public:
  FakeDsnServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this] {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      timeval tv{5, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      std::string data;
      char buf[4096];
      while (true) {
        ssize_t n = recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
        size_t head = data.find("\r\n\r\n");
        if (head == std::string::npos) continue;
        size_t cl = data.find("Content-Length: ");
        if (cl == std::string::npos) cl = data.find("content-length: ");
        size_t want = cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 16));
        if (data.size() >= head + 4 + want) break;
      }
      std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
      send(c, ok.data(), ok.size(), MSG_NOSIGNAL);
      close(c);
      std::lock_guard lock(mu_);
      request_ = data;
    });
  }
  ~FakeDsnServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::string request() {
    std::lock_guard lock(mu_);
    return request_;
  }

 private:
  int fd_;
  int port_;
  std::thread thread_;
  std::mutex mu_;
  std::string request_;
};

TEST(GrpcPlatformTest, ServerFaultIsReportedToTheDsn) {
  FakeDsnServer dsn;
  MetricsRegistry reporter_metrics;
  ErrorReporter reporter("http://publickey123@127.0.0.1:" + std::to_string(dsn.port()) + "/42",
                         "store", &reporter_metrics);
  Harness h(PlainOptions(), &reporter);
  auto stub = h.Stub(NoTls());
  CallContext parent;
  parent.request_id = "report-me";
  parent.trace = ContinueOrStartTrace("");
  auto ctx = NewClientContext(2s, &parent);
  EchoRequest req;
  req.set_fail_with_code(grpc::StatusCode::INTERNAL);
  EchoResponse res;
  EXPECT_EQ(stub->Echo(ctx.get(), req, &res).error_code(), grpc::StatusCode::INTERNAL);
  ASSERT_TRUE(moodtape::testing::WaitUntil([&] { return !dsn.request().empty(); }, 5s));
  std::string got = dsn.request();
  EXPECT_NE(got.find("POST /api/42/envelope/ HTTP/1.1"), std::string::npos) << got;
  EXPECT_NE(got.find("sentry_key=publickey123"), std::string::npos) << got;
  EXPECT_NE(got.find("\"type\":\"event\""), std::string::npos) << got;
  EXPECT_NE(got.find("report-me"), std::string::npos) << got;
  EXPECT_NE(got.find("/moodtape.testing.v1.EchoService/Echo"), std::string::npos) << got;
  EXPECT_TRUE(moodtape::testing::WaitUntil(
      [&] {
        return reporter_metrics.Render().find("moodtape_error_reports_total{outcome=\"sent\"} 1") !=
               std::string::npos;
      },
      2s));
}

TEST(GrpcPlatformTest, ClientErrorsAreNotReported) {
  MetricsRegistry reporter_metrics;
  // Port 9 (discard) would fail if anything were sent; nothing should be.
  ErrorReporter reporter("http://k@127.0.0.1:9/1", "store", &reporter_metrics);
  Harness h(PlainOptions(), &reporter);
  auto stub = h.Stub(NoTls());
  auto ctx = NewClientContext(2s);
  EchoRequest req;
  req.set_fail_with_code(grpc::StatusCode::INVALID_ARGUMENT);
  EchoResponse res;
  stub->Echo(ctx.get(), req, &res);
  EXPECT_TRUE(reporter.Flush(2s));
  EXPECT_EQ(reporter_metrics.Render().find("outcome=\"failed\"} 1"), std::string::npos);
}

TEST(ErrorReporterTest, DsnParsing) {
  auto d = ParseSentryDsn("https://abc@o1.ingest.example.com/123");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->envelope_url, "https://o1.ingest.example.com/api/123/envelope/");
  EXPECT_EQ(d->public_key, "abc");
  auto p = ParseSentryDsn("http://key:secret@127.0.0.1:9000/sentry/7");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->envelope_url, "http://127.0.0.1:9000/sentry/api/7/envelope/");
  EXPECT_FALSE(ParseSentryDsn("not a dsn"));
  EXPECT_FALSE(ParseSentryDsn("https://host/1"));
  EXPECT_FALSE(ParseSentryDsn("https://k@host/project"));
  EXPECT_THROW(ErrorReporter("ftp://k@h/1", "x"), std::invalid_argument);
  ErrorReporter off("", "x");
  EXPECT_FALSE(off.enabled());
  off.Report("ignored");
}

}  // namespace
}  // namespace moodtape::platform
