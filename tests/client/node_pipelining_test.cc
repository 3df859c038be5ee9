// Two nodes with pipelining on: several proposals of one channel in flight at
// once, crossings, and recovery of proposals or answers that were lost; and
// nodes that limit how many queued actions one signed state carries.
#include <gtest/gtest.h>

#include "client/node_fixture.h"
#include "parley/client/node.h"

namespace parley::client {
namespace {

using channel::Amount;

constexpr size_t kWindow = 8;

class PipelinedNodesTest : public testing::TwoNodeTest {
 protected:
  PipelinedNodesTest() {
    options_.max_updates_in_flight = kWindow;
    for (auto* peer : {&alice_, &bob_}) {
      (*peer)->node.reset();  // let go of the endpoint before rejoining
      *peer = MakePeer((*peer)->key, std::move((*peer)->store), options_);
    }
  }

  NodeOptions options_ = testing::TestOptions();
};

TEST_F(PipelinedNodesTest, EachPaymentGoesOutAloneWhileTheWindowHasRoom) {
  auto id = OpenPayment();
  for (size_t i = 0; i < kWindow; ++i) ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  EXPECT_EQ(Info(*alice_, id).queued_actions, 0u);
  EXPECT_EQ(network_.Queued(), kWindow);  // eight proposals, none answered yet
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  EXPECT_EQ(Info(*alice_, id).queued_actions, 50u);
  Settle();
  // Eight states of one payment each, then the 50 that queued in one state.
  EXPECT_EQ(Info(*bob_, id).latest.version, kWindow + 1);
  EXPECT_EQ(Balances(*bob_, id), (std::vector<Amount>{42, 158}));
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_FALSE(Info(*alice_, id).update_in_flight);
}

TEST_F(PipelinedNodesTest, CrossingProposalsAllLand) {
  auto id = OpenPayment();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  ASSERT_TRUE(Pay(*bob_, id, 30).ok());
  Settle();
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_EQ(Balances(*alice_, id), (std::vector<Amount>{125, 75}));
  EXPECT_FALSE(Info(*alice_, id).update_in_flight);
  EXPECT_FALSE(Info(*bob_, id).update_in_flight);
  EXPECT_EQ(Info(*alice_, id).queued_actions + Info(*bob_, id).queued_actions, 0u);
}

TEST_F(PipelinedNodesTest, ARestartedProposerSendsEveryProposalInFlightAgain) {
  auto id = OpenPayment();
  network_.Silence(bob_->key.public_key());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  network_.Deliver();  // all four are lost
  network_.Unsilence(bob_->key.public_key());
  alice_->node.reset();
  alice_ = MakePeer(alice_->key, std::move(alice_->store), options_);
  EXPECT_TRUE(Info(*alice_, id).update_in_flight);  // the four came back from the store
  Settle();
  EXPECT_EQ(Info(*bob_, id).latest.version, 4u);
  EXPECT_EQ(Balances(*bob_, id), (std::vector<Amount>{96, 104}));
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_FALSE(Info(*alice_, id).update_in_flight);
}

TEST_F(PipelinedNodesTest, LostAnswersAreRecoveredByTheResync) {
  auto id = OpenPayment();
  network_.Silence(alice_->key.public_key());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Pay(*alice_, id, 2).ok());
  Settle();  // Bob countersigns all three; his answers are lost
  EXPECT_EQ(Info(*bob_, id).latest.version, 3u);
  EXPECT_TRUE(Info(*alice_, id).update_in_flight);
  network_.Unsilence(alice_->key.public_key());
  bob_->node->OnPeerConnected(alice_->key.public_key());
  Settle();
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_FALSE(Info(*alice_, id).update_in_flight);
  EXPECT_EQ(Info(*alice_, id).queued_actions, 0u);  // settled, not sent again
  EXPECT_EQ(Balances(*alice_, id), (std::vector<Amount>{94, 106}));
}

// The answers are lost and no resync happens before Bob pays: his proposal,
// built on Alice's newest one, settles all of hers.
TEST_F(PipelinedNodesTest, APeersProposalOnTopOfLostAnswersSettlesThem) {
  auto id = OpenPayment();
  int failed = 0;
  alice_->node->SetObserver([&](const NodeEvent& e) {
    if (e.kind == NodeEvent::Kind::kUpdateFailed) ++failed;
  });
  network_.Silence(alice_->key.public_key());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Pay(*alice_, id, 2).ok());
  Settle();  // Bob countersigns all three; his answers are lost
  network_.Unsilence(alice_->key.public_key());
  ASSERT_TRUE(Pay(*bob_, id, 10).ok());
  Settle();
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_EQ(Info(*alice_, id).latest.version, 4u);
  EXPECT_FALSE(Info(*alice_, id).update_in_flight);
  EXPECT_EQ(Info(*alice_, id).queued_actions, 0u);  // settled, not sent again
  EXPECT_EQ(Balances(*alice_, id), (std::vector<Amount>{104, 96}));
  EXPECT_EQ(failed, 0);
}

// Nodes that put at most so many queued actions into one signed state.
class ActionsPerUpdateTest : public testing::TwoNodeTest {
 protected:
  void Restart(size_t actions_per_update) {
    NodeOptions options = testing::TestOptions();
    options.max_actions_per_update = actions_per_update;
    for (auto* peer : {&alice_, &bob_}) {
      (*peer)->node.reset();
      *peer = MakePeer((*peer)->key, std::move((*peer)->store), options);
    }
  }
};

TEST_F(ActionsPerUpdateTest, WithOneEachQueuedActionGetsAStateOfItsOwn) {
  Restart(1);
  auto id = OpenPayment();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  EXPECT_EQ(Info(*alice_, id).queued_actions, 4u);  // the first is in flight
  Settle();
  EXPECT_EQ(Info(*bob_, id).latest.version, 5u);
  EXPECT_EQ(Balances(*bob_, id), (std::vector<Amount>{95, 105}));
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
}

TEST_F(ActionsPerUpdateTest, QueuedActionsGoOutInStatesOfAtMostTheLimit) {
  Restart(3);
  auto id = OpenPayment();
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  Settle();
  EXPECT_EQ(Info(*bob_, id).latest.version, 3u);  // 1 payment, then 3 and 3
  EXPECT_EQ(Balances(*bob_, id), (std::vector<Amount>{93, 107}));
}

TEST_F(ActionsPerUpdateTest, ALimitOfZeroCountsAsOne) {
  Restart(0);
  auto id = OpenPayment();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  Settle();
  EXPECT_EQ(Info(*bob_, id).latest.version, 3u);
  EXPECT_EQ(Balances(*bob_, id), (std::vector<Amount>{97, 103}));
}

}  // namespace
}  // namespace parley::client
