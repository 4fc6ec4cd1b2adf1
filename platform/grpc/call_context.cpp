#include "platform/grpc/call_context.h"

#include <mutex>
#include <unordered_map>

namespace moodtape::platform {
namespace {

struct Registry {
  std::mutex mu;
  std::unordered_map<const grpc::ServerContextBase*, std::shared_ptr<const CallContext>> calls;
};

Registry& Calls() {
  static Registry* registry = new Registry();  // outlives every server thread
  return *registry;
}

}  // namespace

void RegisterCallContext(const grpc::ServerContextBase* key,
                         std::shared_ptr<const CallContext> ctx) {
  auto& r = Calls();
  std::lock_guard lock(r.mu);
  r.calls[key] = std::move(ctx);
}

void UnregisterCallContext(const grpc::ServerContextBase* key) {
  auto& r = Calls();
  std::lock_guard lock(r.mu);
  r.calls.erase(key);
}

std::shared_ptr<const CallContext> CallContextOf(const grpc::ServerContextBase* server_context) {
  {
    auto& r = Calls();
    std::lock_guard lock(r.mu);
    auto it = r.calls.find(server_context);
    if (it != r.calls.end()) return it->second;
  }
  auto fresh = std::make_shared<CallContext>();
  fresh->request_id = NewRequestId();
  fresh->trace = ContinueOrStartTrace("");
  return fresh;
}

std::unique_ptr<grpc::ClientContext> NewClientContext(std::chrono::milliseconds timeout,
                                                      const CallContext* parent,
                                                      bool forward_user) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  std::string request_id = parent ? parent->request_id : NewRequestId();
  TraceContext trace = parent ? parent->trace.Child() : ContinueOrStartTrace("");
  ctx->AddMetadata(std::string(kRequestIdKey), request_id);
  ctx->AddMetadata(std::string(kTraceparentKey), trace.ToTraceparent());
  if (forward_user && parent && !parent->bearer_token.empty()) {
    ctx->AddMetadata("authorization", "Bearer " + parent->bearer_token);
  }
  return ctx;
}

}  // namespace moodtape::platform
