// ChessApp (apps/chess/chess_app.h): the initial-state rules, whole games
// through the action layer and how each ending pays, the stakes rule for
// states before the end, draw offers, every way a move, an action or a
// proposed state is refused (with the reason, and nothing changed), and a
// walk checking that the action layer and the transition rule agree.
#include "chess/chess_app.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "apps/app_test_params.h"
#include "chess/chess_action.h"
#include "chess/movegen.h"
#include "chess/notation.h"
#include "chess_test_helpers.h"
#include "parley/channel/types.h"
#include "parley/crypto/keys.h"
#include "testing/status_matchers.h"

namespace parley::apps {
namespace {

using channel::Amount;
using channel::AssetAllocation;
using channel::Locked;
using channel::Params;
using channel::ParticipantIndex;
using channel::State;
using chess::Color;
using chess::Game;
using chess::GameStatus;

Params MakeParams(size_t participants = 2) {
  return testing::MakeParams(ChessApp::kId, participants);
}

State MakeState(std::vector<Amount> balances, Bytes app_data, uint64_t version = 0) {
  return testing::OneAssetState(std::move(balances), std::move(app_data), version);
}

// A state holding the game from `fen` (not necessarily a valid start: the
// transition rule judges any state).
State StateFromFen(const char* fen, std::vector<Amount> balances = {20, 0}) {
  return MakeState(std::move(balances), ChessApp::Encode(Game::Start(chess::PositionFromFen(fen))),
                   7);
}

Game GameOf(const State& state) {
  auto game = ChessApp::Decode(state.app_data);
  EXPECT_TRUE(game.ok()) << game.status().ToString();
  return game.ok() ? *game : Game::Start(chess::Position::Initial());
}

const std::vector<Amount>& Balances(const State& state) {
  return state.allocation.assets.at(0).balances;
}

Amount Pot(const State& state) { return Balances(state)[0] + Balances(state)[1]; }

std::vector<Amount> PotTo(ParticipantIndex who, const Amount& pot) {
  return {who == 0 ? pot : Amount(0), who == 1 ? pot : Amount(0)};
}

bool Contains(const Status& status, std::string_view text) {
  return status.message().find(text) != std::string::npos;
}

class ChessAppTest : public ::testing::Test {
 protected:
  // Plays `moves` from `from`, each by the player to move, checking every
  // step against the transition rule and the stakes rule. Returns every
  // state, `from` first.
  std::vector<State> Play(const State& from, std::initializer_list<std::string_view> moves) {
    std::vector<State> states{from};
    const Amount pot = Pot(from);
    for (std::string_view move : moves) {
      const State& prev = states.back();
      ParticipantIndex mover = ChessApp::PlayerOf(GameOf(prev).side_to_move());
      auto next = app_.ApplyAction(params_, prev, mover, ChessApp::MoveAction(move));
      EXPECT_TRUE(next.ok()) << move << ": " << next.status().ToString();
      if (!next.ok()) return states;
      EXPECT_EQ(next->version, prev.version + 1);
      EXPECT_OK(app_.ValidTransition(params_, prev, *next, mover)) << move;
      EXPECT_OK(channel::CheckConserved(prev.allocation, next->allocation));
      EXPECT_EQ(Pot(*next), pot);
      if (!next->is_final) {
        EXPECT_EQ(Balances(*next), PotTo(mover, pot)) << move;
      }
      states.push_back(std::move(next).value());
    }
    return states;
  }

  // Applies `action` by `actor`, expecting success and a valid transition.
  State Act(const State& from, ParticipantIndex actor, const Bytes& action) {
    auto next = app_.ApplyAction(params_, from, actor, action);
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok()) return from;
    EXPECT_OK(app_.ValidTransition(params_, from, *next, actor));
    return std::move(next).value();
  }

