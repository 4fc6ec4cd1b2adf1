// The test-only Echo service (callback API), one handler per gRPC call kind. Each handler
// reports what the platform told it about the call, so tests can check propagation end to end.
#pragma once

#include <chrono>
#include <thread>

#include "moodtape/testing/v1/echo.grpc.pb.h"
#include "platform/grpc/call_context.h"

namespace moodtape::testing {

using namespace moodtape::testing::v1;  // NOLINT: test-only brevity

class EchoServiceImpl final : public EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const EchoRequest* req,
                                 EchoResponse* res) override {
    auto* reactor = ctx->DefaultReactor();
    if (req->delay_ms() > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(req->delay_ms()));
    if (req->fail_with_code() != 0) {
      reactor->Finish(
          grpc::Status(static_cast<grpc::StatusCode>(req->fail_with_code()), "echo asked to fail"));
      return reactor;
    }
    auto call = platform::CallContextOf(ctx);
    res->set_text(req->text());
    res->set_request_id(call->request_id);
    res->set_trace_id(call->trace.trace_id);
    res->set_caller(call->caller);
    if (call->user) res->set_user_id(call->user->subject);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerWriteReactor<EchoServerStreamResponse>* EchoServerStream(
      grpc::CallbackServerContext*, const EchoServerStreamRequest* req) override {
    class Writer : public grpc::ServerWriteReactor<EchoServerStreamResponse> {
     public:
      Writer(std::string text, int count) : text_(std::move(text)), count_(count) { Next(); }
      void OnWriteDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::CANCELLED);
        Next();
      }
      void OnDone() override { delete this; }

     private:
      void Next() {
        if (index_ >= count_) return Finish(grpc::Status::OK);
        msg_.set_text(text_);
        msg_.set_index(index_++);
        StartWrite(&msg_);
      }
      std::string text_;
      int count_;
      int index_ = 0;
      EchoServerStreamResponse msg_;
    };
    return new Writer(req->text(), req->count());
  }

  grpc::ServerReadReactor<EchoClientStreamRequest>* EchoClientStream(
      grpc::CallbackServerContext*, EchoClientStreamResponse* res) override {
    class Reader : public grpc::ServerReadReactor<EchoClientStreamRequest> {
     public:
      explicit Reader(EchoClientStreamResponse* res) : res_(res) { StartRead(&msg_); }
      void OnReadDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::OK);
        res_->set_joined(res_->joined() + msg_.text());
        res_->set_count(res_->count() + 1);
        StartRead(&msg_);
      }
      void OnDone() override { delete this; }

     private:
      EchoClientStreamResponse* res_;
      EchoClientStreamRequest msg_;
    };
    return new Reader(res);
  }

  grpc::ServerBidiReactor<EchoBidiRequest, EchoBidiResponse>* EchoBidi(
      grpc::CallbackServerContext*) override {
    class Bidi : public grpc::ServerBidiReactor<EchoBidiRequest, EchoBidiResponse> {
     public:
      Bidi() { StartRead(&in_); }
      void OnReadDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::OK);
        out_.set_text("echo:" + in_.text());
        StartWrite(&out_);
      }
      void OnWriteDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::CANCELLED);
        StartRead(&in_);
      }
      void OnDone() override { delete this; }

     private:
      EchoBidiRequest in_;
      EchoBidiResponse out_;
    };
    return new Bidi();
  }
};

}  // namespace moodtape::testing
