#include "tests/e2e/stack.h"

#include <signal.h>
#include <sys/wait.h>

#include <stdexcept>

namespace moodtape::testing {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kOrder = {"store",    "auth",     "emotion", "playlist",
                                         "designer", "producer", "gateway", "worker"};

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Loopback(int port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

Stack::Stack(std::string models_dir, std::map<std::string, std::string> extra_env)
    : models_dir_(std::move(models_dir)), extra_env_(std::move(extra_env)) {
  redis_ = std::make_unique<RedisServerProcess>();
  http_port_ = FreePort();
  legacy_port_ = FreePort();
  for (const auto& s : kOrder) {
    admin_ports_[s] = FreePort();
    if (s != "worker" && s != "gateway") grpc_ports_[s] = FreePort();
  }
  if (RunCommand({SourceDir() + "/scripts/dev_certs.sh", dir_.File("certs")}) != 0) {
    throw std::runtime_error("dev_certs.sh failed");
  }
}

Stack::~Stack() {
  // Reverse order: the gateway and workers before what they call.
  for (auto it = kOrder.rbegin(); it != kOrder.rend(); ++it) {
    for (auto& [key, child] : children_) {
      if (key.rfind(*it, 0) == 0 && child && child->Running()) {
        child->Signal(SIGTERM);
        if (child->Wait(15s) == -1) child->Signal(SIGKILL);
      }
    }
  }
}

std::map<std::string, std::string> Stack::Env(const std::string& service,
                                              const std::string& instance) const {
  std::map<std::string, std::string> env = {
      {"MOODTAPE_CONFIG", SourceDir() + "/config/moodtape.toml"},
      {"MOODTAPE_TLS_CERT_DIR", dir_.File("certs")},
      {"MOODTAPE_REDIS_HOST", "127.0.0.1"},
      {"MOODTAPE_REDIS_PORT", std::to_string(redis_->port())},
      {"MOODTAPE_GATEWAY_HTTP_ADDRESS", Loopback(http_port_)},
      {"MOODTAPE_EMOTION_MODELS_DIR", models_dir_},
      {"MOODTAPE_STORE_DATABASE_URL", "sqlite:" + dir_.File("store.db")},
      {"MOODTAPE_AUTH_SIGNING_KEY_DIR", dir_.File("auth/signing")},
      {"MOODTAPE_JWT_JWKS_FILE", dir_.File("auth/jwks.json")},
      {"MOODTAPE_GATEWAY_MOOD_RATE_LIMIT", "100000"},
      {"MOODTAPE_PRODUCER_LEGACY_ADDRESS", Loopback(legacy_port_)},
  };
  for (const auto& [name, port] : grpc_ports_) {
    env["MOODTAPE_" + Upper(name) + "_GRPC_ADDRESS"] = Loopback(port);
  }
  for (const auto& [name, port] : admin_ports_) {
    env["MOODTAPE_" + Upper(name) + "_ADMIN_ADDRESS"] = Loopback(port);
  }
  if (service == "worker" && !instance.empty()) {
    // A second worker needs its own admin port.
    env["MOODTAPE_WORKER_ADMIN_ADDRESS"] = Loopback(FreePort());
  }
  for (const auto& [k, v] : extra_env_) env[k] = v;
  return env;
}

bool Stack::Start(const std::string& service, std::string* why, const std::string& instance) {
  const std::string key = service + instance;
  auto env = Env(service, instance);
  children_[key] = std::make_unique<ChildProcess>(
      std::vector<std::string>{BinaryDir() + "/bin/moodtape-" + service}, env,
      dir_.File(key + ".log"), SourceDir());
  const std::string admin = env["MOODTAPE_" + Upper(service) + "_ADMIN_ADDRESS"];
  const int port = std::stoi(admin.substr(admin.rfind(':') + 1));
  started_admin_ports_[key] = port;
  ChildProcess& child = *children_[key];
  const bool ready = WaitUntil(
      [&] { return !child.Running() || HttpRequest("GET", port, "/readyz") == 200; }, 240s);
  if (ready && child.Running()) return true;
  if (why != nullptr) *why = key + " did not become ready:\n" + child.ReadLog();
  return false;
}

bool Stack::StartAll(std::string* why) {
  for (const auto& s : kOrder) {
    if (!Start(s, why)) return false;
  }
  return true;
}

void Stack::Kill(const std::string& service, const std::string& instance) {
  auto& child = children_.at(service + instance);
  child->Signal(SIGKILL);
  child->Wait(10s);
}

void Stack::Stop(const std::string& service, const std::string& instance) {
  auto& child = children_.at(service + instance);
  child->Signal(SIGTERM);
  if (child->Wait(20s) == -1) {
    child->Signal(SIGKILL);
    child->Wait(10s);
  }
}

std::string Stack::Log(const std::string& service, const std::string& instance) const {
  return ReadFile(dir_.File(service + instance + ".log"));
}

HttpReply Stack::Call(const std::string& method, const std::string& target,
                      const nlohmann::json& body, const std::string& token,
                      const std::map<std::string, std::string>& headers) {
  std::map<std::string, std::string> h = headers;
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  if (!body.is_null()) h["Content-Type"] = "application/json";
  return HttpExchange(method, http_port_, target, body.is_null() ? "" : body.dump(), h);
}

std::string Stack::SignUp(const std::string& username) {
  auto reply = Call("POST", "/api/v1/auth/signup",
                    {{"username", username},
                     {"email", username + "@example.org"},
                     {"password", "correct horse battery staple"}},
                    "", {{"X-Token-Delivery", "body"}});
  if (reply.status != 201) return "";
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  return j.is_object() ? j.value("access_token", "") : "";
}

std::string Stack::SignUpAdmin(const std::string& username) {
  if (SignUp(username).empty()) return "";
  std::string out;
  if (RunTool({"moodtape-auth", "make-admin", username}, &out) != 0) return "";
  return Login(username);
}

std::string Stack::Login(const std::string& username) {
  auto reply = Call("POST", "/api/v1/auth/login",
                    {{"login", username}, {"password", "correct horse battery staple"}}, "",
                    {{"X-Token-Delivery", "body"}});
  if (reply.status != 200) return "";
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  return j.is_object() ? j.value("access_token", "") : "";
}

int Stack::RunTool(const std::vector<std::string>& argv, std::string* out,
                   const std::map<std::string, std::string>& env, std::chrono::seconds timeout) {
  std::vector<std::string> full = argv;
  if (full[0].find('/') == std::string::npos) full[0] = BinaryDir() + "/bin/" + argv[0];
  auto all_env = Env("tool", "");
  for (const auto& [k, v] : env) all_env[k] = v;
  static int runs = 0;
  const std::string log = dir_.File("tool-" + std::to_string(++runs) + ".log");
  ChildProcess tool(full, all_env, log, SourceDir());
  const int status = tool.Wait(timeout);
  if (status == -1) tool.Stop();
  *out = tool.ReadLog();
  return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace moodtape::testing
