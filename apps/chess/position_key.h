// Byte forms of a position shared by the repetition rule and the binary
// encoding (game_codec.h).
#pragma once

#include <array>
#include <cstdint>

#include "chess/board.h"

namespace parley::apps::chess {

// The 64 squares a1, b1, ..., h8, two per byte, the first in the high
// nibble; each nibble a piece code (types.h), 0 for an empty square.
using PackedBoard = std::array<uint8_t, 32>;

PackedBoard PackBoard(const Position& position);
// The piece codes of `packed` by Index64; Position::Create checks them.
std::array<Piece, 64> UnpackBoard(const PackedBoard& packed);

// What makes two positions the same for the repetition rule (FIDE 9.2.3):
// the packed board; then side to move (high nibble) and castling rights
// (low nibble); then the en-passant square's Index64, or 0xff when no
// en-passant capture is legal (a skipped square nobody can capture on does
// not count).
using PositionKey = std::array<uint8_t, 34>;

PositionKey KeyOf(const Position& position);

}  // namespace parley::apps::chess
