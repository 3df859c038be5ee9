// Node::Entry: what the node keeps per channel besides the channel itself.
// Private to framework/client.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "parley/client/node.h"

namespace parley::client {

// The first 12 hex digits of a channel id, for messages and logs.
inline std::string ShortId(const channel::ChannelId& id) { return ToHex(id).substr(0, 12); }

struct Node::Entry {
  explicit Entry(channel::Channel c)
      : peer(c.params().participants[1 - c.self()]), channel(std::move(c)) {}

  const wire::PeerId peer;  // fixed for the channel's life: readable without the lock
  std::mutex mutex;         // guards everything below
  channel::Channel channel;
  std::deque<Bytes> queued;      // actions not proposed yet
  std::vector<Bytes> in_flight;  // the actions inside channel.pending()
  bool close_requested = false;
  bool closing_in_flight = false;  // channel.pending() is the final state
  bool yielding = false;           // lost a tie-break: wait for the peer's next proposal

  const wire::PeerId& Peer() const { return peer; }
  // Puts the in-flight actions back at the front of the queue.
  void Requeue() {
    queued.insert(queued.begin(), in_flight.begin(), in_flight.end());
    in_flight.clear();
    close_requested = close_requested || closing_in_flight;
    closing_in_flight = false;
  }
};

}  // namespace parley::client
