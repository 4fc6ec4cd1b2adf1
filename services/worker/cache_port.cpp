#include "services/worker/cache_port.h"

namespace moodtape::worker {

platform::Result<std::string> RedisCachePort::GetOrCompute(
    const std::string& key, const std::function<platform::Result<std::string>()>& compute,
    bool* hit) {
  auto value = cache_.GetOrCompute(key, compute);
  if (!value.ok()) return value.error();
  *hit = value->hit;
  return std::move(value->value);
}

}  // namespace moodtape::worker
