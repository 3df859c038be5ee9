// "No signature leaves the node before the state it signs is durable": when
// the store cannot write, the node sends nothing that carries a signature,
// and its channel stays as it was.
#include <gtest/gtest.h>

#include <atomic>

#include "client/node_fixture.h"

namespace parley::client {
namespace {

using testing::TwoNodeTest;

// A store whose writes fail while `broken` is set, and which counts the
// writes that succeed.
class BreakableStore : public store::Store {
 public:
  BreakableStore(std::atomic<bool>& broken, std::atomic<int>& writes)
      : inner_(store::NewMemoryStore()), broken_(broken), writes_(writes) {}
  Result<Bytes> Get(std::string_view key) const override { return inner_->Get(key); }
  Status Write(const store::WriteBatch& batch) override {
    if (broken_) return Status::IoError("disk full (simulated)");
    ++writes_;
    return inner_->Write(batch);
  }
  Status Scan(std::string_view prefix,
              const std::function<void(std::string_view, ByteView)>& visit) const override {
    return inner_->Scan(prefix, visit);
  }

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

TEST_F(NodeDurabilityTest, AnAnswerIsNotSentUnlessPersisted) {
  ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
  ASSERT_EQ(network_.Queued(), 1u);  // Alice's proposal
  bob_broken_ = true;
  network_.Deliver(1);
  EXPECT_EQ(network_.Queued(), 0u);  // Bob could not persist, so he did not sign back
  EXPECT_EQ(Info(*bob_, id_).latest.version, 0u);
  EXPECT_TRUE(Info(*alice_, id_).update_in_flight);
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

// When that one write fails, neither part of it happened: the countersigned
// state is recovered from the peer, and the waiting payment fails.
TEST_F(NodeDurabilityTest, WhenTheSharedWriteFailsNeitherPartIsKept) {
  std::vector<NodeEvent> events;
  alice_->node->SetObserver([&](const NodeEvent& e) { events.push_back(e); });
  ASSERT_TRUE(Pay(*alice_, id_, 5).ok());
  ASSERT_TRUE(Pay(*alice_, id_, 7).ok());
  network_.Deliver(1);
  alice_broken_ = true;
  network_.Deliver(1);
  EXPECT_EQ(network_.Queued(), 0u);  // no proposal of version 2 left
  EXPECT_EQ(Info(*alice_, id_).latest.version, 0u);
  EXPECT_EQ(Info(*alice_, id_).queued_actions, 0u);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, NodeEvent::Kind::kUpdateFailed);
  EXPECT_NE(events.back().message.find("disk full"), std::string::npos) << events.back().message;

  alice_broken_ = false;
  bob_->node->OnPeerConnected(alice_->key.public_key());  // Bob offers his latest state
  Settle();
  EXPECT_EQ(Info(*alice_, id_).latest.version, 1u);
  EXPECT_FALSE(Info(*alice_, id_).update_in_flight);
  EXPECT_EQ(Balances(*alice_, id_), (std::vector<channel::Amount>{95, 105}));
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

}  // namespace
}  // namespace parley::client
