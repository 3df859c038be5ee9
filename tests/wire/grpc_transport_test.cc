// The gRPC peer transport over loopback: authenticated, ordered delivery;
// every kind of bad peer is dropped while the transport keeps serving; dialed
// peers are dialed again after they go away. Raw clients in these tests speak
// the handshake of wire.proto with their own code.
#include "parley/wire/grpc_transport.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "parley/crypto/hash.h"
#include "parley/crypto/random.h"
#include "parley/crypto/schnorr.h"
#include "parley/v1/wire.grpc.pb.h"
#include "parley/wire/messages.h"
#include "testing/raw_peer.h"
#include "wire/sample_messages.h"

namespace parley::wire {
namespace {

using testing::RawPeer;

using namespace std::chrono_literals;

// What a receiver got, safe to read from the test thread.
class Inbox {
 public:
  void Add(const PeerId& from, Bytes bytes) {
    std::lock_guard lock(mutex_);
    messages_.emplace_back(from, std::move(bytes));
    arrived_.notify_all();
  }
  // Waits until `n` messages are in, at most 10 s.
  bool WaitFor(size_t n) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, 10s, [&] { return messages_.size() >= n; });
  }
  std::vector<std::pair<PeerId, Bytes>> Messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::pair<PeerId, Bytes>> messages_;
};

// A protocol message that carries `n`, so order can be checked.
Bytes Numbered(uint64_t n, const channel::ChannelId& channel = crypto::RandomHash32()) {
  return EncodeMessage(UpdateAccept{channel, n, channel::Signature(64, 7)});
}
uint64_t NumberOf(const Bytes& bytes) {
  return std::get<UpdateAccept>(DecodeMessage(bytes).value()).version;
}

class GrpcTransportTest : public ::testing::Test {
 protected:
  std::unique_ptr<GrpcTransport> StartTransport(const crypto::PrivateKey& key, Inbox* inbox,
                                                GrpcTransportOptions options = {}) {
    options.handshake_timeout = 1s;
    options.initial_backoff = 20ms;
    options.max_backoff = 200ms;
    auto t = GrpcTransport::Start(key, options);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (inbox != nullptr) {
      (*t)->SetReceiver([inbox](const PeerId& from, Bytes m) { inbox->Add(from, std::move(m)); });
    }
    return std::move(t).value();
  }
  static std::string Address(const GrpcTransport& t) {
    return "127.0.0.1:" + std::to_string(t.port());
  }
  // Transports for a and b, with a connected to b (the stream serves both ways).
  std::pair<std::unique_ptr<GrpcTransport>, std::unique_ptr<GrpcTransport>> ConnectedPair(
      Inbox* at_a, Inbox* at_b) {
    auto a = StartTransport(a_key_, at_a);
    auto b = StartTransport(b_key_, at_b);
    a->Connect(b_key_.public_key(), Address(*b));
    EXPECT_TRUE(a->WaitConnected(b_key_.public_key(), 5s));
    EXPECT_TRUE(b->WaitConnected(a_key_.public_key(), 5s));
    return {std::move(a), std::move(b)};
  }

  crypto::PrivateKey a_key_ = crypto::PrivateKey::Generate();
  crypto::PrivateKey b_key_ = crypto::PrivateKey::Generate();
};

TEST_F(GrpcTransportTest, DeliversEachChannelInOrderBetweenAuthenticatedPeers) {
  Inbox at_a, at_b;
  auto [a, b] = ConnectedPair(&at_a, &at_b);
  // Three channels' messages interleaved: each channel's arrive in order,
  // though the channels may be handled concurrently.
  std::vector<channel::ChannelId> channels;
  for (int c = 0; c < 3; ++c) channels.push_back(crypto::RandomHash32());
  for (uint64_t i = 0; i < 600; ++i) {
    ASSERT_TRUE(a->Send(b_key_.public_key(), Numbered(i / 3, channels[i % 3])).ok());
  }
  ASSERT_TRUE(b->Send(a_key_.public_key(), Numbered(7)).ok());
  ASSERT_TRUE(at_b.WaitFor(600));
  ASSERT_TRUE(at_a.WaitFor(1));
  std::map<channel::ChannelId, uint64_t> next;
  for (const auto& [from, bytes] : at_b.Messages()) {
    EXPECT_EQ(from, a_key_.public_key());
    auto accept = std::get<UpdateAccept>(DecodeMessage(bytes).value());
    EXPECT_EQ(accept.version, next[accept.channel]++);
  }
  for (const auto& c : channels) EXPECT_EQ(next[c], 200u);
  EXPECT_EQ(at_a.Messages()[0].first, b_key_.public_key());
}

