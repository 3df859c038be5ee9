// "No signature leaves the node before the state it signs is durable": when
// the store cannot write, the node sends nothing that carries a signature,
// and its channel stays as it was.
#include <gtest/gtest.h>

#include <atomic>

#include "client/node_fixture.h"
#include "parley/crypto/random.h"

namespace parley::client {
namespace {

using testing::TwoNodeTest;

// A store whose writes fail while `broken` is set, which counts the writes
// that succeed, and which calls `before_write` (if set) first.
class BreakableStore : public store::Store {
 public:
  BreakableStore(std::atomic<bool>& broken, std::atomic<int>& writes)
      : inner_(store::NewMemoryStore()), broken_(broken), writes_(writes) {}
  Result<Bytes> Get(std::string_view key) const override { return inner_->Get(key); }
  Status Write(const store::WriteBatch& batch) override {
    if (before_write) before_write();
    if (broken_) return Status::IoError("disk full (simulated)");
    ++writes_;
    return inner_->Write(batch);
  }
  Status Scan(std::string_view prefix,
              const std::function<void(std::string_view, ByteView)>& visit) const override {
    return inner_->Scan(prefix, visit);
  }

  std::function<void()> before_write;

 private:
  std::unique_ptr<store::Store> inner_;
  std::atomic<bool>& broken_;
  std::atomic<int>& writes_;
};

class NodeDurabilityTest : public TwoNodeTest {
 protected:
  void SetUp() override {
    alice_->node.reset();
    bob_->node.reset();
    alice_ = MakePeer(alice_->key, std::make_unique<BreakableStore>(alice_broken_, alice_writes_));
    bob_ = MakePeer(bob_->key, std::make_unique<BreakableStore>(bob_broken_, bob_writes_));
    id_ = OpenPayment();
    ASSERT_EQ(Info(*alice_, id_).phase, channel::Phase::kOpen);
  }

