// The settlement conformance suite: force-moves of a turn-based app
// (tic-tac-toe: alice is X and moves first, bob is O). It runs on the
// backends with force-moves (Features::force_moves).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/settlement_conformance.h"

namespace parley::settlement::conformance {
namespace {

using apps::TicTacToeApp;
using channel::Amount;
using channel::SignedState;
using channel::State;
using testing::HasSubstr;

class SettlementForceMoveTest : public SettlementConformanceTest {};

TEST_P(SettlementForceMoveTest, ProgressDuringTheDisputePhaseFails) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  SignedState o_moved = SignBy(ch, Move(ch, g.x_moved, 1, 0), {1});
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  EXPECT_CODE(adj(bob_).Progress(ch.params, o_moved, 1), StatusCode::kFailedPrecondition);
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  before = Look(ch);
  EXPECT_CODE(adj(bob_).Progress(ch.params, o_moved, 1), StatusCode::kFailedPrecondition);
  ExpectSameView(before, Look(ch));
  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementForceMoveTest, ProgressWithNothingRegisteredFails) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 50, 50));
  State x_moved = Move(ch, GameStart(ch, 50), 0, 4);
  EXPECT_CODE(adj(alice_).Progress(ch.params, SignBy(ch, x_moved, {0}), 0),
              StatusCode::kFailedPrecondition);
  EXPECT_EQ(DisputeOf(ch).status().code(), StatusCode::kNotFound);
}

TEST_P(SettlementForceMoveTest, ThePlayerToMoveProgressesAloneAfterTheDisputePhase) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  EventLog log(watcher(), ch.id);
  ASSERT_OK(backend_->AdvanceTicks(kDuration + 2));
  Tick t1 = Now();
  ASSERT_EQ(t1, g.registered_at + kDuration + 2);
  State o_moved = Move(ch, g.x_moved, 1, 0);
  ASSERT_EQ(o_moved.version, 2u);
  ASSERT_OK(adj(bob_).Progress(ch.params, SignBy(ch, o_moved, {1}), 1));

  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->state.state, o_moved);
  EXPECT_TRUE(d->progressing);
  EXPECT_FALSE(d->concluded);
  EXPECT_EQ(d->timeout, t1 + kDuration);

  std::vector<Event> events = log.WaitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kProgressed);
  EXPECT_EQ(events[0].channel, ch.id);
  EXPECT_EQ(events[0].version, 2u);
  EXPECT_EQ(events[0].timeout, t1 + kDuration);
}

TEST_P(SettlementForceMoveTest, IllegalForceMovesAreRejectedAndChangeNothing) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  const State o_moved = Move(ch, g.x_moved, 1, 0);

  // Wrong turn: X moves again (a well-formed move otherwise, paying X).
  State x_again = g.x_moved;
  x_again.version = 2;
  x_again.app_data[0] = 1;
  EXPECT_FAILS(adj(alice_).Progress(ch.params, SignBy(ch, x_again, {0}), 0));
  ExpectSameView(before, Look(ch));
  // Wrong turn: O's move claimed by X.
  EXPECT_FAILS(adj(alice_).Progress(ch.params, SignBy(ch, o_moved, {0}), 0));
  ExpectSameView(before, Look(ch));

  // Overwriting X's cell.
  State overwrite = o_moved;
  overwrite.app_data = g.x_moved.app_data;
  overwrite.app_data[4] = 2;
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, overwrite, {1}), 1));
  ExpectSameView(before, Look(ch));

  // Two marks at once.
  State two_marks = o_moved;
  two_marks.app_data[8] = 2;
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, two_marks, {1}), 1));
  ExpectSameView(before, Look(ch));

  // Wrong allocation: the pot stays with X, or is split, or grows.
  for (const std::vector<Amount>& balances :
       std::vector<std::vector<Amount>>{{100, 0}, {50, 50}, {0, 101}, {0, 99}}) {
    State wrong = o_moved;
    wrong.allocation.assets[0].balances = balances;
    EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, wrong, {1}), 1))
        << "balances " << balances[0] << "/" << balances[1];
    ExpectSameView(before, Look(ch));
  }

  // Declared final though nobody won.
  State fake_final = o_moved;
  fake_final.is_final = true;
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, fake_final, {1}), 1));
  ExpectSameView(before, Look(ch));

  // Skipping a version, or repeating one.
  for (uint64_t version : {uint64_t{1}, uint64_t{3}}) {
    State wrong = o_moved;
    wrong.version = version;
    EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, wrong, {1}), 1)) << "v" << version;
    ExpectSameView(before, Look(ch));
  }

  // A move of another channel.
  State elsewhere = o_moved;
  elsewhere.channel_id = MakeChannel(TicTacToeApp::kId).id;
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, elsewhere, {1}), 1));
  ExpectSameView(before, Look(ch));

  // A participant that does not exist.
  EXPECT_FAILS(adj(carol_).Progress(ch.params, SignBy(ch, o_moved, {1}), 2));
  ExpectSameView(before, Look(ch));

  EXPECT_EQ(log.size(), 0u);
  // The legal move still goes through.
  EXPECT_OK(adj(bob_).Progress(ch.params, SignBy(ch, o_moved, {1}), 1));
}

