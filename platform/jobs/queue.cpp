#include "platform/jobs/queue.h"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "platform/base/config.h"
#include "platform/base/encoding.h"
#include "platform/base/log.h"
#include "platform/observability/metrics.h"
#include "platform/redis/client.h"

namespace moodtape::platform {
namespace {

using std::chrono::milliseconds;

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxJobIdBytes = 128;
constexpr size_t kMaxDeadLetterPage = 1000;
constexpr int kPurgeBatch = 500;

// Shared by every script: the event rule and the history append live in one place.
//  - publish: bumps seq, records the latest stage/event and PUBLISHes to the owner's channel;
//    the data is JSON already checked by the caller, so it is spliced in, not re-encoded (cjson
//    would round big integers and turn [] into {}).
//  - append_history: the history is a JSON array text; entries are built by the caller.
constexpr std::string_view kLuaPrelude = R"lua(
local function publish(hash, prefix, stage, data)
  local seq = redis.call('HINCRBY', hash, 'seq', 1)
  redis.call('HSET', hash, 'stage', stage, 'event', data)
  local f = redis.call('HMGET', hash, 'id', 'state', 'owner')
  if f[3] and f[3] ~= '' then
    redis.call('PUBLISH', prefix .. 'events:' .. f[3],
      '{"job_id":' .. cjson.encode(f[1] or '') .. ',"seq":' .. seq ..
      ',"stage":' .. cjson.encode(stage) .. ',"state":' .. cjson.encode(f[2] or '') ..
      ',"data":' .. data .. '}')
  end
  return seq
end
local function append_history(hash, entry)
  if entry == '' then return end
  local h = redis.call('HGET', hash, 'history')
  if (not h) or h == '' or h == '[]' then
    h = '[' .. entry .. ']'
  else
    h = string.sub(h, 1, -2) .. ',' .. entry .. ']'
  end
  redis.call('HSET', hash, 'history', h)
end
local function ensure_group(stream, group)
  if redis.call('EXISTS', stream) == 0 then
    redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
  end
end
local function depth(stream, delayed)
  return redis.call('XLEN', stream) + redis.call('ZCARD', delayed)
end
)lua";

// KEYS: stream, delayed, job hash, idempotency key.
// ARGV: id, type, owner, payload, now, max_depth (<0: none), idempotency ttl ms, group, prefix,
//       has idempotency key.
constexpr std::string_view kEnqueueLua = R"lua(
if ARGV[10] == '1' then
  local existing = redis.call('GET', KEYS[4])
  if existing then return {'dup', existing} end
end
local max = tonumber(ARGV[6])
if max >= 0 then
  local d = depth(KEYS[1], KEYS[2])
  if d >= max then return {'full', tostring(d)} end
end
ensure_group(KEYS[1], ARGV[8])
redis.call('HSET', KEYS[3], 'id', ARGV[1], 'type', ARGV[2], 'owner', ARGV[3], 'payload', ARGV[4],
  'state', 'queued', 'attempts', '0', 'replays', '0', 'seq', '0', 'enqueued_ms', ARGV[5],
  'ready_ms', ARGV[5])
local entry = redis.call('XADD', KEYS[1], '*', 'job', ARGV[1])
redis.call('HSET', KEYS[3], 'entry', entry)
if ARGV[10] == '1' then redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[7]) end
publish(KEYS[3], ARGV[9], 'queued', '{}')
return {'ok', ARGV[1]}
)lua";

// KEYS: job hash, stream. ARGV: entry, now, worker, prefix, group, max_attempts.
// A job still marked running was being run by a worker that stopped heartbeating: that attempt
// is recorded as lost and counts, so a job that kills its workers still ends in the dead letters.
constexpr std::string_view kStartLua = R"lua(
local function ack()
  redis.call('XACK', KEYS[2], ARGV[5], ARGV[1])
  redis.call('XDEL', KEYS[2], ARGV[1])
end
if redis.call('EXISTS', KEYS[1]) == 0 then ack() return {'skip', 'missing'} end
local f = redis.call('HMGET', KEYS[1], 'state', 'entry', 'attempts', 'started_ms', 'worker',
  'replays')
local state = f[1]
if state == 'succeeded' or state == 'failed' or state == 'dead' then ack() return {'skip', state} end
if f[2] ~= ARGV[1] then ack() return {'skip', 'stale'} end
local attempts = tonumber(f[3] or '0')
if state == 'running' then
  local why = 'the worker stopped before the attempt finished (visibility timeout passed)'
  append_history(KEYS[1], '{"attempt":' .. attempts .. ',"series":' .. (f[6] or '0') ..
    ',"started_ms":' .. (f[4] or '0') .. ',"finished_ms":' .. ARGV[2] ..
    ',"code":"worker_lost","error":' .. cjson.encode(why) .. ',"worker":' ..
    cjson.encode(f[5] or '') .. '}')
  redis.call('HSET', KEYS[1], 'error', why, 'code', 'worker_lost')
end
if attempts >= tonumber(ARGV[6]) then
  redis.call('HSET', KEYS[1], 'worker', ARGV[3])
  return {'exhausted', redis.call('HGETALL', KEYS[1])}
