// Game (apps/chess/game.h): how games end (checkmate, stalemate, fifty-move
// rule, threefold repetition, insufficient material, resignation, agreed
// draw), draw offers, and refusals that leave the game as it was.
#include <gtest/gtest.h>

#include <string>

#include "chess/game.h"
#include "chess/position_key.h"
#include "chess_test_helpers.h"
#include "testing/status_matchers.h"

namespace parley::apps::chess {
namespace {

Game StartFrom(const char* fen) { return Game::Start(PositionFromFen(fen)); }

TEST(ChessGameTest, NamesAndResults) {
  EXPECT_STREQ(GameStatusName(GameStatus::kFiftyMoveRule), "fifty-move rule");
  EXPECT_STREQ(GameStatusName(GameStatus::kThreefoldRepetition), "threefold repetition");
  EXPECT_STREQ(ResultString(GameResult::kNone), "*");
  EXPECT_STREQ(ResultString(GameResult::kWhiteWins), "1-0");
  EXPECT_STREQ(ResultString(GameResult::kBlackWins), "0-1");
  EXPECT_STREQ(ResultString(GameResult::kDraw), "1/2-1/2");
}

TEST(ChessGameTest, FreshGame) {
  Game game = Game::Start(Position::Initial());
  EXPECT_EQ(game.status(), GameStatus::kOngoing);
  EXPECT_EQ(game.result(), GameResult::kNone);
  EXPECT_FALSE(game.over());
  EXPECT_EQ(game.side_to_move(), Color::kWhite);
  EXPECT_EQ(game.Fen(), kInitialFen);
  EXPECT_EQ(game.history().size(), 1u);
  EXPECT_FALSE(game.draw_offer());
}

TEST(ChessGameTest, FoolsMateIsCheckmate) {
  Game game = Game::Start(Position::Initial());
  ASSERT_TRUE(PlayMoves(game, {"f3", "e5", "g4"}));
  EXPECT_FALSE(game.over());
  ASSERT_TRUE(PlayMoves(game, {"Qh4#"}));
  EXPECT_EQ(game.status(), GameStatus::kCheckmate);
  EXPECT_EQ(game.result(), GameResult::kBlackWins);
}

TEST(ChessGameTest, LoydsStalemate) {
  // Sam Loyd's ten-move stalemate: black, to move, has no legal move.
  Game game = Game::Start(Position::Initial());
  ASSERT_TRUE(PlayMoves(game, {"e3", "a5", "Qh5", "Ra6", "Qxa5", "h5", "h4", "Rah6", "Qxc7", "f6",
                               "Qxd7+", "Kf7", "Qxb7", "Qd3", "Qxb8", "Qh7", "Qxc8", "Kg6"}));
  EXPECT_FALSE(game.over());
  ASSERT_TRUE(PlayMoves(game, {"Qe6"}));
  EXPECT_EQ(game.status(), GameStatus::kStalemate);
  EXPECT_EQ(game.result(), GameResult::kDraw);
}

TEST(ChessGameTest, ThreefoldRepetitionByKnightShuffle) {
  Game game = Game::Start(Position::Initial());
  // The start position occurs a second time after four plies...
  ASSERT_TRUE(PlayMoves(game, {"Nf3", "Nf6", "Ng1", "Ng8"}));
  EXPECT_FALSE(game.over());
  ASSERT_TRUE(PlayMoves(game, {"Nf3", "Nf6", "Ng1"}));
  EXPECT_FALSE(game.over());
  // ...and a third time here.
  ASSERT_TRUE(PlayMoves(game, {"Ng8"}));
  EXPECT_EQ(game.status(), GameStatus::kThreefoldRepetition);
  EXPECT_EQ(game.result(), GameResult::kDraw);
  EXPECT_EQ(game.history().size(), 9u);
}

TEST(ChessGameTest, PositionsWithOtherCastlingRightsAreNotRepetitions) {
  // After 1. e4 e5 the pieces stand the same after plies 2, 6 and 10, but
  // only at ply 2 may both sides still castle: two occurrences, not three.
  Game game = Game::Start(Position::Initial());
  ASSERT_TRUE(
      PlayMoves(game, {"e4", "e5", "Ke2", "Ke7", "Ke1", "Ke8", "Ke2", "Ke7", "Ke1", "Ke8"}));
  EXPECT_FALSE(game.over());
  ASSERT_TRUE(PlayMoves(game, {"Ke2"}));
  EXPECT_FALSE(game.over());
  // Kings on e2 and e7 with no rights: plies 4, 8 and 12.
  ASSERT_TRUE(PlayMoves(game, {"Ke7"}));
  EXPECT_EQ(game.status(), GameStatus::kThreefoldRepetition);
}

TEST(ChessGameTest, RepetitionKeyCountsEnPassantOnlyWhenCapturable) {
  // After 1. e4 nobody can take on e3: the key is the one without e3.
  Position after_e4 =
      PositionFromFen("rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1");
  Position without = PositionFromFen("rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1");
  EXPECT_EQ(KeyOf(after_e4), KeyOf(without));
  // With a black pawn on d4, dxe3 is possible: the keys differ.
  Position capturable =
      PositionFromFen("rnbqkbnr/ppp1pppp/8/8/3pP3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1");
  Position later = PositionFromFen("rnbqkbnr/ppp1pppp/8/8/3pP3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1");
  EXPECT_NE(KeyOf(capturable), KeyOf(later));
}

TEST(ChessGameTest, FiftyMoveRuleDrawsAtOneHundredHalfMoves) {
  Game game = StartFrom("4k3/8/8/8/8/8/8/R3K3 w - - 98 80");
  ASSERT_TRUE(PlayMoves(game, {"Ra2"}));
  EXPECT_FALSE(game.over());
  EXPECT_EQ(game.position().halfmove_clock(), 99u);
  ASSERT_TRUE(PlayMoves(game, {"Kd7"}));
  EXPECT_EQ(game.status(), GameStatus::kFiftyMoveRule);
  EXPECT_EQ(game.result(), GameResult::kDraw);
}

TEST(ChessGameTest, FiftyMoveCountRestartsWithAPawnMove) {
  Game game = StartFrom("4k3/8/8/8/8/8/P7/R3K3 w - - 99 80");
  ASSERT_TRUE(PlayMoves(game, {"a3"}));
  EXPECT_FALSE(game.over());
  EXPECT_EQ(game.position().halfmove_clock(), 0u);
  EXPECT_EQ(game.history().size(), 1u);
}

TEST(ChessGameTest, MateOnTheHundredthHalfMoveIsMate) {
  Game game = StartFrom("k7/8/1K6/8/8/8/8/7R w - - 99 80");
  ASSERT_TRUE(PlayMoves(game, {"Rh8#"}));
  EXPECT_EQ(game.position().halfmove_clock(), 100u);
  EXPECT_EQ(game.status(), GameStatus::kCheckmate);
  EXPECT_EQ(game.result(), GameResult::kWhiteWins);
}

TEST(ChessGameTest, InsufficientMaterialCases) {
  struct Case {
    const char* fen;
    bool insufficient;
  };
  const Case cases[] = {
      {"4k3/8/8/8/8/8/8/4K3 w - - 0 1", true},       // K v K
      {"4k3/8/8/8/8/8/8/2B1K3 w - - 0 1", true},     // K+B v K
      {"4k3/8/8/8/8/8/8/1N2K3 w - - 0 1", true},     // K+N v K
      {"2b1k3/8/8/8/8/8/8/4KB2 w - - 0 1", true},    // bishops on c8 and f1: both light
      {"3bk3/8/8/8/8/8/8/4KB2 w - - 0 1", false},    // d8 dark, f1 light
      {"2b1k3/8/8/8/8/8/8/2B1K3 w - - 0 1", false},  // c8 light, c1 dark
      {"4k3/8/8/8/8/8/8/1NN1K3 w - - 0 1", false},   // two knights can mate with help
      {"1n2k3/8/8/8/8/8/8/2B1K3 w - - 0 1", false},  // knight v bishop
      {"4k3/8/8/8/8/8/4P3/4K3 w - - 0 1", false},    // a pawn
      {"4k3/8/8/8/8/8/8/R3K3 w - - 0 1", false},     // a rook
      {"4k3/8/8/8/8/8/8/3QK3 w - - 0 1", false},     // a queen
  };
  for (const Case& c : cases) {
    Position position = PositionFromFen(c.fen);
    EXPECT_EQ(HasInsufficientMaterial(position), c.insufficient) << c.fen;
    EXPECT_EQ(Game::Start(position).status() == GameStatus::kInsufficientMaterial, c.insufficient)
        << c.fen;
  }
}

TEST(ChessGameTest, CapturingTheLastPieceDraws) {
  // The king takes the checking queen: kings only.
  Game game = StartFrom("4k3/8/8/8/8/8/4q3/4K3 w - - 0 1");
  ASSERT_TRUE(PlayMoves(game, {"Kxe2"}));
  EXPECT_EQ(game.status(), GameStatus::kInsufficientMaterial);
  EXPECT_EQ(game.result(), GameResult::kDraw);
}

TEST(ChessGameTest, ResignationEitherSideAnyTime) {
  Game game = Game::Start(Position::Initial());
  Game white_resigns = game;
  ASSERT_OK(white_resigns.Resign(Color::kWhite));
  EXPECT_EQ(white_resigns.status(), GameStatus::kResignation);
  EXPECT_EQ(white_resigns.result(), GameResult::kBlackWins);
  // Black may resign on white's turn.
  ASSERT_OK(game.Resign(Color::kBlack));
  EXPECT_EQ(game.result(), GameResult::kWhiteWins);
}

TEST(ChessGameTest, DrawOfferAccepted) {
  Game game = Game::Start(Position::Initial());
  ASSERT_TRUE(PlayMoves(game, {"e4"}));
  ASSERT_OK(game.OfferDraw(Color::kWhite));
  EXPECT_EQ(game.draw_offer(), Color::kWhite);
  ASSERT_OK(game.AcceptDraw(Color::kBlack));
  EXPECT_EQ(game.status(), GameStatus::kDrawAgreed);
  EXPECT_EQ(game.result(), GameResult::kDraw);
  EXPECT_FALSE(game.draw_offer());
}

TEST(ChessGameTest, DrawOfferLapsesWhenTheOpponentMoves) {
  Game game = Game::Start(Position::Initial());
  ASSERT_TRUE(PlayMoves(game, {"e4"}));
  ASSERT_OK(game.OfferDraw(Color::kWhite));
  ASSERT_TRUE(PlayMoves(game, {"e5"}));
  EXPECT_FALSE(game.draw_offer());
  EXPECT_CODE(game.AcceptDraw(Color::kBlack), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(game.over());
}

TEST(ChessGameTest, DrawOfferStandsThroughTheOfferersOwnMove) {
  Game game = Game::Start(Position::Initial());
  ASSERT_OK(game.OfferDraw(Color::kWhite));  // offered before moving
  ASSERT_TRUE(PlayMoves(game, {"e4"}));
  EXPECT_EQ(game.draw_offer(), Color::kWhite);
  ASSERT_OK(game.AcceptDraw(Color::kBlack));
  EXPECT_EQ(game.status(), GameStatus::kDrawAgreed);
}

TEST(ChessGameTest, DrawOfferDeclined) {
  Game game = Game::Start(Position::Initial());
  ASSERT_OK(game.OfferDraw(Color::kBlack));
  ASSERT_OK(game.DeclineDraw(Color::kWhite));
  EXPECT_FALSE(game.draw_offer());
  EXPECT_FALSE(game.over());
  // Once declined, it may be offered again.
  EXPECT_OK(game.OfferDraw(Color::kBlack));
}

TEST(ChessGameTest, DrawOfferMistakesAreRefusedAndChangeNothing) {
  Game game = Game::Start(Position::Initial());
  auto refused = [&](const Status& status, const std::string& reason) {
    EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
    EXPECT_NE(status.message().find(reason), std::string::npos) << status.message();
  };
  const Game fresh = game;
  refused(game.AcceptDraw(Color::kBlack), "there is no draw offer from white to answer");
  refused(game.DeclineDraw(Color::kBlack), "there is no draw offer from white to answer");
  EXPECT_EQ(game, fresh);
  ASSERT_OK(game.OfferDraw(Color::kWhite));
  const Game offered = game;
  refused(game.OfferDraw(Color::kWhite), "white's draw offer already stands");
  refused(game.OfferDraw(Color::kBlack), "white has offered a draw: accept or decline it");
  refused(game.AcceptDraw(Color::kWhite), "there is no draw offer from black to answer");
  EXPECT_EQ(game, offered);
}

TEST(ChessGameTest, NothingAfterTheEnd) {
  Game game = Game::Start(Position::Initial());
  ASSERT_TRUE(PlayMoves(game, {"f3", "e5", "g4", "Qh4#"}));
  const Game over = game;
  for (const Status& status : {game.Play(MoveFromText(Position::Initial(), "e4")),
                               game.Resign(Color::kWhite), game.OfferDraw(Color::kWhite),
                               game.AcceptDraw(Color::kWhite), game.DeclineDraw(Color::kBlack)}) {
    EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
    EXPECT_NE(status.message().find("the game is over (checkmate, 0-1)"), std::string::npos)
        << status.message();
  }
  EXPECT_EQ(game, over);
}

TEST(ChessGameTest, IllegalMoveIsRefusedAndChangesNothing) {
  Game game = StartFrom("3rk3/8/8/8/8/8/8/4K3 w - - 0 1");
  const Game before = game;
  Move into_check{MakeSquare(4, 0), MakeSquare(3, 1)};  // Kd2
  Status status = game.Play(into_check);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("illegal move e1d2: the white king would move into check"),
            std::string::npos)
      << status.message();
  EXPECT_CODE(game.Play(Move{0x08, 0x09}), StatusCode::kInvalidArgument);  // off the board
  EXPECT_EQ(game, before);
}

}  // namespace
}  // namespace parley::apps::chess
