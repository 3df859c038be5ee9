// PGN: what a game file may hold, what is refused with the line and reason,
// and replaying a game's moves (illegal moves and false results refused).
#include <gtest/gtest.h>

#include "chess/pgn.h"

namespace parley::apps::chess {
namespace {

constexpr const char* kOpera = R"([Event "Paris"]
[Site "Paris FRA"]
[White "Paul Morphy"]
[Black "Duke Karl / Count Isouard"]
[Result "1-0"]

1.e4 e5 2.Nf3 d6 3.d4 Bg4 {This is a weak move already.} 4.dxe5 Bxf3 5.Qxf3 dxe5
6.Bc4 Nf6 7.Qb3 Qe7 8.Nc3 c6 9.Bg5 $2 b5 (9...Qb4 10.Qxb4 Bxb4) 10.Nxb5 cxb5
11.Bxb5+ Nbd7 12.O-O-O Rd8 13.Rxd7 Rxd7 14.Rd1 Qe6 ; a famous line
15.Bxd7+ Nxd7 16.Qb8+ Nxb8 17.Rd8# 1-0
)";

TEST(ChessPgnTest, ReadsTagsMovesCommentsVariationsAndTheResult) {
  auto pgn = ParsePgn(kOpera);
  ASSERT_TRUE(pgn.ok()) << pgn.status().ToString();
  EXPECT_EQ(pgn->tags.size(), 5u);
  EXPECT_EQ(pgn->tags[2], (std::pair<std::string, std::string>{"White", "Paul Morphy"}));
  EXPECT_EQ(pgn->moves.size(), 33u);
  EXPECT_EQ(pgn->moves.front(), "e4");
  EXPECT_EQ(pgn->moves.back(), "Rd8#");
  EXPECT_EQ(pgn->result, "1-0");
}

TEST(ChessPgnTest, ReplayReachesTheCheckmate) {
  auto game = ReplayPgn(ParsePgn(kOpera).value());
  ASSERT_TRUE(game.ok()) << game.status().ToString();
  EXPECT_EQ(game->status(), GameStatus::kCheckmate);
  EXPECT_EQ(std::string(ResultString(game->result())), "1-0");
}

TEST(ChessPgnTest, GluedNumbersBlackNumbersAndNoResult) {
  auto pgn = ParsePgn("1.f3 e5 2.g4 2...Qh4#");
  ASSERT_TRUE(pgn.ok()) << pgn.status().ToString();
  EXPECT_EQ(pgn->moves, (std::vector<std::string>{"f3", "e5", "g4", "Qh4#"}));
  EXPECT_EQ(pgn->result, "*");
  EXPECT_EQ(ReplayPgn(*pgn)->status(), GameStatus::kCheckmate);
}

TEST(ChessPgnTest, MalformedTextIsRefusedWithTheLine) {
  for (const char* bad :
       {"[Event \"x\"\n1. e4 *", "[Event x]\n1. e4 *", "1. e4 {open comment", "1. e4 (1. d4 d5",
        "1. e4 ) e5", "1. e4 @@ *", "1. e4 e5 1-0 2. Nf3", "1. e4 * [Event \"late\"]"}) {
    auto pgn = ParsePgn(bad);
    EXPECT_EQ(pgn.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(pgn.status().message().find("PGN line "), std::string::npos) << bad;
  }
  EXPECT_NE(ParsePgn("1. e4\n2. @@").status().message().find("line 2"), std::string::npos);
}

TEST(ChessPgnTest, IllegalMovesAndFalseResultsAreRefused) {
  auto illegal = ReplayPgn(ParsePgn("1. e4 e5 2. Ke3 *").value());
  EXPECT_EQ(illegal.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(illegal.status().message().find("move 2. Ke3"), std::string::npos)
      << illegal.status().message();
  auto after_mate = ReplayPgn(ParsePgn("1. f3 e5 2. g4 Qh4# 3. a3").value());
  EXPECT_EQ(after_mate.status().code(), StatusCode::kInvalidArgument);
  auto wrong = ReplayPgn(ParsePgn("1. f3 e5 2. g4 Qh4# 1-0").value());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("the moves end in 0-1"), std::string::npos);
  // An open game may end in any result: here white resigned.
  EXPECT_TRUE(ReplayPgn(ParsePgn("1. e4 e5 0-1").value()).ok());
}

TEST(ChessPgnTest, AGameFromAFenTag) {
  auto pgn = ParsePgn(R"([SetUp "1"]
[FEN "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1"]
1. Ra8# 1-0)");
  ASSERT_TRUE(pgn.ok());
  EXPECT_EQ(ReplayPgn(*pgn)->status(), GameStatus::kCheckmate);
}

}  // namespace
}  // namespace parley::apps::chess
