// The terminal board: pieces and coordinates from either side, and the line
// that says how the game stands.
#include <gtest/gtest.h>

#include "chess/board_text.h"
#include "chess/fen.h"
#include "chess/notation.h"

namespace parley::apps::chess {
namespace {

constexpr const char* kStart = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";

TEST(ChessBoardTextTest, TheStartFromWhitesSide) {
  std::string text = BoardText(ParseFen(kStart).value());
  EXPECT_EQ(text.substr(0, text.find('\n')), "8  ♜ ♞ ♝ ♛ ♚ ♝ ♞ ♜");
  EXPECT_NE(text.find("\n1  ♖ ♘ ♗ ♕ ♔ ♗ ♘ ♖\n"), std::string::npos);
  EXPECT_NE(text.find("\n4    ·   ·   ·   ·\n"), std::string::npos);  // a4 is dark
  EXPECT_TRUE(text.ends_with("\n   a b c d e f g h\n"));
}

TEST(ChessBoardTextTest, BlacksSideIsTurnedRound) {
  std::string text = BoardText(ParseFen(kStart).value(), Color::kBlack);
  EXPECT_EQ(text.substr(0, text.find('\n')), "1  ♖ ♘ ♗ ♔ ♕ ♗ ♘ ♖");
  EXPECT_TRUE(text.ends_with("\n   h g f e d c b a\n"));
}

TEST(ChessBoardTextTest, TheLastLineSaysHowTheGameStands) {
  Game game = Game::Start(ParseFen(kStart).value());
  EXPECT_TRUE(GameText(game).ends_with("white to move\n"));
  for (const char* san : {"f3", "e5", "g4"}) {
    ASSERT_TRUE(game.Play(ParseMove(game.position(), san).value()).ok());
  }
  ASSERT_TRUE(game.OfferDraw(Color::kWhite).ok());
  EXPECT_TRUE(GameText(game).ends_with("black to move, white offers a draw\n"));
  ASSERT_TRUE(game.Play(ParseMove(game.position(), "Qh4#").value()).ok());
  EXPECT_TRUE(GameText(game).ends_with("0-1 checkmate\n"));
}

}  // namespace
}  // namespace parley::apps::chess
