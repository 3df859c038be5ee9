// UCI and SAN (apps/chess/notation.h): formatting, parsing with
// disambiguation, castling, promotion and en passant, and refusals of
// malformed, illegal and ambiguous moves with the reason.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chess/movegen.h"
#include "chess/notation.h"
#include "chess_test_helpers.h"

namespace parley::apps::chess {
namespace {

// Expects `text` to be refused in `fen` with a message containing `reason`.
void ExpectRefused(const char* fen, const std::string& text, const std::string& reason) {
  Position position = PositionFromFen(fen);
  const Position before = position;
  auto move = ParseMove(position, text);
  ASSERT_FALSE(move.ok()) << "'" << text << "' was accepted in " << fen;
  EXPECT_EQ(move.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(move.status().message().find(reason), std::string::npos)
      << "'" << text << "'\n  gave: " << move.status().message() << "\n  want: " << reason;
  EXPECT_EQ(position, before);
}

// Expects `text` to name the move `uci` in `fen`, and `uci` to format as
// `san` there.
void ExpectMove(const char* fen, const std::string& text, const std::string& uci,
                const std::string& san) {
  Position position = PositionFromFen(fen);
  auto move = ParseMove(position, text);
  ASSERT_TRUE(move.ok()) << text << ": " << move.status().ToString();
  EXPECT_EQ(FormatUci(*move), uci) << text;
  EXPECT_EQ(FormatSan(position, *move), san) << text;
}

TEST(ChessNotationTest, OpeningMovesInBothNotations) {
  ExpectMove(kInitialFen, "e4", "e2e4", "e4");
  ExpectMove(kInitialFen, "e2e4", "e2e4", "e4");
  ExpectMove(kInitialFen, "Nf3", "g1f3", "Nf3");
  ExpectMove(kInitialFen, "g1f3", "g1f3", "Nf3");
  ExpectMove(kInitialFen, " e3 ", "e2e3", "e3");
}

TEST(ChessNotationTest, SanRoundTripsForEveryLegalMove) {
  for (const char* fen :
       {kInitialFen, "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
        "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1",
        "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1R1K b kq - 1 1"}) {
    Position position = PositionFromFen(fen);
    for (const Move& move : LegalMoves(position)) {
      std::string san = FormatSan(position, move);
      auto parsed = ParseSan(position, san);
      ASSERT_TRUE(parsed.ok()) << san << ": " << parsed.status().ToString();
      EXPECT_EQ(*parsed, move) << san;
      auto uci = ParseUci(position, FormatUci(move));
      ASSERT_TRUE(uci.ok()) << uci.status().ToString();
      EXPECT_EQ(*uci, move);
    }
  }
}

TEST(ChessNotationTest, CastlingBothWays) {
  const char* fen = "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1";
  ExpectMove(fen, "O-O", "e1g1", "O-O");
  ExpectMove(fen, "0-0", "e1g1", "O-O");
  ExpectMove(fen, "e1g1", "e1g1", "O-O");
  ExpectMove(fen, "O-O-O", "e1c1", "O-O-O");
  ExpectMove(fen, "0-0-0", "e1c1", "O-O-O");
  ExpectMove(fen, "e1c1", "e1c1", "O-O-O");
  // Black: the king goes to c8, the rook to d8.
  ExpectMove("r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1", "O-O-O", "e8c8", "O-O-O");
  // A king step of one square is not castling.
  ExpectMove(fen, "Kf1", "e1f1", "Kf1");
}

TEST(ChessNotationTest, CastlingWithCheck) {
  // After O-O the rook on f1 checks the king on f8.
  ExpectMove("5k2/8/8/8/8/8/8/4K2R w K - 0 1", "O-O+", "e1g1", "O-O+");
}

TEST(ChessNotationTest, PromotionWithAndWithoutEquals) {
  // Black king on h5: a queen on e8 checks it along the diagonal.
  const char* fen = "8/4P3/8/7k/8/8/8/4K3 w - - 0 1";
  ExpectMove(fen, "e8=Q+", "e7e8q", "e8=Q+");
  ExpectMove(fen, "e8=Q", "e7e8q", "e8=Q+");
  ExpectMove(fen, "e8Q", "e7e8q", "e8=Q+");
  ExpectMove(fen, "e7e8q", "e7e8q", "e8=Q+");
  ExpectMove(fen, "e8=N", "e7e8n", "e8=N");
  ExpectMove(fen, "e8=R", "e7e8r", "e8=R");
  ExpectMove(fen, "e7e8b", "e7e8b", "e8=B+");
}

TEST(ChessNotationTest, CapturePromotion) {
  ExpectMove("3r3k/4P3/8/8/8/8/8/4K3 w - - 0 1", "exd8=Q+", "e7d8q", "exd8=Q+");
  ExpectMove("3r3k/4P3/8/8/8/8/8/4K3 w - - 0 1", "e7d8n", "e7d8n", "exd8=N");
}

TEST(ChessNotationTest, EnPassant) {
  const char* fen = "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3";
  ExpectMove(fen, "exf6", "e5f6", "exf6");
  ExpectMove(fen, "e5f6", "e5f6", "exf6");
  // d6 was skipped two moves ago: no longer capturable.
  ExpectRefused(fen, "exd6", "no white pawn on the e-file can capture on d6");
}

TEST(ChessNotationTest, DisambiguationByFile) {
  // Knights on b8 and f6 can both go to d7.
  const char* fen = "1n2k3/8/5n2/8/8/8/8/4K3 b - - 0 1";
  ExpectMove(fen, "Nbd7", "b8d7", "Nbd7");
  ExpectMove(fen, "Nfd7", "f6d7", "Nfd7");
  ExpectMove(fen, "Nb8d7", "b8d7", "Nbd7");
  ExpectMove(fen, "Nc6", "b8c6", "Nc6");  // only one knight reaches c6
}

TEST(ChessNotationTest, DisambiguationByRank) {
  // Rooks on a1 and a5 can both go to a3.
  const char* fen = "4k3/8/8/R7/8/8/8/R3K3 w - - 0 1";
  ExpectMove(fen, "R1a3", "a1a3", "R1a3");
  ExpectMove(fen, "R5a3", "a5a3", "R5a3");
  ExpectMove(fen, "Rb1", "a1b1", "Rb1");
}

TEST(ChessNotationTest, DisambiguationByFileAndRank) {
  // Queens on e4, h4 and h1 all reach e1; h4's file and rank are both shared.
  const char* fen = "K7/8/8/8/4Q2Q/k7/8/7Q w - - 0 1";
  ExpectMove(fen, "Qh4e1", "h4e1", "Qh4e1");
  ExpectMove(fen, "Qee1", "e4e1", "Qee1");
  ExpectMove(fen, "Q1e1", "h1e1", "Q1e1");
}

TEST(ChessNotationTest, CapturesAndCheckmate) {
  // Fool's mate: 1. f3 e5 2. g4 Qh4#.
  const char* fen = "rnbqkbnr/pppp1ppp/8/4p3/6P1/5P2/PPPPP2P/RNBQKBNR b KQkq g3 0 2";
  ExpectMove(fen, "Qh4#", "d8h4", "Qh4#");
  ExpectMove(fen, "Qh4", "d8h4", "Qh4#");   // the suffix is not required
  ExpectMove(fen, "Qh4+", "d8h4", "Qh4#");  // nor checked
  ExpectMove("4k3/8/8/3p4/4P3/8/8/4K3 w - - 0 1", "exd5", "e4d5", "exd5");
  ExpectMove("4k3/8/8/3p4/8/8/8/3QK3 w - - 0 1", "Qxd5", "d1d5", "Qxd5");
  ExpectMove("4k3/8/8/3p4/8/8/8/3QK3 w - - 0 1", "Qd5", "d1d5", "Qxd5");  // "x" optional
}

TEST(ChessNotationTest, AnnotationsAreIgnored) {
  ExpectMove(kInitialFen, "e4!", "e2e4", "e4");
  ExpectMove(kInitialFen, "e4!!", "e2e4", "e4");
  ExpectMove(kInitialFen, "Nf3?!", "g1f3", "Nf3");
  ExpectMove(kInitialFen, "Nf3??", "g1f3", "Nf3");
  ExpectMove("5k2/8/8/8/8/8/8/4K2R w K - 0 1", "O-O+!?", "e1g1", "O-O+");
}

TEST(ChessNotationTest, AmbiguousSanIsRefusedWithTheCandidates) {
  ExpectRefused("1n2k3/8/5n2/8/8/8/8/4K3 b - - 0 1", "Nd7",
                "ambiguous move 'Nd7': the knights on b8 and f6 can each move to d7; name the "
                "one you mean, e.g. Nbd7");
  ExpectRefused("K7/8/8/8/4Q2Q/k7/8/7Q w - - 0 1", "Qe1", "the queens on e4, h1 and h4");
  ExpectRefused("K7/8/8/8/4Q2Q/k7/8/7Q w - - 0 1", "Qhe1", "the queens on h1 and h4");
}

TEST(ChessNotationTest, MalformedSanIsRefusedWithAReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "malformed SAN move '': there is no move in it"},
      {"+", "there is no move in it"},
      {"Z4", "starts with a piece letter (N, B, R, Q, K), a pawn's file (a-h)"},
      {"Pe4", "starts with a piece letter"},
      {"Nf", "must end with the destination square"},
      {"Nz3", "must end with the destination square"},
      {"e9", "must end with the destination square"},
      {"N", "must end with the destination square"},
      {"e8=", "must end with the destination square"},
      {"e8=K", "a pawn promotes to Q, R, B or N"},
      {"e8=q", "a pawn promotes to Q, R, B or N, written in capitals"},
      {"Ne8=Q", "only pawns promote"},
      {"Nbbd7", "where the moving piece's file and/or rank belong"},
      {"N!d7", "where the moving piece's file and/or rank belong"},
      {"xe4", "starts with a piece letter"},
      {"e2xd3", "a pawn capture names the pawn's file"},
      {"ee4", "a pawn move names only its destination"},
      {"O-O-O-O", "starts with a piece letter"},
      {"o-o", "starts with a piece letter"},
  };
  for (const auto& [text, reason] : cases) {
    SCOPED_TRACE(text);
    ExpectRefused(kInitialFen, text, reason);
    ExpectRefused(kInitialFen, text, "malformed SAN move '" + text + "': ");
  }
}

TEST(ChessNotationTest, MalformedUciIsRefusedWithAReason) {
  Position position = Position::Initial();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"e2e9", "malformed UCI move 'e2e9': 'e9' is not a square"},
      {"i2i4", "'i2' is not a square"},
      {"e2e4k", "the promotion letter must be q, r, b or n, got 'k'"},
      {"e7e8Q", "the promotion letter must be q, r, b or n, got 'Q'"},
      {"e2", "expected a from-square, a to-square and an optional promotion letter"},
      {"e2e4qq", "expected a from-square"},
  };
  for (const auto& [text, reason] : cases) {
    auto move = ParseUci(position, text);
    ASSERT_FALSE(move.ok()) << text;
    EXPECT_NE(move.status().message().find(reason), std::string::npos)
        << text << "\n  gave: " << move.status().message();
  }
  // ParseMove takes UCI-shaped text as UCI and reports in its terms.
  ExpectRefused(kInitialFen, "e2e9", "malformed UCI move 'e2e9'");
  ExpectRefused(kInitialFen, "a0a1", "malformed UCI move 'a0a1'");
}

