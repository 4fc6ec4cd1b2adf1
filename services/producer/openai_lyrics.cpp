#include "services/producer/openai_lyrics.h"

#include <nlohmann/json.hpp>

#include "platform/http/client.h"

namespace moodtape::producer {

using platform::ErrorCode;
using platform::MakeError;

platform::Result<std::string> OpenAiLyricsModel::Complete(const LyricsPrompt& prompt) const {
  std::string url = settings_.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  platform::HttpClientRequest req;
  req.method = "POST";
  req.url = url + "/chat/completions";
  req.timeout = settings_.timeout;
  req.headers["Content-Type"] = "application/json";
  if (!settings_.api_key.empty()) req.headers["Authorization"] = "Bearer " + settings_.api_key;
  req.body = nlohmann::json{{"model", settings_.model},
                            {"temperature", 0.9},
                            {"messages",
                             {{{"role", "system"}, {"content", prompt.system}},
                              {{"role", "user"}, {"content", prompt.user}}}}}
                 .dump();
  auto res = platform::HttpFetch(req);
  if (!res.ok()) return res.error();
  if (res->status != 200) {
    // The body may echo the request; only the status is safe to pass on.
    return MakeError(ErrorCode::kUnavailable,
                     "the lyrics model answered HTTP " + std::to_string(res->status));
  }
  const auto answer = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object() || !answer.contains("choices") || !answer["choices"].is_array() ||
      answer["choices"].empty() || !answer["choices"][0].is_object()) {
    return MakeError(ErrorCode::kInternal, "the lyrics model's answer is not a chat completion");
  }
  const auto& message = answer["choices"][0].value("message", nlohmann::json::object());
  if (!message.is_object() || !message.contains("content") || !message["content"].is_string()) {
    return MakeError(ErrorCode::kInternal, "the lyrics model's answer has no message content");
  }
  return message["content"].get<std::string>();
}

}  // namespace moodtape::producer