  std::atomic<bool> alice_broken_{false};
  std::atomic<bool> bob_broken_{false};
  std::atomic<int> alice_writes_{0};
  std::atomic<int> bob_writes_{0};
  channel::ChannelId id_{};
};

TEST_F(NodeDurabilityTest, AProposalIsNotSentUnlessPersisted) {
  alice_broken_ = true;
  Status s = Pay(*alice_, id_, 5);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_EQ(network_.Queued(), 0u);  // nothing left the node
  EXPECT_FALSE(Info(*alice_, id_).update_in_flight);
  EXPECT_EQ(Info(*alice_, id_).latest.version, 0u);
}

// Bob cannot persist, so he does not sign back: he offers a resync once
// (his latest state; Alice sends her proposal again), and after a second
// failure he stays quiet instead of looping.
TEST_F(NodeDurabilityTest, AnAnswerIsNotSentUnlessPersisted) {
  ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
  ASSERT_EQ(network_.Queued(), 1u);  // Alice's proposal
  bob_broken_ = true;
  EXPECT_EQ(network_.Deliver(), 3u);  // the proposal, Bob's resync, the proposal again
  EXPECT_EQ(Info(*bob_, id_).latest.version, 0u);
  EXPECT_EQ(Info(*alice_, id_).latest.version, 0u);  // no countersignature reached her
  EXPECT_TRUE(Info(*alice_, id_).update_in_flight);

  bob_broken_ = false;
  alice_->node->OnPeerConnected(bob_->key.public_key());
  Settle();
  EXPECT_EQ(Balances(*alice_, id_), (std::vector<channel::Amount>{95, 105}));
}

// With one proposal in flight at a time (the default), a payment made while
// another is in flight waits; the answer's countersignature and the next
// proposal then reach the disk in one write.
TEST_F(NodeDurabilityTest, TheCompletedStateAndTheNextProposalShareOneWrite) {
  ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
  ASSERT_TRUE(Pay(*alice_, id_, 7).ok());  // queued behind the first
  ASSERT_EQ(network_.Queued(), 1u);
  network_.Deliver(1);  // Bob countersigns version 1
  int before = alice_writes_;
  network_.Deliver(1);  // his answer reaches Alice
  EXPECT_EQ(alice_writes_ - before, 1);
  EXPECT_EQ(Info(*alice_, id_).latest.version, 1u);
  ASSERT_EQ(network_.Queued(), 1u);  // her proposal of version 2, built on 1
  Settle();
  EXPECT_EQ(Info(*bob_, id_).latest.version, 2u);
  EXPECT_EQ(Balances(*bob_, id_), (std::vector<channel::Amount>{88, 112}));
}

// When that one write fails, neither part of it happened and the channel is
// as it was before the answer arrived: the waiting payment is still queued.
// The node says so and offers Bob a resync, which completes both payments
// once the disk works again.
TEST_F(NodeDurabilityTest, WhenTheSharedWriteFailsNeitherPartIsKept) {
  std::vector<NodeEvent> events;
  alice_->node->SetObserver([&](const NodeEvent& e) { events.push_back(e); });
  ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
  ASSERT_TRUE(Pay(*alice_, id_, 7).ok());
  network_.Deliver(1);
  alice_broken_ = true;
  events.clear();
  network_.Deliver(1);
  EXPECT_EQ(Info(*alice_, id_).latest.version, 0u);
  EXPECT_TRUE(Info(*alice_, id_).update_in_flight);  // version 1 still awaits its answer
  EXPECT_EQ(Info(*alice_, id_).queued_actions, 1u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, NodeEvent::Kind::kUpdateFailed);
  EXPECT_NE(events[0].message.find("disk full"), std::string::npos) << events[0].message;

  alice_broken_ = false;
  Settle();  // the resync: Bob answers version 1 again, then version 2 goes out
  EXPECT_EQ(Info(*alice_, id_).latest.version, 2u);
  EXPECT_FALSE(Info(*alice_, id_).update_in_flight);
  EXPECT_EQ(Balances(*alice_, id_), (std::vector<channel::Amount>{88, 112}));
  EXPECT_EQ(Balances(*bob_, id_), (std::vector<channel::Amount>{88, 112}));
}

TEST_F(NodeDurabilityTest, AChannelIsNotAcceptedUnlessPersisted) {
  bob_broken_ = true;
  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                       .app = apps::PaymentApp::kId,
                                       .my_deposit = 1,
                                       .peer_deposit = 1});
  ASSERT_TRUE(id.ok());
  network_.Deliver(1);
  // Bob answers with a refusal that carries no signature, and keeps only the
  // channel he had before.
  EXPECT_EQ(bob_->node->ListChannels().size(), 1u);
  ASSERT_EQ(network_.Queued(), 1u);
  std::optional<wire::Message> answer;
  alice_->node.reset();
  network_.Join(alice_->key.public_key()).SetReceiver([&](const wire::PeerId&, Bytes bytes) {
    answer = wire::DecodeMessage(bytes).value();
  });
  network_.Deliver();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(std::holds_alternative<wire::ChannelReject>(*answer));
}

// Messages that arrive together (a transport's burst) share one synced write:
// Bob countersigns three channels' proposals with one write, and Alice
// completes the three states with one.
TEST_F(NodeDurabilityTest, TheUpdatesOfABurstShareOneWrite) {
  std::vector<channel::ChannelId> ids = {id_, OpenPayment(), OpenPayment()};
  for (const auto& id : ids) ASSERT_TRUE(Pay(*alice_, id, 5).ok());
  ASSERT_EQ(network_.Queued(), 3u);
  int bob_before = bob_writes_;
  std::vector<size_t> queued_at_write;  // Bob's answers must not leave before his write
  static_cast<BreakableStore&>(*bob_->store).before_write = [&] {
    queued_at_write.push_back(network_.Queued());
  };
  ASSERT_EQ(network_.DeliverBursts(), 3u);
  EXPECT_EQ(bob_writes_ - bob_before, 1);
  EXPECT_EQ(queued_at_write, std::vector<size_t>{0});
  ASSERT_EQ(network_.Queued(), 3u);  // his answers left after that write
  int alice_before = alice_writes_;
  ASSERT_EQ(network_.DeliverBursts(), 3u);
  EXPECT_EQ(alice_writes_ - alice_before, 1);
  for (const auto& id : ids) {
    EXPECT_EQ(Info(*alice_, id).latest.version, 1u);
    EXPECT_EQ(Balances(*bob_, id), (std::vector<channel::Amount>{95, 105}));
  }
}