TEST(ChessNotationTest, IllegalMovesAreRefusedWithTheReason) {
  ExpectRefused(kInitialFen, "e3e4", "illegal move 'e3e4': there is no piece on e3");
  ExpectRefused(kInitialFen, "e7e5", "the black pawn on e7 is not white's, and white is to move");
  ExpectRefused(kInitialFen, "e2e5", "the white pawn on e2 cannot move to e5");
  ExpectRefused(kInitialFen, "Nf4", "no white knight can move to f4");
  ExpectRefused(kInitialFen, "Nxf3", "there is nothing to capture on f3");
  ExpectRefused(kInitialFen, "Ngf6", "no white knight on the g-file can move to f6");
  ExpectRefused(kInitialFen, "exd3", "no white pawn on the e-file can capture on d3");
  ExpectRefused(kInitialFen, "O-O", "cannot castle kingside: f1 between king and rook is occupied");
}

TEST(ChessNotationTest, MoveIntoCheckIsRefused) {
  // The black rook on d8 controls the d-file.
  ExpectRefused("3rk3/8/8/8/8/8/8/4K3 w - - 0 1", "Kd2",
                "illegal move 'Kd2': the white king would move into check on d2");
  ExpectRefused("3rk3/8/8/8/8/8/8/4K3 w - - 0 1", "e1d1", "would move into check on d1");
}

