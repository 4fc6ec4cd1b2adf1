// Sends unexpected failures to a Sentry-compatible DSN as envelopes over HTTP (no Sentry SDK is
// packaged in Debian). Reporting never blocks a request: events go through a bounded queue to
// one background thread, and are dropped (and counted) when the queue is full. With no DSN it is
// silent and free.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "platform/base/log.h"
#include "platform/observability/metrics.h"

namespace moodtape::platform {

struct SentryDsn {
  std::string envelope_url;  // {scheme}://{host}{path}/api/{project}/envelope/
  std::string public_key;
  std::string original;
};

// Parses "{scheme}://{public_key}@{host}[:{port}]{/path}/{project_id}".
std::optional<SentryDsn> ParseSentryDsn(std::string_view dsn);

class ErrorReporter {
 public:
  // An empty dsn gives a disabled reporter. A malformed one throws (start-up configuration).
  ErrorReporter(std::string_view dsn, std::string service, MetricsRegistry* metrics = nullptr);
  ~ErrorReporter();
  ErrorReporter(const ErrorReporter&) = delete;
  ErrorReporter& operator=(const ErrorReporter&) = delete;

  bool enabled() const { return dsn_.has_value(); }

  // Queues one event. `context` becomes the event's tags (request_id, rpc, code...); it must not
  // carry secrets — callers pass ids, never tokens.
  void Report(std::string_view message, const LogFields& context = LogFields::object());

  // Waits until the queue is empty and the last send finished, or the timeout passes.
  bool Flush(std::chrono::milliseconds timeout);

 private:
  void Run();
  std::string BuildEnvelope(const std::string& message, const LogFields& context) const;

  std::optional<SentryDsn> dsn_;
  const std::string service_;
  Counter* sent_ = nullptr;
  Counter* failed_ = nullptr;
  Counter* dropped_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool sending_ = false;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace moodtape::platform
