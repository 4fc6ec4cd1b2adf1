// A fake OpenAI-compatible endpoint (a platform HttpServer on a free loopback port) for the
// backends that may ask a model instead of the builtin code: it records the last request's JSON
// body and Authorization header, counts calls, and fails in the ways a real one does. The test
// gives the good answer (and the well-formed but unusable one) for its endpoint.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/http/server.h"
#include "platform/observability/metrics.h"

namespace moodtape::testing {

class FakeModelServer {
 public:
  enum class Mode {
    kGood,         // 200 with the test's answer
    kServerError,  // 500
    kSlow,         // the good answer after 1.5 s
    kGarbage,      // 200 with HTML instead of JSON
    kUnusable,     // 200 with the test's well-formed but unusable answer
  };
  // `answer(request, unusable)`: the body of a 200 for `request`.
  using Answer = std::function<nlohmann::json(const nlohmann::json& request, bool unusable)>;

  FakeModelServer(const std::string& path, Answer answer)
      : server_(Options(), metrics_), answer_(std::move(answer)) {
    server_.Handle("POST", path, [this](const platform::HttpRequest& r) {
      nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
      {
        std::lock_guard lock(mu_);
        authorization_ = r.Header("authorization");
        request_ = body;
      }
      ++calls_;
      switch (mode_.load()) {
        case Mode::kServerError:
          return platform::JsonResponse(500, {{"error", "overloaded"}});
        case Mode::kSlow:
          std::this_thread::sleep_for(std::chrono::milliseconds(1500));
          [[fallthrough]];
        case Mode::kGood:
          return platform::JsonResponse(200, answer_(body, false));
        case Mode::kGarbage:
          return platform::TextResponse(200, "<html>not json</html>");
        case Mode::kUnusable:
          return platform::JsonResponse(200, answer_(body, true));
      }
      return platform::JsonResponse(500, {});
    });
    server_.Start();
  }
  ~FakeModelServer() { server_.Stop(std::chrono::steady_clock::now() + std::chrono::seconds(2)); }
  FakeModelServer(const FakeModelServer&) = delete;
  FakeModelServer& operator=(const FakeModelServer&) = delete;

  std::string BaseUrl() const { return "http://" + server_.Address() + "/v1"; }
  void Set(Mode m) { mode_ = m; }
  int calls() const { return calls_; }
  nlohmann::json request() {
    std::lock_guard lock(mu_);
    return request_;
  }
  std::string authorization() {
    std::lock_guard lock(mu_);
    return authorization_;
  }

 private:
  static platform::HttpServerOptions Options() {
    platform::HttpServerOptions o;
    o.address = "127.0.0.1:0";
    return o;
  }

  platform::MetricsRegistry metrics_;
  platform::HttpServer server_;
  Answer answer_;
  std::atomic<Mode> mode_{Mode::kGood};
  std::atomic<int> calls_{0};
  std::mutex mu_;
  nlohmann::json request_;
  std::string authorization_;
};

}  // namespace moodtape::testing
