// BlockingCallPool through a real gRPC server: the body runs off gRPC's callback thread, its
// Status becomes the call's status, and a throwing body is a generic INTERNAL, never a crash.
#include "platform/grpc/blocking_call_pool.h"

#include <atomic>
#include <functional>
#include <future>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "moodtape/testing/v1/echo.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "platform/grpc/status.h"

namespace moodtape::platform {
namespace {

using namespace std::chrono_literals;
using namespace moodtape::testing::v1;

class PooledEcho final : public EchoService::CallbackService {
 public:
  explicit PooledEcho(MetricsRegistry* metrics) : pool_("test", 4, metrics) {}
  std::atomic<int> ran_on_callback_thread{0};

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const EchoRequest* req,
                                 EchoResponse* res) override {
    auto callback_thread = std::this_thread::get_id();
    return pool_.Run(ctx, [this, req, res, callback_thread]() -> Status {
      if (std::this_thread::get_id() == callback_thread) ++ran_on_callback_thread;
      if (req->text() == "throw") throw std::runtime_error("secret detail");
      if (req->fail_with_code() == grpc::StatusCode::NOT_FOUND) {
        return MakeError(ErrorCode::kNotFound, "no such thing");
      }
      if (req->delay_ms() > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(req->delay_ms()));
      res->set_text(req->text());
      return Status::Ok();
    });
  }

 private:
  BlockingCallPool pool_;
};

// A plaintext loopback server running `Service` (built with the metrics registry) and a stub.
template <typename Service>
class PooledServerTest : public ::testing::Test {
 protected:
  PooledServerTest() : service_(&metrics_) {
    GrpcServerOptions o;
    o.service_name = "test";
    o.address = "127.0.0.1:0";
    o.tls.enabled = false;
    server_ = std::make_unique<GrpcServer>(o, metrics_, nullptr);
    server_->AddService(&service_);
    server_->Start();
    ChannelOptions co;
    co.tls.enabled = false;
    stub_ =
        EchoService::NewStub(ChannelFactory(co, metrics_).Create(server_->BoundAddress(), "test"));
  }

  MetricsRegistry metrics_;
  Service service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<EchoService::Stub> stub_;
};

class BlockingCallPoolTest : public PooledServerTest<PooledEcho> {
 protected:
  grpc::Status Call(const std::string& text, int code = 0, int delay_ms = 0,
                    EchoResponse* res = nullptr) {
    EchoResponse spare;
    auto ctx = NewClientContext(10s);
    EchoRequest req;
    req.set_text(text);
    req.set_fail_with_code(code);
    req.set_delay_ms(delay_ms);
    return stub_->Echo(ctx.get(), req, res ? res : &spare);
  }
};

TEST_F(BlockingCallPoolTest, BodyRunsOffTheCallbackThreadAndFinishesTheCall) {
  EchoResponse res;
  ASSERT_TRUE(Call("hello", 0, 0, &res).ok());
  EXPECT_EQ(res.text(), "hello");
  EXPECT_EQ(service_.ran_on_callback_thread.load(), 0);
}

TEST_F(BlockingCallPoolTest, ErrorsMapToGrpcCodes) {
  auto status = Call("x", grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no such thing");
}

TEST_F(BlockingCallPoolTest, ThrowingBodyIsAGenericInternalError) {
  auto status = Call("throw");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message(), "internal error");  // the detail stays in the log
  EXPECT_TRUE(Call("still serving").ok());
}

TEST_F(BlockingCallPoolTest, ManyBlockingCallsAtOnceAllComplete) {
  // More concurrent sleeping bodies than the pool has threads: they queue, none is lost.
  std::vector<std::future<grpc::Status>> calls;
  for (int i = 0; i < 12; ++i) {
    calls.push_back(std::async(std::launch::async, [this] { return Call("slow", 0, 50); }));
  }
  for (auto& c : calls) EXPECT_TRUE(c.get().ok());
  // The pool's accounting ends just after each call is answered; poll, bounded.
  bool drained = false;
  for (int i = 0; i < 2000 && !drained; ++i) {
    drained = metrics_.Render().find("moodtape_blocking_calls_in_flight{pool=\"test\"} 0") !=
              std::string::npos;
    if (!drained) std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(drained);
}

// One thread, one waiting place: the first call holds the thread until the test opens the gate.
class GatedEcho final : public EchoService::CallbackService {
 public:
  explicit GatedEcho(MetricsRegistry* metrics) : pool_("gated", 1, metrics, /*max_queued=*/1) {}
  std::atomic<bool> open{false};
  std::atomic<int> started{0};
  std::atomic<int> ran{0};

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const EchoRequest* req,
                                 EchoResponse* res) override {
    return pool_.Run(ctx, [this, req, res]() -> Status {
      ++started;
      // Bounded: a broken test must not hang the suite.
      for (int i = 0; i < 2000 && !open.load(); ++i) std::this_thread::sleep_for(5ms);
      ++ran;
      res->set_text(req->text());
      return Status::Ok();
    });
  }

 private:
  BlockingCallPool pool_;
};

class BoundedPoolTest : public PooledServerTest<GatedEcho> {
 protected:
  ~BoundedPoolTest() override { service_.open = true; }

  std::future<grpc::Status> CallAsync(std::chrono::milliseconds deadline) {
    return std::async(std::launch::async, [this, deadline] {
      auto ctx = NewClientContext(deadline);
      EchoRequest req;
      req.set_text("x");
      EchoResponse res;
      return stub_->Echo(ctx.get(), req, &res);
    });
  }
  bool WaitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 2000; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
};

TEST_F(BoundedPoolTest, CallsPastTheQueueAreRefusedAtOnceWithARetryHint) {
  auto running = CallAsync(20s);
  ASSERT_TRUE(WaitFor([&] { return service_.started.load() == 1; }));
  auto queued = CallAsync(20s);
  // The pool holds one running and one queued call; the third cannot wait anywhere.
  ASSERT_TRUE(WaitFor([&] {
    return metrics_.Render().find("moodtape_blocking_calls_in_flight{pool=\"gated\"} 2") !=
           std::string::npos;
  }));
  grpc::Status refused = CallAsync(20s).get();  // answered while the gate is still shut
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(FromGrpcStatus(refused).retry_after, std::chrono::milliseconds(1000));
  service_.open = true;
  EXPECT_TRUE(running.get().ok());
  EXPECT_TRUE(queued.get().ok());
  EXPECT_EQ(service_.ran.load(), 2);
  EXPECT_NE(metrics_.Render().find(
                "moodtape_blocking_calls_refused_total{pool=\"gated\",reason=\"queue_full\"} 1"),
            std::string::npos);
}

TEST_F(BoundedPoolTest, ACallWhoseCallerGaveUpWhileQueuedNeverRuns) {
  auto running = CallAsync(20s);
  ASSERT_TRUE(WaitFor([&] { return service_.started.load() == 1; }));
  // Queued behind the running call with a short deadline: the caller gets DEADLINE_EXCEEDED and
  // the body must not run afterwards (no account created for a sign-up already answered 503).
  grpc::Status expired = CallAsync(200ms).get();
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  service_.open = true;
  EXPECT_TRUE(running.get().ok());
  ASSERT_TRUE(WaitFor([&] {
    return metrics_.Render().find(
               "moodtape_blocking_calls_refused_total{pool=\"gated\",reason=\"expired\"} 1") !=
           std::string::npos;
  }));
  EXPECT_EQ(service_.ran.load(), 1);
}

}  // namespace
}  // namespace moodtape::platform
