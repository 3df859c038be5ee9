#include "chess/perft.h"

#include <cassert>

#include "chess/movegen.h"

namespace parley::apps::chess {

namespace {

// Requires depth >= 1. The last ply is counted, not played.
uint64_t CountLeaves(Position& position, int depth) {
  MoveList moves;
  GenerateLegalMoves(position, moves);
  if (depth == 1) return moves.size();
  uint64_t leaves = 0;
  for (const Move& move : moves) {
    Undo undo = position.MakeMove(move);
    leaves += CountLeaves(position, depth - 1);
    position.UnmakeMove(move, undo);
  }
  return leaves;
}

}  // namespace

uint64_t Perft(const Position& position, int depth) {
  assert(depth >= 0);
  if (depth == 0) return 1;
  Position scratch = position;
  return CountLeaves(scratch, depth);
}

}  // namespace parley::apps::chess
