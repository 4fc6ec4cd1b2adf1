#include "tools/cli/commands.h"

#include <cctype>

#include "tools/cli/render.h"
#include "tools/cli/terminal.h"

namespace moodtape::cli {
namespace {

using nlohmann::json;

int Fail(std::ostream& err, const std::string& message) {
  err << "moodtape: " << message << "\n";
  return kExitFailure;
}

int FailWith(std::ostream& err, const platform::Error& error) {
  if (error.code == platform::ErrorCode::kInvalidArgument) {
    err << "moodtape: " << error.message << "\n";
    return kExitUsage;
  }
  return Fail(err, error.message);
}

// Cursors and job ids are opaque: percent-encode them so any character survives a URL.
std::string Escape(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      static const char* kHex = "0123456789ABCDEF";
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// "?limit=5&cursor=abc" from the parameters that are set.
std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + key + "=" + Escape(value);
  }
  return out;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string LimitText(const std::optional<int>& limit) {
  return limit ? std::to_string(*limit) : "";
}

int SessionCommand(const Invocation& inv, GatewayClient& client, std::ostream& out,
                   std::ostream& err) {
  bool signup = inv.command == Command::kSignup;
  auto password = ReadPassword(inv.password_stdin, "password for " + inv.username + ": ");
  if (!password.ok()) return FailWith(err, password.error());
  if (signup && !inv.password_stdin) {
    auto again = ReadPassword(false, "the same password again: ");
    if (!again.ok()) return FailWith(err, again.error());
    if (*again != *password) return Fail(err, "the passwords differ; nothing was sent");
  }
  json body = signup
                  ? json{{"username", inv.username}, {"email", inv.email}, {"password", *password}}
                  : json{{"login", inv.username}, {"password", *password}};
  auto answer = client.Call("POST", signup ? "/api/v1/auth/signup" : "/api/v1/auth/login", body,
                            /*tokens_in_body=*/true);
  if (!answer.ok()) return FailWith(err, answer.error());
  auto creds = CredentialsFromSession(*answer, client.gateway(), inv.username);
  if (!creds.ok()) return Fail(err, creds.error().message);
  if (client.credentials_path().empty()) {
    return Fail(err, "neither XDG_CONFIG_HOME nor HOME is set: nowhere to keep your login");
  }
  platform::Status saved = SaveCredentials(client.credentials_path(), *creds);
  if (!saved.ok()) return Fail(err, saved.error().message);
  out << (signup ? "Signed up" : "Logged in") << " as " << creds->username
      << "; credentials saved to " << client.credentials_path() << "\n";
  return kExitOk;
}

int Logout(GatewayClient& client, std::ostream& out, std::ostream& err) {
  auto creds = LoadCredentials(client.credentials_path());
  if (!creds.ok()) {
    // An unreadable file is still ours to remove.
    DeleteCredentials(client.credentials_path());
    return Fail(err, creds.error().message);
  }
  if (!creds->has_value()) {
    out << "Not logged in.\n";
    return kExitOk;
  }
  auto answer =
      client.Call("POST", "/api/v1/auth/logout", json{{"refresh_token", (*creds)->refresh_token}});
  // The local login goes either way; a refused token (401) was already dead on the gateway.
  platform::Status removed = DeleteCredentials(client.credentials_path());
  if (!removed.ok()) return Fail(err, removed.error().message);
  if (!answer.ok() && answer.error().code != platform::ErrorCode::kUnauthenticated) {
    return Fail(err, "removed the local login, but the gateway did not revoke it: " +
                         answer.error().message);
  }
  out << "Logged out.\n";
  return kExitOk;
}

int FinishMood(const Invocation& inv, const JobWatch::Step& step, GatewayClient& client,
               const std::string& job_id, std::ostream& out, std::ostream& err) {
  if (!step.succeeded) return Fail(err, "job " + job_id + " failed: " + step.error);
  json result = step.result;
  if (step.fetch_result) {
    auto job = client.AuthedCall("GET", "/api/v1/jobs/" + job_id);
    if (!job.ok()) return Fail(err, job.error().message);
    auto it = job->find("result");
    if (it == job->end() || !it->is_object()) {
      return Fail(err, "job " + job_id + " succeeded but the gateway has no result for it");
    }
    result = *it;
  }
  if (inv.json) {
    out << result.dump(2) << "\n";
  } else {
    out << "\n" << RenderResult(result);
  }
  return kExitOk;
}

int Mood(const Invocation& inv, GatewayClient& client, std::ostream& out, std::ostream& err,
         const CommandSettings& settings) {
  json body = {{"text", inv.text}, {"desired_emotion", inv.want}};
  if (inv.length) body["length"] = *inv.length;
  auto accepted = client.AuthedCall("POST", "/api/v1/moods", body);
  if (!accepted.ok()) return FailWith(err, accepted.error());
  std::string job_id = Str(*accepted, "job_id");
  if (job_id.empty()) return Fail(err, "the gateway accepted the mood but sent no job id");
  std::string ws_path = Str(*accepted, "ws_url");
  if (ws_path.empty() || ws_path[0] != '/') ws_path = "/api/v1/ws";
  if (!inv.json) {
    out << "Queued job " << job_id
        << (accepted->value("duplicate", false) ? " (the same request is already running)" : "")
        << "\n";
    out.flush();
  }

  auto socket = client.OpenSocket(ws_path);
  if (!socket.ok()) return Fail(err, socket.error().message);
  platform::Status sent = (*socket)->Send(json{{"type", "subscribe"}, {"job_id", job_id}}.dump());
  if (!sent.ok()) return Fail(err, sent.error().message);

  JobWatch watch(job_id);
  while (true) {
    auto message = (*socket)->Read(settings.event_timeout);
    if (!message.ok()) {
      return Fail(err, message.error().message + " while following job " + job_id +
                           " (see moodtape history)");
    }
    JobWatch::Step step = watch.OnMessage(*message);
    if (!inv.json) {
      for (const auto& line : step.lines) out << "  " << line << "\n";
      out.flush();
    }
    if (step.done) return FinishMood(inv, step, client, job_id, out, err);
  }
}

int Listing(const Invocation& inv, GatewayClient& client, std::ostream& out, std::ostream& err,
            const std::string& path, std::string (*render)(const json&)) {
  auto answer = client.AuthedCall("GET", path);
  if (!answer.ok()) return FailWith(err, answer.error());
  out << (inv.json ? answer->dump(2) + "\n" : render(*answer));
  return kExitOk;
}

}  // namespace

int RunCommand(const Invocation& inv, GatewayClient& client, std::ostream& out, std::ostream& err,
               const CommandSettings& settings) {
  const std::string dlq = "/api/v1/admin/dead-letters";
  switch (inv.command) {
    case Command::kHelp:
      out << UsageText();
      return kExitOk;
    case Command::kSignup:
    case Command::kLogin:
      return SessionCommand(inv, client, out, err);
    case Command::kLogout:
      return Logout(client, out, err);
    case Command::kMood:
      return Mood(inv, client, out, err, settings);
    case Command::kHistory:
      return Listing(
          inv, client, out, err,
          "/api/v1/history" + Query({{"limit", LimitText(inv.limit)}, {"cursor", inv.cursor}}),
          RenderHistory);
    case Command::kDlqList:
      return Listing(
          inv, client, out, err,
          dlq +
              Query({{"type", inv.type}, {"limit", LimitText(inv.limit)}, {"cursor", inv.cursor}}),
          RenderDeadLetters);
    case Command::kDlqShow:
      return Listing(inv, client, out, err, dlq + "/" + Escape(inv.job_id), RenderDeadLetter);
    case Command::kDlqReplay: {
      auto answer =
          client.AuthedCall("POST", dlq + "/" + Escape(inv.job_id) + "/replay", json::object());
      if (!answer.ok()) return FailWith(err, answer.error());
      out << "Replayed " << inv.job_id;
      std::string new_id = Str(*answer, "job_id");
      if (!new_id.empty() && new_id != inv.job_id) out << " as job " << new_id;
      out << ": it is queued again.\n";
      return kExitOk;
    }
    case Command::kDlqPurge: {
      auto answer = client.AuthedCall("DELETE", dlq + Query({{"type", inv.type}}));
      if (!answer.ok()) return FailWith(err, answer.error());
      auto purged = answer->find("purged");
      out << "Purged " << (purged != answer->end() ? purged->dump() : std::string("?"))
          << " dead letter(s).\n";
      return kExitOk;
    }
  }
  return kExitUsage;
}

}  // namespace moodtape::cli