TEST_P(SettlementForceMoveTest, AForceMoveSignedByTheWrongKeyIsDenied) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  EventLog log(watcher(), ch.id);
  View before = Look(ch);
  const State o_moved = Move(ch, g.x_moved, 1, 0);
  Hash32 hash = scheme().StateHash(o_moved);

  // Signed by X for O.
  SignedState by_x = SignBy(ch, o_moved, {});
  by_x.sigs[1] = scheme().Sign(alice_, hash);
  EXPECT_CODE(adj(alice_).Progress(ch.params, by_x, 1), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  // O's signature in X's slot only.
  SignedState wrong_slot = SignBy(ch, o_moved, {});
  wrong_slot.sigs[0] = scheme().Sign(bob_, hash);
  EXPECT_CODE(adj(bob_).Progress(ch.params, wrong_slot, 1), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  // Signed by an outsider.
  SignedState by_carol = SignBy(ch, o_moved, {});
  by_carol.sigs[1] = scheme().Sign(carol_, hash);
  EXPECT_CODE(adj(carol_).Progress(ch.params, by_carol, 1), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  // Not signed at all.
  EXPECT_CODE(adj(bob_).Progress(ch.params, SignBy(ch, o_moved, {}), 1),
              StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));
  // O signed another move than the one submitted.
  SignedState other_move = SignBy(ch, Move(ch, g.x_moved, 1, 8), {1});
  other_move.state = o_moved;
  EXPECT_CODE(adj(bob_).Progress(ch.params, other_move, 1), StatusCode::kPermissionDenied);
  ExpectSameView(before, Look(ch));

  EXPECT_EQ(log.size(), 0u);
}

TEST_P(SettlementForceMoveTest, ConcludeAfterAForceMoveWaitsForTheMoveTimeout) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  ASSERT_OK(backend_->AdvanceTicks(kDuration + 3));
  Tick t1 = Now();
  ASSERT_OK(adj(bob_).Progress(ch.params, SignBy(ch, Move(ch, g.x_moved, 1, 0), {1}), 1));
  EventLog log(watcher(), ch.id);

  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  View before = Look(ch);
  Status early = adj(bob_).Conclude(ch.params);
  EXPECT_EQ(early.code(), StatusCode::kFailedPrecondition) << early.ToString();
  EXPECT_THAT(early.message(), HasSubstr(std::to_string(t1 + kDuration)));
  ExpectSameView(before, Look(ch));

  ASSERT_OK(backend_->AdvanceTicks(1));
  ASSERT_OK(adj(bob_).Conclude(ch.params));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 0));
  ASSERT_OK(adj(bob_).Withdraw(ch.params, 1));
  EXPECT_EQ(Bal(alice_), 0);
  EXPECT_EQ(Bal(bob_), 100);  // O moved last
  std::vector<Event> events = log.WaitFor(3);
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(events[0].kind, EventKind::kConcluded);
  EXPECT_EQ(events[0].version, 2u);
}

TEST_P(SettlementForceMoveTest, AnUnansweredRegistrationPaysThePlayerWhoMovedLast) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  const Tick concludable = g.registered_at + 2 * kDuration;

  // The end of the dispute phase opens the progress phase, not conclusion.
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  Status s = adj(alice_).Conclude(ch.params);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(concludable)));
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  View before = Look(ch);
  s = adj(alice_).Conclude(ch.params);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(std::to_string(concludable)));
  ExpectSameView(before, Look(ch));

  ASSERT_OK(backend_->AdvanceTicks(1));
  ASSERT_EQ(Now(), concludable);
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  // O can no longer move.
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, Move(ch, g.x_moved, 1, 0), {1}), 1));
  WithdrawBothAndExpect(ch, 100, 0);  // X moved last
}

