#include "services/auth/redis_attempt_counter.h"

#include <charconv>

namespace moodtape::auth {
namespace {

platform::Error Unexpected(const std::string& what) {
  return platform::MakeError(platform::ErrorCode::kInternal, "redis: unexpected reply to " + what);
}

}  // namespace

platform::Result<int64_t> RedisAttemptCounter::AddFailure(const std::string& key,
                                                          std::chrono::milliseconds ttl) {
  // One round trip; the PEXPIRE slides the window to `ttl` after the latest failure.
  auto replies = redis_.Pipeline(
      {{"INCR", FailKey(key)}, {"PEXPIRE", FailKey(key), std::to_string(ttl.count())}});
  if (!replies.ok()) return replies.error();
  const auto& incr = (*replies)[0];
  if (incr.is_error())
    return platform::MakeError(platform::ErrorCode::kInternal, "redis: " + incr.str());
  if (!incr.is_integer()) return Unexpected("INCR");
  return incr.integer();
}

platform::Result<int64_t> RedisAttemptCounter::LockedUntil(const std::string& key) {
  auto reply = redis_.Command({"GET", LockKey(key)});
  if (!reply.ok()) return reply.error();
  if (reply->is_nil()) return int64_t{0};
  if (!reply->is_string()) return Unexpected("GET");
  int64_t until = 0;
  const std::string& s = reply->str();
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), until);
  if (ec != std::errc() || end != s.data() + s.size()) return Unexpected("GET");
  return until;
}

platform::Status RedisAttemptCounter::Lock(const std::string& key, int64_t until_ms,
                                           std::chrono::milliseconds ttl) {
  auto reply = redis_.Command(
      {"SET", LockKey(key), std::to_string(until_ms), "PX", std::to_string(ttl.count())});
  if (!reply.ok()) return reply.error();
  return platform::Status::Ok();
}

platform::Status RedisAttemptCounter::Reset(const std::string& key) {
  auto reply = redis_.Command({"DEL", FailKey(key), LockKey(key)});
  if (!reply.ok()) return reply.error();
  return platform::Status::Ok();
}

}  // namespace moodtape::auth
