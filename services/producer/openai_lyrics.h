// The optional text-model backend for lyrics: any OpenAI-compatible chat endpoint (a local
// llama.cpp server, or a paid one) asked with the form's prompt (core/lyrics/lyric_prompt.h).
// The engine falls back on its builtin writer on any error here. The key comes only from the
// environment (MOODTAPE_OPENAI_API_KEY) and is never logged.
#pragma once

#include <chrono>
#include <string>

#include "platform/base/config.h"
#include "platform/service/model_endpoint.h"
#include "services/producer/core/song_engine.h"

namespace moodtape::producer {

using OpenAiSettings = platform::ModelEndpoint;

class OpenAiLyricsModel final : public LyricsModel {
 public:
  explicit OpenAiLyricsModel(OpenAiSettings settings) : settings_(std::move(settings)) {}

  // POST <base_url>/chat/completions {model, messages, temperature}; the first choice's content.
  // kDeadlineExceeded on timeout, kUnavailable for an unreachable server or a non-200 answer,
  // kInternal for an answer that is not a chat completion.
  platform::Result<std::string> Complete(const LyricsPrompt& prompt) const override;
  std::string_view name() const override { return "openai"; }

 private:
  OpenAiSettings settings_;
};

}  // namespace moodtape::producer
