// FEN (apps/chess/fen.h) and Position::Create (apps/chess/board.h): round
// trips, and every kind of malformed or impossible FEN refused with a reason
// that names what is wrong.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chess/board.h"
#include "chess/fen.h"
#include "chess_test_helpers.h"
#include "testing/status_matchers.h"

namespace parley::apps::chess {
namespace {

TEST(ChessFenTest, InitialPositionMatchesItsFen) {
  EXPECT_EQ(ToFen(Position::Initial()), kInitialFen);
  EXPECT_EQ(PositionFromFen(kInitialFen), Position::Initial());
}

TEST(ChessFenTest, RoundTrips) {
  const std::vector<std::string> fens = {
      kInitialFen,
      "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1",
      "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
      "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1",
      "r3k2r/8/8/8/8/8/8/R3K2R w Kq - 12 40",
      "4k3/8/8/3pP3/8/8/8/4K3 w - d6 0 2",
      "8/8/8/8/8/8/8/K6k b - - 99 1000000",
  };
  for (const std::string& fen : fens) {
    auto position = ParseFen(fen);
    ASSERT_TRUE(position.ok()) << fen << ": " << position.status().ToString();
    EXPECT_EQ(ToFen(*position), fen);
  }
}

TEST(ChessFenTest, ReadsTheFields) {
  Position p = PositionFromFen("r3k2r/8/8/3pP3/8/8/8/R3K2R w Kq d6 7 31");
  EXPECT_EQ(p.at(MakeSquare(0, 7)), MakePiece(Color::kBlack, kRook));
  EXPECT_EQ(p.at(MakeSquare(4, 4)), MakePiece(Color::kWhite, kPawn));
  EXPECT_EQ(p.at(MakeSquare(4, 3)), kEmpty);
  EXPECT_EQ(p.side_to_move(), Color::kWhite);
  EXPECT_EQ(p.castling(), kWhiteKingside | kBlackQueenside);
  EXPECT_EQ(p.en_passant(), MakeSquare(3, 5));
  EXPECT_EQ(p.halfmove_clock(), 7u);
  EXPECT_EQ(p.fullmove_number(), 31u);
  EXPECT_EQ(p.king(Color::kWhite), MakeSquare(4, 0));
  EXPECT_EQ(p.king(Color::kBlack), MakeSquare(4, 7));
}

TEST(ChessFenTest, ToleratesExtraSpacesBetweenFields) {
  auto position = ParseFen("  rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR   w KQkq - 0 1 ");
  ASSERT_OK(position.status());
  EXPECT_EQ(*position, Position::Initial());
}

struct BadFen {
  std::string fen;
  std::string reason;  // a part of the message
};

TEST(ChessFenTest, RejectsMalformedFenWithAReason) {
  const std::vector<BadFen> cases = {
      {"", "found 0 fields; expected 6"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq -", "found 4 fields; expected 6"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1 x", "found 7 fields"},
      {"rnbqkbnr/pppppppp/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "has 7 ranks; expected 8"},
      {"rnbqkbnr/pppppppp/8/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "has 9 ranks"},
      {"rnbqkbnr/pppppppp/8/8/4X3/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1",
       "rank 4 ('4X3') has 'X', which is not a piece letter"},
      {"rnbqkbnr/pppppppp/8/8/9/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "with '9'; use 1 to 8"},
      {"rnbqkbnr/pppppppp/8/8/08/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "with '0'"},
      {"rnbqkbnr/pppppppp/8/8/44/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "two digits in a row"},
      {"rnbqkbnr/pppppppp/8/8/7/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1",
       "rank 4 ('7') describes 7 squares; a rank has 8"},
      {"rnbqkbnr/ppppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1",
       "rank 7 ('ppppppppp') describes more than 8 squares"},
      {"rnbqkbnr/pppppppp/8/8//8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", "describes 0 squares"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR W KQkq - 0 1",
       "side to move must be 'w' or 'b', got 'W'"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR white KQkq - 0 1", "side to move"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQxk - 0 1", "castling field 'KQxk' has 'x'"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KKq - 0 1", "names 'K' twice"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w HAha - 0 1", "has 'H'"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e4 0 1",
       "en-passant field must be '-' or a square on rank 3 or 6"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq i3 0 1", "en-passant field"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e33 0 1", "en-passant field"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - -1 1",
       "halfmove clock must be a whole number from 0 to 1000000, got '-1'"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - x 1", "halfmove clock"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 1000001 1", "halfmove clock"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 0",
       "fullmove number must be a whole number from 1"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 +1", "fullmove number"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 99999999999", "fullmove number"},
  };
  for (const BadFen& bad : cases) {
    auto position = ParseFen(bad.fen);
    ASSERT_FALSE(position.ok()) << "accepted: " << bad.fen;
    EXPECT_EQ(position.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(position.status().message().rfind("invalid FEN: ", 0), 0u)
        << position.status().message();
    EXPECT_NE(position.status().message().find(bad.reason), std::string::npos)
        << bad.fen << "\n  gave: " << position.status().message() << "\n  want: " << bad.reason;
  }
}

TEST(ChessFenTest, RejectsImpossiblePositionsWithAReason) {
  const std::vector<BadFen> cases = {
      {"rnbq1bnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQ - 0 1",
       "needs exactly one black king, found 0"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQ1BNR w kq - 0 1",
       "needs exactly one white king, found 0"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBKKBNR w kq - 0 1", "one white king, found 2"},
      {"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", ""},  // control: valid
  };
  for (const BadFen& bad : cases) {
    auto position = ParseFen(bad.fen);
    if (bad.reason.empty()) {
      EXPECT_OK(position.status());
      continue;
    }
    ASSERT_FALSE(position.ok()) << "accepted: " << bad.fen;
    EXPECT_NE(position.status().message().find(bad.reason), std::string::npos)
        << bad.fen << "\n  gave: " << position.status().message();
  }
}

TEST(ChessFenTest, RejectsPawnsOnTheBackRanks) {
  auto last = ParseFen("4k2P/8/8/8/8/8/8/4K3 w - - 0 1");
  ASSERT_FALSE(last.ok());
  EXPECT_NE(last.status().message().find("a white pawn stands on h8"), std::string::npos)
      << last.status().message();
  auto first = ParseFen("4k3/8/8/8/8/8/8/p3K3 w - - 0 1");
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.status().message().find("a black pawn stands on a1"), std::string::npos);
}

TEST(ChessFenTest, RejectsTheSideNotToMoveInCheck) {
  // Black's king on e8 is attacked by the rook on e1, and white is to move.
  auto position = ParseFen("4k3/8/8/8/8/8/8/K3R3 w - - 0 1");
  ASSERT_FALSE(position.ok());
  EXPECT_NE(position.status().message().find("the side not to move (black) is in check"),
            std::string::npos)
      << position.status().message();
  // The same with black to move is an ordinary check.
  EXPECT_OK(ParseFen("4k3/8/8/8/8/8/8/K3R3 b - - 0 1").status());
}

TEST(ChessFenTest, RejectsCastlingRightsWithoutKingAndRook) {
  auto no_rook = ParseFen("4k3/8/8/8/8/8/8/4K3 w K - 0 1");
  ASSERT_FALSE(no_rook.ok());
  EXPECT_NE(no_rook.status().message().find(
                "castling right 'K' needs the white king on e1 and a white rook on h1"),
            std::string::npos)
      << no_rook.status().message();
  auto moved_king = ParseFen("r3k2r/8/8/8/8/8/8/R2K3R w q - 0 1");
  EXPECT_OK(moved_king.status());
  auto black = ParseFen("r2k3r/8/8/8/8/8/8/R3K2R w Kq - 0 1");
  ASSERT_FALSE(black.ok());
  EXPECT_NE(black.status().message().find("castling right 'q' needs the black king on e8"),
            std::string::npos)
      << black.status().message();
}

TEST(ChessFenTest, RejectsAnEnPassantSquareWithoutADoublePush) {
  // No black pawn on d5 in front of d6.
  auto no_pawn = ParseFen("4k3/8/8/4P3/8/8/8/4K3 w - d6 0 1");
  ASSERT_FALSE(no_pawn.ok());
  EXPECT_NE(no_pawn.status().message().find(
                "the en-passant square d6 needs a black pawn on d5 that just advanced"),
            std::string::npos)
      << no_pawn.status().message();
  // The skipped square must match the side to move: e3 with white to move.
  auto wrong_rank = ParseFen("4k3/8/8/8/4P3/8/8/4K3 w - e3 0 1");
  ASSERT_FALSE(wrong_rank.ok());
  EXPECT_NE(wrong_rank.status().message().find("must be on rank 6 when white is to move"),
            std::string::npos)
      << wrong_rank.status().message();
}

TEST(ChessFenTest, RejectsMoreThanSixteenPiecesASide) {
  auto position = ParseFen("4k3/8/8/8/8/QQQQQQQQ/QQQQQQQQ/4K3 b - - 0 1");
  ASSERT_FALSE(position.ok());
  EXPECT_NE(position.status().message().find("white has 17 pieces; a side has at most 16"),
            std::string::npos)
      << position.status().message();
}

TEST(ChessFenTest, CreateRejectsUnknownPieceCodes) {
  PositionFields fields;
  fields.pieces[Index64(MakeSquare(4, 0))] = MakePiece(Color::kWhite, kKing);
  fields.pieces[Index64(MakeSquare(4, 7))] = MakePiece(Color::kBlack, kKing);
  ASSERT_OK(Position::Create(fields).status());
  for (Piece bad : {Piece{7}, Piece{8}, Piece{15}}) {
    PositionFields broken = fields;
    broken.pieces[Index64(MakeSquare(0, 3))] = bad;
    auto position = Position::Create(broken);
    ASSERT_FALSE(position.ok()) << int(bad);
    EXPECT_NE(position.status().message().find("square a4 holds the unknown piece code"),
              std::string::npos)
        << position.status().message();
  }
}

}  // namespace
}  // namespace parley::apps::chess
