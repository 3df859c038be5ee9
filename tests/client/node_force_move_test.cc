// Force-moves through the node (Node::ForceMove), on tic-tac-toe and chess: a player
// whose opponent stalls registers the latest state; the opponent then answers
// with a move on the ledger, or loses the pot when the move window closes.
// Moves the app refuses, moves out of turn and moves outside a dispute are
// refused with the reason and change nothing on the ledger.
#include <gtest/gtest.h>

#include <algorithm>

#include "chess/chess_app.h"
#include "client/node_fixture.h"
#include "testing/status_matchers.h"
#include "tictactoe/tictactoe_app.h"

namespace parley::client {
namespace {

using apps::TicTacToeApp;
using channel::Phase;
using testing::Peer;
using testing::TwoNodeTest;

class ForceMoveTest : public TwoNodeTest {
 protected:
  // A game with stakes of 10 each in which Alice (X) has played the centre:
  // the pot is hers until Bob answers.
  channel::ChannelId GameAfterAlicesFirstMove() {
    auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                         .app = TicTacToeApp::kId,
                                         .my_deposit = 10,
                                         .peer_deposit = 10,
                                         .challenge_duration = kChallenge,
                                         .initial_app_data = Bytes(9, 0)});
    EXPECT_OK(id.status());
    Settle();
    EXPECT_OK(alice_->node->Update(*id, TicTacToeApp::MoveAction(4)));
    Settle();
    EXPECT_EQ(Info(*bob_, *id).latest.version, 1u);
    return *id;
  }
  // The same, then Bob stops answering and Alice registers the latest state.
  channel::ChannelId GameWithAliceToWait() {
    channel::ChannelId id = GameAfterAlicesFirstMove();
    EXPECT_OK(alice_->node->ForceClose(id));
    Settle();
    EXPECT_EQ(Info(*bob_, id).phase, Phase::kDisputed);
    return id;
  }

  uint64_t LedgerVersion(const channel::ChannelId& id) {
    return ledger_->GetDispute(id)->state.state.version;
  }
};

TEST_F(ForceMoveTest, AStalledOpponentLosesThePotWhenTheMoveWindowCloses) {
  auto id = GameWithAliceToWait();
  ASSERT_OK(ledger_->Advance(2 * kChallenge));  // the dispute phase, then Bob's window
  Settle();
  ASSERT_OK(alice_->node->Settle(id));
  ASSERT_OK(bob_->node->Settle(id));
  Settle();
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 1010);
  EXPECT_EQ(ledger_->Balance(bob_->key.public_key(), "native"), 990);
}

TEST_F(ForceMoveTest, TheOpponentAnswersOnTheLedgerAndTheGameGoesOnThere) {
  auto id = GameWithAliceToWait();
  ASSERT_OK(ledger_->Advance(kChallenge));  // the dispute phase is over
  ASSERT_OK(bob_->node->ForceMove(id, TicTacToeApp::MoveAction(0)));
  EXPECT_EQ(LedgerVersion(id), 2u);  // the pot is Bob's now
  ASSERT_OK(alice_->node->ForceMove(id, TicTacToeApp::MoveAction(8)));
  EXPECT_EQ(LedgerVersion(id), 3u);
  ASSERT_OK(ledger_->Advance(kChallenge));  // Bob stalls this time
  Settle();
  ASSERT_OK(alice_->node->Settle(id));
  ASSERT_OK(bob_->node->Settle(id));
  EXPECT_EQ(ledger_->Balance(alice_->key.public_key(), "native"), 1010);
  EXPECT_EQ(ledger_->Balance(bob_->key.public_key(), "native"), 990);
}

// The watcher tells the user when the counterparty moves on the ledger: the
// app must answer with a move before the window closes.
TEST_F(ForceMoveTest, ACounterpartysForceMoveRaisesAnEvent) {
  auto id = GameWithAliceToWait();
  std::vector<NodeEvent> events;
  alice_->node->SetObserver([&](const NodeEvent& e) { events.push_back(e); });
  ASSERT_OK(ledger_->Advance(kChallenge));
  ASSERT_OK(bob_->node->ForceMove(id, TicTacToeApp::MoveAction(0)));
  Settle();
  auto moved = std::find_if(events.begin(), events.end(), [&](const NodeEvent& e) {
    return e.kind == NodeEvent::Kind::kDisputed && e.channel == id && e.version == 2 &&
           e.message == "force-move";
  });
  EXPECT_NE(moved, events.end()) << events.size() << " events";
}

