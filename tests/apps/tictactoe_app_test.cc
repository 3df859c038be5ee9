// TicTacToeApp (apps/tictactoe/tictactoe_app.h): the initial-state rules,
// whole games played through the action layer (a win, a draw, a win on the
// last cell), every way the transition rule and the action layer refuse a
// move, the stakes rule (each state pays the pot to the player who just moved;
// a win pays the winner; a draw splits), and an exhaustive walk of the game
// tree checking that the action layer and the transition rule agree.
#include "tictactoe/tictactoe_app.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apps/app_test_params.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "payment/payment_app.h"
#include "testing/status_matchers.h"

namespace parley::apps {
namespace {

using Board = TicTacToeApp::Board;
using channel::Amount;
using channel::AssetAllocation;
using channel::Locked;
using channel::Params;
using channel::ParticipantIndex;
using channel::State;

constexpr uint8_t kX = 1;
constexpr uint8_t kO = 2;

Params MakeParams(size_t participants = 2) {
  return testing::MakeParams(TicTacToeApp::kId, participants);
}

Bytes BoardBytes(const Board& board) { return Bytes(board.begin(), board.end()); }

Board BoardOf(const State& state) {
  Board board{};
  EXPECT_EQ(state.app_data.size(), 9u);
  for (size_t i = 0; i < 9 && i < state.app_data.size(); ++i) board[i] = state.app_data[i];
  return board;
}

// A state with one asset "native" holding `balances` and the board `board`.
State MakeState(std::vector<Amount> balances, const Board& board = Board{}, uint64_t version = 0,
                bool is_final = false) {
  State state = testing::OneAssetState(std::move(balances), BoardBytes(board), version);
  state.is_final = is_final;
  return state;
}

const std::vector<Amount>& Balances(const State& state) {
  return state.allocation.assets.at(0).balances;
}

// Amounts paying the whole `pot` to participant `who`.
std::vector<Amount> PotTo(ParticipantIndex who, const Amount& pot) {
  return {who == 0 ? pot : Amount(0), who == 1 ? pot : Amount(0)};
}

Amount Pot(const State& state) { return Balances(state)[0] + Balances(state)[1]; }

class TicTacToeAppTest : public ::testing::Test {
 protected:
  // Plays `cells` in order from `from`, alternating X and O as the board
  // requires, checking each step against the transition rule and the stakes
  // rule. Returns every state, `from` first.
  std::vector<State> Play(const State& from, const std::vector<uint8_t>& cells) {
    std::vector<State> states{from};
    const Amount pot = Pot(from);
    for (size_t i = 0; i < cells.size(); ++i) {
      const State& prev = states.back();
      ParticipantIndex mover = TicTacToeApp::ToMove(BoardOf(prev));
      auto next = app_.ApplyAction(params_, prev, mover, TicTacToeApp::MoveAction(cells[i]));
      EXPECT_TRUE(next.ok()) << "move " << i << " (cell " << int(cells[i])
                             << "): " << next.status().ToString();
      if (!next.ok()) return states;
      EXPECT_EQ(next->version, prev.version + 1);
      EXPECT_EQ(next->channel_id, prev.channel_id);
      Board before = BoardOf(prev);
      Board after = BoardOf(*next);
      before[cells[i]] = static_cast<uint8_t>(mover + 1);
      EXPECT_EQ(after, before) << "move " << i << " placed the wrong mark";
      Status valid = app_.ValidTransition(params_, prev, *next, mover);
      EXPECT_TRUE(valid.ok()) << "move " << i << ": " << valid.ToString();
      Status conserved = channel::CheckConserved(prev.allocation, next->allocation);
      EXPECT_TRUE(conserved.ok()) << conserved.ToString();
      EXPECT_EQ(Pot(*next), pot);
      // Until the game ends, the state pays the whole pot to the mover.
      if (!next->is_final) {
        EXPECT_EQ(Balances(*next), PotTo(mover, pot)) << "move " << i;
        EXPECT_EQ(TicTacToeApp::Winner(after), 0);
      }
      states.push_back(std::move(next).value());
    }
    return states;
  }

