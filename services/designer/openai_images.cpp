#include "services/designer/openai_images.h"

#include <nlohmann/json.hpp>

#include "platform/base/encoding.h"
#include "platform/http/client.h"

namespace moodtape::designer {

using platform::ErrorCode;
using platform::MakeError;

platform::Result<std::string> OpenAiPictureSource::Draw(const PicturePrompt& prompt) const {
  std::string url = settings_.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  platform::HttpClientRequest req;
  req.method = "POST";
  req.url = url + "/images/generations";
  req.timeout = settings_.timeout;
  req.headers["Content-Type"] = "application/json";
  if (!settings_.api_key.empty()) req.headers["Authorization"] = "Bearer " + settings_.api_key;
  req.body = nlohmann::json{{"model", settings_.model},
                            {"prompt", prompt.text},
                            {"size", prompt.size},
                            {"n", 1},
                            {"response_format", "b64_json"}}
                 .dump();
  auto res = platform::HttpFetch(req);
  if (!res.ok()) return res.error();
  if (res->status != 200) {
    // The body may echo the request; only the status is safe to pass on.
    return MakeError(ErrorCode::kUnavailable,
                     "the image model answered HTTP " + std::to_string(res->status));
  }
  const auto answer = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object() || !answer.contains("data") || !answer["data"].is_array() ||
      answer["data"].empty() || !answer["data"][0].is_object() ||
      !answer["data"][0].contains("b64_json") || !answer["data"][0]["b64_json"].is_string()) {
    return MakeError(ErrorCode::kInternal, "the image model's answer has no b64_json image");
  }
  auto png = platform::Base64Decode(answer["data"][0]["b64_json"].get<std::string>());
  if (!png) return MakeError(ErrorCode::kInternal, "the image model's b64_json is not base64");
  return std::move(*png);
}

}  // namespace moodtape::designer
