// The board as text for terminals: Unicode pieces, rank numbers on the left
// and file letters below, white at the bottom (or black, for black's view),
// followed by whose move it is and how the game stands.
#pragma once

#include <string>

#include "chess/game.h"

namespace parley::apps::chess {

std::string BoardText(const Position& position, Color view = Color::kWhite);
// BoardText, then a line such as "white to move", "white to move, check",
// "black offers a draw" or "1-0 checkmate".
std::string GameText(const Game& game, Color view = Color::kWhite);

}  // namespace parley::apps::chess