TEST_F(ForceMoveTest, AMoveTheAppRefusesIsRefusedAndTheLedgerKeepsItsState) {
  auto id = GameWithAliceToWait();
  ASSERT_OK(ledger_->Advance(kChallenge));
  Status taken = bob_->node->ForceMove(id, TicTacToeApp::MoveAction(4));  // Alice's cell
  EXPECT_CODE(taken, StatusCode::kInvalidArgument);
  EXPECT_CODE(bob_->node->ForceMove(id, TicTacToeApp::MoveAction(9)), StatusCode::kInvalidArgument);
  // Out of turn: it is Bob's move on the ledger.
  EXPECT_FALSE(alice_->node->ForceMove(id, TicTacToeApp::MoveAction(0)).ok());
  EXPECT_EQ(LedgerVersion(id), 1u);
  EXPECT_OK(bob_->node->ForceMove(id, TicTacToeApp::MoveAction(0)));  // a legal move still goes
}

TEST_F(ForceMoveTest, AMoveBeforeTheDisputePhaseEndsNamesTheTick) {
  auto id = GameWithAliceToWait();
  Status early = bob_->node->ForceMove(id, TicTacToeApp::MoveAction(0));
  EXPECT_CODE(early, StatusCode::kFailedPrecondition);
  EXPECT_NE(early.message().find("at tick"), std::string::npos) << early.message();
  EXPECT_EQ(LedgerVersion(id), 1u);
}

TEST_F(ForceMoveTest, AForceMoveNeedsADispute) {
  auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                       .app = TicTacToeApp::kId,
                                       .my_deposit = 10,
                                       .peer_deposit = 10,
                                       .initial_app_data = Bytes(9, 0)});
  ASSERT_OK(id.status());
  Settle();
  Status s = alice_->node->ForceMove(*id, TicTacToeApp::MoveAction(4));
  EXPECT_CODE(s, StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("force-close first"), std::string::npos);
  // A payment channel has no turns at all.
  auto pay = OpenPayment();
  ASSERT_OK(alice_->node->ForceClose(pay));
  Settle();
  ASSERT_OK(ledger_->Advance(kChallenge));
  EXPECT_CODE(alice_->node->ForceMove(pay, {1}), StatusCode::kFailedPrecondition);
}

TEST_F(ForceMoveTest, AMoveProposedOffChainCanBePlayedOnTheLedgerButNoOther) {
  auto id = GameAfterAlicesFirstMove();
  // Bob proposes his move, signing version 2; Alice never answers and
  // registers version 1 instead, which drops Bob's proposal.
  network_.Silence(alice_->key.public_key());
  ASSERT_OK(bob_->node->Update(id, TicTacToeApp::MoveAction(0)));
  Settle();
  ASSERT_OK(alice_->node->ForceClose(id));
  Settle();
  ASSERT_OK(ledger_->Advance(kChallenge));
  // Version 2 with another move would be a second state at one version...
  Status other = bob_->node->ForceMove(id, TicTacToeApp::MoveAction(1));
  EXPECT_CODE(other, StatusCode::kFailedPrecondition);
  EXPECT_NE(other.message().find("already signed version 2"), std::string::npos);
  EXPECT_EQ(LedgerVersion(id), 1u);
  // ...while the move he signed is his to play.
  ASSERT_OK(bob_->node->ForceMove(id, TicTacToeApp::MoveAction(0)));
  EXPECT_EQ(LedgerVersion(id), 2u);
}

