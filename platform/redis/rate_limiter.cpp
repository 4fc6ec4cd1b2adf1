#include "platform/redis/rate_limiter.h"

#include "platform/redis/client.h"

namespace moodtape::platform {
namespace {

// The first hit of a window creates the counter with the window's expiry; the reply is
// {count, milliseconds left in the window}. A counter that somehow lost its expiry gets it back.
constexpr std::string_view kWindowScript = R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
)lua";

}  // namespace

Status RedisRateLimiter::Charge(const std::string& key, const RateLimit& limit) {
  auto reply = redis_.Command(
      {"EVAL", std::string(kWindowScript), "1", key, std::to_string(limit.window.count())});
  if (!reply.ok()) return reply.error();
  const auto& e = reply->elements();
  if (!reply->is_array() || e.size() != 2 || !e[0].is_integer() || !e[1].is_integer()) {
    return MakeError(ErrorCode::kInternal, "unexpected rate-limit reply");
  }
  if (e[0].integer() <= limit.limit) return Status::Ok();
  return WithRetryAfter(MakeError(ErrorCode::kResourceExhausted, "rate limited"),
                        std::chrono::milliseconds(std::max<int64_t>(e[1].integer(), 1)));
}

}  // namespace moodtape::platform
