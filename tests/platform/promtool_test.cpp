// The /metrics text of a registry that real gRPC traffic (all four call kinds, errors, a denied
// call) has filled must pass Prometheus' own checker.
#include <fstream>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "tests/platform/echo_service.h"
#include "tests/support/test_support.h"

namespace moodtape::platform {
namespace {

using namespace std::chrono_literals;
using namespace moodtape::testing::v1;

TEST(PromtoolTest, MetricsTextPassesPromtoolCheck) {
  MetricsRegistry metrics;
  moodtape::testing::EchoServiceImpl service;
  GrpcServerOptions opts;
  opts.service_name = "store";
  opts.address = "127.0.0.1:0";
  opts.tls.enabled = false;
  GrpcServer server(opts, metrics, nullptr);
  server.AddService(&service);
  server.Start();

  ChannelOptions co;
  co.tls.enabled = false;
  auto stub = EchoService::NewStub(
      ChannelFactory(co, metrics).Create("127.0.0.1:" + std::to_string(server.port()), "store"));
  for (int code : {0, 3, 13}) {
    auto ctx = NewClientContext(2s);
    EchoRequest req;
    req.set_fail_with_code(code);
    EchoResponse res;
    stub->Echo(ctx.get(), req, &res);
  }
  {
    auto ctx = NewClientContext(2s);
    EchoServerStreamRequest req;
    req.set_count(2);
    auto reader = stub->EchoServerStream(ctx.get(), req);
    EchoServerStreamResponse m;
    while (reader->Read(&m)) {
    }
    reader->Finish();
  }
  {
    auto ctx = NewClientContext(2s);
    auto stream = stub->EchoBidi(ctx.get());
    EchoBidiRequest in;
    stream->Write(in);
    EchoBidiResponse out;
    stream->Read(&out);
    stream->WritesDone();
    stream->Finish();
  }
  metrics
      .AddGauge("moodtape_test_temperature_celsius", "A gauge with an awkward \"label\".", {"what"})
      .WithLabels({"quote\" back\\slash"})
      .Set(-1.5);
  server.Shutdown(1s);

  moodtape::testing::TempDir dir;
  std::string file = dir.File("metrics.txt");
  {
    std::ofstream out(file);
    out << metrics.Render();
  }
  std::string output;
  // promtool reads the exposition from stdin.
  int rc = moodtape::testing::RunCommand({"sh", "-c", "promtool check metrics < " + file}, &output);
  EXPECT_EQ(rc, 0) << output << "\n---\n" << metrics.Render();
  EXPECT_NE(metrics.Render().find("grpc_server_handled_total"), std::string::npos);
  EXPECT_NE(metrics.Render().find("grpc_client_handling_seconds_bucket"), std::string::npos);
}

}  // namespace
}  // namespace moodtape::platform
