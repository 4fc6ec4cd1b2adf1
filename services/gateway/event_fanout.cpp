#include "services/gateway/event_fanout.h"

#include <algorithm>

#include "platform/base/log.h"
#include "services/gateway/core/mood_requests.h"

namespace moodtape::gateway {

using platform::ErrorCode;
using platform::HttpRequest;
using platform::JobEvent;
using platform::WebSocketSession;
using SessionPtr = std::shared_ptr<WebSocketSession>;

namespace {
constexpr std::string_view kNotFoundMessage = "no such job";
// Events held for one subscription while its snapshot is read; a job publishes a handful.
constexpr size_t kMaxHeldEvents = 1024;
}  // namespace

EventFanout::EventFanout(platform::JobQueue& queue, std::shared_ptr<RequestAuthenticator> auth,
                         platform::MetricsRegistry& metrics, size_t max_subscriptions_per_socket)
    : queue_(queue),
      auth_(std::move(auth)),
      max_subscriptions_per_socket_(max_subscriptions_per_socket),
      channel_prefix_(queue.EventChannel("")),
      connections_(metrics
                       .AddGauge("moodtape_gateway_websocket_connections",
                                 "Authenticated job-event WebSockets open now")
                       .WithLabels(std::vector<std::string>{})),
      sent_(metrics
                .AddCounter("moodtape_gateway_websocket_events_total",
                            "Job-event WebSocket messages by outcome (sent, dropped)", {"outcome"})
                .WithLabels({"sent"})),
      dropped_(metrics
                   .AddCounter("moodtape_gateway_websocket_events_total",
                               "Job-event WebSocket messages by outcome (sent, dropped)",
                               {"outcome"})
                   .WithLabels({"dropped"})),
      subscriptions_(metrics
                         .AddGauge("moodtape_gateway_websocket_subscriptions",
                                   "Job subscriptions held by open WebSockets")
                         .WithLabels(std::vector<std::string>{})),
      listener_connected_(metrics
                              .AddGauge("moodtape_gateway_event_listener_connected",
                                        "1 while the job-event listener is subscribed in Redis")
                              .WithLabels(std::vector<std::string>{})) {}

void EventFanout::Register(platform::HttpServer& server) {
  server.HandleWebSocket("/api/v1/ws", [this](const HttpRequest& r) { return Upgrade(r); });
}

platform::WebSocketUpgrade EventFanout::Upgrade(const HttpRequest& request) {
  // A WebSocket upgrade is a GET that a cross-site page can start, but SameSite=Strict keeps the
  // cookie off it and every frame only reads the caller's own jobs.
  auto claims = auth_->Authenticate(request, /*state_changing=*/false);
  if (!claims.ok()) {
    return platform::WebSocketUpgrade::Refuse(
        platform::ErrorResponse(claims.error(), request.request_id));
  }
  std::string user = claims->subject;
  platform::WebSocketUpgrade u;
  u.on_open = [this, user](const SessionPtr& s) { OnOpen(s, user); };
  u.on_message = [this](const SessionPtr& s, const std::string& text) { OnFrame(s, text); };
  u.on_close = [this](const SessionPtr& s) { OnClose(s); };
  return u;
}

void EventFanout::OnOpen(const SessionPtr& session, const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  sockets_[session.get()].user = user;
  connections_.Inc();
}

void EventFanout::OnClose(const SessionPtr& session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sockets_.find(session.get());
  if (it == sockets_.end()) return;
  auto jobs = it->second.jobs;
  for (auto& [job_id, sub] : jobs) RemoveLocked(sub);
  sockets_.erase(session.get());
  connections_.Dec();
}

void EventFanout::Deliver(WebSocketSession& session, std::string text) {
  if (session.Send(std::move(text))) {
    sent_.Inc();
  } else {
    dropped_.Inc();
  }
}

void EventFanout::OnFrame(const SessionPtr& session, const std::string& text) {
  auto frame = ParseClientFrame(text);
  if (!frame.ok()) {
    Deliver(*session, ErrorFrame("", "invalid_argument", frame.error().message));
    return;
  }
  if (frame->type == ClientFrameType::kUnsubscribe) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sockets_.find(session.get());
    if (it == sockets_.end()) return;
    auto sub = it->second.jobs.find(frame->job_id);
    if (sub != it->second.jobs.end()) RemoveLocked(sub->second);
    return;
  }
  Subscribe(session, frame->job_id);
}