  TicTacToeApp app_;
  Params params_ = MakeParams();
  State initial_ = MakeState({10, 10});
};

// ---------------------------------------------------------------- identity

TEST(TicTacToeIdentityTest, IdAndForceMoveSupport) {
  TicTacToeApp ttt;
  PaymentApp payment;
  EXPECT_EQ(ttt.id(), "tictactoe");
  const channel::App& ttt_app = ttt;
  const channel::App& payment_app = payment;
  EXPECT_TRUE(ttt_app.SupportsForceMove());
  EXPECT_FALSE(payment_app.SupportsForceMove());
}

// ---------------------------------------------------------- Winner, ToMove

TEST(TicTacToeStaticTest, WinnerOfEveryLine) {
  const int lines[8][3] = {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6},
                           {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}};
  for (const auto& line : lines) {
    for (uint8_t mark : {kX, kO}) {
      Board board{};
      for (int cell : line) board[cell] = mark;
      EXPECT_EQ(TicTacToeApp::Winner(board), mark)
          << "line " << line[0] << line[1] << line[2] << " of " << int(mark);
      // Two of three is no line.
      Board partial = board;
      partial[line[2]] = 0;
      EXPECT_EQ(TicTacToeApp::Winner(partial), 0)
          << "line " << line[0] << line[1] << line[2] << " missing its last cell";
      // A line of mixed marks is no line.
      Board mixed = board;
      mixed[line[1]] = mark == kX ? kO : kX;
      EXPECT_EQ(TicTacToeApp::Winner(mixed), 0)
          << "line " << line[0] << line[1] << line[2] << " with a foreign mark";
    }
  }
}

TEST(TicTacToeStaticTest, NoWinnerOnEmptyDrawnOrScatteredBoards) {
  EXPECT_EQ(TicTacToeApp::Winner(Board{}), 0);
  // X O X / X O O / O X X: full, no line.
  EXPECT_EQ(TicTacToeApp::Winner(Board{kX, kO, kX, kX, kO, kO, kO, kX, kX}), 0);
  // Three X's that are not in a line.
  EXPECT_EQ(TicTacToeApp::Winner(Board{kX, kX, 0, 0, 0, kX, 0, 0, 0}), 0);
  // Wrapping around a row is not a line (cells 2, 3, 4).
  EXPECT_EQ(TicTacToeApp::Winner(Board{0, 0, kO, kO, kO, 0, 0, 0, 0}), 0);
}

TEST(TicTacToeStaticTest, ToMoveAlternates) {
  EXPECT_EQ(TicTacToeApp::ToMove(Board{}), 0u);
  EXPECT_EQ(TicTacToeApp::ToMove(Board{0, 0, 0, 0, kX, 0, 0, 0, 0}), 1u);
  EXPECT_EQ(TicTacToeApp::ToMove(Board{kO, 0, 0, 0, kX, 0, 0, 0, 0}), 0u);
  EXPECT_EQ(TicTacToeApp::ToMove(Board{kO, 0, 0, 0, kX, 0, 0, 0, kX}), 1u);
  EXPECT_EQ(TicTacToeApp::ToMove(Board{kX, kO, kX, kX, kO, kO, kO, kX, 0}), 0u);
}

TEST(TicTacToeStaticTest, MoveActionIsOneByte) {
  EXPECT_EQ(TicTacToeApp::MoveAction(4), Bytes{4});
  EXPECT_EQ(TicTacToeApp::MoveAction(0), Bytes{0});
}

// ---------------------------------------------------------------- ValidInit

TEST_F(TicTacToeAppTest, ValidInitAcceptsEqualStakesOnAnEmptyBoard) {
  Status s = app_.ValidInit(params_, initial_);
  EXPECT_TRUE(s.ok()) << s.ToString();
  Status zero = app_.ValidInit(params_, MakeState({0, 0}));
  EXPECT_TRUE(zero.ok()) << zero.ToString();
}

TEST_F(TicTacToeAppTest, ValidInitNeedsTwoPlayers) {
  Status s = app_.ValidInit(MakeParams(3), MakeState({10, 10, 10}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
}

TEST_F(TicTacToeAppTest, ValidInitNeedsExactlyOneAsset) {
  State two = initial_;
  AssetAllocation token;
  token.asset = "token";
  token.balances = {1, 1};
  two.allocation.assets.push_back(token);
  EXPECT_EQ(app_.ValidInit(params_, two).code(), StatusCode::kInvalidArgument);

  State none = initial_;
  none.allocation.assets.clear();
  EXPECT_EQ(app_.ValidInit(params_, none).code(), StatusCode::kInvalidArgument);
}

TEST_F(TicTacToeAppTest, ValidInitRejectsLockedAmounts) {
  State locked = initial_;
  Locked lock;
  lock.id.fill(0x09);
  lock.amount = 4;
  locked.allocation.assets[0].locked.push_back(lock);
  EXPECT_EQ(app_.ValidInit(params_, locked).code(), StatusCode::kInvalidArgument);
}

TEST_F(TicTacToeAppTest, ValidInitNeedsEqualStakes) {
  EXPECT_EQ(app_.ValidInit(params_, MakeState({10, 9})).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(app_.ValidInit(params_, MakeState({0, 1})).code(), StatusCode::kInvalidArgument);
}

TEST_F(TicTacToeAppTest, ValidInitNeedsAnEmptyNineByteBoard) {
  for (size_t size : {0u, 1u, 8u, 10u, 81u}) {
    State state = initial_;
    state.app_data.assign(size, 0);
    EXPECT_EQ(app_.ValidInit(params_, state).code(), StatusCode::kInvalidArgument)
        << size << " bytes";
  }
  for (size_t cell = 0; cell < 9; ++cell) {
    for (uint8_t mark : {kX, kO, uint8_t{3}}) {
      Board board{};
      board[cell] = mark;
      EXPECT_EQ(app_.ValidInit(params_, MakeState({10, 10}, board)).code(),
                StatusCode::kInvalidArgument)
          << "cell " << cell << " = " << int(mark);
    }
  }
}

// ------------------------------------------------------------- whole games

TEST_F(TicTacToeAppTest, XWinsTopRow) {
  // X: 0, 1, 2 (top row); O: 3, 4.
  auto states = Play(initial_, {0, 3, 1, 4, 2});
  ASSERT_EQ(states.size(), 6u);
  for (size_t i = 1; i < 5; ++i) EXPECT_FALSE(states[i].is_final) << "after move " << i;
  const State& last = states.back();
  EXPECT_TRUE(last.is_final);
  EXPECT_EQ(last.version, 5u);
  EXPECT_EQ(TicTacToeApp::Winner(BoardOf(last)), kX);
  EXPECT_EQ(Balances(last), (std::vector<Amount>{20, 0}));
  EXPECT_EQ(BoardOf(last), (Board{kX, kX, kX, kO, kO, 0, 0, 0, 0}));
}

TEST_F(TicTacToeAppTest, OWinsDiagonal) {
  // X: 0, 1, 5; O: 2, 4, 6 (anti-diagonal).
  auto states = Play(initial_, {0, 2, 1, 4, 5, 6});
  ASSERT_EQ(states.size(), 7u);
  const State& last = states.back();
  EXPECT_TRUE(last.is_final);
  EXPECT_EQ(TicTacToeApp::Winner(BoardOf(last)), kO);
  EXPECT_EQ(Balances(last), (std::vector<Amount>{0, 20}));
}

TEST_F(TicTacToeAppTest, DrawSplitsAnEvenPot) {
  // Ends as X O X / X O O / O X X.
  auto states = Play(initial_, {0, 1, 2, 4, 3, 5, 7, 6, 8});
  ASSERT_EQ(states.size(), 10u);
  for (size_t i = 1; i < 9; ++i) EXPECT_FALSE(states[i].is_final) << "after move " << i;
  const State& last = states.back();
  EXPECT_TRUE(last.is_final);
  EXPECT_EQ(TicTacToeApp::Winner(BoardOf(last)), 0);
  EXPECT_EQ(BoardOf(last), (Board{kX, kO, kX, kX, kO, kO, kO, kX, kX}));
  EXPECT_EQ(Balances(last), (std::vector<Amount>{10, 10}));
}

TEST_F(TicTacToeAppTest, DrawSplitsAnOddPotFloorToParticipantZero) {
  // Equal stakes make the pot even, so start from a state (not a valid
  // initial one) holding 21 in total.
  State odd = MakeState({0, 21});
  auto states = Play(odd, {0, 1, 2, 4, 3, 5, 7, 6, 8});
  ASSERT_EQ(states.size(), 10u);
  const State& last = states.back();
  EXPECT_TRUE(last.is_final);
  const Amount pot = 21;
  EXPECT_EQ(Balances(last), (std::vector<Amount>{pot / 2, pot - pot / 2}));
  EXPECT_EQ(Balances(last), (std::vector<Amount>{10, 11}));
  // The transition rule demands exactly this split.
  State prev = states[8];
  State swapped = last;
  swapped.allocation.assets[0].balances = {11, 10};
  EXPECT_EQ(app_.ValidTransition(params_, prev, swapped, 0).code(), StatusCode::kInvalidArgument);
  State to_mover = last;
  to_mover.allocation.assets[0].balances = {21, 0};
  EXPECT_EQ(app_.ValidTransition(params_, prev, to_mover, 0).code(), StatusCode::kInvalidArgument);
}

TEST_F(TicTacToeAppTest, WinOnTheLastCellPaysTheWinnerNotASplit) {
  // X: 0, 2, 3, 7 then 6 completes the left column on a full board.
  auto states = Play(initial_, {0, 1, 2, 4, 3, 5, 7, 8, 6});
  ASSERT_EQ(states.size(), 10u);
  const State& last = states.back();
  EXPECT_TRUE(last.is_final);
  EXPECT_EQ(TicTacToeApp::Winner(BoardOf(last)), kX);
  EXPECT_EQ(Balances(last), (std::vector<Amount>{20, 0}));
  // A split would be wrong here.
  State split = last;
  split.allocation.assets[0].balances = {10, 10};
  EXPECT_EQ(app_.ValidTransition(params_, states[8], split, 0).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(TicTacToeAppTest, NothingFollowsAFinalState) {
  auto states = Play(initial_, {0, 3, 1, 4, 2});
  ASSERT_EQ(states.size(), 6u);
  const State& over = states.back();
  ASSERT_TRUE(over.is_final);
  // It would be O's turn by mark count; neither player may move.
  for (ParticipantIndex actor : {0u, 1u}) {
    for (uint8_t cell : {uint8_t{5}, uint8_t{6}, uint8_t{7}, uint8_t{8}}) {
      auto next = app_.ApplyAction(params_, over, actor, TicTacToeApp::MoveAction(cell));
      ASSERT_FALSE(next.ok());
      EXPECT_EQ(next.status().code(), StatusCode::kFailedPrecondition) << next.status().ToString();
    }
  }
  // A hand-built O move after the win, with stakes to O.
  State after = over;
  after.version = over.version + 1;
  after.app_data[5] = kO;
  after.is_final = false;
  after.allocation.assets[0].balances = {0, 20};
  EXPECT_EQ(app_.ValidTransition(params_, over, after, 1).code(), StatusCode::kFailedPrecondition);
  after.is_final = true;
  EXPECT_EQ(app_.ValidTransition(params_, over, after, 1).code(), StatusCode::kFailedPrecondition);
  // Also after a draw.
  auto drawn = Play(initial_, {0, 1, 2, 4, 3, 5, 7, 6, 8}).back();
  ASSERT_TRUE(drawn.is_final);
  auto next = app_.ApplyAction(params_, drawn, 1, TicTacToeApp::MoveAction(0));
  EXPECT_EQ(next.status().code(), StatusCode::kFailedPrecondition);
}

// ---------------------------------------------------- ValidTransition refusals

// From the position after X took the centre (version 1, X holds the pot):
// O is to move.
class TransitionRejectTest : public TicTacToeAppTest {
 protected:
  void SetUp() override {
    auto s = app_.ApplyAction(params_, initial_, 0, TicTacToeApp::MoveAction(4));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    from_ = std::move(s).value();
    ASSERT_EQ(BoardOf(from_), (Board{0, 0, 0, 0, kX, 0, 0, 0, 0}));
    ASSERT_EQ(Balances(from_), (std::vector<Amount>{20, 0}));
  }

  // An O move from `from_` to `board`, stakes and finality as given.
  State To(const Board& board, std::vector<Amount> balances = {0, 20}, bool is_final = false) {
    State to = from_;
    to.version = from_.version + 1;
    to.app_data = BoardBytes(board);
    to.allocation.assets[0].balances = std::move(balances);
    to.is_final = is_final;
    return to;
  }

  void ExpectRefused(const State& to, ParticipantIndex actor,
                     StatusCode code = StatusCode::kInvalidArgument) {
    Status s = app_.ValidTransition(params_, from_, to, actor);
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_FALSE(s.message().empty());
  }

  State from_;
};

TEST_F(TransitionRejectTest, TheCorrectMoveIsAccepted) {
  // Guards the fixture: the refusals below differ from this in one respect.
  Status s = app_.ValidTransition(params_, from_, To({kO, 0, 0, 0, kX, 0, 0, 0, 0}), 1);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(TransitionRejectTest, OutOfTurn) {
  // X moving again, with stakes to X.
  ExpectRefused(To({kX, 0, 0, 0, kX, 0, 0, 0, 0}, {20, 0}), 0, StatusCode::kPermissionDenied);
  // O's correct move, but proposed by X.
  ExpectRefused(To({kO, 0, 0, 0, kX, 0, 0, 0, 0}), 0, StatusCode::kPermissionDenied);
  // From the start, O may not go first.
  State o_first = initial_;
  o_first.version = 1;
  o_first.app_data[0] = kO;
  o_first.allocation.assets[0].balances = {0, 20};
  EXPECT_EQ(app_.ValidTransition(params_, initial_, o_first, 1).code(),
            StatusCode::kPermissionDenied);
}

TEST_F(TransitionRejectTest, TwoMarksAtOnce) {
  ExpectRefused(To({kO, kO, 0, 0, kX, 0, 0, 0, 0}), 1);
}

TEST_F(TransitionRejectTest, NoMarkAtAll) { ExpectRefused(To(BoardOf(from_)), 1); }

TEST_F(TransitionRejectTest, OverwritingACell) {
  ExpectRefused(To({0, 0, 0, 0, kO, 0, 0, 0, 0}), 1);
}

TEST_F(TransitionRejectTest, RemovingAMark) {
  ExpectRefused(To({0, 0, 0, 0, 0, 0, 0, 0, 0}), 1);
  // Removing X's mark while placing an O elsewhere.
  ExpectRefused(To({kO, 0, 0, 0, 0, 0, 0, 0, 0}), 1);
}

TEST_F(TransitionRejectTest, WrongMarkValue) {
  // O places an X.
  ExpectRefused(To({kX, 0, 0, 0, kX, 0, 0, 0, 0}), 1);
}

TEST_F(TransitionRejectTest, WrongAllocation) {
  Board board{kO, 0, 0, 0, kX, 0, 0, 0, 0};
  ExpectRefused(To(board, {20, 0}), 1);   // the mover is not paid
  ExpectRefused(To(board, {10, 10}), 1);  // a split before the end
  ExpectRefused(To(board, {1, 19}), 1);   // almost all to the mover
}

TEST_F(TransitionRejectTest, WrongFinality) {
  // An ordinary move marked final.
  ExpectRefused(To({kO, 0, 0, 0, kX, 0, 0, 0, 0}, {0, 20}, true), 1);
  // A winning move not marked final: X O O / . X . / . . X is reached by X
  // at cell 8 from X O O / . X . / . . .
  State near;
  {
    auto states = Play(initial_, {0, 1, 4, 2});
    ASSERT_EQ(states.size(), 5u);
    near = states.back();
  }
  ASSERT_EQ(BoardOf(near), (Board{kX, kO, kO, 0, kX, 0, 0, 0, 0}));
  auto win = app_.ApplyAction(params_, near, 0, TicTacToeApp::MoveAction(8));
  ASSERT_TRUE(win.ok()) << win.status().ToString();
  ASSERT_TRUE(win->is_final);
  State not_final = *win;
  not_final.is_final = false;
  EXPECT_EQ(app_.ValidTransition(params_, near, not_final, 0).code(), StatusCode::kInvalidArgument);
}

TEST_F(TransitionRejectTest, BoardOfWrongSize) {
  for (size_t size : {0u, 8u, 10u}) {
    State to = To({kO, 0, 0, 0, kX, 0, 0, 0, 0});
    to.app_data.resize(size, 0);
    ExpectRefused(to, 1);
    // A malformed `from` is refused too.
    State bad_from = from_;
    bad_from.app_data.resize(size, 0);
    Status s = app_.ValidTransition(params_, bad_from, To({kO, 0, 0, 0, kX, 0, 0, 0, 0}), 1);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << size << ": " << s.ToString();
  }
}

TEST_F(TransitionRejectTest, CellValueThree) {
  ExpectRefused(To({3, 0, 0, 0, kX, 0, 0, 0, 0}), 1);
  ExpectRefused(To({kO, 0, 0, 0, kX, 0, 0, 0, 0xff}), 1);
}

// The mover can take part of the pot out of play by adding a locked entry:
// balances pay the rest to the mover, totals are conserved (so Parley's own
// checks pass), and ValidInit forbids locked amounts. The rule that every
// state pays the *whole* pot to the mover must refuse it.
TEST_F(TransitionRejectTest, MoverCannotLockPartOfThePot) {
  State to = To({kO, 0, 0, 0, kX, 0, 0, 0, 0}, {0, 15});
  Locked lock;
  lock.id.fill(0xee);
  lock.amount = 5;
  to.allocation.assets[0].locked.push_back(lock);
  Status conserved = channel::CheckConserved(from_.allocation, to.allocation);
  ASSERT_TRUE(conserved.ok()) << conserved.ToString();
  ExpectRefused(to, 1);
}

// The same on the drawing move: X's ninth mark, with the whole pot locked
// and nothing left to split, is a final state the sim ledger cannot settle
// (it refuses allocations with locked amounts), so O's half is frozen.
TEST_F(TicTacToeAppTest, DrawingMoverCannotLockThePot) {
  auto states = Play(initial_, {0, 1, 2, 4, 3, 5, 7, 6});
  ASSERT_EQ(states.size(), 9u);
  const State& before_last = states.back();
  auto honest = app_.ApplyAction(params_, before_last, 0, TicTacToeApp::MoveAction(8));
  ASSERT_TRUE(honest.ok()) << honest.status().ToString();
  ASSERT_TRUE(honest->is_final);
  State locked = *honest;
  locked.allocation.assets[0].balances = {0, 0};
  Locked lock;
  lock.id.fill(0xee);
  lock.amount = 20;
  locked.allocation.assets[0].locked.push_back(lock);
  Status conserved = channel::CheckConserved(before_last.allocation, locked.allocation);
  ASSERT_TRUE(conserved.ok()) << conserved.ToString();
  Status s = app_.ValidTransition(params_, before_last, locked, 0);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
}

// ------------------------------------------------------- ApplyAction refusals

TEST_F(TransitionRejectTest, ApplyActionRefusals) {
  const State before = from_;
  auto refused = [&](ParticipantIndex actor, const Bytes& action, StatusCode code) {
    auto next = app_.ApplyAction(params_, from_, actor, action);
    ASSERT_FALSE(next.ok()) << "action of " << action.size() << " bytes accepted";
    EXPECT_EQ(next.status().code(), code) << next.status().ToString();
    EXPECT_FALSE(next.status().message().empty());
    EXPECT_EQ(from_, before);
  };
  refused(1, Bytes{9}, StatusCode::kInvalidArgument);
  refused(1, Bytes{0xff}, StatusCode::kInvalidArgument);
  refused(1, Bytes{}, StatusCode::kInvalidArgument);
  refused(1, Bytes{0, 1}, StatusCode::kInvalidArgument);
  refused(1, Bytes{4}, StatusCode::kInvalidArgument);   // X holds the centre
  refused(0, Bytes{0}, StatusCode::kPermissionDenied);  // O's turn
  // A corrupt board in `from`.
  State corrupt = from_;
  corrupt.app_data[8] = 3;
  auto next = app_.ApplyAction(params_, corrupt, 1, TicTacToeApp::MoveAction(0));
  EXPECT_EQ(next.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TicTacToeAppTest, ApplyActionXMustOpen) {
  auto next = app_.ApplyAction(params_, initial_, 1, TicTacToeApp::MoveAction(0));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kPermissionDenied);
}

// ------------------------------------------------------------ consistency

struct TreeCounts {
  uint64_t games = 0;
  uint64_t x_wins = 0;
  uint64_t o_wins = 0;
  uint64_t draws = 0;
};

// Walks every game from `state`. At each position, every cell is tried for
// the player to move: a legal cell yields a state the transition rule accepts
// for that player (and refuses for the other) with totals conserved and the
// stakes rule obeyed; a taken cell is refused. The other player's moves are
// refused as out of turn.
void Walk(const TicTacToeApp& app, const Params& params, const State& state, TreeCounts& counts) {
  const Board board = BoardOf(state);
  if (state.is_final) {
    ++counts.games;
    switch (TicTacToeApp::Winner(board)) {
      case kX:
        ++counts.x_wins;
        EXPECT_EQ(Balances(state), PotTo(0, Pot(state)));
        break;
      case kO:
        ++counts.o_wins;
        EXPECT_EQ(Balances(state), PotTo(1, Pot(state)));
        break;
      default: {
        ++counts.draws;
        Amount pot = Pot(state);
        EXPECT_EQ(Balances(state), (std::vector<Amount>{pot / 2, pot - pot / 2}));
        break;
      }
    }
    return;
  }
  ParticipantIndex mover = TicTacToeApp::ToMove(board);
  for (uint8_t cell = 0; cell < 9; ++cell) {
    Bytes action = TicTacToeApp::MoveAction(cell);
    auto wrong = app.ApplyAction(params, state, 1 - mover, action);
    ASSERT_FALSE(wrong.ok());
    ASSERT_EQ(wrong.status().code(), StatusCode::kPermissionDenied);
    auto next = app.ApplyAction(params, state, mover, action);
    if (board[cell] != 0) {
      ASSERT_FALSE(next.ok()) << "cell " << int(cell) << " is taken";
      continue;
    }
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    Status valid = app.ValidTransition(params, state, *next, mover);
    ASSERT_TRUE(valid.ok()) << valid.ToString();
    ASSERT_EQ(app.ValidTransition(params, state, *next, 1 - mover).code(),
              StatusCode::kPermissionDenied);
    Status conserved = channel::CheckConserved(state.allocation, next->allocation);
    ASSERT_TRUE(conserved.ok()) << conserved.ToString();
    ASSERT_EQ(next->version, state.version + 1);
    if (!next->is_final) {
      ASSERT_EQ(Balances(*next), PotTo(mover, Pot(state)));
    }
    Walk(app, params, *next, counts);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST_F(TicTacToeAppTest, EveryGameAgreesWithValidTransition) {
  TreeCounts counts;
  Walk(app_, params_, MakeState({7, 8}), counts);  // an odd pot
  ASSERT_FALSE(HasFatalFailure());
  // The well-known counts of complete tic-tac-toe games (stopping at the
  // first line): 255,168 games, of which X wins 131,184, O wins 77,904 and
  // 46,080 are draws.
  EXPECT_EQ(counts.games, 255168u);
  EXPECT_EQ(counts.x_wins, 131184u);
  EXPECT_EQ(counts.o_wins, 77904u);
  EXPECT_EQ(counts.draws, 46080u);
}

}  // namespace
}  // namespace parley::apps