end
attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'state', 'running', 'started_ms', ARGV[2], 'worker', ARGV[3])
redis.call('HDEL', KEYS[1], 'next_ms')
publish(KEYS[1], ARGV[4], 'running', '{"attempt":' .. attempts .. '}')
return {'run', redis.call('HGETALL', KEYS[1])}
)lua";

// KEYS: job hash, stream, delayed, dead-letter stream.
// ARGV: entry, worker, group, now, prefix, mode, text (result or error), code, history entry,
//       result ttl ms, due ms, event data, check owner.
// The outcome is stored and the entry acknowledged in one step, so a crash can only ever leave
// "not done" (redelivered), never "acknowledged but not stored".
constexpr std::string_view kFinishLua = R"lua(
local f = redis.call('HMGET', KEYS[1], 'state', 'entry', 'worker')
if not f[1] then
  redis.call('XACK', KEYS[2], ARGV[3], ARGV[1])
  redis.call('XDEL', KEYS[2], ARGV[1])
  return 0
end
if ARGV[13] == '1' and (f[1] ~= 'running' or f[2] ~= ARGV[1] or f[3] ~= ARGV[2]) then
  return 0
end
append_history(KEYS[1], ARGV[9])
redis.call('XACK', KEYS[2], ARGV[3], ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], 'entry', 'next_ms')
local mode = ARGV[6]
if mode == 'succeeded' then
  redis.call('HSET', KEYS[1], 'state', 'succeeded', 'result', ARGV[7], 'finished_ms', ARGV[4])
  redis.call('HDEL', KEYS[1], 'error', 'code')
  publish(KEYS[1], ARGV[5], 'succeeded', ARGV[12])
  redis.call('PEXPIRE', KEYS[1], ARGV[10])
elseif mode == 'retrying' then
  redis.call('HSET', KEYS[1], 'state', 'retrying', 'error', ARGV[7], 'code', ARGV[8],
    'next_ms', ARGV[11])
  redis.call('ZADD', KEYS[3], ARGV[11], redis.call('HGET', KEYS[1], 'id'))
  publish(KEYS[1], ARGV[5], 'retrying', ARGV[12])
else
  local h = redis.call('HMGET', KEYS[1], 'id', 'type', 'owner', 'payload', 'attempts', 'history',
    'enqueued_ms')
  local dead = redis.call('XADD', KEYS[4], '*', 'job_id', h[1] or '', 'type', h[2] or '',
    'owner', h[3] or '', 'payload', h[4] or '', 'state', mode, 'error', ARGV[7], 'code', ARGV[8],
    'attempts', h[5] or '0', 'history', h[6] or '[]', 'enqueued_ms', h[7] or '0',
    'failed_ms', ARGV[4])
  redis.call('HSET', KEYS[1], 'state', mode, 'error', ARGV[7], 'code', ARGV[8],
    'finished_ms', ARGV[4], 'dead_entry', dead)
  redis.call('PERSIST', KEYS[1])
  publish(KEYS[1], ARGV[5], mode, ARGV[12])
end
return 1
)lua";

// KEYS: delayed, stream. ARGV: now, limit, job hash prefix, group.
constexpr std::string_view kPromoteLua = R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #ids > 0 then ensure_group(KEYS[2], ARGV[4]) end
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local h = ARGV[3] .. id
  if redis.call('EXISTS', h) == 1 then
    local e = redis.call('XADD', KEYS[2], '*', 'job', id)
    redis.call('HSET', h, 'entry', e, 'ready_ms', ARGV[1])
  end
end
return #ids
)lua";

// KEYS: stream. ARGV: group, consumer, entry ids... Returns the ids no longer owned.
// XPENDING first, because XCLAIM would take an entry back from a worker that claimed it.
constexpr std::string_view kHeartbeatLua = R"lua(
local lost = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
  if #p > 0 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
)lua";

// KEYS: job hash. ARGV: prefix, stage, data.
constexpr std::string_view kPublishLua = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return publish(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
)lua";

// KEYS: job hash, stream, delayed, dead-letter stream. ARGV: now, max_depth, group, prefix.
constexpr std::string_view kReplayLua = R"lua(
local f = redis.call('HMGET', KEYS[1], 'state', 'dead_entry', 'id')
if not f[1] or not f[2] then return {'missing'} end
local max = tonumber(ARGV[2])
if max >= 0 then
  local d = depth(KEYS[2], KEYS[3])
  if d >= max then return {'full', tostring(d)} end
end
redis.call('XDEL', KEYS[4], f[2])
ensure_group(KEYS[2], ARGV[3])
local e = redis.call('XADD', KEYS[2], '*', 'job', f[3])
redis.call('HDEL', KEYS[1], 'dead_entry', 'error', 'code', 'result', 'started_ms', 'finished_ms',
  'next_ms', 'worker')
redis.call('HINCRBY', KEYS[1], 'replays', 1)
redis.call('HSET', KEYS[1], 'state', 'queued', 'attempts', '0', 'entry', e, 'ready_ms', ARGV[1])
redis.call('PERSIST', KEYS[1])
publish(KEYS[1], ARGV[4], 'queued', '{"replay":true}')
return {'ok'}
)lua";

