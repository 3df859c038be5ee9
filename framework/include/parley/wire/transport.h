// Transport: how a node reaches its peers. A peer is named by its node key.
// Delivery is in order per channel (an implementation may keep a stricter
// order, per peer); a message may be lost when a peer is
// unreachable (the protocol's resync handles that). Implementations: the
// in-memory network below; gRPC streams (framework/wire, next issue).
#pragma once

#include <functional>
#include <vector>

#include "parley/crypto/keys.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::wire {

using PeerId = crypto::PublicKey;

class Transport {
 public:
  // Called for every message that arrives, with the authenticated sender.
  using Receiver = std::function<void(const PeerId& from, Bytes message)>;
  struct Incoming {
    PeerId from;
    Bytes message;
  };
  // Called with messages that arrived together, in order, so that a node can
  // make the updates among them durable in one synced write.
  using BatchReceiver = std::function<void(std::vector<Incoming> messages)>;

  virtual ~Transport() = default;
  // Queues `message` for `to`. NotFound if the peer is unknown.
  virtual Status Send(const PeerId& to, Bytes message) = 0;
  // Sets who receives incoming messages, in bursts as they were queued.
  // Call before any can arrive; null stops delivery.
  virtual void SetBatchReceiver(BatchReceiver receiver) = 0;
  // The same, for a receiver of one message at a time.
  void SetReceiver(Receiver receiver);
};

}  // namespace parley::wire
