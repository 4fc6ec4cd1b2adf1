#include "platform/service/error_reporter.h"

#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "platform/http/client.h"
#include "platform/observability/trace.h"

namespace moodtape::platform {
namespace {
constexpr size_t kMaxQueued = 100;
}  // namespace

std::optional<SentryDsn> ParseSentryDsn(std::string_view dsn) {
  size_t scheme_end = dsn.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  std::string_view scheme = dsn.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string_view rest = dsn.substr(scheme_end + 3);
  size_t at = rest.find('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string_view key = rest.substr(0, at);
  if (size_t colon = key.find(':'); colon != std::string_view::npos) key = key.substr(0, colon);
  std::string_view host_path = rest.substr(at + 1);
  size_t last_slash = host_path.rfind('/');
  if (last_slash == std::string_view::npos || last_slash + 1 >= host_path.size())
    return std::nullopt;
  std::string_view project = host_path.substr(last_slash + 1);
  if (project.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::string_view host_and_prefix = host_path.substr(0, last_slash);
  if (host_and_prefix.empty()) return std::nullopt;
  SentryDsn out;
  out.public_key = std::string(key);
  out.envelope_url = std::string(scheme) + "://" + std::string(host_and_prefix) + "/api/" +
                     std::string(project) + "/envelope/";
  out.original = std::string(dsn);
  if (!ParseUrl(out.envelope_url)) return std::nullopt;
  return out;
}

ErrorReporter::ErrorReporter(std::string_view dsn, std::string service, MetricsRegistry* metrics)
    : service_(std::move(service)) {
  if (dsn.empty()) return;
  dsn_ = ParseSentryDsn(dsn);
  if (!dsn_) {
    throw std::invalid_argument(
        "errors.sentry_dsn is not a DSN like https://<key>@<host>/<project-id>");
  }
  if (metrics) {
    auto& family =
        metrics->AddCounter("moodtape_error_reports_total",
                            "Error reports by outcome (sent, failed, dropped).", {"outcome"});
    sent_ = &family.WithLabels({"sent"});
    failed_ = &family.WithLabels({"failed"});
    dropped_ = &family.WithLabels({"dropped"});
  }
  worker_ = std::thread([this] { Run(); });
}

ErrorReporter::~ErrorReporter() {
  if (!worker_.joinable()) return;
  Flush(std::chrono::milliseconds(2000));
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

std::string ErrorReporter::BuildEnvelope(const std::string& message,
                                         const LogFields& context) const {
  std::string event_id = NewRequestId();  // 32 hex, the format Sentry wants
  auto now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  char host[256] = "unknown";
  gethostname(host, sizeof(host) - 1);
  nlohmann::json tags = nlohmann::json::object();
  nlohmann::json extra = nlohmann::json::object();
  if (context.is_object()) {
    for (auto it = context.begin(); it != context.end(); ++it) {
      if (it->is_string())
        tags[it.key()] = it->get<std::string>();
      else
        extra[it.key()] = *it;
    }
  }
  tags["service"] = service_;
  nlohmann::json header = {{"event_id", event_id}, {"dsn", dsn_->original}};
  nlohmann::json item = {{"type", "event"}, {"content_type", "application/json"}};
  nlohmann::json event = {{"event_id", event_id},
                          {"timestamp", now},
                          {"platform", "native"},
                          {"level", "error"},
                          {"logger", service_},
                          {"server_name", host},
                          {"message", {{"formatted", message}}},
                          {"tags", tags},
                          {"extra", extra}};
  auto dump = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  return dump(header) + "\n" + dump(item) + "\n" + dump(event) + "\n";
}

void ErrorReporter::Report(std::string_view message, const LogFields& context) {
  if (!enabled()) return;
  std::string envelope = BuildEnvelope(std::string(message), context);
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueued) {
      if (dropped_) dropped_->Inc();
      return;
    }
    queue_.push_back(std::move(envelope));
  }
  cv_.notify_all();
}

bool ErrorReporter::Flush(std::chrono::milliseconds timeout) {
  if (!enabled()) return true;
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return queue_.empty() && !sending_; });
}

void ErrorReporter::Run() {
  while (true) {
    std::string envelope;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop requested and nothing left
      envelope = std::move(queue_.front());
      queue_.pop_front();
      sending_ = true;
    }
    HttpClientRequest req;
    req.method = "POST";
    req.url = dsn_->envelope_url;
    req.timeout = std::chrono::milliseconds(3000);
    req.headers["Content-Type"] = "application/x-sentry-envelope";
    req.headers["X-Sentry-Auth"] =
        "Sentry sentry_version=7, sentry_client=moodtape/0.1.0, sentry_key=" + dsn_->public_key;
    req.body = std::move(envelope);
    auto res = HttpFetch(req);
    bool ok = res.ok() && res->status >= 200 && res->status < 300;
    if (ok) {
      if (sent_) sent_->Inc();
    } else {
      if (failed_) failed_->Inc();
      // Logged without the DSN: its key is a credential.
      LogWarn("error report not delivered",
              {{"status", res.ok() ? res->status : 0},
               {"reason", res.ok() ? "http status" : res.error().message}});
    }
    {
      std::lock_guard lock(mu_);
      sending_ = false;
    }
    cv_.notify_all();
  }
}

}  // namespace moodtape::platform
