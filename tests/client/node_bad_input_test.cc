// Bad input from a peer, as bytes on the wire: every kind is refused with a
// reason (sent back where there is a channel to name), the stored channel
// stays as it was, and the node keeps serving its other channels.
#include <gtest/gtest.h>

#include "client/node_fixture.h"
#include "parley/channel/encoding.h"
#include "parley/store/channel_store.h"

namespace parley::client {
namespace {

using channel::State;
using testing::TwoNodeTest;

class NodeBadInputTest : public TwoNodeTest {
 protected:
  void SetUp() override {
    id_ = OpenPayment();
    other_ = OpenPayment();
    ASSERT_TRUE(Pay(*alice_, id_, 10).ok());
    Settle();
    before_ = StoredAtBob();
  }

  channel::ChannelRecord StoredAtBob() {
    return store::ChannelStore(*bob_->store).Get(id_).value();
  }

  // Bob receives `bytes` from `from`; returns his verdict.
  Status BobReceives(const crypto::PublicKey& from, const Bytes& bytes) {
    return bob_->node->HandleMessage(from, bytes);
  }
  Status BobReceives(const wire::Message& message) {
    return BobReceives(alice_->key.public_key(), wire::EncodeMessage(message));
  }

  // The next state Alice could honestly propose, and her signature on it.
  wire::UpdateProposal HonestProposal() {
    State next = Info(*alice_, id_).latest;
    next.version += 1;
    next.allocation.assets[0].balances = {89, 111};
    Hash32 base = ledger_->scheme().StateHash(Info(*alice_, id_).latest);
    return {id_, next, Sign(alice_->key, next), base};
  }
  channel::Signature Sign(const crypto::PrivateKey& key, const State& state) {
    return ledger_->scheme().Sign(key, ledger_->scheme().StateHash(state));
  }

  // The reject Bob sent back, if any (drops every queued message).
  std::optional<wire::UpdateReject> RejectSentToAlice() {
    alice_->node.reset();  // read the raw messages instead of handling them
    std::optional<wire::UpdateReject> reject;
    network_.Join(alice_->key.public_key()).SetReceiver([&](const wire::PeerId&, Bytes bytes) {
      auto m = wire::DecodeMessage(bytes);
      if (m.ok() && std::holds_alternative<wire::UpdateReject>(*m)) {
        reject = std::get<wire::UpdateReject>(*m);
      }
    });
    network_.Deliver();
    return reject;
  }

  void ExpectRefused(const Status& s, StatusCode code, const std::string& words) {
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_NE(s.message().find(words), std::string::npos) << s.ToString();
  }

  // Bob still works: an honest update on his channels goes through.
  void ExpectStillServing() { ExpectStillServing({id_, other_}); }
  void ExpectStillServing(std::initializer_list<channel::ChannelId> channels) {
    alice_->node.reset();  // the old node lets go of the endpoint first
    alice_ = MakePeer(alice_->key, std::move(alice_->store));  // Alice back online
    for (const auto& id : channels) {
      auto before = Info(*bob_, id).latest.version;
      ASSERT_TRUE(Pay(*bob_, id, 1).ok());
      Settle();
      EXPECT_GT(Info(*bob_, id).latest.version, before);
      EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
    }
  }

