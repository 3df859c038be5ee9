#include "parley/wire/grpc_transport.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "delivery_lanes.h"
#include "frames.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/v1/wire.grpc.pb.h"
#include "parley/wire/grpc_common.h"

namespace parley::wire {
namespace {

constexpr uint32_t kProtocolVersion = 1;
// Threads the peer server may use (each open stream holds one).
constexpr int kMaxServerThreads = 256;
// Frames queued for one peer; a peer that falls this far behind is cut off.
constexpr size_t kMaxQueuedFrames = 10'000;
// Received messages are handled on this many threads, a channel's always on
// the same one. Each lane writes a burst in one synced write, and the lanes'
// writes share disk flushes; node_bench (b) needed the least CPU per update
// with 4 to 8 lanes (270 us against 298 us with 32).
constexpr size_t kDeliveryLanes = 8;
// Messages waiting in one lane before the streams that feed it stop reading.
constexpr size_t kLaneCapacity = 1024;
// The most messages a lane hands the node at once (one synced write).
constexpr size_t kMaxBurst = 256;
// A frame is a protocol message plus protobuf's field tags and lengths.
constexpr int kMaxFrameSize = static_cast<int>(kMaxMessageSize) + 4096;
// What a frame adds to a Batch besides its own bytes: a tag and a length.
constexpr size_t kFieldOverhead = 8;

std::string KeyBytes(const crypto::PublicKey& key) {
  return {key.bytes().begin(), key.bytes().end()};
}

// What a handshake signature covers: the whole exchange, so that no proof
// can be lifted from one handshake into another. `signer_initiated` says on
// which side of the stream the signer is (the dialer initiates).
Hash32 HandshakeDigest(bool signer_initiated, const crypto::PublicKey& initiator,
                       const crypto::PublicKey& responder, const std::string& initiator_challenge,
                       const std::string& responder_challenge) {
  std::string data(1, signer_initiated ? 'I' : 'R');
  data += KeyBytes(initiator) + KeyBytes(responder) + initiator_challenge + responder_challenge;
  return crypto::TaggedHash("Parley/Handshake/v1", AsBytes(data));
}

// Writes the frames queued for one peer, in order, on a thread of its own, so
// that no reader ever blocks on a write.
class Connection {
 public:
  using Write = std::function<bool(const v1::Frame&)>;
  // `initiator` is the key of the side that dialed this stream.
  Connection(PeerId peer, PeerId initiator, Write write, std::function<void()> cancel)
      : peer_(std::move(peer)),
        initiator_(std::move(initiator)),
        write_(std::move(write)),
        cancel_(std::move(cancel)) {
    writer_ = std::thread([this] { WriteLoop(); });
  }
  ~Connection() { Stop(); }

  const PeerId& peer() const { return peer_; }
  const PeerId& initiator() const { return initiator_; }
  // Ends the stream; its reader then leaves Run.
  void Cancel() { cancel_(); }

  // False, and the stream is cancelled, if the peer has stopped reading.
  bool Enqueue(v1::Frame frame) {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueuedFrames) {
      cancel_();
      return false;
    }
    queue_.push_back(std::move(frame));
    wake_.notify_one();
    return true;
  }

  // Stops the writer; frames still queued are dropped.
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      wake_.notify_one();
    }
    if (writer_.joinable()) writer_.join();
  }

 private:
  // Takes every queued frame at once: a backlog leaves in Batch frames,
  // which costs the writer and the reader far less than frame by frame.
  void WriteLoop() {
    for (;;) {
      std::deque<v1::Frame> frames;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        frames.swap(queue_);
      }
      while (!frames.empty()) {
        bool written;
        if (frames.size() == 1) {
          written = write_(frames.front());
          frames.pop_front();
        } else {
          written = write_(TakeBatch(frames));
        }
        if (!written) {
          cancel_();  // the stream broke: let the reader notice and end
          return;
        }
      }
    }
  }

  // Moves frames from the front of `frames` into one Batch frame, as many as
  // fit within the frame size limit (at least one).
  static v1::Frame TakeBatch(std::deque<v1::Frame>& frames) {
    v1::Frame batch;
    auto* inner = batch.mutable_batch()->mutable_frames();
    size_t size = 0;
    while (!frames.empty()) {
      size_t next = frames.front().ByteSizeLong() + kFieldOverhead;
      if (!inner->empty() && size + next > static_cast<size_t>(kMaxFrameSize)) break;
      size += next;
      inner->Add(std::move(frames.front()));
      frames.pop_front();
    }
    return batch;
  }

  PeerId peer_;
  PeerId initiator_;
  Write write_;
  std::function<void()> cancel_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<v1::Frame> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace

