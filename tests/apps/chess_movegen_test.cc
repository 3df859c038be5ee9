// Move generation and make/unmake (apps/chess/movegen.h, board.h): the
// special moves, castling rights, en passant, promotion, check, and taking
// back every move exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>

#include "chess/board.h"
#include "chess/movegen.h"
#include "chess/notation.h"
#include "chess/perft.h"
#include "chess_test_helpers.h"

namespace parley::apps::chess {
namespace {

bool HasMove(const Position& position, const std::string& uci) {
  MoveList moves = LegalMoves(position);
  return std::any_of(moves.begin(), moves.end(),
                     [&](const Move& move) { return FormatUci(move) == uci; });
}

Position After(const Position& position, const std::string& move) {
  Position next = position;
  next.MakeMove(MoveFromText(position, move));
  return next;
}

TEST(ChessMovegenTest, CastlingMovesTheRookToo) {
  Position p = PositionFromFen("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1");
  Position kingside = After(p, "O-O");
  EXPECT_EQ(kingside.at(MakeSquare(6, 0)), MakePiece(Color::kWhite, kKing));
  EXPECT_EQ(kingside.at(MakeSquare(5, 0)), MakePiece(Color::kWhite, kRook));
  EXPECT_EQ(kingside.at(MakeSquare(7, 0)), kEmpty);
  EXPECT_EQ(kingside.castling(), kBlackKingside | kBlackQueenside);
  Position queenside = After(After(p, "e1e2"), "O-O-O");
  EXPECT_EQ(queenside.at(MakeSquare(2, 7)), MakePiece(Color::kBlack, kKing));
  EXPECT_EQ(queenside.at(MakeSquare(3, 7)), MakePiece(Color::kBlack, kRook));
  EXPECT_EQ(queenside.at(MakeSquare(0, 7)), kEmpty);
  EXPECT_EQ(queenside.castling(), 0);
}

TEST(ChessMovegenTest, CastlingRightsEndWhenKingOrRookMovesOrTheRookIsCaptured) {
  Position p = PositionFromFen("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1");
  EXPECT_EQ(After(p, "h1h2").castling(), kWhiteQueenside | kBlackKingside | kBlackQueenside);
  EXPECT_EQ(After(p, "a1a2").castling(), kWhiteKingside | kBlackKingside | kBlackQueenside);
  EXPECT_EQ(After(p, "e1f1").castling(), kBlackKingside | kBlackQueenside);
  // Rxh8 takes black's kingside right (and white's own, as the rook left h1).
  EXPECT_EQ(After(p, "h1h8").castling(), kWhiteQueenside | kBlackQueenside);
  // A rook that comes back does not bring the right back.
  Position back = After(After(After(After(p, "h1h2"), "a8a7"), "h2h1"), "a7a8");
  EXPECT_EQ(back.castling(), kWhiteQueenside | kBlackKingside);
  EXPECT_FALSE(HasMove(back, "e1g1"));
  EXPECT_TRUE(HasMove(back, "e1c1"));
}

TEST(ChessMovegenTest, CastlingNeedsEmptySquaresBetweenKingAndRook) {
  Position blocked = PositionFromFen("r3k2r/8/8/8/8/8/8/RN2K1NR w KQkq - 0 1");
  EXPECT_FALSE(HasMove(blocked, "e1g1"));
  EXPECT_FALSE(HasMove(blocked, "e1c1"));
  // Only b1 blocks the queenside: the king does not cross it, the rook does.
  Position b_file = PositionFromFen("r3k2r/8/8/8/8/8/8/RN2K2R w KQkq - 0 1");
  EXPECT_FALSE(HasMove(b_file, "e1c1"));
  EXPECT_TRUE(HasMove(b_file, "e1g1"));
}

TEST(ChessMovegenTest, CastlingNeitherOutOfThroughNorIntoCheck) {
  // A black rook on e8 checks the king: no castling at all.
  Position in_check = PositionFromFen("4r3/8/2k5/8/8/8/8/R3K2R w KQ - 0 1");
  EXPECT_FALSE(HasMove(in_check, "e1g1"));
  EXPECT_FALSE(HasMove(in_check, "e1c1"));
  // A rook on f8 attacks f1, which the king crosses.
  EXPECT_FALSE(HasMove(PositionFromFen("5r2/8/2k5/8/8/8/8/R3K2R w KQ - 0 1"), "e1g1"));
  // A rook on g8 attacks g1, where the king lands.
  EXPECT_FALSE(HasMove(PositionFromFen("6r1/8/2k5/8/8/8/8/R3K2R w KQ - 0 1"), "e1g1"));
  // A rook on b8 attacks b1, which only the rook crosses: queenside is fine.
  Position b_attacked = PositionFromFen("1r6/8/2k5/8/8/8/8/R3K2R w KQ - 0 1");
  EXPECT_TRUE(HasMove(b_attacked, "e1c1"));
  EXPECT_TRUE(HasMove(b_attacked, "e1g1"));
}

TEST(ChessMovegenTest, EnPassantOnlyRightAfterTheDoublePush) {
  // 1. e4 a6 2. e5 d5: exd6 is possible now...
  Position p = Position::Initial();
  for (const char* move : {"e4", "a6", "e5", "d5"}) p = After(p, move);
  EXPECT_EQ(p.en_passant(), MakeSquare(3, 5));
  ASSERT_TRUE(HasMove(p, "e5d6"));
  Position taken = After(p, "exd6");
  EXPECT_EQ(taken.at(MakeSquare(3, 5)), MakePiece(Color::kWhite, kPawn));
  EXPECT_EQ(taken.at(MakeSquare(3, 4)), kEmpty);  // the d5 pawn is gone
  EXPECT_EQ(taken.halfmove_clock(), 0u);
  // ...but not a move later.
  Position later = After(After(p, "Nf3"), "Nf6");
  EXPECT_EQ(later.en_passant(), kNoSquare);
  EXPECT_FALSE(HasMove(later, "e5d6"));
}

TEST(ChessMovegenTest, EnPassantThatExposesTheKingIsIllegal) {
  // Both pawns leave the fifth rank, opening it for the rook on h5.
  Position p = PositionFromFen("8/8/8/K2pP2r/8/8/8/7k w - d6 0 1");
  EXPECT_FALSE(HasMove(p, "e5d6"));
  EXPECT_TRUE(HasMove(p, "e5e6"));
}

TEST(ChessMovegenTest, PromotionToEachPiece) {
  Position p = PositionFromFen("1n2k3/P7/8/8/8/8/8/4K3 w - - 0 1");
  for (const char* uci : {"a7a8q", "a7a8r", "a7a8b", "a7a8n", "a7b8q", "a7b8r", "a7b8b", "a7b8n"}) {
    EXPECT_TRUE(HasMove(p, uci)) << uci;
  }
  EXPECT_FALSE(HasMove(p, "a7a8"));  // a pawn on the last rank must promote
  EXPECT_EQ(After(p, "a7a8n").at(MakeSquare(0, 7)), MakePiece(Color::kWhite, kKnight));
  EXPECT_EQ(After(p, "a7b8r").at(MakeSquare(1, 7)), MakePiece(Color::kWhite, kRook));
}

TEST(ChessMovegenTest, ChecksMustBeAnswered) {
  // The rook on e8 checks; only king moves and the block on e2 remain.
  Position p = PositionFromFen("4r2k/8/8/8/8/8/3B4/4K3 w - - 0 1");
  ASSERT_TRUE(p.InCheck());
  MoveList moves = LegalMoves(p);
  std::vector<std::string> ucis;
  for (const Move& move : moves) ucis.push_back(FormatUci(move));
  std::sort(ucis.begin(), ucis.end());
  EXPECT_EQ(ucis, (std::vector<std::string>{"d2e3", "e1d1", "e1f1", "e1f2"}));
}

TEST(ChessMovegenTest, PinnedPieceMayMoveOnlyAlongThePin) {
  // The rook on e2 is pinned by the rook on e8: it may slide on the e-file.
  Position p = PositionFromFen("4r2k/8/8/8/8/8/4R3/4K3 w - - 0 1");
  EXPECT_TRUE(HasMove(p, "e2e5"));
  EXPECT_TRUE(HasMove(p, "e2e8"));
  EXPECT_FALSE(HasMove(p, "e2d2"));
}

TEST(ChessMovegenTest, MovingUpdatesCountersAndSide) {
  Position p = Position::Initial();
  Position e4 = After(p, "e4");
  EXPECT_EQ(e4.side_to_move(), Color::kBlack);
  EXPECT_EQ(e4.en_passant(), MakeSquare(4, 2));
  EXPECT_EQ(e4.fullmove_number(), 1u);
  Position nf6 = After(e4, "Nf6");
  EXPECT_EQ(nf6.halfmove_clock(), 1u);
  EXPECT_EQ(nf6.fullmove_number(), 2u);
  EXPECT_EQ(nf6.en_passant(), kNoSquare);
}

// Plays every move to `depth` plies and checks that unmaking restores the
// position exactly, fields and king squares included.
void CheckUnmake(Position& position, int depth, int& checked) {
  if (depth == 0) return;
  MoveList moves = LegalMoves(position);
  for (const Move& move : moves) {
    const Position before = position;
    Undo undo = position.MakeMove(move);
    CheckUnmake(position, depth - 1, checked);
    position.UnmakeMove(move, undo);
    ASSERT_EQ(position, before) << FormatUci(move);
    ++checked;
  }
}

TEST(ChessMovegenTest, UnmakeRestoresEveryPosition) {
  for (const char* fen : {"r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
                          "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1",
                          "8/8/8/K2pP2r/8/8/8/7k w - d6 0 1"}) {
    Position position = PositionFromFen(fen);
    int checked = 0;
    CheckUnmake(position, 3, checked);
    EXPECT_GT(checked, 0) << fen;
  }
}

TEST(ChessMovegenTest, IsAttackedSeesEveryPieceKind) {
  Position p = PositionFromFen("4k3/8/8/3p4/8/6n1/8/4K1Rb w - - 0 1");
  EXPECT_TRUE(p.IsAttacked(MakeSquare(2, 3), Color::kBlack));   // c4 by the d5 pawn
  EXPECT_FALSE(p.IsAttacked(MakeSquare(3, 3), Color::kBlack));  // d4: pawns take diagonally
  EXPECT_TRUE(p.IsAttacked(MakeSquare(4, 1), Color::kBlack));   // e2 by the g3 knight
  EXPECT_TRUE(p.IsAttacked(MakeSquare(3, 6), Color::kBlack));   // d7 by the king
  EXPECT_TRUE(p.IsAttacked(MakeSquare(6, 1), Color::kBlack));   // g2 by the h1 bishop
  EXPECT_TRUE(p.IsAttacked(MakeSquare(6, 2), Color::kWhite));   // g3 by the g1 rook
  EXPECT_FALSE(p.IsAttacked(MakeSquare(6, 3), Color::kWhite));  // g4: behind the knight
  EXPECT_FALSE(p.IsAttacked(MakeSquare(7, 1), Color::kWhite));  // h2: rooks go straight
  EXPECT_TRUE(p.IsAttacked(MakeSquare(3, 1), Color::kWhite));   // d2 by the king
}

}  // namespace
}  // namespace parley::apps::chess
