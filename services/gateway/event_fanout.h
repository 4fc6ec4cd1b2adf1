// GET /api/v1/ws: job events to the browser and CLI. One Redis pub/sub listener per gateway
// process (a platform::RedisSubscriber on JobQueue::EventChannelPattern(), wired in main.cpp)
// hands every event to OnMessage, which forwards it to the sockets of that job's owner that
// subscribed to that job.
//
// Nothing is lost or doubled between submitting and subscribing: a subscription is registered
// first (events arriving meanwhile are held), then the job hash is read and sent as a snapshot
// with its seq, then the held events with a larger seq follow; later events with seq <= the last
// one sent are dropped. After the listener reconnects (events published while it was away are
// gone) every subscription whose job moved on gets a fresh snapshot.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "platform/http/server.h"
#include "platform/jobs/queue.h"
#include "platform/observability/metrics.h"
#include "services/gateway/request_auth.h"

namespace moodtape::gateway {

class EventFanout {
 public:
  // `queue` and `metrics` must outlive the fanout.
  EventFanout(platform::JobQueue& queue, std::shared_ptr<RequestAuthenticator> auth,
              platform::MetricsRegistry& metrics, size_t max_subscriptions_per_socket = 64);

  // Adds GET /api/v1/ws. `this` must outlive the server's handlers.
  void Register(platform::HttpServer& server);
  // Authenticates the upgrade request (401 before upgrading) and returns the session callbacks.
  platform::WebSocketUpgrade Upgrade(const platform::HttpRequest& request);

  // The listener's callbacks (RedisSubscriber thread).
  void OnMessage(const std::string& channel, const std::string& payload);
  void OnConnection(bool connected);

  // Subscriptions held now (for tests and logs).
  size_t SubscriptionCount() const;

 private:
  struct Subscription {
    std::shared_ptr<platform::WebSocketSession> session;
    std::string owner;
    std::string job_id;
    bool ready = false;  // the snapshot has been sent
    int64_t last_seq = 0;
    std::vector<platform::JobEvent> held;  // events that arrived before the snapshot
  };
  struct Socket {
    std::string user;
    std::map<std::string, std::shared_ptr<Subscription>> jobs;
  };

  void OnOpen(const std::shared_ptr<platform::WebSocketSession>& session, const std::string& user);
  void OnFrame(const std::shared_ptr<platform::WebSocketSession>& session, const std::string& text);
  void OnClose(const std::shared_ptr<platform::WebSocketSession>& session);
  void Subscribe(const std::shared_ptr<platform::WebSocketSession>& session,
                 const std::string& job_id);
  // Removes one subscription (mu_ held).
  void RemoveLocked(const std::shared_ptr<Subscription>& sub);
  // Sends and counts (sent or dropped).
  void Deliver(platform::WebSocketSession& session, std::string text);

  platform::JobQueue& queue_;
  std::shared_ptr<RequestAuthenticator> auth_;
  const size_t max_subscriptions_per_socket_;
  const std::string channel_prefix_;  // "<prefix>events:"

  platform::Gauge& connections_;
  platform::Counter& sent_;
  platform::Counter& dropped_;
  platform::Gauge& subscriptions_;
  platform::Gauge& listener_connected_;

  mutable std::mutex mu_;
  std::map<const platform::WebSocketSession*, Socket> sockets_;
  std::map<std::string, std::set<std::shared_ptr<Subscription>>> by_job_;
};

}  // namespace moodtape::gateway
