// Perft: the number of leaf nodes of the legal move tree to a given depth,
// the standard check of a move generator against published counts.
#pragma once

#include <cstdint>

#include "chess/board.h"

namespace parley::apps::chess {

// The number of move sequences of exactly `depth` plies from `position`
// (1 for depth 0). Requires depth >= 0.
uint64_t Perft(const Position& position, int depth);

}  // namespace parley::apps::chess
