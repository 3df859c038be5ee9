// Transport: how a node reaches its peers. A peer is named by its node key.
// Delivery is in order per channel (an implementation may keep a stricter
// order, per peer); a message may be lost when a peer is
// unreachable (the protocol's resync handles that). Implementations: the
// in-memory network below; gRPC streams (framework/wire, next issue).
#pragma once

#include <functional>

#include "parley/crypto/keys.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::wire {

using PeerId = crypto::PublicKey;

class Transport {
 public:
  // Called for every message that arrives, with the authenticated sender.
  using Receiver = std::function<void(const PeerId& from, Bytes message)>;

  virtual ~Transport() = default;
  // Queues `message` for `to`. NotFound if the peer is unknown.
  virtual Status Send(const PeerId& to, Bytes message) = 0;
  // Sets who receives incoming messages. Call before any can arrive.
  virtual void SetReceiver(Receiver receiver) = 0;
};

}  // namespace parley::wire
