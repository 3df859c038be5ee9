// Helpers shared by the chess tests: positions from FEN and games played
// from move lists.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "chess/fen.h"
#include "chess/game.h"
#include "chess/notation.h"

namespace parley::apps::chess {

// The position of `fen`; a test failure (and the start position) if invalid.
inline Position PositionFromFen(std::string_view fen) {
  auto position = ParseFen(fen);
  EXPECT_TRUE(position.ok()) << fen << ": " << position.status().ToString();
  return position.ok() ? *position : Position::Initial();
}

// The move `text` (UCI or SAN) names in `position`; a test failure (and an
// empty move) if it does not.
inline Move MoveFromText(const Position& position, std::string_view text) {
  auto move = ParseMove(position, text);
  EXPECT_TRUE(move.ok()) << text << ": " << move.status().ToString();
  return move.ok() ? *move : Move{};
}

// Plays `moves` (UCI or SAN) in order; fails at the first that does not play.
inline ::testing::AssertionResult PlayMoves(Game& game,
                                            std::initializer_list<std::string_view> moves) {
  int ply = 0;
  for (std::string_view text : moves) {
    ++ply;
    auto move = ParseMove(game.position(), text);
    if (!move.ok()) {
      return ::testing::AssertionFailure()
             << "ply " << ply << " '" << text << "': " << move.status().ToString();
    }
    Status played = game.Play(*move);
    if (!played.ok()) {
      return ::testing::AssertionFailure()
             << "ply " << ply << " '" << text << "': " << played.ToString();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace parley::apps::chess