TEST(ChessNotationTest, PinnedPieceMoveIsRefused) {
  ExpectRefused("4k3/4r3/8/8/8/8/4B3/4K3 w - - 0 1", "Bd3",
                "it would leave the white king in check (the white bishop on e2 is pinned)");
}

TEST(ChessNotationTest, MoveThatIgnoresCheckIsRefused) {
  ExpectRefused("4k3/4r3/8/8/8/8/8/B3K3 w - - 0 1", "Bb2",
                "the white king is in check, and this move does not end the check");
}

TEST(ChessNotationTest, CastlingOutOfCheckIsRefused) {
  ExpectRefused("4r3/8/2k5/8/8/8/8/R3K2R w KQ - 0 1", "O-O",
                "illegal move 'O-O': cannot castle out of check");
  ExpectRefused("4r3/8/2k5/8/8/8/8/R3K2R w KQ - 0 1", "e1c1", "cannot castle out of check");
}

TEST(ChessNotationTest, CastlingThroughCheckIsRefused) {
  ExpectRefused("5r2/8/2k5/8/8/8/8/R3K2R w KQ - 0 1", "O-O",
                "cannot castle through check: f1 is attacked");
  ExpectRefused("3r4/8/2k5/8/8/8/8/R3K2R w KQ - 0 1", "O-O-O",
                "cannot castle through check: d1 is attacked");
}