TEST_P(SettlementForceMoveTest, EachForceMoveRestartsTheTimeout) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  EventLog log(watcher(), ch.id);
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  State o_moved = Move(ch, g.x_moved, 1, 0);
  ASSERT_OK(adj(bob_).Progress(ch.params, SignBy(ch, o_moved, {1}), 1));

  // Once moves started, registering (even a fully signed later state) is over.
  State x_next = Move(ch, o_moved, 0, 8);
  EXPECT_CODE(adj(alice_).Register(ch.params, SignAll(ch, x_next)),
              StatusCode::kFailedPrecondition);

  // X answers on the last tick of O's window.
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  Tick t2 = Now();
  ASSERT_OK(adj(alice_).Progress(ch.params, SignBy(ch, x_next, {0}), 0));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->timeout, t2 + kDuration);
  EXPECT_EQ(d->state.state, x_next);

  std::vector<Event> progressed = OfKind(log.WaitFor(2), EventKind::kProgressed);
  ASSERT_EQ(progressed.size(), 2u);
  EXPECT_EQ(progressed[1].version, 3u);
  EXPECT_EQ(progressed[1].timeout, t2 + kDuration);

  // O lets its window pass; then it cannot move any more.
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  View before = Look(ch);
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, Move(ch, x_next, 1, 2), {1}), 1));
  ExpectSameView(before, Look(ch));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  ASSERT_OK(adj(alice_).Withdraw(ch.params, 0));
  EXPECT_EQ(Bal(alice_), 100);
}

TEST_P(SettlementForceMoveTest, ATurnBasedDisputeCanBeRefutedBeforeMovesStart) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  Game g = RegisterGame(ch);
  ASSERT_FALSE(HasFailure());
  // Bob holds the fully signed state after his answer, and registers it.
  ASSERT_OK(backend_->AdvanceTicks(1));
  State o_moved = Move(ch, g.x_moved, 1, 0);
  ASSERT_OK(adj(bob_).Register(ch.params, SignAll(ch, o_moved)));
  auto d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->state.state, o_moved);
  EXPECT_EQ(d->timeout, g.registered_at + kDuration);
  EXPECT_FALSE(d->progressing);

  // Now it is X's turn: O cannot move, X can.
  ASSERT_OK(backend_->AdvanceTicks(kDuration - 1));
  EXPECT_FAILS(adj(bob_).Progress(ch.params, SignBy(ch, Move(ch, g.x_moved, 1, 8), {1}), 1));
  State x_next = Move(ch, o_moved, 0, 8);
  ASSERT_OK(adj(alice_).Progress(ch.params, SignBy(ch, x_next, {0}), 0));
  d = DisputeOf(ch);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->state.state, x_next);
  EXPECT_EQ(d->timeout, Now() + kDuration);
}

TEST_P(SettlementForceMoveTest, AWinningForceMoveConcludesAtOnce) {
  TestChannel ch = MakeChannel(TicTacToeApp::kId);
  ASSERT_NO_FATAL_FAILURE(Fund(ch, 50, 50));
  State s = GameStart(ch, 50);
  s = Move(ch, s, 0, 0);  // X
  s = Move(ch, s, 1, 3);  // O
  s = Move(ch, s, 0, 1);  // X
  s = Move(ch, s, 1, 4);  // O, who now holds the pot
  ASSERT_EQ(s.version, 4u);
  ASSERT_OK(adj(bob_).Register(ch.params, SignAll(ch, s)));
  ASSERT_OK(backend_->AdvanceTicks(kDuration));
  State win = Move(ch, s, 0, 2);  // X completes the top row
  ASSERT_TRUE(win.is_final);
  ASSERT_OK(adj(alice_).Progress(ch.params, SignBy(ch, win, {0}), 0));
  ASSERT_OK(adj(alice_).Conclude(ch.params));
  WithdrawBothAndExpect(ch, 100, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SettlementForceMoveTest,
                         testing::ValuesIn(BackendsWith(&Features::force_moves)), BackendName);

}  // namespace
}  // namespace parley::settlement::conformance
