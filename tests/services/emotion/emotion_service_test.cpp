// The emotion service's gRPC adapters over real gRPC with mutual TLS: v1 and v2 side by side,
// all four call kinds, input errors, the caller allow-list, and a model reload under load.
#include "services/emotion/emotion_service.h"

#include <atomic>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "platform/grpc/call_context.h"
#include "platform/grpc/channel.h"
#include "platform/grpc/server.h"
#include "services/emotion/core/text.h"
#include "tests/support/test_support.h"

namespace moodtape::emotion {
namespace {

using namespace std::chrono_literals;

// Deterministic stand-in for a trained model: "sad" texts are sadness, everything else is fun.
class FakeModel final : public EmotionModel {
 public:
  explicit FakeModel(std::string version) : version_(std::move(version)) {}
  platform::Result<Prediction> Predict(std::string_view text) const override {
    if (auto status = ValidateText(text); !status.ok()) return status.error();
    Prediction p;
    bool sad = text.find("sad") != std::string_view::npos;
    p.probabilities.fill(0.02);
    p.label = sad ? Emotion::kSadness : Emotion::kFun;
    p.probabilities[EmotionIndex(p.label)] = 1.0 - 0.02 * (kNumEmotions - 1);
    p.valence = sad ? -0.8 : 0.7;
    p.arousal = sad ? -0.6 : 0.6;
    p.model_version = version_;
    return p;
  }
  std::string Version() const override { return version_; }

 private:
  std::string version_;
};

ServedModel Fake(const std::string& version) {
  return ServedModel{std::make_shared<FakeModel>(version),
                     {{"version", version},
                      {"created_at", "2026-11-22T00:00:00Z"},
                      {"dev_scores", {{"accuracy", 0.4}}}}};
}

class EmotionServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new moodtape::testing::TempDir();
    ASSERT_EQ(
        moodtape::testing::RunCommand({moodtape::testing::SourceDir() + "/scripts/dev_certs.sh",
                                       certs_->path(), "emotion", "gateway", "worker", "store"}),
        0);
  }
  static void TearDownTestSuite() { delete certs_; }

  static platform::TlsSettings Tls(const std::string& name) {
    return {true, certs_->File("ca.crt"), certs_->File(name + ".crt"), certs_->File(name + ".key")};
  }

  EmotionServiceTest() : holder_(Fake("v-1")), v1_(holder_), v2_(holder_, /*max_batch=*/5) {
    platform::GrpcServerOptions o;
    o.service_name = "emotion";
    o.address = "127.0.0.1:0";
    o.tls = Tls("emotion");
    o.access = EmotionAccessPolicy();
    server_ = std::make_unique<platform::GrpcServer>(o, metrics_, nullptr);
    server_->AddService(&v1_);
    server_->AddService(&v2_);
    server_->Start();
    channel_ = Channel("gateway");
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& caller) {
    platform::ChannelOptions co;
    co.tls = Tls(caller);
    return platform::ChannelFactory(co, client_metrics_)
        .Create("127.0.0.1:" + std::to_string(server_->port()), "emotion");
  }

  static moodtape::testing::TempDir* certs_;
  platform::MetricsRegistry metrics_, client_metrics_;
  ModelHolder holder_;
  EmotionServiceV1 v1_;
  EmotionServiceV2 v2_;
  std::unique_ptr<platform::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};
moodtape::testing::TempDir* EmotionServiceTest::certs_ = nullptr;

TEST_F(EmotionServiceTest, V1PredictKeepsTheSourceContract) {
  auto stub = v1::EmotionService::NewStub(channel_);
  auto ctx = platform::NewClientContext(5s);
  v1::PredictRequest req;
  req.set_text("so sad today");
  v1::PredictResponse res;
  auto status = stub->Predict(ctx.get(), req, &res);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(res.emotion(), common::v1::EMOTION_SADNESS);
  ASSERT_EQ(res.probabilities_size(), 13);
  EXPECT_EQ(res.probabilities(0).emotion(), common::v1::EMOTION_SADNESS);
  double sum = 0;
  for (const auto& p : res.probabilities()) sum += p.probability();
  EXPECT_NEAR(sum, 1.0, 1e-9);
}

