#include "parley/wire/grpc_transport.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "delivery_lanes.h"
#include "frame_stream.h"
#include "frames.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/v1/wire.grpc.pb.h"
#include "parley/wire/grpc_common.h"

namespace parley::wire {
namespace {

constexpr uint32_t kProtocolVersion = 1;
// Streams from peers served at once (each holds a thread while it lives).
constexpr size_t kMaxSessions = 256;
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

// The authenticated stream to a peer. `initiator` is the key of the side
// that dialed it.
struct Connection {
  PeerId initiator;
  std::shared_ptr<FrameStream> stream;
};

// The answer to a stream this node will not serve.
class Refusal final : public grpc::ServerBidiReactor<v1::Frame, v1::Frame> {
 public:
  explicit Refusal(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

class GrpcTransport::Impl : public v1::Peer::CallbackService {
 public:
  Impl(crypto::PrivateKey key, GrpcTransportOptions options)
      : key_(std::move(key)), options_(std::move(options)) {}

  ~Impl() override { Shutdown(); }

  Status Listen() {
    if (options_.listen_address.empty()) return Status::Ok();
    grpc::ServerBuilder builder;
    ConfigureServer(builder);
    // Cap the streams one connection may open (and, in Connect, all of
    // them), so that no client can exhaust the process.
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
      for (auto* stream : streams_) stream->Cancel();
      wake_.notify_all();
    }
    // Then the lanes, which call back each stream still waiting for room:
    // its reading ends.
    lanes_.Stop();
    for (auto& dialer : dialers_) dialer.join();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    std::map<uint64_t, std::thread> sessions;
    {
      std::unique_lock lock(mutex_);
      sessions.swap(sessions_);
    }
    for (auto& [id, thread] : sessions) thread.join();
  }

  // parley.v1.Peer/Connect: a peer dialed us. The stream is served on a
  // thread of its own, which runs the handshake and then waits for the end.
  grpc::ServerBidiReactor<v1::Frame, v1::Frame>* Connect(
      grpc::CallbackServerContext* context) override {
    auto stream =
        std::make_shared<ServerFrameStream>(context, options_.max_queued_bytes, kMaxFrameSize);
    std::lock_guard lock(mutex_);
    if (stopping_) return new Refusal(grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down"));
    JoinFinishedSessions();
    if (sessions_.size() >= kMaxSessions) {
      return new Refusal(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                      "this node serves no more peer streams"));
    }
    streams_.insert(stream.get());
    uint64_t id = next_session_++;
    sessions_.emplace(id, std::thread([this, stream, id] { Serve(stream, id); }));
    return stream.get();
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
    std::shared_ptr<FrameStream> stream;
    {
      std::lock_guard lock(mutex_);
      auto it = connections_.find(to);
      if (it == connections_.end()) {
        return Status::FailedPrecondition("not connected to peer " + to.ToHex());
      }
      stream = it->second.stream;
    }
    // Outside the lock: the write may start on this thread.
    if (!stream->Send(ToFrame(decoded))) {
      return Status::IoError("the stream to peer " + to.ToHex() +
                             " is closed (broken, or the peer stopped reading)");
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
  // The thread of session `id`: runs the stream from a peer and ends the
  // call with the reason it ended.
  void Serve(const std::shared_ptr<ServerFrameStream>& stream, uint64_t id) {
    Status s = Run(stream, std::nullopt);
    Untrack(*stream);
    stream->End(s.code() == StatusCode::kPermissionDenied
                    ? grpc::Status(grpc::StatusCode::UNAUTHENTICATED, s.message())
                    : ToGrpc(s));
    std::lock_guard lock(mutex_);
    finished_sessions_.push_back(id);
  }

  // Registers a live stream, to be cancelled at shutdown; false if stopping.
  bool Track(FrameStream& stream) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    streams_.insert(&stream);
    return true;
  }
  void Untrack(FrameStream& stream) {
    std::lock_guard lock(mutex_);
    streams_.erase(&stream);
  }

  // With mutex_ held: joins the threads of streams that have ended.
  void JoinFinishedSessions() {
    for (uint64_t id : finished_sessions_) {
      auto it = sessions_.find(id);
      it->second.join();
      sessions_.erase(it);
    }
    finished_sessions_.clear();
  }

  // Hands a received frame to the lanes; a frame that is not a protocol
  // message (a batch inside a batch among them) is dropped. Never waits: a
  // full lane refuses it (kPause) and calls `resume` once it has room, and
  // meanwhile the stream is not read, so its peer slows down.
  FrameStream::Intake Deliver(const PeerId& from, const v1::Frame& frame,
                              const std::function<void()>& resume) {
    auto message = FromFrame(frame);
    if (!message.ok()) {
      spdlog::warn("dropped a frame from peer {}: {}", from.ToHex(), message.status().message());
      return FrameStream::Intake::kMore;
    }
    switch (lanes_.Push(ChannelOf(*message), from, EncodeMessage(*message), resume)) {
      case DeliveryLanes::Pushed::kQueued:
        return FrameStream::Intake::kMore;
      case DeliveryLanes::Pushed::kFull:
        return FrameStream::Intake::kPause;
      case DeliveryLanes::Pushed::kStopped:
        break;
    }
    return FrameStream::Intake::kStop;
  }

  void DialLoop(const PeerId& peer, const std::string& address) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(kMaxFrameSize);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 20'000);
    // A connection of its own: gRPC would otherwise share one between the
    // transports of one process that dial the same address (tests, benches),
    // and the listener's cap of 4 streams a connection would hold back the
    // fifth.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
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
      auto stream =
          std::make_shared<ClientFrameStream>(*stub, options_.max_queued_bytes, kMaxFrameSize);
      if (!Track(*stream)) {
        stream->End(grpc::Status::CANCELLED);
        return;
      }
      bool handshaken = false;
      Status s = Run(stream, peer, &handshaken);
      // A stream refused as a duplicate is not progress: keep backing off.
      if (s.code() == StatusCode::kAlreadyExists) handshaken = false;
      Untrack(*stream);
      stream->End(grpc::Status::CANCELLED);
      if (!s.ok()) spdlog::debug("peer {} at {}: {}", peer.ToHex(), address, s.ToString());
      if (handshaken) backoff = options_.initial_backoff;
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, backoff, [&] { return stopping_; })) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }

  // Runs one stream from handshake to end; afterwards no operation on it is
  // pending or will start. `expected` is the peer a dialer asked for.
  // Returns why it ended early, OK when the stream closed normally.
  Status Run(const std::shared_ptr<FrameStream>& stream, const std::optional<PeerId>& expected,
             bool* handshaken = nullptr) {
    auto peer = HandshakeWithTimeout(*stream, expected);
    if (!peer.ok()) {
      stream->Close();
      return peer.status();
    }
    if (handshaken != nullptr) *handshaken = true;

    const PeerId& initiator = expected ? key_.public_key() : *peer;
    std::function<void(const PeerId&)> on_connect;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        stream->Close();
        return Status::FailedPrecondition("the transport is stopping");
      }
      if (auto it = connections_.find(*peer); it != connections_.end()) {
        // The same side dialing again means the old stream went stale (the
        // peer vanished without closing it): the new one replaces it. When
        // both sides dialed, the stream dialed by the lower key stays.
        const PeerId& old_initiator = it->second.initiator;
        if (old_initiator != initiator && old_initiator < initiator) {
          stream->Close();
          return Status::AlreadyExists("already connected to peer " + peer->ToHex());
        }
        it->second.stream->Cancel();
      }
      connections_.insert_or_assign(*peer, Connection{initiator, stream});
      on_connect = on_connect_;
      connected_.notify_all();
    }
    // The lanes call back a paused stream through this; it may outlive it.
    // Made a std::function once here, not at each message it is passed with.
    std::function<void()> resume = [weak = std::weak_ptr<FrameStream>(stream)] {
      if (auto paused = weak.lock()) paused->Resume();
    };
    // A batch's messages in order; after a pause, from the one refused (the
    // stream reads nothing while paused, so this runs for one frame at a time).
    stream->Pump([this, peer = *peer, resume, next = 0](const v1::Frame& frame) mutable {
      if (!frame.has_batch()) return Deliver(peer, frame, resume);
      const auto& messages = frame.batch().frames();
      for (; next < messages.size(); ++next) {
        auto intake = Deliver(peer, messages[next], resume);
        if (intake != FrameStream::Intake::kMore) return intake;
      }
      next = 0;
      return FrameStream::Intake::kMore;
    });
    if (on_connect) on_connect(*peer);
    stream->WaitUntilReadingEnds();
    {
      std::lock_guard lock(mutex_);
      auto it = connections_.find(*peer);
      if (it != connections_.end() && it->second.stream == stream) connections_.erase(it);
    }
    stream->Cancel();  // a write waiting on a peer that stopped reading ends now
    stream->Close();
    return Status::Ok();
  }

  // The handshake, cancelled if the peer takes longer than the options allow.
  Result<PeerId> HandshakeWithTimeout(FrameStream& stream, const std::optional<PeerId>& expected) {
    std::mutex m;
    std::condition_variable done_cv;
    bool done = false;
    std::thread watchdog([&] {
      std::unique_lock lock(m);
      if (!done_cv.wait_for(lock, options_.handshake_timeout, [&] { return done; })) {
        stream.Cancel();
      }
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

  Result<PeerId> Handshake(FrameStream& stream, const std::optional<PeerId>& expected) {
    Hash32 challenge_bytes = crypto::RandomHash32();
    std::string challenge(challenge_bytes.begin(), challenge_bytes.end());
    v1::Frame hello;
    hello.mutable_hello()->set_node_key(KeyBytes(key_.public_key()));
    hello.mutable_hello()->set_challenge(challenge);
    hello.mutable_hello()->set_protocol_version(kProtocolVersion);
    if (!stream.Write(hello)) return Status::IoError("the stream closed before the handshake");

    v1::Frame in;
    if (!stream.Read(&in) || in.body_case() != v1::Frame::kHello) {
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
    if (!stream.Write(proof_frame)) return Status::IoError("the stream closed in the handshake");

    if (!stream.Read(&in) || in.body_case() != v1::Frame::kProof ||
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
  std::map<PeerId, Connection> connections_;
  std::map<PeerId, std::string> addresses_;
  std::set<FrameStream*> streams_;  // live, to be cancelled at shutdown
  std::vector<std::thread> dialers_;
  // The threads serving streams from peers, and those that have ended.
  std::map<uint64_t, std::thread> sessions_;
  std::vector<uint64_t> finished_sessions_;
  uint64_t next_session_ = 0;
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
  const size_t one_frame = kMaxFrameSize + FrameStream::kQueuedFrameOverhead;
  if (options.max_queued_bytes < one_frame) {
    return Status::InvalidArgument("max_queued_bytes must hold one frame of the largest size, " +
                                   std::to_string(one_frame) + " bytes; got " +
                                   std::to_string(options.max_queued_bytes));
  }
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
