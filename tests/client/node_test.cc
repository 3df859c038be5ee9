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

// Bob has not acted on the ledger's deposit events yet (on an EVM chain he
// polls for them) when his user pays: he looks at the ledger first.
TEST_F(TwoNodeTest, APaymentWhileStillInFundingLooksAtTheLedgerFirst) {
  auto id = ProposePayment();
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  do {
    network_.Deliver();
    alice_->node->ProcessLedgerEvents();
  } while (network_.Queued() > 0);
  ASSERT_EQ(Info(*alice_, *id).phase, Phase::kOpen);
  ASSERT_EQ(Info(*bob_, *id).phase, Phase::kFunding);

  ASSERT_TRUE(Pay(*bob_, *id, 30).ok());
  EXPECT_EQ(Info(*bob_, *id).phase, Phase::kOpen);
  Settle();
  EXPECT_EQ(Balances(*alice_, *id), (std::vector<Amount>{130, 70}));
  EXPECT_EQ(Info(*alice_, *id).latest, Info(*bob_, *id).latest);
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

TEST_F(TwoNodeTest, TheObserverMayPayAgainWhenAPaymentCompletes) {
  auto id = OpenPayment();
  int more = 3;
  alice_->node->SetObserver([&](const NodeEvent& e) {
    if (e.kind == NodeEvent::Kind::kUpdated && more > 0) {
      --more;
      EXPECT_TRUE(Pay(*alice_, id, 1).ok());
    }
  });
  ASSERT_TRUE(Pay(*alice_, id, 1).ok());
  Settle();
  EXPECT_EQ(more, 0);
  EXPECT_EQ(Info(*bob_, id).latest.version, 4u);  // each payment alone: the channel was idle
  EXPECT_EQ(Balances(*bob_, id), (std::vector<Amount>{96, 104}));
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

TEST_F(TwoNodeTest, ProposalsOutsideTheNodesPolicyAreRefused) {
  bob_->node.reset();
  bob_ = MakePeer(bob_->key, store::NewMemoryStore(),
                  {.max_deposit_on_proposal = 50,
                   .min_challenge_duration = 5,
                   .max_challenge_duration = 20,
                   .max_channels_per_peer = 1});
  std::vector<NodeEvent> refusals;
  alice_->node->SetObserver([&](const NodeEvent& e) {
    if (e.kind == NodeEvent::Kind::kUpdateFailed) refusals.push_back(e);
  });
  auto propose = [&](Amount bob_deposit, uint64_t challenge) {
    auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                         .app = apps::PaymentApp::kId,
                                         .my_deposit = 10,
                                         .peer_deposit = bob_deposit,
                                         .challenge_duration = challenge});
    EXPECT_TRUE(id.ok());
    Settle();
    return Info(*alice_, *id).phase;
  };
  EXPECT_EQ(propose(51, 10), Phase::kProposing);  // Bob would lock too much
  EXPECT_NE(refusals.back().message.find("deposits at most 50"), std::string::npos);
  EXPECT_EQ(propose(50, 4), Phase::kProposing);  // too little time to answer a dispute
  EXPECT_NE(refusals.back().message.find("5 to 20 ticks"), std::string::npos);
  EXPECT_EQ(propose(50, 21), Phase::kProposing);
  EXPECT_EQ(propose(50, 10), Phase::kOpen);
  EXPECT_EQ(propose(0, 10), Phase::kProposing);  // one channel per peer
  EXPECT_NE(refusals.back().message.find("at most 1 channels"), std::string::npos);
  EXPECT_EQ(bob_->node->ListChannels().size(), 1u);
}

TEST_F(TwoNodeTest, ByDefaultANodeLocksNoneOfItsFundsForAPeer) {
  bob_->node.reset();
  bob_ = MakePeer(bob_->key, store::NewMemoryStore(), NodeOptions{});
  auto id = OpenPayment(100, 1);
  EXPECT_EQ(Info(*alice_, id).phase, Phase::kProposing);
  auto funded_by_alice = OpenPayment(100, 0);
  EXPECT_EQ(Info(*alice_, funded_by_alice).phase, Phase::kOpen);
}

