// The Node runs the protocol end to end: open, fund, update, batch, cross,
// close, dispute, refute, settle.
#include "parley/client/node.h"

#include <gtest/gtest.h>

#include "client/node_fixture.h"

namespace parley::client {
namespace {

using channel::Amount;
using channel::Phase;
using testing::TwoNodeTest;

TEST_F(TwoNodeTest, OpensAndFundsAChannel) {
  auto id = OpenPayment(100, 60);
  EXPECT_EQ(Info(*alice_, id).phase, Phase::kOpen);
  EXPECT_EQ(Info(*bob_, id).phase, Phase::kOpen);
  EXPECT_EQ(Info(*bob_, id).self, 1u);
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 900);
  EXPECT_EQ(ledger_->Balance(bob_->key.public_key(), "native"), 940);
  auto deposits = alice_->chain.Deposits(Info(*alice_, id).params, "native");
  ASSERT_TRUE(deposits.ok());
  EXPECT_EQ(*deposits, (std::vector<Amount>{100, 60}));
}

TEST_F(TwoNodeTest, PaymentsInBothDirections) {
  auto id = OpenPayment();
  Amount alice_expected = 100;
  for (int i = 0; i < 20; ++i) {
    bool alice_pays = i % 2 == 0;
    ASSERT_TRUE(Pay(alice_pays ? *alice_ : *bob_, id, 1 + i % 3).ok());
    alice_expected = alice_pays ? alice_expected - (1 + i % 3) : alice_expected + (1 + i % 3);
    Settle();
  }
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_EQ(Info(*alice_, id).latest.version, 20u);
  Amount total = Balances(*alice_, id)[0] + Balances(*alice_, id)[1];
  EXPECT_EQ(total, 200);
  EXPECT_EQ(Balances(*alice_, id)[0], alice_expected);
}

TEST_F(TwoNodeTest, QueuedActionsGoOutAsOneSignedState) {
  auto id = OpenPayment();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  EXPECT_EQ(Info(*alice_, id).queued_actions, 49u);  // the first is in flight
  Settle();
  EXPECT_EQ(Info(*bob_, id).latest.version, 2u);  // 1 payment, then a batch of 49
  EXPECT_EQ(Balances(*bob_, id), (std::vector<Amount>{50, 150}));
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
}

TEST_F(TwoNodeTest, ActionThatFailsAtOnceReturnsTheAppsReason) {
  auto id = OpenPayment();
  Status s = Pay(*alice_, id, 101);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("insufficient"), std::string::npos);
  Settle();
  EXPECT_EQ(Info(*alice_, id).latest.version, 0u);
  EXPECT_EQ(network_.Queued(), 0u);
}

TEST_F(TwoNodeTest, CrossingProposalsBothLand) {
  auto id = OpenPayment();
  ASSERT_TRUE(Pay(*alice_, id, 10).ok());
  ASSERT_TRUE(Pay(*bob_, id, 30).ok());
  Settle();
  EXPECT_EQ(Info(*alice_, id).latest, Info(*bob_, id).latest);
  EXPECT_EQ(Balances(*alice_, id), (std::vector<Amount>{120, 80}));
  // Version 1 was used up by the crossing; Alice's went as 2, Bob's as 3.
  EXPECT_EQ(Info(*alice_, id).latest.version, 3u);
}

TEST_F(TwoNodeTest, CooperativeCloseSettlesAtOnce) {
  auto id = OpenPayment();
  ASSERT_TRUE(Pay(*alice_, id, 25).ok());
  Settle();
  ASSERT_TRUE(alice_->node->Close(id).ok());
  Settle();
  EXPECT_EQ(Info(*alice_, id).phase, Phase::kFinal);
  EXPECT_EQ(Info(*bob_, id).phase, Phase::kFinal);
  EXPECT_EQ(Pay(*alice_, id, 1).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(alice_->node->Settle(id).ok());  // no waiting for a final state
  ASSERT_TRUE(bob_->node->Settle(id).ok());
  Settle();
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 975);
  EXPECT_EQ(ledger_->Balance(bob_->key.public_key(), "native"), 1025);
  EXPECT_EQ(Info(*alice_, id).phase, Phase::kWithdrawn);
  EXPECT_EQ(Info(*bob_, id).phase, Phase::kWithdrawn);
}

TEST_F(TwoNodeTest, ForceCloseSettlesAfterTheChallengeDuration) {
  auto id = OpenPayment();
  ASSERT_TRUE(Pay(*alice_, id, 40).ok());
  Settle();
  network_.Silence(bob_->key.public_key());
  ASSERT_TRUE(alice_->node->ForceClose(id).ok());
  EXPECT_EQ(Info(*alice_, id).phase, Phase::kDisputed);
  Status early = alice_->node->Settle(id);
  EXPECT_EQ(early.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.message().find("from tick 10"), std::string::npos) << early.ToString();
  ASSERT_TRUE(ledger_->Advance(kChallenge).ok());
  ASSERT_TRUE(alice_->node->Settle(id).ok());
  EXPECT_EQ(Info(*alice_, id).phase, Phase::kWithdrawn);
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 960);
  ASSERT_TRUE(bob_->node->Settle(id).ok());  // Bob comes back for his share
  EXPECT_EQ(ledger_->Balance(bob_->key.public_key(), "native"), 1040);
}

TEST_F(TwoNodeTest, TheWatcherRefutesAStaleRegistration) {
  auto id = OpenPayment();
  ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  Settle();
  store::ChannelStore bobs(*bob_->store);
  channel::SignedState old_state = bobs.Get(id).value().latest;  // version 1
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Pay(*alice_, id, 10).ok());
    Settle();
  }
  std::vector<NodeEvent> seen;
  alice_->node->SetObserver([&](const NodeEvent& e) { seen.push_back(e); });
  ASSERT_TRUE(bob_->chain.Register(Info(*bob_, id).params, old_state).ok());
  alice_->node->ProcessLedgerEvents();
  auto dispute = ledger_->GetDispute(id);
  ASSERT_TRUE(dispute.ok());
  EXPECT_EQ(dispute->state.state.version, 6u);
  EXPECT_EQ(dispute->timeout, kChallenge);  // refuting does not extend the timeout
  bool refuted = false;
  for (const auto& e : seen) refuted |= e.kind == NodeEvent::Kind::kRefuted && e.version == 6;
  EXPECT_TRUE(refuted);
  ASSERT_TRUE(ledger_->Advance(kChallenge).ok());
  ASSERT_TRUE(alice_->node->Settle(id).ok());
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 900 + 49);
}

TEST_F(TwoNodeTest, UnknownChannelsAndAppsAreNamed) {
  channel::ChannelId unknown{};
  EXPECT_EQ(alice_->node->Update(unknown, {}).code(), StatusCode::kNotFound);
  EXPECT_EQ(alice_->node->ForceClose(unknown).code(), StatusCode::kNotFound);
  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(), .app = "poker"});
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
  EXPECT_NE(id.status().message().find("payment, tictactoe"), std::string::npos);
}

TEST_F(TwoNodeTest, ListsItsChannels) {
  auto first = OpenPayment();
  auto second = OpenPayment();
  auto list = bob_->node->ListChannels();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE((list[0].id == first && list[1].id == second) ||
              (list[0].id == second && list[1].id == first));
}

}  // namespace
}  // namespace parley::client