// KEYS: dead-letter stream. ARGV: batch, job hash prefix, ttl ms. Returns how many it removed.
constexpr std::string_view kPurgeLua = R"lua(
local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[1])
for _, e in ipairs(entries) do
  local fields = e[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'job_id' then
      local h = ARGV[2] .. fields[i + 1]
      if redis.call('HGET', h, 'dead_entry') == e[1] then
        redis.call('HDEL', h, 'dead_entry')
        redis.call('PEXPIRE', h, ARGV[3])
      end
    end
  end
  redis.call('XDEL', KEYS[1], e[1])
end
return #entries
)lua";

std::string Sha1Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 unavailable");
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

bool IsName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

Status CheckType(std::string_view type) {
  if (IsName(type)) return Status::Ok();
  return MakeError(ErrorCode::kInvalidArgument, "job type must be 1-64 of [a-z0-9_.-]");
}

Status CheckJobId(std::string_view id) {
  if (!id.empty() && id.size() <= kMaxJobIdBytes) return Status::Ok();
  return MakeError(ErrorCode::kInvalidArgument, "job id must be 1-128 bytes");
}

int64_t ToInt(const std::string& text) {
  if (text.empty()) return 0;
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return 0;
  }
}

std::vector<JobAttempt> ParseHistory(const std::string& text) {
  std::vector<JobAttempt> history;
  if (text.empty()) return history;
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return history;
  for (const auto& item : json) {
    if (!item.is_object()) continue;
    JobAttempt a;
    a.attempt = item.value("attempt", 0);
    a.series = item.value("series", 0);
    a.started_ms = item.value("started_ms", int64_t{0});
    a.finished_ms = item.value("finished_ms", int64_t{0});
    a.code = item.value("code", "");
    a.error = item.value("error", "");
    a.worker = item.value("worker", "");
    history.push_back(std::move(a));
  }
  return history;
}

// Field/value pairs of an HGETALL or stream entry reply.
template <typename Fn>
void ForEachField(const RedisReply& pairs, Fn&& fn) {
  const auto& items = pairs.elements();
  for (size_t i = 0; i + 1 < items.size(); i += 2) fn(items[i].str(), items[i + 1].str());
}

JobRecord RecordFromHash(const RedisReply& pairs) {
  JobRecord r;
  ForEachField(pairs, [&r](const std::string& field, const std::string& value) {
    if (field == "id") {
      r.id = value;
    } else if (field == "type") {
      r.type = value;
    } else if (field == "owner") {
      r.owner = value;
    } else if (field == "state") {
      r.state = ParseJobState(value).value_or(JobState::kQueued);
    } else if (field == "attempts") {
      r.attempts = static_cast<int>(ToInt(value));
    } else if (field == "replays") {
      r.replays = static_cast<int>(ToInt(value));
    } else if (field == "payload") {
      r.payload = value;
    } else if (field == "result") {
      r.result = value;
    } else if (field == "error") {
      r.error = value;
    } else if (field == "code") {
      r.error_code = value;
    } else if (field == "stage") {
      r.stage = value;
    } else if (field == "event") {
      r.event = value;
    } else if (field == "seq") {
      r.seq = ToInt(value);
    } else if (field == "enqueued_ms") {
      r.enqueued_ms = ToInt(value);
    } else if (field == "started_ms") {
      r.started_ms = ToInt(value);
    } else if (field == "finished_ms") {
      r.finished_ms = ToInt(value);
    } else if (field == "next_ms") {
      r.next_attempt_ms = ToInt(value);
    } else if (field == "history") {
      r.history = ParseHistory(value);
    }
  });
  return r;
}

DeadLetter DeadLetterFromEntry(const RedisReply& entry) {
  DeadLetter d;
  if (!entry.is_array() || entry.elements().size() < 2) return d;
  d.entry_id = entry.elements()[0].str();
  ForEachField(entry.elements()[1], [&d](const std::string& field, const std::string& value) {
    if (field == "job_id") {
      d.job_id = value;
    } else if (field == "type") {
      d.type = value;
    } else if (field == "owner") {
      d.owner = value;
    } else if (field == "payload") {
      d.payload = value;
    } else if (field == "error") {
      d.error = value;
    } else if (field == "code") {
      d.error_code = value;
    } else if (field == "state") {
      d.state = ParseJobState(value).value_or(JobState::kDead);
    } else if (field == "attempts") {
      d.attempts = static_cast<int>(ToInt(value));
    } else if (field == "history") {
      d.history = ParseHistory(value);
    } else if (field == "enqueued_ms") {
      d.enqueued_ms = ToInt(value);
    } else if (field == "failed_ms") {
      d.failed_ms = ToInt(value);
    }
  });
  return d;
}

std::string JobIdOfEntry(const RedisReply& fields) {
  std::string id;
  ForEachField(fields, [&id](const std::string& field, const std::string& value) {
    if (field == "job") id = value;
  });
  return id;
}

