// GrpcTransport: the Transport between nodes on different machines. One gRPC
// bidirectional stream per pair of peers (service parley.v1.Peer in
// proto/parley/v1/wire.proto), opened by whichever side connects.
//
// Handshake: each side sends its node key and a fresh 32-byte challenge, then
// a BIP340 signature over TaggedHash("Parley/Handshake/v1", its role ||
// initiator's key || responder's key || both challenges). A peer that cannot
// prove its key, or is not the one the dialer asked for, is dropped. A frame
// over the size limit ends the stream (gRPC refuses it), a frame that does
// not decode is dropped with a log line. A dialed peer that goes away is
// dialed again with exponential back-off.
//
// Delivery: the messages of one channel reach the receiver in order, one at a
// time; messages of different channels are delivered concurrently on a fixed
// set of threads (lanes), so that a node can handle, and durably store, many
// channels' updates at once.
//
// Thread-safe. Send never waits for the peer: it starts the write when the
// stream is idle and queues the frame otherwise (wire/frame_stream.h). The
// connection handler is called on the thread that ran the handshake.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "parley/crypto/keys.h"
#include "parley/wire/transport.h"

namespace parley::wire {

struct GrpcTransportOptions {
  // Where to accept peers, "HOST:PORT"; port 0 picks a free one (see port()).
  // Empty: do not listen, only dial.
  std::string listen_address = "127.0.0.1:0";
  // How long a peer has to complete the handshake.
  std::chrono::milliseconds handshake_timeout{5000};
  // Back-off between attempts to dial a peer again: doubles up to the maximum.
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  // What may wait to leave for one peer, in bytes (each frame's encoded size
  // plus FrameStream's share per frame). Past it the peer's stream is cut: it
  // has stopped reading. The default holds what a reconnect sends at once
  // with 64 channels to the peer (NodeOptions::max_channels_per_peer), each
  // resending 8 pending proposals (`--updates-in-flight 8`), its state and an
  // offer, all with 64 KiB of app data: about 42 MiB.
  size_t max_queued_bytes = 64 << 20;
};

struct PeerStatus {
  PeerId id;
  std::string address;  // for dialed peers
  bool connected = false;
};

class GrpcTransport : public Transport {
 public:
  // Starts listening (if asked). IoError if the address cannot be bound.
  static Result<std::unique_ptr<GrpcTransport>> Start(const crypto::PrivateKey& node_key,
                                                      const GrpcTransportOptions& options = {});
  // Closes every stream and stops every thread; afterwards no receiver or
  // handler call is running or will start. Stop before destroying what the
  // receiver calls into (a Node), then destroy the transport after it.
  void Stop();
  ~GrpcTransport() override;  // stops

  // The port it listens on (0 if it does not listen).
  int port() const;

  // Keeps a connection to `peer` at `address` ("HOST:PORT"), dialing again
  // after every disconnection. Returns at once; see Peers() for progress.
  void Connect(const PeerId& peer, const std::string& address);
  std::vector<PeerStatus> Peers() const;
  // Waits up to `timeout` until `peer` has completed a handshake.
  bool WaitConnected(const PeerId& peer, std::chrono::milliseconds timeout) const;

  // Queues `message` for `peer`. Unavailable-style FailedPrecondition if no
  // stream to the peer is open: the message is not kept.
  Status Send(const PeerId& to, Bytes message) override;
  // Messages queued on one delivery lane arrive as one burst.
  void SetBatchReceiver(BatchReceiver receiver) override;
  // Called after every completed handshake (first connection and reconnections),
  // for example to exchange latest states.
  void SetConnectionHandler(std::function<void(const PeerId&)> handler);

  class Impl;

 private:
  explicit GrpcTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::wire