TEST_F(GrpcTransportTest, SendingToAPeerWithoutAStreamIsRefused) {
  auto a = StartTransport(a_key_, nullptr);
  Status s = a->Send(b_key_.public_key(), Numbered(1));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("not connected"), std::string::npos);
  EXPECT_EQ(a->Send(b_key_.public_key(), {1, 2, 3}).code(), StatusCode::kInvalidArgument);
}

TEST_F(GrpcTransportTest, APeerThatIsNotTheOneDialedIsDropped) {
  auto a = StartTransport(a_key_, nullptr);
  auto b = StartTransport(b_key_, nullptr);
  crypto::PrivateKey someone_else = crypto::PrivateKey::Generate();
  a->Connect(someone_else.public_key(), Address(*b));  // b answers there
  EXPECT_FALSE(a->WaitConnected(someone_else.public_key(), 500ms));
  EXPECT_FALSE(a->WaitConnected(b_key_.public_key(), 10ms));
}

TEST_F(GrpcTransportTest, APeerThatCannotProveItsKeyIsDropped) {
  Inbox at_b;
  auto b = StartTransport(b_key_, &at_b);
  RawPeer impostor(Address(*b));
  std::string challenge;
  PeerId them = b_key_.public_key();
  ASSERT_TRUE(impostor.SayHello(a_key_.public_key(), &challenge, &them));  // claims to be A
  EXPECT_EQ(them, b_key_.public_key());
  crypto::PrivateKey not_a = crypto::PrivateKey::Generate();
  ASSERT_TRUE(impostor.SendProof(crypto::SchnorrSign(not_a, crypto::RandomHash32())));
  grpc::Status status = impostor.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(status.error_message().find("failed to prove its key"), std::string::npos);
  EXPECT_FALSE(b->WaitConnected(a_key_.public_key(), 10ms));
  // The transport still serves honest peers.
  auto a = StartTransport(a_key_, nullptr);
  a->Connect(b_key_.public_key(), Address(*b));
  EXPECT_TRUE(a->WaitConnected(b_key_.public_key(), 5s));
}

// The relay attack: M gets B to sign over A's challenge and offers that
// proof to A as B's. The signature covers the whole exchange (both keys, both
// challenges, the role), so it is worthless in the other handshake.
TEST_F(GrpcTransportTest, AHandshakeProofCannotBeRelayed) {
  Inbox at_a;
  auto a = StartTransport(a_key_, &at_a);
  auto b = StartTransport(b_key_, nullptr);
  RawPeer to_a(Address(*a));
  RawPeer to_b(Address(*b));
  std::string a_challenge, b_challenge;
  PeerId seen = a_key_.public_key();
  ASSERT_TRUE(to_a.SayHello(b_key_.public_key(), &a_challenge, &seen));  // "I am B"
  to_b.set_challenge(a_challenge);  // ask B to sign A's challenge
  ASSERT_TRUE(to_b.SayHello(a_key_.public_key(), &b_challenge, &seen));
  std::string b_proof = to_b.ReadProof();
  ASSERT_EQ(b_proof.size(), 64u);
  ASSERT_TRUE(to_a.SendRawProof(b_proof));
  grpc::Status status = to_a.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_FALSE(a->WaitConnected(b_key_.public_key(), 10ms));
}

