// Perft (apps/chess/perft.h): the move generator against the published
// counts of the Chess Programming Wiki's "Perft Results" page. The deep
// counts (initial position to depth 5, Kiwipete to depth 4) exercise every
// special move thousands of times; each test runs well under a second in a
// RelWithDebInfo build.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "chess/fen.h"
#include "chess/perft.h"
#include "chess_test_helpers.h"

namespace parley::apps::chess {
namespace {

// "Kiwipete": castling both ways, en passant, promotions, pins, checks.
constexpr char kKiwipete[] = "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1";
// Position 3: rook and pawn endgame with en passant and discovered checks.
constexpr char kPosition3[] = "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1";
// Position 4: white in check at the root, promotions with capture.
constexpr char kPosition4[] = "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1";
// Position 4 with colours swapped; the counts must be the same.
constexpr char kPosition4Mirrored[] =
    "r2q1rk1/pP1p2pp/Q4n2/bbp1p3/Np6/1B3NBn/pPPP1PPP/R3K2R b KQ - 0 1";
// Position 5: a promotion that gives check, castling rights of one side.
constexpr char kPosition5[] = "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8";

void ExpectCounts(const char* fen, const std::vector<uint64_t>& counts) {
  Position position = PositionFromFen(fen);
  for (size_t depth = 1; depth <= counts.size(); ++depth) {
    EXPECT_EQ(Perft(position, static_cast<int>(depth)), counts[depth - 1])
        << fen << " at depth " << depth;
  }
}

TEST(ChessPerftTest, DepthZeroIsOneNode) { EXPECT_EQ(Perft(Position::Initial(), 0), 1u); }

TEST(ChessPerftTest, InitialPositionToDepth4) {
  ExpectCounts(kInitialFen, {20, 400, 8902, 197281});
}

TEST(ChessPerftTest, InitialPositionDepth5) { EXPECT_EQ(Perft(Position::Initial(), 5), 4865609u); }

TEST(ChessPerftTest, KiwipeteToDepth3) { ExpectCounts(kKiwipete, {48, 2039, 97862}); }

TEST(ChessPerftTest, KiwipeteDepth4) { EXPECT_EQ(Perft(PositionFromFen(kKiwipete), 4), 4085603u); }

TEST(ChessPerftTest, Position3ToDepth5) {
  ExpectCounts(kPosition3, {14, 191, 2812, 43238, 674624});
}

TEST(ChessPerftTest, Position4ToDepth4) { ExpectCounts(kPosition4, {6, 264, 9467, 422333}); }

TEST(ChessPerftTest, Position4MirroredToDepth4) {
  ExpectCounts(kPosition4Mirrored, {6, 264, 9467, 422333});
}

TEST(ChessPerftTest, Position5ToDepth3) { ExpectCounts(kPosition5, {44, 1486, 62379}); }

}  // namespace
}  // namespace parley::apps::chess