TEST_F(EmotionServiceTest, V2PredictGivesPointTopKAndVersion) {
  auto stub = v2::EmotionService::NewStub(channel_);
  auto ctx = platform::NewClientContext(5s);
  v2::PredictRequest req;
  req.set_text("what a party");
  req.set_top_k(2);
  v2::PredictResponse res;
  ASSERT_TRUE(stub->Predict(ctx.get(), req, &res).ok());
  const auto& p = res.prediction();
  EXPECT_EQ(p.emotion(), common::v1::EMOTION_FUN);
  EXPECT_EQ(p.scores_size(), 13);
  EXPECT_EQ(p.top_size(), 2);
  EXPECT_DOUBLE_EQ(p.point().valence(), 0.7);
  EXPECT_DOUBLE_EQ(p.arousal(), 0.6);
  EXPECT_EQ(p.model_version(), "v-1");
}

TEST_F(EmotionServiceTest, BadInputIsInvalidArgumentOnBothVersions) {
  auto s1 = v1::EmotionService::NewStub(channel_);
  auto s2 = v2::EmotionService::NewStub(channel_);
  for (const std::string& text : {std::string(""), std::string("   \n\t"), std::string(5001, 'a'),
                                  std::string("bad \xff\xfe utf8")}) {
    auto c1 = platform::NewClientContext(5s);
    v1::PredictRequest r1;
    r1.set_text(text);
    v1::PredictResponse o1;
    auto st1 = s1->Predict(c1.get(), r1, &o1);
    EXPECT_EQ(st1.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << text.size();
    EXPECT_FALSE(st1.error_message().empty());
    auto c2 = platform::NewClientContext(5s);
    v2::PredictRequest r2;
    r2.set_text(text);
    v2::PredictResponse o2;
    EXPECT_EQ(s2->Predict(c2.get(), r2, &o2).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  auto c3 = platform::NewClientContext(5s);
  v2::PredictRequest bad_k;
  bad_k.set_text("fine");
  bad_k.set_top_k(14);
  v2::PredictResponse o3;
  EXPECT_EQ(s2->Predict(c3.get(), bad_k, &o3).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Other scripts and emoji still get an answer.
  for (const char* text : {"我今天很难过", "😭😭😭", "Ich bin so glücklich"}) {
    auto c = platform::NewClientContext(5s);
    v2::PredictRequest r;
    r.set_text(text);
    v2::PredictResponse o;
    EXPECT_TRUE(s2->Predict(c.get(), r, &o).ok()) << text;
  }
}

TEST_F(EmotionServiceTest, PredictBatchSummarisesManyTexts) {
  auto stub = v2::EmotionService::NewStub(channel_);
  auto ctx = platform::NewClientContext(5s);
  v2::PredictBatchResponse res;
  auto writer = stub->PredictBatch(ctx.get(), &res);
  for (const char* t : {"sad", "sad again", "fun", "so sad"}) {
    v2::PredictBatchRequest r;
    r.set_text(t);
    r.set_id(std::string("id-") + t);
    ASSERT_TRUE(writer->Write(r));
  }
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(res.count(), 4);
  EXPECT_EQ(res.dominant_emotion(), common::v1::EMOTION_SADNESS);
  ASSERT_EQ(res.counts_size(), 2);
  EXPECT_EQ(res.counts(0).count(), 3);
  EXPECT_EQ(res.items(2).id(), "id-fun");
  EXPECT_NEAR(res.mean_point().valence(), (3 * -0.8 + 0.7) / 4, 1e-9);
  EXPECT_EQ(res.model_version(), "v-1");
}

TEST_F(EmotionServiceTest, PredictBatchRefusesOversizedEmptyAndBadBatches) {
  auto stub = v2::EmotionService::NewStub(channel_);
  {
    auto ctx = platform::NewClientContext(5s);
    v2::PredictBatchResponse res;
    auto writer = stub->PredictBatch(ctx.get(), &res);
    v2::PredictBatchRequest r;
    r.set_text("fine");
    for (int i = 0; i < 6; ++i) {
      if (!writer->Write(r)) break;  // the server may already have refused
    }
    writer->WritesDone();
    auto status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("at most 5"), std::string::npos)
        << status.error_message();
  }
  {
    auto ctx = platform::NewClientContext(5s);
    v2::PredictBatchResponse res;
    auto writer = stub->PredictBatch(ctx.get(), &res);
    writer->WritesDone();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    auto ctx = platform::NewClientContext(5s);
    v2::PredictBatchResponse res;
    auto writer = stub->PredictBatch(ctx.get(), &res);
    v2::PredictBatchRequest ok, bad;
    ok.set_text("fine");
    bad.set_text("");
    bad.set_id("second");
    writer->Write(ok);
    writer->Write(bad);
    writer->WritesDone();
    auto status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("text 2 (id second)"), std::string::npos)
        << status.error_message();
  }
}

TEST_F(EmotionServiceTest, PredictStreamAnswersEachTextAndSurvivesBadOnes) {
  auto stub = v2::EmotionService::NewStub(channel_);
  auto ctx = platform::NewClientContext(5s);
  auto stream = stub->PredictStream(ctx.get());
  const char* typed[] = {"s", "sa", "sad", "", "sad but fun"};
  for (int i = 0; i < 5; ++i) {
    v2::PredictStreamRequest in;
    in.set_text(typed[i]);
    in.set_sequence(i + 1);
    ASSERT_TRUE(stream->Write(in));
    v2::PredictStreamResponse out;
    ASSERT_TRUE(stream->Read(&out));
    EXPECT_EQ(out.sequence(), i + 1);
    if (std::string(typed[i]).empty()) {
      EXPECT_FALSE(out.error().empty());  // cleared field: an error for this text, stream open
      EXPECT_FALSE(out.has_prediction());
    } else {
      EXPECT_TRUE(out.error().empty());
      EXPECT_EQ(out.prediction().emotion(), std::string(typed[i]).find("sad") != std::string::npos
                                                ? common::v1::EMOTION_SADNESS
                                                : common::v1::EMOTION_FUN);
    }
  }
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(EmotionServiceTest, GetModelInfoDescribesTheServedModel) {
  auto stub = v2::EmotionService::NewStub(channel_);
  auto ctx = platform::NewClientContext(5s);
  v2::GetModelInfoResponse res;
  ASSERT_TRUE(stub->GetModelInfo(ctx.get(), v2::GetModelInfoRequest(), &res).ok());
  EXPECT_EQ(res.model_version(), "v-1");
  EXPECT_EQ(res.labels_size(), 13);
  ASSERT_EQ(res.dev_scores_size(), 1);
  EXPECT_EQ(res.dev_scores(0).name(), "accuracy");
  EXPECT_NE(res.model_card_json().find("created_at"), std::string::npos);
}

TEST_F(EmotionServiceTest, OnlyGatewayAndWorkerMayCall) {
  for (std::string caller : {"worker", "store"}) {
    auto stub = v2::EmotionService::NewStub(Channel(caller));
    auto ctx = platform::NewClientContext(5s);
    v2::PredictRequest req;
    req.set_text("fine");
    v2::PredictResponse res;
    auto code = stub->Predict(ctx.get(), req, &res).error_code();
    EXPECT_EQ(code, caller == "worker" ? grpc::StatusCode::OK : grpc::StatusCode::PERMISSION_DENIED)
        << caller;
  }
}

TEST_F(EmotionServiceTest, ReloadUnderLoadLosesNoCall) {
  auto stub = v2::EmotionService::NewStub(channel_);
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      // Bounded: at most 2000 calls per thread, and it stops when the reloads are done.
      for (int i = 0; i < 2000 && !stop; ++i) {
        auto ctx = platform::NewClientContext(5s);
        v2::PredictRequest req;
        req.set_text("sad or fun");
        v2::PredictResponse res;
        (stub->Predict(ctx.get(), req, &res).ok() ? ok : failed)++;
      }
    });
  }
  for (int v = 2; v <= 30; ++v) {
    holder_.Replace(Fake("v-" + std::to_string(v)));
    std::this_thread::sleep_for(5ms);  // spread the swaps over the load, not a readiness wait
  }
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 30);
  auto ctx = platform::NewClientContext(5s);
  v2::GetModelInfoResponse info;
  ASSERT_TRUE(stub->GetModelInfo(ctx.get(), v2::GetModelInfoRequest(), &info).ok());
  EXPECT_EQ(info.model_version(), "v-30");
}

}  // namespace
}  // namespace moodtape::emotion