class GrpcTransport::Impl : public v1::Peer::Service {
 public:
  Impl(crypto::PrivateKey key, GrpcTransportOptions options)
      : key_(std::move(key)), options_(std::move(options)) {}

  ~Impl() override { Shutdown(); }

  Status Listen() {
    if (options_.listen_address.empty()) return Status::Ok();
    grpc::ServerBuilder builder;
    ConfigureServer(builder);
    // Each stream holds a thread: cap them, and the streams one connection
    // may open, so that no client can exhaust the process.
    grpc::ResourceQuota quota("parley-peers");
    quota.SetMaxThreads(kMaxServerThreads);
    builder.SetResourceQuota(quota);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 4);
    builder.AddListeningPort(options_.listen_address, grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    builder.SetMaxReceiveMessageSize(kMaxFrameSize);
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) {
      return Status::IoError("cannot listen for peers on " + options_.listen_address);
    }
    return Status::Ok();
  }

  void Shutdown() {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
      for (auto* cancel : cancels_) (*cancel)();
      wake_.notify_all();
    }
    for (auto& dialer : dialers_) dialer.join();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    lanes_.Stop();
  }

  // parley.v1.Peer/Connect: a peer dialed us.
  grpc::Status Connect(grpc::ServerContext* context,
                       grpc::ServerReaderWriter<v1::Frame, v1::Frame>* stream) override {
    std::function<void()> cancel = [context] { context->TryCancel(); };
    if (!Track(&cancel)) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down");
    Status s = Run(stream, std::nullopt, cancel);
    Untrack(&cancel);
    if (s.code() == StatusCode::kPermissionDenied) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, s.message());
    }
    return ToGrpc(s);
  }

  void Dial(const PeerId& peer, const std::string& address) {
    std::lock_guard lock(mutex_);
    if (stopping_ || peer == key_.public_key()) return;  // nothing to dial
    if (addresses_.contains(peer)) return;               // one dialer per peer
    addresses_[peer] = address;
    dialers_.emplace_back([this, peer, address] { DialLoop(peer, address); });
  }

  Status Send(const PeerId& to, Bytes message) {
    PARLEY_ASSIGN_OR_RETURN(Message decoded, DecodeMessage(message));
    std::lock_guard lock(mutex_);
    auto it = connections_.find(to);
    if (it == connections_.end()) {
      return Status::FailedPrecondition("not connected to peer " + to.ToHex());
    }
    if (!it->second->Enqueue(ToFrame(decoded))) {
      return Status::IoError("peer " + to.ToHex() + " stopped reading; its stream is closed");
    }
    return Status::Ok();
  }

  std::vector<PeerStatus> Peers() const {
    std::lock_guard lock(mutex_);
    std::map<PeerId, PeerStatus> peers;
    for (const auto& [id, address] : addresses_) peers.emplace(id, PeerStatus{id, address, false});
    for (const auto& [id, connection] : connections_) {
      auto [it, added] = peers.emplace(id, PeerStatus{id, "", true});
      it->second.connected = true;
    }
    std::vector<PeerStatus> out;
    for (auto& [id, status] : peers) out.push_back(std::move(status));
    return out;
  }

  bool WaitConnected(const PeerId& peer, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return connected_.wait_for(lock, timeout, [&] { return connections_.contains(peer); });
  }

  void SetBatchReceiver(BatchReceiver receiver) {
    std::lock_guard lock(mutex_);
    receiver_ = std::move(receiver);
  }
  void SetConnectionHandler(std::function<void(const PeerId&)> handler) {
    std::lock_guard lock(mutex_);
    on_connect_ = std::move(handler);
  }

  int port() const { return port_; }

 private:
  // Registers a way to cancel a live stream at shutdown; false if stopping.
  bool Track(std::function<void()>* cancel) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    cancels_.insert(cancel);
    return true;
  }
  void Untrack(std::function<void()>* cancel) {
    std::lock_guard lock(mutex_);
    cancels_.erase(cancel);
  }

  // Hands a received frame to the lanes; a frame that is not a protocol
  // message (a batch inside a batch among them) is dropped. False once the
  // transport stops.
  bool Deliver(const PeerId& from, const v1::Frame& frame) {
    auto message = FromFrame(frame);
    if (!message.ok()) {
      spdlog::warn("dropped a frame from peer {}: {}", from.ToHex(), message.status().message());
      return true;
    }
    return lanes_.Push(ChannelOf(*message), from, EncodeMessage(*message));
  }

  void DialLoop(const PeerId& peer, const std::string& address) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(kMaxFrameSize);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 20'000);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    // gRPC's own reconnection back-off follows ours.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
                static_cast<int>(options_.initial_backoff.count()));
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
                static_cast<int>(options_.initial_backoff.count()));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(options_.max_backoff.count()));
    auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    auto stub = v1::Peer::NewStub(channel);
    auto backoff = options_.initial_backoff;
    for (;;) {
      grpc::ClientContext context;
      std::function<void()> cancel = [&context] { context.TryCancel(); };
      if (!Track(&cancel)) return;
      auto stream = stub->Connect(&context);
      bool handshaken = false;
      Status s = Run(stream.get(), peer, cancel, &handshaken);
      // A stream refused as a duplicate is not progress: keep backing off.
      if (s.code() == StatusCode::kAlreadyExists) handshaken = false;
      context.TryCancel();
      grpc::Status finished = stream->Finish();
      Untrack(&cancel);
      if (!s.ok()) spdlog::debug("peer {} at {}: {}", peer.ToHex(), address, s.ToString());
      if (handshaken) backoff = options_.initial_backoff;
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, backoff, [&] { return stopping_; })) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }

  // Runs one stream from handshake to end. `expected` is the peer a dialer
  // asked for. Returns why it ended early, OK when the stream closed normally.
  template <typename Stream>
  Status Run(Stream* stream, const std::optional<PeerId>& expected,
             const std::function<void()>& cancel, bool* handshaken = nullptr) {
    auto peer = HandshakeWithTimeout(stream, expected, cancel);
    if (!peer.ok()) return peer.status();
    if (handshaken != nullptr) *handshaken = true;

    const PeerId& initiator = expected ? key_.public_key() : *peer;
    auto connection = std::make_shared<Connection>(
        *peer, initiator, [stream](const v1::Frame& f) { return stream->Write(f); }, cancel);
    std::function<void(const PeerId&)> on_connect;
    {
      std::lock_guard lock(mutex_);
      if (auto it = connections_.find(*peer); it != connections_.end()) {
        // The same side dialing again means the old stream went stale (the
        // peer vanished without closing it): the new one replaces it. When
        // both sides dialed, the stream dialed by the lower key stays.
        const PeerId& old_initiator = it->second->initiator();
        if (old_initiator != initiator && old_initiator < initiator) {
          return Status::AlreadyExists("already connected to peer " + peer->ToHex());
        }
        it->second->Cancel();
      }
      connections_[*peer] = connection;
      on_connect = on_connect_;
      connected_.notify_all();
    }
    if (on_connect) on_connect(*peer);

    v1::Frame frame;
    bool delivering = true;
    while (delivering && stream->Read(&frame)) {
      if (frame.has_batch()) {
        for (const v1::Frame& inner : frame.batch().frames()) {
          if (!(delivering = Deliver(*peer, inner))) break;
        }
      } else {
        delivering = Deliver(*peer, frame);
      }
    }
    {
      std::lock_guard lock(mutex_);
      auto it = connections_.find(*peer);
      if (it != connections_.end() && it->second == connection) connections_.erase(it);
    }
    cancel();  // a writer blocked on a peer that stopped reading returns now
    connection->Stop();
    return Status::Ok();
  }

  // The handshake, cancelled if the peer takes longer than the options allow.
  template <typename Stream>
  Result<PeerId> HandshakeWithTimeout(Stream* stream, const std::optional<PeerId>& expected,
                                      const std::function<void()>& cancel) {
    std::mutex m;
    std::condition_variable done_cv;
    bool done = false;
    std::thread watchdog([&] {
      std::unique_lock lock(m);
      if (!done_cv.wait_for(lock, options_.handshake_timeout, [&] { return done; })) cancel();
    });
    auto peer = Handshake(stream, expected);
    {
      std::lock_guard lock(m);
      done = true;
    }
    done_cv.notify_one();
    watchdog.join();
    return peer;
  }

  template <typename Stream>
  Result<PeerId> Handshake(Stream* stream, const std::optional<PeerId>& expected) {
    Hash32 challenge_bytes = crypto::RandomHash32();
    std::string challenge(challenge_bytes.begin(), challenge_bytes.end());
    v1::Frame hello;
    hello.mutable_hello()->set_node_key(KeyBytes(key_.public_key()));
    hello.mutable_hello()->set_challenge(challenge);
    hello.mutable_hello()->set_protocol_version(kProtocolVersion);
    if (!stream->Write(hello)) return Status::IoError("the stream closed before the handshake");

    v1::Frame in;
    if (!stream->Read(&in) || in.body_case() != v1::Frame::kHello) {
      return Status::PermissionDenied("the peer did not say hello");
    }
    if (in.hello().protocol_version() != kProtocolVersion) {
      return Status::FailedPrecondition("the peer speaks protocol version " +
                                        std::to_string(in.hello().protocol_version()) +
                                        ", this node " + std::to_string(kProtocolVersion));
    }
    PARLEY_ASSIGN_OR_RETURN(auto peer,
                            crypto::PublicKey::FromBytes(AsBytes(in.hello().node_key())));
    if (in.hello().challenge().size() != 32) {
      return Status::PermissionDenied("the peer's challenge is not 32 bytes");
    }
    if (expected && peer != *expected) {
      return Status::PermissionDenied("dialed peer " + expected->ToHex() + " but " + peer.ToHex() +
                                      " answered");
    }
    if (peer == key_.public_key()) return Status::PermissionDenied("connected to itself");

    // The dialer initiates; `expected` is set exactly when this node dialed.
    bool initiated = expected.has_value();
    const crypto::PublicKey& initiator = initiated ? key_.public_key() : peer;
    const crypto::PublicKey& responder = initiated ? peer : key_.public_key();
    const std::string theirs_challenge = in.hello().challenge();  // `in` is read into again below
    const std::string& initiator_challenge = initiated ? challenge : theirs_challenge;
    const std::string& responder_challenge = initiated ? theirs_challenge : challenge;
    crypto::Signature proof = crypto::SchnorrSign(
        key_,
        HandshakeDigest(initiated, initiator, responder, initiator_challenge, responder_challenge));
    v1::Frame proof_frame;
    proof_frame.mutable_proof()->set_signature(std::string(proof.begin(), proof.end()));
    if (!stream->Write(proof_frame)) return Status::IoError("the stream closed in the handshake");

    if (!stream->Read(&in) || in.body_case() != v1::Frame::kProof ||
        in.proof().signature().size() != 64) {
      return Status::PermissionDenied("the peer did not prove its key");
    }
    crypto::Signature theirs;
    std::copy(in.proof().signature().begin(), in.proof().signature().end(), theirs.begin());
    if (!crypto::SchnorrVerify(peer,
                               HandshakeDigest(!initiated, initiator, responder,
                                               initiator_challenge, responder_challenge),
                               theirs)) {
      return Status::PermissionDenied("peer " + peer.ToHex() + " failed to prove its key");
    }
    return peer;
  }

  const crypto::PrivateKey key_;
  const GrpcTransportOptions options_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  mutable std::mutex mutex_;
  mutable std::condition_variable connected_;
  std::condition_variable wake_;  // stopping, for dialers' back-off
  bool stopping_ = false;
  std::map<PeerId, std::shared_ptr<Connection>> connections_;
  std::map<PeerId, std::string> addresses_;
  std::set<std::function<void()>*> cancels_;
  std::vector<std::thread> dialers_;
  BatchReceiver receiver_;
  std::function<void(const PeerId&)> on_connect_;

  DeliveryLanes lanes_{kDeliveryLanes, kLaneCapacity, kMaxBurst,
                       [this](std::vector<Incoming> burst) {
                         BatchReceiver receiver;
                         {
                           std::lock_guard lock(mutex_);
                           receiver = receiver_;
                         }
                         if (receiver) receiver(std::move(burst));
                       }};
};

