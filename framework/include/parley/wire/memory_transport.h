// MemoryNetwork: transports for nodes in one process. Sent messages wait in
// one FIFO queue until Deliver() hands them to their receivers, so a test or
// demo decides exactly when messages move. Messages to a Silenced() peer are
// dropped, as if it had gone away. Call Deliver from one thread at a time:
// that keeps each peer's messages in order.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "parley/wire/transport.h"

namespace parley::wire {

class MemoryNetwork {
 public:
  MemoryNetwork();
  ~MemoryNetwork();

  // A transport for the node with key `self`; it lives as long as the network.
  Transport& Join(const PeerId& self);

  // Delivers queued messages, including those sent while delivering, until
  // the queue is empty or `max_messages` were delivered. Returns the count.
  size_t Deliver(size_t max_messages = SIZE_MAX);
  // Delivers the messages queued now (not those sent meanwhile), each
  // peer's as one burst, in order, as a transport that queues received
  // messages would (Transport::BatchReceiver). Returns the count.
  size_t DeliverBursts();
  size_t Queued() const;

  // Messages to a silenced peer are dropped, until Unsilence.
  void Silence(const PeerId& peer);
  void Unsilence(const PeerId& peer);

 private:
  class Endpoint;
  struct Envelope {
    PeerId from;
    PeerId to;
    Bytes bytes;
  };
  Status Enqueue(const PeerId& from, const PeerId& to, Bytes bytes);

  mutable std::mutex mutex_;
  std::map<PeerId, std::unique_ptr<Endpoint>> endpoints_;
  std::set<PeerId> silenced_;
  std::deque<Envelope> queue_;
};

}  // namespace parley::wire
