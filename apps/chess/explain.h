// Why a move is not legal, in words a player can act on.
#pragma once

#include <string>

#include "chess/board.h"
#include "chess/types.h"

namespace parley::apps::chess {

// The reason the side to move cannot move from `from` to `to` (promoting to
// `promotion`, or kNoPieceType) in `position`, e.g. "there is no piece on
// e3", "castling through check is not allowed: f1 is attacked", "the white
// king would be in check". Requires that the move is not legal; `from` and
// `to` are squares on the board.
std::string WhyIllegal(const Position& position, Square from, Square to, PieceType promotion);

}  // namespace parley::apps::chess