Result<std::unique_ptr<GrpcTransport>> GrpcTransport::Start(const crypto::PrivateKey& node_key,
                                                            const GrpcTransportOptions& options) {
  auto impl = std::make_unique<Impl>(node_key, options);
  PARLEY_RETURN_IF_ERROR(impl->Listen());
  return std::unique_ptr<GrpcTransport>(new GrpcTransport(std::move(impl)));
}

GrpcTransport::GrpcTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GrpcTransport::~GrpcTransport() { Stop(); }
void GrpcTransport::Stop() { impl_->Shutdown(); }

int GrpcTransport::port() const { return impl_->port(); }
void GrpcTransport::Connect(const PeerId& peer, const std::string& address) {
  impl_->Dial(peer, address);
}
std::vector<PeerStatus> GrpcTransport::Peers() const { return impl_->Peers(); }
bool GrpcTransport::WaitConnected(const PeerId& peer, std::chrono::milliseconds timeout) const {
  return impl_->WaitConnected(peer, timeout);
}
Status GrpcTransport::Send(const PeerId& to, Bytes message) {
  return impl_->Send(to, std::move(message));
}
void GrpcTransport::SetBatchReceiver(BatchReceiver receiver) {
  impl_->SetBatchReceiver(std::move(receiver));
}
void GrpcTransport::SetConnectionHandler(std::function<void(const PeerId&)> handler) {
  impl_->SetConnectionHandler(std::move(handler));
}

}  // namespace parley::wire
