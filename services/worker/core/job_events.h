// What every job pipeline publishes through: stage events as JSON (the data the WebSocket frames
// carry), handed to JobContext::PublishEvent by the worker.
#pragma once

#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace moodtape::worker {

using Json = nlohmann::json;
using PublishFn = std::function<void(std::string_view stage, const Json& data)>;

}  // namespace moodtape::worker