TEST_F(GrpcTransportTest, APeerThatNeverSaysHelloIsDroppedAfterTheTimeout) {
  auto b = StartTransport(b_key_, nullptr);
  RawPeer mute(Address(*b));
  auto start = std::chrono::steady_clock::now();
  grpc::Status status = mute.Finish();  // sends nothing, waits
  EXPECT_FALSE(status.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(GrpcTransportTest, AnOversizedFrameEndsThatStreamOnly) {
  Inbox at_b;
  auto b = StartTransport(b_key_, &at_b);
  RawPeer big(Address(*b));
  ASSERT_TRUE(big.Handshake(a_key_));
  ASSERT_TRUE(b->WaitConnected(a_key_.public_key(), 5s));
  v1::Frame huge;
  huge.mutable_channel_reject()->set_reason(std::string(kMaxMessageSize + 10'000, 'x'));
  big.Write(huge);
  grpc::Status status = big.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_TRUE(at_b.Messages().empty());
  // Others are still served.
  auto c_key = crypto::PrivateKey::Generate();
  auto other = StartTransport(c_key, nullptr);
  other->Connect(b_key_.public_key(), Address(*b));
  EXPECT_TRUE(other->WaitConnected(b_key_.public_key(), 5s));
}

TEST_F(GrpcTransportTest, AMalformedFrameIsDroppedAndTheStreamGoesOn) {
  Inbox at_b;
  auto b = StartTransport(b_key_, &at_b);
  RawPeer sloppy(Address(*b));
  ASSERT_TRUE(sloppy.Handshake(a_key_));
  v1::Frame bad;
  bad.mutable_update_proposal()->set_channel_id(std::string(32, 1));
  bad.mutable_update_proposal()->set_state("not a state");
  ASSERT_TRUE(sloppy.Write(bad));
  v1::Frame short_id;
  short_id.mutable_update_accept()->set_channel_id("short");
  ASSERT_TRUE(sloppy.Write(short_id));
  v1::Frame good;
  good.mutable_update_accept()->set_channel_id(std::string(32, 2));
  good.mutable_update_accept()->set_version(42);
  ASSERT_TRUE(sloppy.Write(good));
  ASSERT_TRUE(at_b.WaitFor(1));
  std::this_thread::sleep_for(100ms);
  auto got = at_b.Messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(NumberOf(got[0].second), 42u);
  EXPECT_EQ(got[0].first, a_key_.public_key());
}

// A backend's extra bytes (a statecoin channel's partial signatures) cross
// the stream in each of the six messages that carry them, at the size limit.
TEST_F(GrpcTransportTest, TheBackendsExtraCrossesTheStreamInEachMessageThatCarriesIt) {
  Inbox at_b;
  auto [a, b] = ConnectedPair(nullptr, &at_b);
  Bytes extra(kMaxExtraSize);
  for (size_t i = 0; i < extra.size(); ++i) extra[i] = static_cast<uint8_t>(i * 13 + 1);
  std::vector<Message> sent = samples::WithExtra(extra);
  ASSERT_EQ(sent.size(), 6u);
  for (const Message& m : sent) ASSERT_TRUE(a->Send(b_key_.public_key(), EncodeMessage(m)).ok());
  ASSERT_TRUE(at_b.WaitFor(sent.size()));
  for (const auto& [from, bytes] : at_b.Messages()) {
    auto got = DecodeMessage(bytes);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(samples::ExtraOf(*got), extra) << "message type " << got->index();
  }
}

TEST_F(GrpcTransportTest, AFrameWithAnOversizedExtraIsDroppedAndTheStreamGoesOn) {
  Inbox at_b;
  auto b = StartTransport(b_key_, &at_b);
  RawPeer peer(Address(*b));
  ASSERT_TRUE(peer.Handshake(a_key_));
  v1::Frame oversized;
  oversized.mutable_update_accept()->set_channel_id(std::string(32, 1));
  oversized.mutable_update_accept()->set_extra(std::string(kMaxExtraSize + 1, 'x'));
  ASSERT_TRUE(peer.Write(oversized));
  v1::Frame good;
  good.mutable_update_accept()->set_channel_id(std::string(32, 2));
  good.mutable_update_accept()->set_version(43);
  good.mutable_update_accept()->set_extra(std::string(kMaxExtraSize, 'y'));
  ASSERT_TRUE(peer.Write(good));
  ASSERT_TRUE(at_b.WaitFor(1));
  std::this_thread::sleep_for(100ms);
  auto got = at_b.Messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(NumberOf(got[0].second), 43u);
}

TEST_F(GrpcTransportTest, ABatchIsDeliveredInOrderAndWhatItMayNotHoldIsDropped) {
  Inbox at_b;
  auto b = StartTransport(b_key_, &at_b);
  RawPeer peer(Address(*b));
  ASSERT_TRUE(peer.Handshake(a_key_));
  auto accept = [](uint64_t version) {
    v1::Frame f;
    f.mutable_update_accept()->set_channel_id(std::string(32, 3));
    f.mutable_update_accept()->set_version(version);
    return f;
  };
  v1::Frame batch;
  auto* frames = batch.mutable_batch()->mutable_frames();
  *frames->Add() = accept(1);
  v1::Frame nested;
  *nested.mutable_batch()->add_frames() = accept(99);
  *frames->Add() = nested;         // a batch in a batch: dropped
  frames->Add()->mutable_hello();  // a handshake frame: dropped
  *frames->Add() = accept(2);
  ASSERT_TRUE(peer.Write(batch));
  ASSERT_TRUE(peer.Write(accept(3)));  // and the stream goes on
  ASSERT_TRUE(at_b.WaitFor(3));
  std::this_thread::sleep_for(100ms);
  auto got = at_b.Messages();
  ASSERT_EQ(got.size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) EXPECT_EQ(NumberOf(got[i].second), i + 1);
}

TEST_F(GrpcTransportTest, ABacklogOfLargeMessagesLeavesInBatchesWithinTheSizeLimit) {
  Inbox at_a, at_b;
  auto [a, b] = ConnectedPair(&at_a, &at_b);
  // Each proposal carries the largest app data; 40 of them are ten frames'
  // worth, so the writer must split its backlog over several batches.
  channel::State state{.channel_id = crypto::RandomHash32(),
                       .app_data = Bytes(channel::kMaxAppDataSize, 5)};
  for (uint64_t i = 0; i < 40; ++i) {
    state.version = i;
    Bytes proposal =
        EncodeMessage(UpdateProposal{state.channel_id, state, channel::Signature(64, 1)});
    ASSERT_TRUE(a->Send(b_key_.public_key(), proposal).ok());
  }
  ASSERT_TRUE(at_b.WaitFor(40));
  auto got = at_b.Messages();
  for (uint64_t i = 0; i < 40; ++i) {
    auto proposal = std::get<UpdateProposal>(DecodeMessage(got[i].second).value());
    EXPECT_EQ(proposal.state.version, i);
    EXPECT_EQ(proposal.state.app_data.size(), channel::kMaxAppDataSize);
  }
}

TEST_F(GrpcTransportTest, APeerThatStopsReadingIsCutOffOnceItsBacklogPassesTheByteLimit) {
  Inbox at_c;
  GrpcTransportOptions options;
  options.max_queued_bytes = 1 << 20;
  auto b = StartTransport(b_key_, nullptr, options);
  RawPeer idle(Address(*b));  // completes the handshake, then never reads
  ASSERT_TRUE(idle.Handshake(a_key_));
  ASSERT_TRUE(b->WaitConnected(a_key_.public_key(), 5s));
  channel::State state{.channel_id = crypto::RandomHash32(),
                       .app_data = Bytes(channel::kMaxAppDataSize, 5)};
  Bytes proposal =
      EncodeMessage(UpdateProposal{state.channel_id, state, channel::Signature(64, 1)});
  // 2,000 proposals are 128 MiB: far more than the socket and gRPC's flow
  // control hold, so the backlog passes 1 MiB well before the last.
  Status sent;
  int accepted = 0;
  for (; accepted < 2000; ++accepted) {
    sent = b->Send(a_key_.public_key(), proposal);
    if (!sent.ok()) break;
  }
  ASSERT_FALSE(sent.ok()) << "all " << accepted << " proposals were queued";
  EXPECT_NE(sent.message().find("stopped reading"), std::string::npos) << sent.ToString();
  // Other peers are still served.
  auto c_key = crypto::PrivateKey::Generate();
  auto c = StartTransport(c_key, &at_c);
  c->Connect(b_key_.public_key(), Address(*b));
  ASSERT_TRUE(c->WaitConnected(b_key_.public_key(), 5s));
  ASSERT_TRUE(b->WaitConnected(c_key.public_key(), 5s));
  ASSERT_TRUE(b->Send(c_key.public_key(), Numbered(7)).ok());
  ASSERT_TRUE(at_c.WaitFor(1));
  EXPECT_EQ(NumberOf(at_c.Messages()[0].second), 7u);
}

// The transport hands a message to delivery lane (first 8 bytes of its
// channel id) % 8; the test needs a channel on another lane than `other`.
channel::ChannelId ChannelOnAnotherLaneThan(const channel::ChannelId& other) {
  auto lane = [](const channel::ChannelId& id) {
    uint64_t pick;
    std::memcpy(&pick, id.data(), sizeof pick);
    return pick % 8;
  };
  for (;;) {
    auto id = crypto::RandomHash32();
    if (lane(id) != lane(other)) return id;
  }
}

TEST_F(GrpcTransportTest, AFullDeliveryLanePausesItsStreamsAndHoldsNoThreadOfGrpc) {
  // The node is stuck on one channel: its lane fills, and eight peers whose
  // streams feed it pause. A ninth peer, on another lane, is still served;
  // once the node moves again every paused stream reads on, in order.
  const channel::ChannelId stuck = crypto::RandomHash32();
  std::mutex gate_mutex;
  std::condition_variable gate_changed;
  bool gate_open = false;
  auto open_gate = [&] {
    std::lock_guard lock(gate_mutex);
    gate_open = true;
    gate_changed.notify_all();
  };
  Inbox at_b;
  auto b = StartTransport(b_key_, nullptr);
  // Should an assertion return early, b must not wait on a closed gate as it
  // stops (this dies first).
  std::shared_ptr<void> open_gate_on_return(nullptr, [&](void*) { open_gate(); });
  b->SetReceiver([&](const PeerId& from, Bytes m) {
    if (std::get<UpdateAccept>(DecodeMessage(m).value()).channel == stuck) {
      std::unique_lock lock(gate_mutex);
      gate_changed.wait(lock, [&] { return gate_open; });
    }
    at_b.Add(from, std::move(m));
  });
  constexpr int kFlooders = 8, kEach = 400;  // 3,200 messages: the lane holds 1,024
  std::vector<std::unique_ptr<GrpcTransport>> flooders;
  for (int i = 0; i < kFlooders; ++i) {
    auto key = crypto::PrivateKey::Generate();
    flooders.push_back(StartTransport(key, nullptr));
    flooders.back()->Connect(b_key_.public_key(), Address(*b));
    ASSERT_TRUE(flooders.back()->WaitConnected(b_key_.public_key(), 5s)) << "flooder " << i;
    for (int n = 0; n < kEach; ++n) {
      ASSERT_TRUE(flooders.back()->Send(b_key_.public_key(), Numbered(n, stuck)).ok());
    }
  }
  auto a = StartTransport(a_key_, nullptr);
  a->Connect(b_key_.public_key(), Address(*b));
  ASSERT_TRUE(a->WaitConnected(b_key_.public_key(), 5s));
  ASSERT_TRUE(a->Send(b_key_.public_key(), Numbered(7, ChannelOnAnotherLaneThan(stuck))).ok());
  ASSERT_TRUE(at_b.WaitFor(1));
  EXPECT_EQ(at_b.Messages()[0].first, a_key_.public_key());
  open_gate();
  ASSERT_TRUE(at_b.WaitFor(1 + kFlooders * kEach));
  std::map<PeerId, uint64_t> next;  // each flooder's messages arrive in order
  for (const auto& [from, m] : at_b.Messages()) {
    if (from == a_key_.public_key()) continue;
    EXPECT_EQ(NumberOf(m), next[from]++);
  }
  EXPECT_EQ(next.size(), static_cast<size_t>(kFlooders));
}

TEST_F(GrpcTransportTest, TheByteLimitCountsOnlyWhatWaitsToLeave) {
  Inbox at_a;
  GrpcTransportOptions options;
  options.max_queued_bytes = 1 << 20;
  auto a = StartTransport(a_key_, &at_a);
  auto b = StartTransport(b_key_, nullptr, options);
  b->Connect(a_key_.public_key(), Address(*a));
  ASSERT_TRUE(b->WaitConnected(a_key_.public_key(), 5s));
  channel::State state{.channel_id = crypto::RandomHash32(),
                       .app_data = Bytes(channel::kMaxAppDataSize, 5)};
  // 40 of the largest proposals, 2.6 MiB in all, one at a time: each has
  // left before the next, so none is refused.
  for (uint64_t i = 0; i < 40; ++i) {
    state.version = i;
    ASSERT_TRUE(
        b->Send(a_key_.public_key(),
                EncodeMessage(UpdateProposal{state.channel_id, state, channel::Signature(64, 1)}))
            .ok())
        << i;
    ASSERT_TRUE(at_a.WaitFor(i + 1)) << i;
  }
}

TEST_F(GrpcTransportTest, ASendQueueTooSmallForTheLargestFrameIsRefusedAtStart) {
  GrpcTransportOptions options;
  // One byte short of the largest frame plus its share.
  options.max_queued_bytes = kMaxMessageSize + 4096 + 128 - 1;
  auto t = GrpcTransport::Start(a_key_, options);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("max_queued_bytes"), std::string::npos);
  options.max_queued_bytes += 1;
  EXPECT_TRUE(GrpcTransport::Start(a_key_, options).ok());
}

TEST_F(GrpcTransportTest, ADialedPeerIsDialedAgainAfterItRestarts) {
  Inbox at_b;
  auto a = StartTransport(a_key_, nullptr);
  std::atomic<int> connections{0};
  a->SetConnectionHandler([&](const PeerId&) { ++connections; });
  auto b = StartTransport(b_key_, &at_b);
  std::string address = Address(*b);
  a->Connect(b_key_.public_key(), address);
  ASSERT_TRUE(a->WaitConnected(b_key_.public_key(), 5s));
  b.reset();  // B goes away...
  for (int i = 0; i < 100 && a->Peers().front().connected; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(a->Peers().front().connected);
  GrpcTransportOptions same_port;
  same_port.listen_address = address;
  b = StartTransport(b_key_, &at_b, same_port);  // ...and comes back
  ASSERT_TRUE(a->WaitConnected(b_key_.public_key(), 5s));
  ASSERT_TRUE(a->Send(b_key_.public_key(), Numbered(5)).ok());
  ASSERT_TRUE(at_b.WaitFor(1));
  for (int i = 0; i < 100 && connections.load() < 2; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(connections.load(), 2);  // the handler ran for the first stream and the new one
}

// Both sides dial each other: one stream stays, both ways, and it does not
// flap (the stream dialed by the lower key wins; the loser backs off).
TEST_F(GrpcTransportTest, PeersThatDialEachOtherSettleOnOneStream) {
  Inbox at_a, at_b;
  auto a = StartTransport(a_key_, &at_a);
  auto b = StartTransport(b_key_, &at_b);
  std::atomic<int> handshakes{0};
  a->SetConnectionHandler([&](const PeerId&) { ++handshakes; });
  b->SetConnectionHandler([&](const PeerId&) { ++handshakes; });
  a->Connect(b_key_.public_key(), Address(*b));
  b->Connect(a_key_.public_key(), Address(*a));
  ASSERT_TRUE(a->WaitConnected(b_key_.public_key(), 5s));
  ASSERT_TRUE(b->WaitConnected(a_key_.public_key(), 5s));
  std::this_thread::sleep_for(1s);
  EXPECT_LE(handshakes.load(), 6);  // a few at the start, then none
  ASSERT_TRUE(a->Send(b_key_.public_key(), Numbered(1)).ok());
  ASSERT_TRUE(b->Send(a_key_.public_key(), Numbered(2)).ok());
  EXPECT_TRUE(at_b.WaitFor(1));
  EXPECT_TRUE(at_a.WaitFor(1));
}

}  // namespace
}  // namespace parley::wire