// Job durations run from milliseconds (a cached prediction) to minutes (an album render).
std::vector<double> JobBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct JobScript {
  explicit JobScript(std::string_view body)
      : text(std::string(kLuaPrelude) + std::string(body)), sha(Sha1Hex(text)) {}
  std::string text;
  std::string sha;
};

struct JobQueue::Metrics {
  Family<Counter>* enqueued = nullptr;
  Family<Counter>* rejected = nullptr;
  Family<Counter>* started = nullptr;
  Family<Counter>* succeeded = nullptr;
  Family<Counter>* failed = nullptr;
  Family<Counter>* retried = nullptr;
  Family<Counter>* claimed = nullptr;
  Family<Counter>* dead_lettered = nullptr;
  Family<Histogram>* duration = nullptr;
  Family<Histogram>* queue_wait = nullptr;
  Family<Gauge>* depth = nullptr;
  Family<Gauge>* dead_depth = nullptr;
};

// The scripts, hashed once per process.
namespace {
struct Scripts {
  JobScript enqueue{kEnqueueLua};
  JobScript start{kStartLua};
  JobScript finish{kFinishLua};
  JobScript promote{kPromoteLua};
  JobScript heartbeat{kHeartbeatLua};
  JobScript publish{kPublishLua};
  JobScript replay{kReplayLua};
  JobScript purge{kPurgeLua};
};
const Scripts& AllScripts() {
  static const Scripts scripts;
  return scripts;
}
}  // namespace

JobQueue::JobQueue(RedisClient& redis, JobQueueOptions options, const Clock& clock,
                   MetricsRegistry* metrics)
    : redis_(redis),
      options_(std::move(options)),
      clock_(clock),
      metrics_registry_(metrics),
      metrics_(std::make_unique<Metrics>()),
      rng_(options_.seed != 0 ? options_.seed : std::random_device{}()) {
  if (options_.group.empty()) throw std::invalid_argument("JobQueue: empty consumer group name");
  if (options_.visibility_timeout.count() < 10) {
    throw std::invalid_argument("JobQueue: visibility_timeout must be at least 10 ms");
  }
  if (options_.max_attempts < 1) throw std::invalid_argument("JobQueue: max_attempts must be >= 1");
  if (options_.backoff_base.count() < 0 || options_.backoff_max < options_.backoff_base) {
    throw std::invalid_argument("JobQueue: need 0 <= backoff_base <= backoff_max");
  }
  if (options_.result_ttl.count() < 1 || options_.idempotency_ttl.count() < 1) {
    throw std::invalid_argument("JobQueue: result_ttl and idempotency_ttl must be positive");
  }
  AllScripts();
  if (metrics_registry_ != nullptr) {
    auto& m = *metrics_registry_;
    metrics_->enqueued =
        &m.AddCounter("moodtape_jobs_enqueued_total", "Jobs enqueued, by type.", {"type"});
    metrics_->rejected = &m.AddCounter("moodtape_jobs_rejected_total",
                                       "Enqueues refused because the queue was full.", {"type"});
    metrics_->started =
        &m.AddCounter("moodtape_jobs_started_total", "Job attempts started, by type.", {"type"});
    metrics_->succeeded =
        &m.AddCounter("moodtape_jobs_succeeded_total", "Jobs that succeeded, by type.", {"type"});
    metrics_->failed = &m.AddCounter("moodtape_jobs_failed_total",
                                     "Job attempts that ended in an error (retried or not), by "
                                     "type and error code.",
                                     {"type", "code"});
    metrics_->retried = &m.AddCounter("moodtape_jobs_retried_total",
                                      "Job retries scheduled with backoff, by type.", {"type"});
    metrics_->claimed = &m.AddCounter(
        "moodtape_jobs_claimed_total",
        "Deliveries taken over from a worker that stopped heartbeating (died or stalled), by type.",
        {"type"});
    metrics_->dead_lettered =
        &m.AddCounter("moodtape_jobs_dead_lettered_total",
                      "Jobs moved to the dead letters, by type and reason (non_retryable or "
                      "exhausted).",
                      {"type", "reason"});
    metrics_->duration = &m.AddHistogram("moodtape_jobs_duration_seconds",
                                         "Handler run time of one job attempt, by outcome.",
                                         {"type", "outcome"}, JobBuckets());
    metrics_->queue_wait =
        &m.AddHistogram("moodtape_jobs_queue_wait_seconds",
                        "Time from a job becoming ready (enqueued or retry due) to its start.",
                        {"type"}, JobBuckets());
    metrics_->depth =
        &m.AddGauge("moodtape_jobs_queue_depth",
                    "Unfinished jobs of a type (queued, running, awaiting retry).", {"type"});
    metrics_->dead_depth =
        &m.AddGauge("moodtape_jobs_dead_letter_depth",
                    "Dead letters of a type awaiting replay or purge.", {"type"});
  }
}

JobQueue::~JobQueue() = default;

int64_t JobQueue::NowMs() const {
  return std::chrono::duration_cast<milliseconds>(clock_.Now().time_since_epoch()).count();
}

