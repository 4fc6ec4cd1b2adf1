// moodtape-producer as a running service: the song engine (dictionary, WordNet, SoundFont loaded
// once) behind ProducerService and the source's SongGenerator.
#pragma once

#include "platform/base/config.h"
#include "platform/service/service_main.h"
#include "services/producer/commands.h"
#include "services/producer/openai_lyrics.h"
#include "services/producer/producer_service.h"
#include "services/producer/superstar.h"

namespace moodtape::producer {

struct ProducerSettings {
  EngineOptions engine;                    // [producer] cmu_dir, wordnet_dir, soundfont
  ProducerServiceOptions service;          // [producer] render_threads, render_queue
  std::string lyrics_backend = "builtin";  // [producer] lyrics_backend: builtin | openai
  // [producer] openai_base_url, openai_model, openai_timeout_ms; the key from the environment
  // (MOODTAPE_OPENAI_API_KEY) only.
  OpenAiSettings openai;
  LegacySettings legacy;                              // [producer] legacy_address
  std::chrono::milliseconds designer_timeout{10000};  // [producer] designer_timeout_ms
};

// Reads [producer]; throws platform::ConfigError naming a bad key.
ProducerSettings ReadProducerSettings(platform::Config& config);

// Loads the engine (about half a second) and serves; /readyz turns 200 once it can render.
platform::ServiceHooks Start(platform::ServiceContext& ctx);

}  // namespace moodtape::producer