TEST_F(TwoNodeTest, RejectsFromStrangersAreIgnored) {
  auto id = OpenPayment();
  ASSERT_TRUE(Pay(*alice_, id, 1).ok());  // in flight, not delivered
  crypto::PrivateKey mallory = crypto::PrivateKey::Generate();
  Status s = alice_->node->HandleMessage(
      mallory.public_key(),
      wire::EncodeMessage(wire::UpdateReject{id, 1, StatusCode::kInvalidArgument, "no"}));
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Info(*alice_, id).update_in_flight);
  Settle();
  EXPECT_EQ(Info(*bob_, id).latest.version, 1u);
}

TEST_F(TwoNodeTest, AFailedCloseDoesNotBlockTheChannel) {
  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                       .app = apps::TicTacToeApp::kId,
                                       .my_deposit = 10,
                                       .peer_deposit = 10,
                                       .initial_app_data = Bytes(9, 0)});
  ASSERT_TRUE(id.ok());
  Settle();
  ASSERT_EQ(Info(*alice_, *id).phase, Phase::kOpen);
  // Tic-tac-toe has no final copy of a running game: the close is refused...
  EXPECT_EQ(alice_->node->Close(*id).code(), StatusCode::kInvalidArgument);
  // ...and the game goes on.
  ASSERT_TRUE(alice_->node->Update(*id, apps::TicTacToeApp::MoveAction(4)).ok());
  Settle();
  EXPECT_EQ(Info(*bob_, *id).latest.version, 1u);
}

TEST_F(TwoNodeTest, ALostChannelProposalIsSentAgainOnReconnection) {
  network_.Silence(bob_->key.public_key());
  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                       .app = apps::PaymentApp::kId,
                                       .my_deposit = 10,
                                       .peer_deposit = 10});
  ASSERT_TRUE(id.ok());
  Settle();  // the proposal is lost
  EXPECT_EQ(Info(*alice_, *id).phase, Phase::kProposing);
  network_.Unsilence(bob_->key.public_key());
  alice_->node->OnPeerConnected(bob_->key.public_key());
  Settle();
  EXPECT_EQ(Info(*alice_, *id).phase, Phase::kOpen);
  EXPECT_EQ(Info(*bob_, *id).phase, Phase::kOpen);
}

// Bob signs and deposits, but his accept never reaches Alice. Either side's
// reconnection completes the channel: Alice proposes again and Bob answers
// with the same signature, or Bob's SyncState carries the signed state.
TEST_F(TwoNodeTest, ALostAcceptIsRecoveredFromEitherSide) {
  for (bool alice_reconnects : {true, false}) {
    SCOPED_TRACE(alice_reconnects ? "Alice reconnects" : "Bob reconnects");
    auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                         .app = apps::PaymentApp::kId,
                                         .my_deposit = 10,
                                         .peer_deposit = 10});
    ASSERT_TRUE(id.ok());
    ASSERT_EQ(network_.Deliver(1), 1u);  // the proposal reaches Bob...
    network_.Silence(alice_->key.public_key());
    Settle();  // ...and his accept is lost
    EXPECT_EQ(Info(*alice_, *id).phase, Phase::kProposing);
    EXPECT_EQ(Info(*bob_, *id).phase, Phase::kFunding);
    network_.Unsilence(alice_->key.public_key());
    if (alice_reconnects) {
      alice_->node->OnPeerConnected(bob_->key.public_key());
    } else {
      bob_->node->OnPeerConnected(alice_->key.public_key());
    }
    Settle();
    EXPECT_EQ(Info(*alice_, *id).phase, Phase::kOpen);
    EXPECT_EQ(Info(*bob_, *id).phase, Phase::kOpen);
  }
}

TEST_F(TwoNodeTest, ANodeKeepsAtMostItsLimitOfChannels) {
  bob_->node.reset();
  NodeOptions options = testing::TestOptions();
  options.max_channels = 1;
  bob_ = MakePeer(bob_->key, store::NewMemoryStore(), options);
  EXPECT_EQ(Info(*alice_, OpenPayment()).phase, Phase::kOpen);
  EXPECT_EQ(Info(*alice_, OpenPayment()).phase, Phase::kProposing);  // refused: Bob is full
  EXPECT_EQ(bob_->node->ListChannels().size(), 1u);
}

}  // namespace
}  // namespace parley::client
