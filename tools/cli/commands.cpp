#include "tools/cli/commands.h"

#include "tools/cli/album_commands.h"
#include "tools/cli/command_util.h"
#include "tools/cli/job_follow.h"
#include "tools/cli/render.h"
#include "tools/cli/terminal.h"

namespace moodtape::cli {
namespace {

using nlohmann::json;

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

int Mood(const Invocation& inv, GatewayClient& client, std::ostream& out, std::ostream& err,
         const CommandSettings& settings) {
  json body = {{"text", inv.text}, {"desired_emotion", inv.want}};
  if (inv.length) body["length"] = *inv.length;
  auto accepted = client.AuthedCall("POST", "/api/v1/moods", body);
  if (!accepted.ok()) return FailWith(err, accepted.error());
  std::string job_id = StringField(*accepted, "job_id");
  if (job_id.empty()) return Fail(err, "the gateway accepted the mood but sent no job id");
  if (!inv.json) {
    out << "Queued job " << job_id
        << (accepted->value("duplicate", false) ? " (the same request is already running)" : "")
        << "\n";
    out.flush();
  }
  FollowOptions follow{
      .quiet = settings.event_timeout, .wait_while_running = false, .see_also = "moodtape history"};
  auto step =
      FollowJob(client, job_id, JobSocketPath(*accepted), follow, inv.json ? nullptr : &out);
  if (!step.ok()) return Fail(err, step.error().message);
  if (!step->succeeded) return Fail(err, "job " + job_id + " failed: " + step->error);
  auto result = JobResult(client, job_id, *step);
  if (!result.ok()) return Fail(err, result.error().message);
  if (inv.json) {
    out << result->dump(2) << "\n";
  } else {
    out << "\n" << RenderResult(*result);
  }
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
      return Listing(inv, client, out, err,
                     "/api/v1/history" +
                         QueryString({{"limit", LimitText(inv.limit)}, {"cursor", inv.cursor}}),
                     RenderHistory);
    case Command::kAlbum:
    case Command::kAlbums:
    case Command::kAlbumShow:
    case Command::kAlbumDelete:
    case Command::kGenres:
      return RunAlbumCommand(inv, client, out, err, settings);
    case Command::kDlqList:
      return Listing(
          inv, client, out, err,
          dlq + QueryString(
                    {{"type", inv.type}, {"limit", LimitText(inv.limit)}, {"cursor", inv.cursor}}),
          RenderDeadLetters);
    case Command::kDlqShow:
      return Listing(inv, client, out, err, dlq + "/" + EscapeUrlPart(inv.job_id),
                     RenderDeadLetter);
    case Command::kDlqReplay: {
      auto answer = client.AuthedCall("POST", dlq + "/" + EscapeUrlPart(inv.job_id) + "/replay",
                                      json::object());
      if (!answer.ok()) return FailWith(err, answer.error());
      out << "Replayed " << inv.job_id;
      std::string new_id = StringField(*answer, "job_id");
      if (!new_id.empty() && new_id != inv.job_id) out << " as job " << new_id;
      out << ": it is queued again.\n";
      return kExitOk;
    }
    case Command::kDlqPurge: {
      auto answer = client.AuthedCall("DELETE", dlq + QueryString({{"type", inv.type}}));
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