// If a burst's write fails, every channel of the burst is as it was and no
// countersignature left; the resync Bob offers completes them all once his
// disk works again.
TEST_F(NodeDurabilityTest, WhenABurstsWriteFailsEveryChannelOfItIsAsItWas) {
  std::vector<channel::ChannelId> ids = {id_, OpenPayment(), OpenPayment()};
  for (const auto& id : ids) ASSERT_TRUE(Pay(*alice_, id, 5).ok());
  bob_broken_ = true;
  ASSERT_EQ(network_.DeliverBursts(), 3u);
  for (const auto& id : ids) EXPECT_EQ(Info(*bob_, id).latest.version, 0u);
  network_.DeliverBursts();  // Bob's resyncs; Alice sends her proposals again
  network_.DeliverBursts();  // Bob fails again, and stays quiet
  EXPECT_EQ(network_.Queued(), 0u);
  for (const auto& id : ids) EXPECT_EQ(Info(*alice_, id).latest.version, 0u);

  bob_broken_ = false;
  alice_->node->OnPeerConnected(bob_->key.public_key());
  Settle();
  for (const auto& id : ids)
    EXPECT_EQ(Balances(*bob_, id), (std::vector<channel::Amount>{95, 105}));
}

// A message that changes nothing costs no write: a stale answer in a burst
// is refused without touching the disk.
TEST_F(NodeDurabilityTest, ABurstThatChangesNothingWritesNothing) {
  ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
  Settle();
  int before = bob_writes_;
  wire::UpdateAccept stale{.channel = id_, .version = 1, .sig = Bytes(64, 7)};
  ASSERT_TRUE(network_.Join(alice_->key.public_key())
                  .Send(bob_->key.public_key(), wire::EncodeMessage(stale))
                  .ok());
  network_.DeliverBursts();
  EXPECT_EQ(bob_writes_, before);
  EXPECT_EQ(Info(*bob_, id_).latest.version, 1u);
}

// A message that cannot join the group (here an update of a channel Bob does
// not know) is handled after the group's write, and the next one starts a
// new group: two writes, and every answer in order.
TEST_F(NodeDurabilityTest, AMessageThatCannotJoinABurstsGroupEndsIt) {
  channel::ChannelId second = OpenPayment();
  ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
  wire::UpdateProposal unknown;
  unknown.channel = unknown.state.channel_id = crypto::RandomHash32();
  unknown.state.version = 1;
  unknown.sig = Bytes(64, 1);
  ASSERT_TRUE(network_.Join(alice_->key.public_key())
                  .Send(bob_->key.public_key(), wire::EncodeMessage(unknown))
                  .ok());
  ASSERT_TRUE(Pay(*alice_, second, 7).ok());
  int bob_before = bob_writes_;
  ASSERT_EQ(network_.DeliverBursts(), 3u);
  EXPECT_EQ(bob_writes_ - bob_before, 2);
  EXPECT_EQ(network_.Queued(), 3u);  // an answer to each
  Settle();
  EXPECT_EQ(Balances(*alice_, id_), (std::vector<channel::Amount>{95, 105}));
  EXPECT_EQ(Balances(*alice_, second), (std::vector<channel::Amount>{93, 107}));
}

}  // namespace
}  // namespace parley::client
