// TowerFeed: hands a node's latest fully signed states to a watchtower
// (parleyd --watchtower HOST:PORT, docs/operations.md). The node's observer
// only queues channel ids; a thread of the feed's own reads each channel's
// latest state from the node and sends it, so a slow or absent tower never
// holds the node up. A state the tower could not be reached for is sent
// again with back-off; one the tower refused is logged, and the channel's
// next update sends it again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "parley/client/node.h"
#include "parley/watchtower/tower_client.h"

namespace parley::daemon {

class TowerFeed {
 public:
  // `node` and `tower` outlive the feed. Nothing is sent before Start().
  TowerFeed(client::Node& node, watchtower::TowerClient& tower);
  ~TowerFeed();  // Stop()
  TowerFeed(const TowerFeed&) = delete;
  TowerFeed& operator=(const TowerFeed&) = delete;

  // For the node's observer: queues the channel of every new fully signed
  // state. Never calls into the node.
  void OnEvent(const client::NodeEvent& event);
  // Once the node has started: queues every channel it has and starts the
  // feed's thread.
  void Start();
  // Ends the thread; what is still queued is not sent.
  void Stop();

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kMinBackoff{500};
  static constexpr std::chrono::milliseconds kMaxBackoff{30'000};

  void Run();
  // Sends the channel's latest state unless the tower has it already, or
  // the channel has nothing a stale registration could undercut.
  Status HandOver(const channel::ChannelId& id);

  client::Node& node_;
  watchtower::TowerClient& tower_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::set<channel::ChannelId> queued_;
  std::set<channel::ChannelId> retry_;  // the tower was unreachable
  Clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{kMinBackoff};
  bool stopping_ = false;
  std::map<channel::ChannelId, uint64_t> sent_;  // the version the tower holds (feed thread only)
  std::thread thread_;
};

}  // namespace parley::daemon
