#include "platform/redis/cache.h"

#include <random>
#include <thread>

#include "platform/base/log.h"

namespace moodtape::platform {
namespace {

std::string RandomToken() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(rng());
}

// Deletes the lock only if it is still ours (it may have expired and been taken by another).
constexpr const char* kUnlockScript =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
    "return 0";

}  // namespace

RedisCache::RedisCache(RedisClient& redis, RedisCacheOptions options, MetricsRegistry* metrics)
    : redis_(redis), options_(std::move(options)) {
  if (metrics != nullptr) {
    requests_ = &metrics->AddCounter(
        "moodtape_cache_requests_total",
        "Cache lookups by cache and outcome (hit, miss, wait_hit: another asker computed it, "
        "bypass: Redis unavailable).",
        {"cache", "outcome"});
  }
}

void RedisCache::Count(const char* outcome) {
  if (requests_ != nullptr) requests_->WithLabels({options_.name, outcome}).Inc();
}

Result<RedisCache::Value> RedisCache::GetOrCompute(const std::string& key, const Compute& compute) {
  const std::string full_key = FullKey(key);
  // Single-flight inside the process: the first asker computes, the others wait for it.
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard lock(flights_mu_);
    auto& slot = flights_[full_key];
    if (slot == nullptr) {
      slot = std::make_shared<Flight>();
      leader = true;
    }
    flight = slot;
  }
  if (!leader) {
    std::unique_lock lock(flight->mu);
    flight->cv.wait(lock, [&] { return flight->done; });
    if (!flight->result.ok()) return flight->result.error();
    Count("wait_hit");
    return Value{flight->result->value, true};
  }
  Result<Value> result = Lookup(full_key, compute);
  {
    std::lock_guard lock(flight->mu);
    flight->result = result;
    flight->done = true;
  }
  flight->cv.notify_all();
  {
    std::lock_guard lock(flights_mu_);
    flights_.erase(full_key);
  }
  return result;
}

Result<RedisCache::Value> RedisCache::Lookup(const std::string& full_key, const Compute& compute) {
  auto cached = redis_.Command({"GET", full_key});
  if (!cached.ok()) {
    // Redis is down: compute without the cache rather than fail the request.
    Count("bypass");
    auto value = compute();
    if (!value.ok()) return value.error();
    return Value{std::move(value).value(), false};
  }
  if (cached->is_string()) {
    Count("hit");
    return Value{cached->str(), true};
  }

  // Across processes: one holder of the lock computes; the others poll for its value.
  const std::string lock_key = full_key + ":lock";
  const std::string token = RandomToken();
  auto locked = redis_.Command(
      {"SET", lock_key, token, "NX", "PX", std::to_string(options_.lock_ttl.count())});
  const bool holder = locked.ok() && locked->is_status();
  if (!holder && locked.ok()) {
    const auto until = std::chrono::steady_clock::now() + options_.wait;
    while (std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(options_.poll);
      auto again = redis_.Command({"GET", full_key});
      if (!again.ok()) break;
      if (again->is_string()) {
        Count("wait_hit");
        return Value{again->str(), true};
      }
    }
    // The holder is slow or gone: compute ourselves (the result is the same).
  }
  Count("miss");
  auto value = compute();
  if (value.ok()) {
    auto stored =
        redis_.Command({"SET", full_key, *value, "PX", std::to_string(options_.ttl.count())});
    if (!stored.ok()) {
      LogWarn("cache write failed", {{"cache", options_.name}, {"error", stored.error().message}});
    }
  }
  if (holder) (void)redis_.Command({"EVAL", kUnlockScript, "1", lock_key, token});
  if (!value.ok()) return value.error();
  return Value{std::move(value).value(), false};
}

}  // namespace moodtape::platform