  channel::ChannelId id_{};
  channel::ChannelId other_{};
  channel::ChannelRecord before_;
};

TEST_F(NodeBadInputTest, MalformedBytes) {
  ExpectRefused(BobReceives(alice_->key.public_key(), {}), StatusCode::kInvalidArgument,
                "truncated");
  ExpectRefused(BobReceives(alice_->key.public_key(), {0x42, 1, 2}), StatusCode::kInvalidArgument,
                "unknown peer message type 66");
  Bytes cut = wire::EncodeMessage(HonestProposal());
  cut.resize(cut.size() / 2);
  ExpectRefused(BobReceives(alice_->key.public_key(), cut), StatusCode::kInvalidArgument,
                "truncated");
  EXPECT_EQ(StoredAtBob(), before_);
  ExpectStillServing();
}

TEST_F(NodeBadInputTest, OversizedMessage) {
  Bytes huge(wire::kMaxMessageSize + 1, 0x03);
  ExpectRefused(BobReceives(alice_->key.public_key(), huge), StatusCode::kInvalidArgument,
                "exceeds the limit");
  EXPECT_EQ(StoredAtBob(), before_);
  ExpectStillServing();
}

TEST_F(NodeBadInputTest, UnknownChannel) {
  wire::UpdateProposal m = HonestProposal();
  m.channel[0] ^= 0xff;
  ExpectRefused(BobReceives(m), StatusCode::kNotFound, "unknown channel");
  auto reject = RejectSentToAlice();
  ASSERT_TRUE(reject);
  EXPECT_EQ(reject->code, StatusCode::kNotFound);
  EXPECT_EQ(StoredAtBob(), before_);
  ExpectStillServing();
}

TEST_F(NodeBadInputTest, SenderIsNotAParticipant) {
  crypto::PrivateKey mallory = crypto::PrivateKey::Generate();
  network_.Join(mallory.public_key());
  wire::UpdateProposal m = HonestProposal();
  m.sig = Sign(mallory, m.state);
  ExpectRefused(BobReceives(mallory.public_key(), wire::EncodeMessage(m)),
                StatusCode::kPermissionDenied, "not a participant");
  EXPECT_EQ(StoredAtBob(), before_);
  ExpectStillServing();
}

TEST_F(NodeBadInputTest, BadSignature) {
  wire::UpdateProposal m = HonestProposal();
  m.sig[3] ^= 0x20;
  ExpectRefused(BobReceives(m), StatusCode::kPermissionDenied, "does not verify");
  auto reject = RejectSentToAlice();
  ASSERT_TRUE(reject);
  EXPECT_EQ(reject->version, m.state.version);
  EXPECT_NE(reject->reason.find("does not verify"), std::string::npos);
  EXPECT_EQ(StoredAtBob(), before_);
  ExpectStillServing();
}

TEST_F(NodeBadInputTest, StaleVersion) {
  wire::UpdateProposal m = HonestProposal();
  m.state.version = 1;  // already signed
  m.sig = Sign(alice_->key, m.state);
  ExpectRefused(BobReceives(m), StatusCode::kAborted, "version 1 is used up");
  EXPECT_EQ(StoredAtBob(), before_);
  ExpectStillServing();
}

TEST_F(NodeBadInputTest, AProposalBuiltOnAStateBobDoesNotHold) {
  wire::UpdateProposal m = HonestProposal();
  m.base[0] ^= 0x01;  // e.g. on a proposal of Alice's that Bob refused
  ExpectRefused(BobReceives(m), StatusCode::kFailedPrecondition, "builds on a state other than");
  channel::ChannelRecord after = StoredAtBob();
  EXPECT_EQ(after.latest, before_.latest);
  EXPECT_EQ(after.last_signed_version, before_.last_signed_version);  // Bob signed nothing
  EXPECT_EQ(after.current_version, before_.current_version + 1);      // Alice used that version
  ExpectStillServing({other_});  // as for TransitionTheAppRejects below
}

TEST_F(NodeBadInputTest, TransitionTheAppRejects) {
  wire::UpdateProposal m = HonestProposal();
  m.state.allocation.assets[0].balances = {95, 105};  // Bob loses 5: Alice may not do that
  m.sig = Sign(alice_->key, m.state);
  ExpectRefused(BobReceives(m), StatusCode::kPermissionDenied, "refuses the transition");
  channel::ChannelRecord after = StoredAtBob();
  EXPECT_EQ(after.latest, before_.latest);  // the signed state and balances are untouched
  EXPECT_EQ(after.phase, before_.phase);
  EXPECT_EQ(after.current_version, before_.current_version + 1);  // Alice used that version
  // The message was forged here, so Alice's real node does not know it used
  // version 2; real peers agree again through the resync of the network
  // transport. The other channel is unaffected.
  ExpectStillServing({other_});
}

TEST_F(NodeBadInputTest, AnswersNobodyAskedFor) {
  ExpectRefused(BobReceives(wire::UpdateAccept{id_, 7, channel::Signature(64, 1)}),
                StatusCode::kFailedPrecondition, "no proposal");
  ExpectRefused(BobReceives(wire::UpdateReject{id_, 7, StatusCode::kAborted, "x"}),
                StatusCode::kFailedPrecondition, "no proposal");
  ExpectRefused(BobReceives(wire::ChannelAccept{id_, channel::Signature(64, 1)}),
                StatusCode::kFailedPrecondition, "not being proposed");
  EXPECT_EQ(StoredAtBob(), before_);
  ExpectStillServing();
}

TEST_F(NodeBadInputTest, ChannelProposalForSomeoneElse) {
  crypto::PrivateKey carol = crypto::PrivateKey::Generate();
  channel::Params params = Info(*alice_, id_).params;
  params.participants[1] = carol.public_key();
  State initial{.channel_id = ledger_->scheme().ComputeChannelId(params),
                .allocation = {{{.asset = "native", .balances = {1, 1}}}}};
  ExpectRefused(BobReceives(wire::ChannelProposal{params, initial, Sign(alice_->key, initial)}),
                StatusCode::kPermissionDenied, "not a participant");
  EXPECT_EQ(bob_->node->ListChannels().size(), 2u);
  ExpectStillServing();
}

TEST_F(NodeBadInputTest, ASecondFullySignedStateOfOneVersionIsKeptAsEvidence) {
  std::vector<NodeEvent> seen;
  bob_->node->SetObserver([&](const NodeEvent& e) { seen.push_back(e); });
  channel::SignedState other{before_.latest.state, {}};
  other.state.allocation.assets[0].balances = {80, 120};
  other.sigs = {Sign(alice_->key, other.state), Sign(bob_->key, other.state)};
  ASSERT_TRUE(BobReceives(wire::SyncState{id_, other}).ok());
  EXPECT_EQ(StoredAtBob(), before_);  // the channel keeps its own latest state
  auto evidence = store::ChannelStore(*bob_->store).Evidence(id_);
  ASSERT_TRUE(evidence.ok());
  ASSERT_EQ(evidence->size(), 1u);
  EXPECT_EQ(evidence->front().first, before_.latest);
  EXPECT_EQ(evidence->front().second, other);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().kind, NodeEvent::Kind::kEquivocation);
}

TEST_F(NodeBadInputTest, ASyncStateWithABadSignatureChangesNothing) {
  channel::SignedState newer{HonestProposal().state, {}};
  newer.sigs = {Sign(alice_->key, newer.state), Sign(alice_->key, newer.state)};  // not Bob's
  ExpectRefused(BobReceives(wire::SyncState{id_, newer}), StatusCode::kPermissionDenied,
                "does not verify");
  EXPECT_EQ(StoredAtBob(), before_);
  ExpectStillServing();
}

}  // namespace
}  // namespace parley::client