TEST(ChessNotationTest, CastlingIntoCheckIsRefused) {
  ExpectRefused("6r1/8/2k5/8/8/8/8/R3K2R w KQ - 0 1", "O-O",
                "cannot castle into check: g1 is attacked");
  ExpectRefused("2r5/8/3k4/8/8/8/8/R3K2R w KQ - 0 1", "e1c1",
                "cannot castle into check: c1 is attacked");
}

TEST(ChessNotationTest, CastlingWithoutTheRightIsRefused) {
  ExpectRefused("4k3/8/8/8/8/8/8/R3K2R w Q - 0 1", "O-O", "white may no longer castle kingside");
  ExpectRefused("4k3/8/8/8/8/8/8/R2K3R w - - 0 1", "O-O-O",
                "white may no longer castle (the king has moved)");
}

TEST(ChessNotationTest, PromotionMistakesAreRefused) {
  ExpectRefused("8/4P3/8/7k/8/8/8/4K3 w - - 0 1", "e8",
                "a pawn reaching e8 must promote: write e8=Q (or =R, =B, =N)");
  ExpectRefused("8/4P3/8/7k/8/8/8/4K3 w - - 0 1", "e7e8",
                "a pawn reaching e8 must promote to a queen, rook, bishop or knight");
  ExpectRefused(kInitialFen, "e4=Q", "only a pawn reaching the last rank promotes");
  ExpectRefused(kInitialFen, "e2e4q", "only a pawn reaching the last rank promotes");
}

}  // namespace
}  // namespace parley::apps::chess