  // Expects `action` by `actor` on `from` to be refused with `code` and a
  // message containing `reason`, leaving `from` as it was.
  void ExpectActionRefused(const State& from, ParticipantIndex actor, const Bytes& action,
                           StatusCode code, std::string_view reason) {
    const State before = from;
    auto next = app_.ApplyAction(params_, from, actor, action);
    ASSERT_FALSE(next.ok()) << "accepted; wanted: " << reason;
    EXPECT_EQ(next.status().code(), code) << next.status().ToString();
    EXPECT_TRUE(Contains(next.status(), reason))
        << "gave: " << next.status().message() << "\nwant: " << reason;
    EXPECT_EQ(from, before);
  }

  ChessApp app_;
  Params params_ = MakeParams();
  State initial_ = MakeState({10, 10}, ChessApp::InitialAppData());
};

// ----------------------------------------------------------------- identity

TEST(ChessAppIdentityTest, IdForceMoveAndPlayers) {
  ChessApp app;
  const channel::App& as_app = app;
  EXPECT_EQ(as_app.id(), "chess");
  EXPECT_TRUE(as_app.SupportsForceMove());
  EXPECT_EQ(ChessApp::PlayerOf(Color::kWhite), 0u);
  EXPECT_EQ(ChessApp::PlayerOf(Color::kBlack), 1u);
}

TEST(ChessAppIdentityTest, ActionBytes) {
  EXPECT_EQ(ChessApp::MoveAction("e4"), (Bytes{1, 'e', '4'}));
  EXPECT_EQ(ChessApp::MoveAction("e7e8q"), (Bytes{1, 'e', '7', 'e', '8', 'q'}));
  EXPECT_EQ(ChessApp::ResignAction(), Bytes{2});
  EXPECT_EQ(ChessApp::OfferDrawAction(), Bytes{3});
  EXPECT_EQ(ChessApp::AcceptDrawAction(), Bytes{4});
  EXPECT_EQ(ChessApp::DeclineDrawAction(), Bytes{5});
}

TEST(ChessAppIdentityTest, DecodeForUis) {
  auto game = ChessApp::Decode(ChessApp::InitialAppData());
  ASSERT_OK(game.status());
  EXPECT_EQ(game->Fen(), chess::kInitialFen);
  EXPECT_EQ(game->side_to_move(), Color::kWhite);
  EXPECT_STREQ(chess::GameStatusName(game->status()), "ongoing");
  EXPECT_STREQ(chess::ResultString(game->result()), "*");
  auto garbage = ChessApp::Decode(Bytes{1, 2, 3});
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------- ValidInit

TEST_F(ChessAppTest, ValidInitAcceptsAFreshGameWithAnyDeposits) {
  EXPECT_OK(app_.ValidInit(params_, initial_));
  EXPECT_OK(app_.ValidInit(params_, MakeState({0, 0}, ChessApp::InitialAppData())));
  EXPECT_OK(app_.ValidInit(params_, MakeState({30, 5}, ChessApp::InitialAppData())));
}

TEST_F(ChessAppTest, ValidInitAcceptsAFreshGameFromFen) {
  auto app_data = ChessApp::InitialAppData("4k3/8/8/8/8/8/8/R3K3 b - - 0 1");
  ASSERT_OK(app_data.status());
  State start = MakeState({10, 10}, *app_data);
  EXPECT_OK(app_.ValidInit(params_, start));
  // Black moves first here.
  auto states = Play(start, {"Kd7"});
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(Balances(states[1]), (std::vector<Amount>{0, 20}));
}

TEST_F(ChessAppTest, InitialAppDataRefusesBadStarts) {
  auto malformed = ChessApp::InitialAppData("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w KQkq - 0 1");
  EXPECT_TRUE(Contains(malformed.status(), "invalid FEN: the piece placement"))
      << malformed.status().ToString();
  auto counters = ChessApp::InitialAppData("4k3/8/8/8/8/8/8/R3K3 w - - 12 40");
  EXPECT_TRUE(
      Contains(counters.status(), "a game starts with the move counters at '0 1' (got '12 40')"))
      << counters.status().ToString();
  auto stalemate = ChessApp::InitialAppData("k7/8/1Q6/8/8/8/8/7K b - - 0 1");
  EXPECT_TRUE(Contains(stalemate.status(), "the game is already decided: stalemate"))
      << stalemate.status().ToString();
  auto dead = ChessApp::InitialAppData("4k3/8/8/8/8/8/8/4K3 w - - 0 1");
  EXPECT_TRUE(Contains(dead.status(), "already decided: insufficient material"));
}

TEST_F(ChessAppTest, ValidInitRefusesWrongPlayersStakesOrFinality) {
  EXPECT_CODE(app_.ValidInit(MakeParams(3), MakeState({1, 1, 1}, ChessApp::InitialAppData())),
              StatusCode::kInvalidArgument);
  State two_assets = initial_;
  AssetAllocation token;
  token.asset = "token";
  token.balances = {1, 1};
  two_assets.allocation.assets.push_back(token);
  EXPECT_CODE(app_.ValidInit(params_, two_assets), StatusCode::kInvalidArgument);
  State locked = initial_;
  Locked lock;
  lock.id.fill(1);
  lock.amount = 3;
  locked.allocation.assets[0].locked.push_back(lock);
  EXPECT_CODE(app_.ValidInit(params_, locked), StatusCode::kInvalidArgument);
  State final_start = initial_;
  final_start.is_final = true;
  EXPECT_CODE(app_.ValidInit(params_, final_start), StatusCode::kInvalidArgument);
}

TEST_F(ChessAppTest, ValidInitRefusesAGameUnderWay) {
  Status garbage = app_.ValidInit(params_, MakeState({10, 10}, Bytes{1, 2, 3}));
  EXPECT_TRUE(Contains(garbage, "the initial state: chess app_data")) << garbage.ToString();
  // After 1. Nf3 the halfmove clock is 1.
  auto states = Play(initial_, {"Nf3"});
  Status moved = app_.ValidInit(params_, MakeState({10, 10}, states.back().app_data));
  EXPECT_TRUE(Contains(moved, "move counters at '0 1' (got '1 1')")) << moved.ToString();
  State offered = Act(initial_, 0, ChessApp::OfferDrawAction());
  Status with_offer = app_.ValidInit(params_, MakeState({10, 10}, offered.app_data));
  EXPECT_TRUE(Contains(with_offer, "no draw offer")) << with_offer.ToString();
  State resigned = Act(initial_, 0, ChessApp::ResignAction());
  Status over = app_.ValidInit(params_, MakeState({10, 10}, resigned.app_data));
  EXPECT_TRUE(Contains(over, "already decided: resignation (0-1)")) << over.ToString();
}

// ------------------------------------------------------------ whole games

TEST_F(ChessAppTest, FoolsMatePaysThePotToTheWinnerAndIsFinal) {
  auto states = Play(initial_, {"f3", "e5", "g4", "Qh4#"});
  ASSERT_EQ(states.size(), 5u);
  for (size_t i = 1; i < 4; ++i) EXPECT_FALSE(states[i].is_final) << i;
  const State& last = states.back();
  EXPECT_TRUE(last.is_final);
  EXPECT_EQ(last.version, 4u);
  EXPECT_EQ(Balances(last), (std::vector<Amount>{0, 20}));
  Game game = GameOf(last);
  EXPECT_EQ(game.status(), GameStatus::kCheckmate);
  EXPECT_STREQ(chess::ResultString(game.result()), "0-1");
  EXPECT_EQ(game.Fen(), "rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3");
}

TEST_F(ChessAppTest, StalemateSplitsThePot) {
  auto states =
      Play(initial_, {"e3", "a5", "Qh5", "Ra6", "Qxa5", "h5", "h4", "Rah6", "Qxc7", "f6", "Qxd7+",
                      "Kf7", "Qxb7", "Qd3", "Qxb8", "Qh7", "Qxc8", "Kg6", "Qe6"});
  ASSERT_EQ(states.size(), 20u);
  const State& last = states.back();
  EXPECT_TRUE(last.is_final);
  EXPECT_EQ(GameOf(last).status(), GameStatus::kStalemate);
  EXPECT_EQ(Balances(last), (std::vector<Amount>{10, 10}));
}

TEST_F(ChessAppTest, ADrawGivesTheOddUnitToBlack) {
  State odd = MakeState({21, 0}, ChessApp::InitialAppData());
  auto states = Play(odd, {"Nf3", "Nf6", "Ng1", "Ng8", "Nf3", "Nf6", "Ng1", "Ng8"});
  ASSERT_EQ(states.size(), 9u);
  EXPECT_TRUE(states.back().is_final);
  EXPECT_EQ(Balances(states.back()), (std::vector<Amount>{10, 11}));
}

TEST_F(ChessAppTest, ThreefoldRepetitionDraws) {
  auto states = Play(initial_, {"Nf3", "Nf6", "Ng1", "Ng8", "Nf3", "Nf6", "Ng1", "Ng8"});
  ASSERT_EQ(states.size(), 9u);
  for (size_t i = 1; i < 8; ++i) EXPECT_FALSE(states[i].is_final) << i;
  EXPECT_TRUE(states.back().is_final);
  EXPECT_EQ(GameOf(states.back()).status(), GameStatus::kThreefoldRepetition);
  EXPECT_EQ(Balances(states.back()), (std::vector<Amount>{10, 10}));
}

TEST_F(ChessAppTest, FiftyMoveRuleDraws) {
  auto states = Play(StateFromFen("4k3/8/8/8/8/8/8/R3K3 w - - 99 80"), {"Ra2"});
  ASSERT_EQ(states.size(), 2u);
  EXPECT_TRUE(states.back().is_final);
  EXPECT_EQ(GameOf(states.back()).status(), GameStatus::kFiftyMoveRule);
  EXPECT_EQ(Balances(states.back()), (std::vector<Amount>{10, 10}));
}

TEST_F(ChessAppTest, InsufficientMaterialDraws) {
  auto states = Play(StateFromFen("4k3/8/8/8/8/8/4q3/4K3 w - - 0 1", {0, 20}), {"Kxe2"});
  ASSERT_EQ(states.size(), 2u);
  EXPECT_TRUE(states.back().is_final);
  EXPECT_EQ(GameOf(states.back()).status(), GameStatus::kInsufficientMaterial);
  EXPECT_EQ(Balances(states.back()), (std::vector<Amount>{10, 10}));
}

TEST_F(ChessAppTest, ResignationPaysTheOpponent) {
  State after_e4 = Play(initial_, {"e4"}).back();
  State black_resigns = Act(after_e4, 1, ChessApp::ResignAction());
  EXPECT_TRUE(black_resigns.is_final);
  EXPECT_EQ(Balances(black_resigns), (std::vector<Amount>{20, 0}));
  EXPECT_EQ(GameOf(black_resigns).status(), GameStatus::kResignation);
  EXPECT_STREQ(chess::ResultString(GameOf(black_resigns).result()), "1-0");
  // White may resign on black's turn.
  State white_resigns = Act(after_e4, 0, ChessApp::ResignAction());
  EXPECT_TRUE(white_resigns.is_final);
  EXPECT_EQ(Balances(white_resigns), (std::vector<Amount>{0, 20}));
}

TEST_F(ChessAppTest, DrawOfferAndAcceptance) {
  State after_e4 = Play(initial_, {"e4"}).back();
  State offered = Act(after_e4, 0, ChessApp::OfferDrawAction());
  EXPECT_FALSE(offered.is_final);
  EXPECT_EQ(GameOf(offered).draw_offer(), Color::kWhite);
  EXPECT_EQ(Balances(offered), (std::vector<Amount>{20, 0}));  // black is still to move
  State agreed = Act(offered, 1, ChessApp::AcceptDrawAction());
  EXPECT_TRUE(agreed.is_final);
  EXPECT_EQ(GameOf(agreed).status(), GameStatus::kDrawAgreed);
  EXPECT_STREQ(chess::ResultString(GameOf(agreed).result()), "1/2-1/2");
  EXPECT_EQ(Balances(agreed), (std::vector<Amount>{10, 10}));
}

TEST_F(ChessAppTest, DrawOfferLapsesWhenTheOpponentMoves) {
  State after_e4 = Play(initial_, {"e4"}).back();
  State offered = Act(after_e4, 0, ChessApp::OfferDrawAction());
  auto states = Play(offered, {"e5"});
  ASSERT_EQ(states.size(), 2u);
  EXPECT_FALSE(GameOf(states.back()).draw_offer());
  ExpectActionRefused(states.back(), 1, ChessApp::AcceptDrawAction(),
                      StatusCode::kFailedPrecondition, "there is no draw offer from white");
}

TEST_F(ChessAppTest, DrawOfferDeclined) {
  State after_e4 = Play(initial_, {"e4"}).back();
  State offered = Act(after_e4, 0, ChessApp::OfferDrawAction());
  State declined = Act(offered, 1, ChessApp::DeclineDrawAction());
  EXPECT_FALSE(declined.is_final);
  EXPECT_FALSE(GameOf(declined).draw_offer());
  EXPECT_EQ(Balances(declined), (std::vector<Amount>{20, 0}));
}

TEST_F(ChessAppTest, BeforeTheEndThePlayerNotToMoveHoldsThePot) {
  auto states = Play(initial_, {"e4", "e5", "Nf3", "Nc6", "Bb5", "a6"});
  ASSERT_EQ(states.size(), 7u);
  for (size_t i = 1; i < states.size(); ++i) {
    EXPECT_EQ(Balances(states[i]), PotTo(i % 2 == 1 ? 0 : 1, 20)) << "after ply " << i;
  }
  // White offers before the first move: white must still move, so black
  // holds the pot.
  State offered = Act(initial_, 0, ChessApp::OfferDrawAction());
  EXPECT_EQ(Balances(offered), (std::vector<Amount>{0, 20}));
}

// ----------------------------------------------------- ApplyAction refusals

TEST_F(ChessAppTest, MoveOutOfTurnIsRefused) {
  ExpectActionRefused(initial_, 1, ChessApp::MoveAction("e5"), StatusCode::kPermissionDenied,
                      "it is white (participant 0)'s turn to move, not black (participant 1)'s");
}

TEST_F(ChessAppTest, NothingIsAllowedAfterTheGameEnded) {
  State over = Play(initial_, {"f3", "e5", "g4", "Qh4#"}).back();
  ASSERT_TRUE(over.is_final);
  for (ParticipantIndex actor : {0u, 1u}) {
    for (const Bytes& action :
         {ChessApp::MoveAction("e4"), ChessApp::ResignAction(), ChessApp::OfferDrawAction(),
          ChessApp::AcceptDrawAction(), ChessApp::DeclineDrawAction()}) {
      ExpectActionRefused(over, actor, action, StatusCode::kFailedPrecondition, "the game is over");
    }
  }
  // Even a state that is not marked final, once the game in it is over.
  State unmarked = over;
  unmarked.is_final = false;
  ExpectActionRefused(unmarked, 0, ChessApp::MoveAction("e4"), StatusCode::kFailedPrecondition,
                      "the game is over (checkmate, 0-1)");
}

TEST_F(ChessAppTest, IllegalMovesAreRefusedWithTheReason) {
  struct Case {
    const char* fen;
    const char* move;
    const char* reason;
  };
  const Case cases[] = {
      {"3rk3/8/8/8/8/8/8/4K3 w - - 0 1", "Kd2", "the white king would move into check on d2"},
      {"4r3/8/2k5/8/8/8/8/R3K2R w KQ - 0 1", "O-O", "cannot castle out of check"},
      {"5r2/8/2k5/8/8/8/8/R3K2R w KQ - 0 1", "O-O", "cannot castle through check: f1"},
      {"6r1/8/2k5/8/8/8/8/R3K2R w KQ - 0 1", "e1g1", "cannot castle into check: g1"},
      {"1n2k3/8/5n2/8/8/8/8/4K3 b - - 0 1", "Nd7", "ambiguous move 'Nd7'"},
      {chess::kInitialFen, "Nz3", "malformed SAN move 'Nz3'"},
      {chess::kInitialFen, "e2e9", "malformed UCI move 'e2e9'"},
      {chess::kInitialFen, "e2e5", "illegal move 'e2e5'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.move);
    State from = StateFromFen(c.fen);
    ParticipantIndex mover = ChessApp::PlayerOf(GameOf(from).side_to_move());
    ExpectActionRefused(from, mover, ChessApp::MoveAction(c.move), StatusCode::kInvalidArgument,
                        c.reason);
  }
}

TEST_F(ChessAppTest, MalformedActionBytesAreRefused) {
  const std::vector<std::pair<Bytes, std::string>> cases = {
      {Bytes{}, "a chess action is empty"},
      {Bytes{0}, "unknown chess action kind 0"},
      {Bytes{9}, "unknown chess action kind 9"},
      {Bytes{2, 0}, "takes no arguments"},
      {Bytes{1}, "a move is 1 to 16 characters"},
      {ChessApp::MoveAction("e2e4e2e4e2e4e2e4e"), "a move is 1 to 16 characters"},
      {Bytes{1, 'e', 0, '4'}, "printable ASCII"},
  };
  for (const auto& [action, reason] : cases) {
    ExpectActionRefused(initial_, 0, action, StatusCode::kInvalidArgument, reason);
  }
}

TEST_F(ChessAppTest, NonPlayersAndOtherChannelsAreRefused) {
  ExpectActionRefused(initial_, 2, ChessApp::MoveAction("e4"), StatusCode::kPermissionDenied,
                      "participant 2 does not play");
  auto three = app_.ApplyAction(MakeParams(3), initial_, 0, ChessApp::MoveAction("e4"));
  EXPECT_EQ(three.status().code(), StatusCode::kInvalidArgument);
  State corrupt = initial_;
  corrupt.app_data[0] = 9;
  ExpectActionRefused(corrupt, 0, ChessApp::MoveAction("e4"), StatusCode::kInvalidArgument,
                      "the current state: chess app_data: format version 9 is unknown");
}

// ------------------------------------------------ ValidTransition refusals

// From the position after 1. e4 (version 1, white holds the pot): black is
// to move.
class ChessTransitionTest : public ChessAppTest {
 protected:
  void SetUp() override {
    from_ = Act(initial_, 0, ChessApp::MoveAction("e4"));
    ASSERT_EQ(Balances(from_), (std::vector<Amount>{20, 0}));
    e5_ = Act(from_, 1, ChessApp::MoveAction("e5"));
  }

  void ExpectRefused(const State& to, ParticipantIndex actor, StatusCode code,
                     std::string_view reason) {
    Status status = app_.ValidTransition(params_, from_, to, actor);
    EXPECT_EQ(status.code(), code) << status.ToString();
    EXPECT_TRUE(Contains(status, reason)) << "gave: " << status.message() << "\nwant: " << reason;
  }

  State from_;
  State e5_;  // the honest answer 1... e5
};

TEST_F(ChessTransitionTest, TheHonestMoveIsAcceptedInEitherNotation) {
  EXPECT_OK(app_.ValidTransition(params_, from_, e5_, 1));
  EXPECT_EQ(Act(from_, 1, ChessApp::MoveAction("e7e5")), e5_);
  EXPECT_EQ(Balances(e5_), (std::vector<Amount>{0, 20}));
}

TEST_F(ChessTransitionTest, OutOfTurn) {
  // The same state proposed by white.
  ExpectRefused(e5_, 0, StatusCode::kPermissionDenied, "it is black (participant 1)'s turn");
}

TEST_F(ChessTransitionTest, APositionNoLegalMoveReaches) {
  State d4 = Act(initial_, 0, ChessApp::MoveAction("d4"));
  State d4_e5 = Act(d4, 1, ChessApp::MoveAction("e5"));
  State to = e5_;
  to.app_data = d4_e5.app_data;
  ExpectRefused(to, 1, StatusCode::kInvalidArgument,
                "does not follow from any legal move of black");
}

TEST_F(ChessTransitionTest, AnAllocationOtherThanTheComputedOne) {
  for (const std::vector<Amount>& balances :
       {std::vector<Amount>{20, 0}, std::vector<Amount>{10, 10}, std::vector<Amount>{1, 19}}) {
    State to = e5_;
    to.allocation.assets[0].balances = balances;
    ExpectRefused(to, 1, StatusCode::kInvalidArgument,
                  "the allocation must pay white (participant 0) 0 and black (participant 1) 20: "
                  "until the game ends, the player who moved last holds the pot");
  }
  // Part of the pot locked away, totals conserved.
  State locked = e5_;
  locked.allocation.assets[0].balances = {0, 15};
  Locked lock;
  lock.id.fill(0xee);
  lock.amount = 5;
  locked.allocation.assets[0].locked.push_back(lock);
  ASSERT_OK(channel::CheckConserved(from_.allocation, locked.allocation));
  ExpectRefused(locked, 1, StatusCode::kInvalidArgument, "the allocation must pay");
}

TEST_F(ChessTransitionTest, AppDataOtherThanTheComputedOne) {
  // 1... e5 claiming that a draw offer of white's stands.
  Game game = GameOf(e5_);
  ASSERT_OK(game.OfferDraw(Color::kWhite));
  State fake_offer = e5_;
  fake_offer.app_data = ChessApp::Encode(game);
  ExpectRefused(fake_offer, 1, StatusCode::kInvalidArgument,
                "the standing draw offer should be none, not white's");
  // Bytes that are not a game at all.
  State garbage = e5_;
  garbage.app_data.push_back(0);
  ExpectRefused(garbage, 1, StatusCode::kInvalidArgument, "the proposed state: chess app_data");
}

TEST_F(ChessAppTest, ATamperedRepetitionHistoryIsRefused) {
  // 1. Nf3 Nf6: the history lists three positions; list the first twice.
  State nf3 = Act(initial_, 0, ChessApp::MoveAction("Nf3"));
  State nf6 = Act(nf3, 1, ChessApp::MoveAction("Nf6"));
  Game honest = GameOf(nf6);
  ASSERT_EQ(honest.history().size(), 3u);
  std::vector<chess::PositionKey> history = honest.history();
  history[1] = history[0];
  auto tampered = Game::Restore(honest.position(), history, honest.status(), honest.result(),
                                honest.draw_offer());
  ASSERT_OK(tampered.status());
  State to = nf6;
  to.app_data = ChessApp::Encode(*tampered);
  Status status = app_.ValidTransition(params_, nf3, to, 1);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(status, "the repetition history does not list the positions"))
      << status.ToString();
}

TEST_F(ChessTransitionTest, WrongFinality) {
  State final_move = e5_;
  final_move.is_final = true;
  ExpectRefused(final_move, 1, StatusCode::kInvalidArgument,
                "the game goes on, so the state must not be final");
  State mated = Play(initial_, {"f3", "e5", "g4", "Qh4#"}).back();
  State before_mate = Play(initial_, {"f3", "e5", "g4"}).back();
  State unmarked = mated;
  unmarked.is_final = false;
  Status status = app_.ValidTransition(params_, before_mate, unmarked, 1);
  EXPECT_TRUE(Contains(status, "the game is over ('checkmate' (0-1)), so the state must be final"))
      << status.ToString();
}

TEST_F(ChessTransitionTest, NoActionAtAll) {
  State same = from_;
  same.version = from_.version + 1;
  ExpectRefused(same, 1, StatusCode::kInvalidArgument,
                "the proposed state shows no action of black");
}

TEST_F(ChessTransitionTest, ResigningForTheOpponent) {
  // Black claims that white resigned.
  State white_resigns = Act(from_, 0, ChessApp::ResignAction());
  ExpectRefused(white_resigns, 1, StatusCode::kInvalidArgument,
                "the game should stand 'resignation' (1-0), not 'resignation' (0-1)");
}

TEST_F(ChessTransitionTest, AcceptingADrawNobodyOffered) {
  Game game = GameOf(from_);
  ASSERT_OK(game.OfferDraw(Color::kWhite));
  ASSERT_OK(game.AcceptDraw(Color::kBlack));
  State agreed = from_;
  agreed.version = from_.version + 1;
  agreed.app_data = ChessApp::Encode(game);
  agreed.allocation.assets[0].balances = {10, 10};
  agreed.is_final = true;
  ExpectRefused(agreed, 1, StatusCode::kFailedPrecondition, "there is no draw offer from white");
}

TEST_F(ChessTransitionTest, AMoveAndADrawOfferBatchedInOneState) {
  State offered = Act(e5_, 1, ChessApp::OfferDrawAction());
  State batched = offered;
  batched.version = from_.version + 1;
  EXPECT_OK(app_.ValidTransition(params_, from_, batched, 1));
  EXPECT_EQ(GameOf(batched).draw_offer(), Color::kBlack);
}

TEST_F(ChessTransitionTest, NothingFollowsTheEndAndNonPlayersAreRefused) {
  State over = Play(initial_, {"f3", "e5", "g4", "Qh4#"}).back();
  State after = over;
  after.version = over.version + 1;
  Status status = app_.ValidTransition(params_, over, after, 0);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
  ExpectRefused(e5_, 2, StatusCode::kPermissionDenied, "participant 2 does not play");
}

// ------------------------------------------------------------ consistency

// Every legal move of the first two plies: the action layer's state is one
// the transition rule accepts from the mover and refuses from the other.
TEST_F(ChessAppTest, ActionLayerAndTransitionRuleAgree) {
  int checked = 0;
  std::vector<State> frontier{initial_};
  for (int ply = 0; ply < 2; ++ply) {
    std::vector<State> next_frontier;
    for (const State& state : frontier) {
      Game game = GameOf(state);
      ParticipantIndex mover = ChessApp::PlayerOf(game.side_to_move());
      for (const chess::Move& move : chess::LegalMoves(game.position())) {
        for (const std::string& text :
             {chess::FormatUci(move), chess::FormatSan(game.position(), move)}) {
          auto next = app_.ApplyAction(params_, state, mover, ChessApp::MoveAction(text));
          ASSERT_TRUE(next.ok()) << text << ": " << next.status().ToString();
          ASSERT_OK(app_.ValidTransition(params_, state, *next, mover));
          ASSERT_EQ(app_.ValidTransition(params_, state, *next, 1 - mover).code(),
                    StatusCode::kPermissionDenied);
          ++checked;
          if (text == chess::FormatUci(move)) next_frontier.push_back(std::move(next).value());
        }
      }
    }
    frontier = std::move(next_frontier);
  }
  EXPECT_EQ(checked, 2 * (20 + 400));
}

}  // namespace
}  // namespace parley::apps