class ChessForceMoveTest : public TwoNodeTest {
 protected:
  // Alice (white) and Bob (black), stakes of 10 each, after `moves` played
  // off-chain in turn, white first.
  channel::ChannelId GameAfter(const std::vector<std::string>& moves) {
    auto id = alice_->node->OpenChannel({.peer = bob_->key.public_key(),
                                         .app = apps::ChessApp::kId,
                                         .my_deposit = 10,
                                         .peer_deposit = 10,
                                         .challenge_duration = kChallenge,
                                         .initial_app_data = apps::ChessApp::InitialAppData()});
    EXPECT_OK(id.status());
    Settle();
    for (size_t i = 0; i < moves.size(); ++i) {
      Peer& mover = i % 2 == 0 ? *alice_ : *bob_;
      EXPECT_OK(mover.node->Update(*id, apps::ChessApp::MoveAction(moves[i])));
      Settle();
    }
    EXPECT_EQ(Info(*alice_, *id).latest.version, moves.size());
    return *id;
  }
  channel::Amount Balance(Peer& peer) { return ledger_->Balance(peer.key.public_key(), "native"); }
};

TEST_F(ChessForceMoveTest, CheckmateOnTheLedgerTakesThePotAtOnce) {
  auto id = GameAfter({"f3", "e5", "g4"});
  // Bob's mating move goes unanswered: Alice stops countersigning.
  network_.Silence(alice_->key.public_key());
  ASSERT_OK(bob_->node->Update(id, apps::ChessApp::MoveAction("Qh4#")));
  Settle();
  ASSERT_OK(bob_->node->ForceClose(id));
  Settle();
  ASSERT_OK(ledger_->Advance(kChallenge));
  ASSERT_OK(bob_->node->ForceMove(id, apps::ChessApp::MoveAction("Qh4#")));
  auto on_ledger = ledger_->GetDispute(id);
  ASSERT_OK(on_ledger.status());
  EXPECT_TRUE(on_ledger->state.state.is_final);
  auto game = apps::ChessApp::Decode(on_ledger->state.state.app_data);
  ASSERT_OK(game.status());
  EXPECT_EQ(game->status(), apps::chess::GameStatus::kCheckmate);
  ASSERT_OK(bob_->node->Settle(id));  // a final state concludes without waiting
  Settle();
  EXPECT_EQ(Balance(*bob_), 1010);
  ASSERT_OK(alice_->node->Settle(id));
  EXPECT_EQ(Balance(*alice_), 990);
}

TEST_F(ChessForceMoveTest, TheOpponentAnswersOnTheLedgerThenStallsAndLoses) {
  auto id = GameAfter({"e4"});
  ASSERT_OK(alice_->node->ForceClose(id));  // Bob has stopped answering
  Settle();
  ASSERT_OK(ledger_->Advance(kChallenge));
  ASSERT_OK(bob_->node->ForceMove(id, apps::ChessApp::MoveAction("e5")));  // he answers in time
  EXPECT_EQ(ledger_->GetDispute(id)->state.state.version, 2u);
  ASSERT_OK(alice_->node->ForceMove(id, apps::ChessApp::MoveAction("Nf3")));
  ASSERT_OK(ledger_->Advance(kChallenge));  // now Bob stalls for good
  Settle();
  ASSERT_OK(alice_->node->Settle(id));
  ASSERT_OK(bob_->node->Settle(id));
  EXPECT_EQ(Balance(*alice_), 1010);
  EXPECT_EQ(Balance(*bob_), 990);
}

TEST_F(ChessForceMoveTest, IllegalLedgerMovesAreRefusedAndTheStalledPlayerLoses) {
  auto id = GameAfter({"e4"});
  ASSERT_OK(alice_->node->ForceClose(id));  // Bob stalls
  Settle();
  ASSERT_OK(ledger_->Advance(kChallenge));
  for (const char* illegal : {"e4", "Ke7", "e2e4", "Qxf7", "O-O", "zz9"}) {
    EXPECT_FALSE(bob_->node->ForceMove(id, apps::ChessApp::MoveAction(illegal)).ok()) << illegal;
  }
  EXPECT_FALSE(alice_->node->ForceMove(id, apps::ChessApp::MoveAction("d4")).ok());  // not her turn
  EXPECT_EQ(ledger_->GetDispute(id)->state.state.version, 1u);
  ASSERT_OK(ledger_->Advance(kChallenge));  // Bob never answers
  Settle();
  ASSERT_OK(alice_->node->Settle(id));
  ASSERT_OK(bob_->node->Settle(id));
  EXPECT_EQ(Balance(*alice_), 1010);
  EXPECT_EQ(Balance(*bob_), 990);
}

}  // namespace
}  // namespace parley::client
