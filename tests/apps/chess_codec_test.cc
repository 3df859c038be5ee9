// The app_data encoding of a game (apps/chess/game_codec.h): round trips,
// the documented layout, and refusal of every malformed or inconsistent
// encoding with a reason.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chess/game_codec.h"
#include "chess/position_key.h"
#include "chess_test_helpers.h"
#include "testing/status_matchers.h"

namespace parley::apps::chess {
namespace {

// Byte offsets of the layout in game_codec.h.
constexpr size_t kSideOffset = 33;
constexpr size_t kEnPassantOffset = 35;
constexpr size_t kHalfmoveOffset = 36;
constexpr size_t kStatusOffset = 44;
constexpr size_t kResultOffset = 45;
constexpr size_t kOfferOffset = 46;
constexpr size_t kHistoryCountOffset = 47;
constexpr size_t kFirstKeyOffset = 51;

void ExpectRefused(const Bytes& bytes, const std::string& reason) {
  auto game = DecodeGame(bytes);
  ASSERT_FALSE(game.ok()) << "accepted; wanted: " << reason;
  EXPECT_EQ(game.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(game.status().message().rfind("chess app_data: ", 0), 0u) << game.status().message();
  EXPECT_NE(game.status().message().find(reason), std::string::npos)
      << "gave: " << game.status().message() << "\nwant: " << reason;
}

std::vector<Game> SampleGames() {
  std::vector<Game> games;
  Game game = Game::Start(Position::Initial());
  games.push_back(game);
  EXPECT_TRUE(PlayMoves(game, {"e4", "c5", "Nf3"}));
  games.push_back(game);
  EXPECT_OK(game.OfferDraw(Color::kWhite));
  games.push_back(game);
  Game accepted = game;
  EXPECT_OK(accepted.AcceptDraw(Color::kBlack));
  games.push_back(accepted);
  Game mate = Game::Start(Position::Initial());
  EXPECT_TRUE(PlayMoves(mate, {"f3", "e5", "g4", "Qh4#"}));
  games.push_back(mate);
  Game resigned = Game::Start(Position::Initial());
  EXPECT_OK(resigned.Resign(Color::kWhite));
  games.push_back(resigned);
  // En passant available, and castling rights partly gone.
  Game ep = Game::Start(PositionFromFen("r3k2r/8/8/3pP3/8/8/8/R3K2R w Kq d6 0 30"));
  games.push_back(ep);
  return games;
}

TEST(ChessCodecTest, RoundTrips) {
  for (const Game& game : SampleGames()) {
    Bytes bytes = EncodeGame(game);
    auto decoded = DecodeGame(bytes);
    ASSERT_TRUE(decoded.ok()) << game.Fen() << ": " << decoded.status().ToString();
    EXPECT_EQ(*decoded, game) << game.Fen();
    EXPECT_EQ(EncodeGame(*decoded), bytes);
  }
}

TEST(ChessCodecTest, LayoutOfTheStartPosition) {
  Bytes bytes = EncodeGame(Game::Start(Position::Initial()));
  ASSERT_EQ(bytes.size(), kFirstKeyOffset + 34);
  EXPECT_EQ(bytes[0], kGameFormatVersion);
  // a1 rook (4) and b1 knight (2) share the first byte; a8 rook (12) and
  // b8 knight (10) the 29th.
  EXPECT_EQ(bytes[1], 0x42);
  EXPECT_EQ(bytes[1 + 28], 0xca);
  EXPECT_EQ(bytes[kSideOffset], 0);
  EXPECT_EQ(bytes[kSideOffset + 1], 15);  // KQkq
  EXPECT_EQ(bytes[kEnPassantOffset], 0xff);
  EXPECT_EQ(bytes[kHalfmoveOffset + 3], 0);
  EXPECT_EQ(bytes[kHalfmoveOffset + 7], 1);  // fullmove number 1
  EXPECT_EQ(bytes[kStatusOffset], 0);
  EXPECT_EQ(bytes[kHistoryCountOffset + 3], 1);
}

TEST(ChessCodecTest, RefusesTruncatedTrailingAndUnknownVersions) {
  Bytes good = EncodeGame(Game::Start(Position::Initial()));
  ExpectRefused({}, "truncated");
  ExpectRefused(Bytes(good.begin(), good.end() - 1), "truncated");
  Bytes trailing = good;
  trailing.push_back(0);
  ExpectRefused(trailing, "trailing");
  Bytes v2 = good;
  v2[0] = 2;
  ExpectRefused(v2, "format version 2 is unknown; this build reads version 1");
}

TEST(ChessCodecTest, RefusesBadFields) {
  const Bytes good = EncodeGame(Game::Start(Position::Initial()));
  auto with = [&](size_t offset, uint8_t value) {
    Bytes bytes = good;
    bytes[offset] = value;
    return bytes;
  };
  ExpectRefused(with(1 + 10, 0x70), "holds the unknown piece code 7");  // e3 on the packed board
  ExpectRefused(with(1, 0x02), "castling right 'Q' needs the white king on e1 and a white rook");
  ExpectRefused(with(kSideOffset, 2), "the side to move is 2 (0 white, 1 black)");
  ExpectRefused(with(kSideOffset + 1, 0x1f), "unknown castling right bits 31");
  ExpectRefused(with(kEnPassantOffset, 64), "the en-passant square is 64");
  ExpectRefused(with(kEnPassantOffset, 20), "the en-passant square e3 must be on rank 6");
  ExpectRefused(with(kStatusOffset, 8), "the game status 8 is unknown");
  ExpectRefused(with(kResultOffset, 4), "the game result 4 is unknown");
  ExpectRefused(with(kOfferOffset, 3), "the draw offer is 3");
  Bytes no_history = with(kHistoryCountOffset + 3, 0);
  no_history.resize(kFirstKeyOffset);
  ExpectRefused(no_history, "the repetition history holds 0 positions");
  ExpectRefused(with(kHistoryCountOffset + 3, 102), "at most 101");
  ExpectRefused(with(kFirstKeyOffset + 33, 4), "does not end with the position");
}

TEST(ChessCodecTest, RefusesAStatusTheRulesContradict) {
  const Bytes good = EncodeGame(Game::Start(Position::Initial()));
  Bytes mate = good;
  mate[kStatusOffset] = static_cast<uint8_t>(GameStatus::kCheckmate);
  mate[kResultOffset] = static_cast<uint8_t>(GameResult::kBlackWins);
  ExpectRefused(mate, "recorded as 'checkmate' (0-1), but the rules let it go on");
  Bytes no_result = good;
  no_result[kStatusOffset] = static_cast<uint8_t>(GameStatus::kResignation);
  ExpectRefused(no_result, "recorded as 'resignation' (*)");
  Bytes draw_won = good;
  draw_won[kStatusOffset] = static_cast<uint8_t>(GameStatus::kDrawAgreed);
  draw_won[kResultOffset] = static_cast<uint8_t>(GameResult::kWhiteWins);
  ExpectRefused(draw_won, "recorded as 'draw agreed' (1-0)");

  // A checkmate recorded as going on.
  Game mated = Game::Start(Position::Initial());
  ASSERT_TRUE(PlayMoves(mated, {"f3", "e5", "g4", "Qh4#"}));
  Bytes ongoing = EncodeGame(mated);
  ongoing[kStatusOffset] = 0;
  ongoing[kResultOffset] = 0;
  ExpectRefused(ongoing, "recorded as 'ongoing' (*), but the rules say 'checkmate' (0-1)");
  Bytes offer_after_end = EncodeGame(mated);
  offer_after_end[kOfferOffset] = 1;
  ExpectRefused(offer_after_end, "a draw offer is recorded in a game that is over");
}

TEST(ChessCodecTest, RefusesAHistoryLongerThanTheClockAllows) {
  // After 1. Nf3 the halfmove clock is 1: at most 2 positions.
  Game game = Game::Start(Position::Initial());
  ASSERT_TRUE(PlayMoves(game, {"Nf3"}));
  Bytes bytes = EncodeGame(game);
  ASSERT_EQ(bytes[kHistoryCountOffset + 3], 2);
  PositionKey first;
  std::copy(bytes.begin() + kFirstKeyOffset, bytes.begin() + kFirstKeyOffset + 34, first.begin());
  bytes[kHistoryCountOffset + 3] = 3;
  bytes.insert(bytes.begin() + kFirstKeyOffset, first.begin(), first.end());
  ExpectRefused(bytes,
                "the repetition history holds 3 positions; with a halfmove clock of 1 it "
                "holds 1 to 2");
}

}  // namespace
}  // namespace parley::apps::chess