std::string JobQueue::StreamKey(std::string_view type) const {
  return options_.key_prefix + "jobs:stream:" + std::string(type);
}
std::string JobQueue::DelayedKey(std::string_view type) const {
  return options_.key_prefix + "jobs:delayed:" + std::string(type);
}
std::string JobQueue::DeadLetterKey(std::string_view type) const {
  return options_.key_prefix + "jobs:dead:" + std::string(type);
}
std::string JobQueue::JobKey(std::string_view job_id) const {
  return options_.key_prefix + "job:" + std::string(job_id);
}
std::string JobQueue::IdempotencyKey(std::string_view owner, std::string_view key) const {
  // Hashed so any caller-chosen key has a bounded, delimiter-free name.
  return options_.key_prefix +
         "jobs:idem:" + Sha256Hex(std::string(owner) + '\n' + std::string(key));
}
std::string JobQueue::EventChannel(std::string_view owner) const {
  return options_.key_prefix + "events:" + std::string(owner);
}
std::string JobQueue::EventChannelPattern() const { return options_.key_prefix + "events:*"; }

milliseconds JobQueue::RetryDelay(int attempts) {
  int64_t ceiling = options_.backoff_base.count();
  for (int i = 1; i < attempts && ceiling < options_.backoff_max.count(); ++i) ceiling *= 2;
  ceiling = std::min<int64_t>(ceiling, options_.backoff_max.count());
  std::lock_guard lock(rng_mu_);
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(ceiling, 0));
  return milliseconds(pick(rng_));
}