void EventFanout::Subscribe(const SessionPtr& session, const std::string& job_id) {
  if (!LooksLikeJobId(job_id)) {
    Deliver(*session, ErrorFrame(job_id, "not_found", kNotFoundMessage));
    return;
  }
  auto sub = std::make_shared<Subscription>();
  sub->session = session;
  sub->job_id = job_id;
  {
    // Register first, read second: an event published in between is held, not lost.
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sockets_.find(session.get());
    if (it == sockets_.end()) return;
    sub->owner = it->second.user;
    auto old = it->second.jobs.find(job_id);
    if (old != it->second.jobs.end()) RemoveLocked(old->second);  // subscribing again: new snapshot
    if (it->second.jobs.size() >= max_subscriptions_per_socket_) {
      Deliver(*session, ErrorFrame(job_id, "resource_exhausted",
                                   "too many subscriptions on this connection (at most " +
                                       std::to_string(max_subscriptions_per_socket_) + ")"));
      return;
    }
    it->second.jobs[job_id] = sub;
    if (by_job_[job_id].insert(sub).second) subscriptions_.Inc();
  }
  auto job = queue_.GetJob(job_id);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sockets_.find(session.get());
  bool still_subscribed =
      it != sockets_.end() && it->second.jobs.count(job_id) && it->second.jobs[job_id] == sub;
  if (!still_subscribed) return;  // unsubscribed or closed meanwhile
  if (!job.ok() || job->owner != sub->owner) {
    RemoveLocked(sub);
    if (job.ok() || job.error().code == ErrorCode::kNotFound ||
        job.error().code == ErrorCode::kInvalidArgument) {
      Deliver(*session, ErrorFrame(job_id, "not_found", kNotFoundMessage));
    } else {
      platform::LogWarn("websocket subscribe failed",
                        {{"request_id", session->UpgradeRequest().request_id},
                         {"job_id", job_id},
                         {"error", job.error().message}});
      Deliver(*session, ErrorFrame(job_id, "unavailable",
                                   "job state is unavailable right now; subscribe again shortly"));
    }
    return;
  }
  Deliver(*session, SnapshotFrame(*job));
  sub->last_seq = job->seq;
  std::sort(sub->held.begin(), sub->held.end(),
            [](const JobEvent& a, const JobEvent& b) { return a.seq < b.seq; });
  for (auto& event : sub->held) {
    if (event.seq <= sub->last_seq) continue;
    sub->last_seq = event.seq;
    Deliver(*session, EventFrame(event));
  }
  sub->held.clear();
  sub->ready = true;
}

void EventFanout::RemoveLocked(const std::shared_ptr<Subscription>& sub) {
  auto socket = sockets_.find(sub->session.get());
  if (socket != sockets_.end()) {
    auto it = socket->second.jobs.find(sub->job_id);
    if (it != socket->second.jobs.end() && it->second == sub) socket->second.jobs.erase(it);
  }
  auto job = by_job_.find(sub->job_id);
  if (job != by_job_.end()) {
    if (job->second.erase(sub) > 0) subscriptions_.Dec();
    if (job->second.empty()) by_job_.erase(job);
  }
}

void EventFanout::OnMessage(const std::string& channel, const std::string& payload) {
  if (channel.compare(0, channel_prefix_.size(), channel_prefix_) != 0) return;
  std::string owner = channel.substr(channel_prefix_.size());
  auto event = platform::ParseJobEvent(payload);
  if (!event.ok()) {
    platform::LogWarn("malformed job event", {{"channel", channel}});
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_job_.find(event->job_id);
  if (it == by_job_.end()) return;
  // The channel names the owner: a subscriber of another user never sees the event, even if it
  // somehow held a subscription to the id.
  std::vector<std::shared_ptr<Subscription>> subs(it->second.begin(), it->second.end());
  for (const auto& sub : subs) {
    if (sub->owner != owner) continue;
    if (!sub->ready) {
      if (sub->held.size() < kMaxHeldEvents) sub->held.push_back(*event);
      continue;
    }
    if (event->seq <= sub->last_seq) continue;
    sub->last_seq = event->seq;
    Deliver(*sub->session, EventFrame(*event));
  }
}

void EventFanout::OnConnection(bool connected) {
  listener_connected_.Set(connected ? 1 : 0);
  if (!connected) {
    platform::LogWarn("job event listener disconnected from redis");
    return;
  }
  // Events published while the listener was away are gone: re-read every subscribed job and
  // send a fresh snapshot where it moved on.
  std::vector<std::shared_ptr<Subscription>> subs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [job_id, set] : by_job_) {
      for (const auto& sub : set) {
        if (sub->ready) subs.push_back(sub);
      }
    }
  }
  if (!subs.empty()) {
    platform::LogInfo("job event listener resubscribed; resyncing",
                      {{"subscriptions", static_cast<int64_t>(subs.size())}});
  }
  for (const auto& sub : subs) {
    auto job = queue_.GetJob(sub->job_id);
    if (!job.ok() || job->owner != sub->owner) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (job->seq > sub->last_seq) {
      sub->last_seq = job->seq;
      Deliver(*sub->session, SnapshotFrame(*job));
    }
  }
}

size_t EventFanout::SubscriptionCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [job, set] : by_job_) n += set.size();
  return n;
}

}  // namespace moodtape::gateway