Result<RedisReply> JobQueue::Run(const JobScript& script, const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args) {
  std::vector<std::string> command{"EVALSHA", script.sha, std::to_string(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  auto reply = redis_.Command(command);
  if (!reply.ok() && reply.error().code == ErrorCode::kInternal &&
      reply.error().message.rfind("redis: NOSCRIPT", 0) == 0) {
    // The script cache is empty after a restart; EVAL runs the script and caches it again.
    command[0] = "EVAL";
    command[1] = script.text;
    reply = redis_.Command(command);
  }
  if (!reply.ok() && reply.error().code == ErrorCode::kInternal) {
    LogError("job queue script failed", {{"error", reply.error().message}});
  }
  return reply;
}

void JobQueue::RecordAttempt(std::string_view type, std::string_view outcome, std::string_view code,
                             double seconds) {
  if (metrics_->duration != nullptr) {
    metrics_->duration->WithLabels({type, outcome}).Observe(seconds);
  }
  if (outcome != "succeeded" && metrics_->failed != nullptr) {
    metrics_->failed->WithLabels({type, code}).Inc();
  }
}

void JobQueue::SetDepthGauge(std::string_view type, int64_t depth) {
  if (metrics_->depth != nullptr) {
    metrics_->depth->WithLabels({type}).Set(static_cast<double>(depth));
  }
}

void JobQueue::SetDeadDepthGauge(std::string_view type, int64_t depth) {
  if (metrics_->dead_depth != nullptr) {
    metrics_->dead_depth->WithLabels({type}).Set(static_cast<double>(depth));
  }
}

Result<EnqueueResult> JobQueue::Enqueue(std::string_view type, std::string_view payload_json,
                                        const EnqueueOptions& options) {
  if (Status s = CheckType(type); !s.ok()) return s.error();
  if (!nlohmann::json::accept(payload_json)) {
    return MakeError(ErrorCode::kInvalidArgument, "job payload must be JSON");
  }
  std::string id = HexEncode(SecureRandomBytes(16));
  bool has_key = !options.idempotency_key.empty();
  std::string idem_key = has_key ? IdempotencyKey(options.owner, options.idempotency_key)
                                 : JobKey(id) + ":no-idempotency-key";
  auto reply =
      Run(AllScripts().enqueue, {StreamKey(type), DelayedKey(type), JobKey(id), idem_key},
          {id, std::string(type), options.owner, std::string(payload_json), std::to_string(NowMs()),
           std::to_string(options_.max_depth > 0 ? options_.max_depth : -1),
           std::to_string(options_.idempotency_ttl.count()), options_.group, options_.key_prefix,
           has_key ? "1" : "0"});
  if (!reply.ok()) return reply.error();
  const auto& parts = reply->elements();
  if (parts.size() < 2) return MakeError(ErrorCode::kInternal, "job queue: bad enqueue reply");
  const std::string& status = parts[0].str();
  if (status == "full") {
    if (metrics_->rejected != nullptr) metrics_->rejected->WithLabels({type}).Inc();
    SetDepthGauge(type, ToInt(parts[1].str()));
    return MakeError(ErrorCode::kResourceExhausted,
                     "the " + std::string(type) + " queue is full; try again later");
  }
  if (status == "dup") return EnqueueResult{parts[1].str(), true};
  if (metrics_->enqueued != nullptr) metrics_->enqueued->WithLabels({type}).Inc();
  return EnqueueResult{parts[1].str(), false};
}

Result<JobRecord> JobQueue::GetJob(std::string_view job_id) {
  if (Status s = CheckJobId(job_id); !s.ok()) return s.error();
  auto reply = redis_.Command({"HGETALL", JobKey(job_id)});
  if (!reply.ok()) return reply.error();
  if (reply->elements().empty()) return MakeError(ErrorCode::kNotFound, "no such job");
  return RecordFromHash(*reply);
}

Result<int64_t> JobQueue::PublishEvent(std::string_view job_id, std::string_view stage,
                                       std::string_view data_json) {
  if (Status s = CheckJobId(job_id); !s.ok()) return s.error();
  if (!IsName(stage)) {
    return MakeError(ErrorCode::kInvalidArgument, "event stage must be 1-64 of [a-z0-9_.-]");
  }
  if (!nlohmann::json::accept(data_json)) {
    return MakeError(ErrorCode::kInvalidArgument, "event data must be JSON");
  }
  auto reply = Run(AllScripts().publish, {JobKey(job_id)},
                   {options_.key_prefix, std::string(stage), std::string(data_json)});
  if (!reply.ok()) return reply.error();
  if (reply->integer() < 0) return MakeError(ErrorCode::kNotFound, "no such job");
  return reply->integer();
}

Result<DeadLetter> JobQueue::ReadDeadLetter(std::string_view type, std::string_view entry_id) {
  std::string id(entry_id);
  auto reply = redis_.Command({"XRANGE", DeadLetterKey(type), id, id});
  if (!reply.ok()) return reply.error();
  if (reply->elements().empty()) return MakeError(ErrorCode::kNotFound, "no such dead letter");
  return DeadLetterFromEntry(reply->elements()[0]);
}

Result<DeadLetterPage> JobQueue::ListDeadLetters(std::string_view type, size_t limit,
                                                 std::string_view cursor) {
  if (Status s = CheckType(type); !s.ok()) return s.error();
  if (limit < 1 || limit > kMaxDeadLetterPage) {
    return MakeError(ErrorCode::kInvalidArgument, "limit must be 1-1000");
  }
  // The cursor is the last entry id of the previous page; "(" makes the range exclusive.
  if (cursor.find_first_not_of("0123456789-") != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "bad dead-letter cursor");
  }
  std::string start = cursor.empty() ? "-" : "(" + std::string(cursor);
  auto reply =
      redis_.Command({"XRANGE", DeadLetterKey(type), start, "+", "COUNT", std::to_string(limit)});
  if (!reply.ok()) {
    if (reply.error().code == ErrorCode::kInternal) {
      return MakeError(ErrorCode::kInvalidArgument, "bad dead-letter cursor");
    }
    return reply.error();
  }
  DeadLetterPage page;
  for (const auto& entry : reply->elements()) page.letters.push_back(DeadLetterFromEntry(entry));
  if (page.letters.size() == limit) page.next_cursor = page.letters.back().entry_id;
  return page;
}

Result<DeadLetter> JobQueue::GetDeadLetter(std::string_view job_id) {
  if (Status s = CheckJobId(job_id); !s.ok()) return s.error();
  auto reply = redis_.Command({"HMGET", JobKey(job_id), "type", "dead_entry"});
  if (!reply.ok()) return reply.error();
  const auto& f = reply->elements();
  if (f.size() < 2 || f[0].is_nil() || f[1].is_nil()) {
    return MakeError(ErrorCode::kNotFound, "the job has no dead letter");
  }
  return ReadDeadLetter(f[0].str(), f[1].str());
}

Status JobQueue::ReplayDeadLetter(std::string_view job_id) {
  if (Status s = CheckJobId(job_id); !s.ok()) return s;
  auto type = redis_.Command({"HGET", JobKey(job_id), "type"});
  if (!type.ok()) return type.error();
  if (type->is_nil()) return MakeError(ErrorCode::kNotFound, "the job has no dead letter");
  const std::string& t = type->str();
  auto reply = Run(
      AllScripts().replay, {JobKey(job_id), StreamKey(t), DelayedKey(t), DeadLetterKey(t)},
      {std::to_string(NowMs()), std::to_string(options_.max_depth > 0 ? options_.max_depth : -1),
       options_.group, options_.key_prefix});
  if (!reply.ok()) return reply.error();
  const auto& parts = reply->elements();
  const std::string status = parts.empty() ? "" : parts[0].str();
  if (status == "missing") return MakeError(ErrorCode::kNotFound, "the job has no dead letter");
  if (status == "full") {
    return MakeError(ErrorCode::kResourceExhausted, "the " + t + " queue is full; try again later");
  }
  if (status != "ok") return MakeError(ErrorCode::kInternal, "job queue: bad replay reply");
  if (metrics_->enqueued != nullptr) metrics_->enqueued->WithLabels({t}).Inc();
  return Status::Ok();
}

Result<int64_t> JobQueue::PurgeDeadLetters(std::string_view type) {
  if (Status s = CheckType(type); !s.ok()) return s.error();
  // In batches, so one purge of a long dead-letter stream never blocks Redis for long.
  int64_t total = 0;
  while (true) {
    auto reply = Run(AllScripts().purge, {DeadLetterKey(type)},
                     {std::to_string(kPurgeBatch),
                      options_.key_prefix + "job:", std::to_string(options_.result_ttl.count())});
    if (!reply.ok()) return reply.error();
    total += reply->integer();
    if (reply->integer() < kPurgeBatch) break;
  }
  SetDeadDepthGauge(type, 0);
  return total;
}

Result<int64_t> JobQueue::Depth(std::string_view type) {
  if (Status s = CheckType(type); !s.ok()) return s.error();
  auto replies = redis_.Pipeline({{"XLEN", StreamKey(type)}, {"ZCARD", DelayedKey(type)}});
  if (!replies.ok()) return replies.error();
  for (const auto& r : *replies) {
    if (r.is_error()) return MakeError(ErrorCode::kInternal, "redis: " + r.str());
  }
  int64_t depth = (*replies)[0].integer() + (*replies)[1].integer();
  SetDepthGauge(type, depth);
  return depth;
}

Result<int64_t> JobQueue::DeadLetterDepth(std::string_view type) {
  if (Status s = CheckType(type); !s.ok()) return s.error();
  auto reply = redis_.Command({"XLEN", DeadLetterKey(type)});
  if (!reply.ok()) return reply.error();
  SetDeadDepthGauge(type, reply->integer());
  return reply->integer();
}

// ---------------------------------------------------------------------------------------------
// Worker side

Status JobQueue::EnsureGroup(std::string_view type) {
  auto reply =
      redis_.Command({"XGROUP", "CREATE", StreamKey(type), options_.group, "0", "MKSTREAM"});
  if (reply.ok()) return Status::Ok();
  if (reply.error().message.rfind("redis: BUSYGROUP", 0) == 0) return Status::Ok();
  return reply.error();
}

Result<std::vector<JobQueue::Delivery>> JobQueue::ReadNew(const std::vector<std::string>& types,
                                                          const std::string& consumer, int count,
                                                          milliseconds block) {
  std::vector<std::string> command{
      "XREADGROUP",   "GROUP",
      options_.group, consumer,
      "COUNT",        std::to_string(std::max(count, 1)),
      "BLOCK",        std::to_string(std::max<int64_t>(block.count(), 1)),
      "STREAMS"};
  for (const auto& t : types) command.push_back(StreamKey(t));
  for (size_t i = 0; i < types.size(); ++i) command.emplace_back(">");
  auto reply = redis_.Command(command);
  if (!reply.ok()) return reply.error();
  std::vector<Delivery> out;
  const std::string stream_prefix = options_.key_prefix + "jobs:stream:";
  for (const auto& stream : reply->elements()) {
    if (stream.elements().size() < 2) continue;
    std::string type = stream.elements()[0].str().substr(stream_prefix.size());
    for (const auto& entry : stream.elements()[1].elements()) {
      if (entry.elements().size() < 2) continue;
      out.push_back({type, entry.elements()[0].str(), JobIdOfEntry(entry.elements()[1])});
    }
  }
  return out;
}

Result<std::vector<JobQueue::Delivery>> JobQueue::Claim(std::string_view type,
                                                        const std::string& consumer, int count,
                                                        std::string* cursor) {
  if (cursor->empty()) *cursor = "0-0";
  auto reply = redis_.Command({"XAUTOCLAIM", StreamKey(type), options_.group, consumer,
                               std::to_string(options_.visibility_timeout.count()), *cursor,
                               "COUNT", std::to_string(std::max(count, 1))});
  if (!reply.ok()) return reply.error();
  std::vector<Delivery> out;
  const auto& parts = reply->elements();
  if (parts.size() < 2) return out;
  *cursor = parts[0].str();
  for (const auto& entry : parts[1].elements()) {
    if (entry.elements().size() < 2) continue;
    // A nil body is an entry deleted while pending: nothing to run.
    out.push_back({std::string(type), entry.elements()[0].str(),
                   entry.elements()[1].is_nil() ? "" : JobIdOfEntry(entry.elements()[1])});
  }
  if (metrics_ != nullptr && metrics_->claimed != nullptr && !out.empty()) {
    metrics_->claimed->WithLabels({std::string(type)}).Inc(static_cast<double>(out.size()));
  }
  return out;
}

Result<int64_t> JobQueue::PromoteDue(std::string_view type, int limit) {
  auto reply = Run(AllScripts().promote, {DelayedKey(type), StreamKey(type)},
                   {std::to_string(NowMs()), std::to_string(limit),
                    options_.key_prefix + "job:", options_.group});
  if (!reply.ok()) return reply.error();
  return reply->integer();
}

Result<std::vector<std::string>> JobQueue::Heartbeat(std::string_view type,
                                                     const std::string& consumer,
                                                     const std::vector<std::string>& entry_ids) {
  std::vector<std::string> args{options_.group, consumer};
  args.insert(args.end(), entry_ids.begin(), entry_ids.end());
  auto reply = Run(AllScripts().heartbeat, {StreamKey(type)}, args);
  if (!reply.ok()) return reply.error();
  std::vector<std::string> lost;
  for (const auto& id : reply->elements()) lost.push_back(id.str());
  return lost;
}

Result<JobQueue::StartOutcome> JobQueue::StartAttempt(const Delivery& delivery,
                                                      const std::string& consumer) {
  if (delivery.job_id.empty()) {
    // An entry without a job id (deleted, or not ours): acknowledge and forget it.
    auto ack =
        redis_.Pipeline({{"XACK", StreamKey(delivery.type), options_.group, delivery.entry_id},
                         {"XDEL", StreamKey(delivery.type), delivery.entry_id}});
    if (!ack.ok()) return ack.error();
    return StartOutcome{};
  }
  int64_t now = NowMs();
  auto reply = Run(AllScripts().start, {JobKey(delivery.job_id), StreamKey(delivery.type)},
                   {delivery.entry_id, std::to_string(now), consumer, options_.key_prefix,
                    options_.group, std::to_string(options_.max_attempts)});
  if (!reply.ok()) return reply.error();
  const auto& parts = reply->elements();
  if (parts.size() < 2) return MakeError(ErrorCode::kInternal, "job queue: bad start reply");
  StartOutcome outcome;
  const std::string& kind = parts[0].str();
  if (kind == "skip") {
    LogInfo("job entry skipped",
            {{"job_id", delivery.job_id}, {"type", delivery.type}, {"reason", parts[1].str()}});
    return outcome;
  }
  outcome.record = RecordFromHash(parts[1]);
  outcome.kind = kind == "run" ? StartKind::kRun : StartKind::kExhausted;
  if (outcome.kind == StartKind::kRun) {
    if (metrics_->started != nullptr) metrics_->started->WithLabels({delivery.type}).Inc();
    if (metrics_->queue_wait != nullptr) {
      int64_t ready = 0;
      ForEachField(parts[1], [&ready](const std::string& f, const std::string& v) {
        if (f == "ready_ms") ready = ToInt(v);
      });
      if (ready > 0 && now >= ready) {
        metrics_->queue_wait->WithLabels({delivery.type})
            .Observe(static_cast<double>(now - ready) / 1000.0);
      }
    }
  }
  return outcome;
}

Result<bool> JobQueue::FinishAttempt(const Delivery& delivery, const JobRecord& record,
                                     const std::string& consumer, FinishMode mode,
                                     const std::string& text, const std::string& code,
                                     const std::string& history_entry, int64_t due_ms,
                                     bool check_owner) {
  const char* mode_name = "succeeded";
  nlohmann::json data = nlohmann::json::object();
  switch (mode) {
    case FinishMode::kSucceeded:
      data["result"] = nlohmann::json::parse(text, nullptr, false);
      break;
    case FinishMode::kRetry:
      mode_name = "retrying";
      data = {
          {"attempt", record.attempts}, {"error", text}, {"code", code}, {"retry_at_ms", due_ms}};
      break;
    case FinishMode::kFailed:
      mode_name = "failed";
      data = {{"attempt", record.attempts}, {"error", text}, {"code", code}};
      break;
    case FinishMode::kDead:
      mode_name = "dead";
      data = {{"attempt", record.attempts}, {"error", text}, {"code", code}};
      break;
  }
  const std::string& t = delivery.type;
  auto reply = Run(
      AllScripts().finish, {JobKey(delivery.job_id), StreamKey(t), DelayedKey(t), DeadLetterKey(t)},
      {delivery.entry_id, consumer, options_.group, std::to_string(NowMs()), options_.key_prefix,
       mode_name, text, code, history_entry, std::to_string(options_.result_ttl.count()),
       std::to_string(due_ms), data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
       check_owner ? "1" : "0"});
  if (!reply.ok()) return reply.error();
  bool stored = reply->integer() == 1;
  if (stored) {
    switch (mode) {
      case FinishMode::kSucceeded:
        if (metrics_->succeeded != nullptr) metrics_->succeeded->WithLabels({t}).Inc();
        break;
      case FinishMode::kRetry:
        if (metrics_->retried != nullptr) metrics_->retried->WithLabels({t}).Inc();
        break;
      case FinishMode::kFailed:
      case FinishMode::kDead:
        if (metrics_->dead_lettered != nullptr) {
          metrics_->dead_lettered
              ->WithLabels({t, mode == FinishMode::kFailed ? "non_retryable" : "exhausted"})
              .Inc();
        }
        break;
    }
  }
  return stored;
}

JobQueueOptions ReadJobQueueOptions(Config& config) {
  JobQueueOptions o;
  const int64_t day = 24LL * 3600 * 1000;
  o.visibility_timeout = config.Millis("queue", "visibility_timeout_ms", 30000, 1000, day);
  o.max_attempts = static_cast<int>(config.Int("queue", "max_attempts", 5, 1, 100));
  o.backoff_base = config.Millis("queue", "backoff_base_ms", 1000, 1, day);
  o.backoff_max = config.Millis("queue", "backoff_max_ms", 60000, 1, day);
  o.result_ttl = config.Millis("queue", "result_ttl_ms", day, 1000, 30 * day);
  o.idempotency_ttl = config.Millis("queue", "idempotency_ttl_ms", day, 1000, 30 * day);
  o.max_depth = config.Int("queue", "max_depth", 10000, 0, 100000000);
  return o;
}

}  // namespace moodtape::platform
