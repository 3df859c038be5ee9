// FEN (Forsyth-Edwards Notation): a position as text, e.g. the start
// "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1".
#pragma once

#include <string>
#include <string_view>

#include "chess/board.h"
#include "parley/util/status.h"

namespace parley::apps::chess {

inline constexpr char kInitialFen[] = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";

// Parses all six fields: placement, side to move (w/b), castling (- or
// letters from KQkq), en passant (- or a square on rank 3 or 6), halfmove
// clock, fullmove number. Fields are separated by spaces. InvalidArgument,
// starting "invalid FEN: " and naming the faulty field, for malformed text
// or a position Position::Create refuses.
Result<Position> ParseFen(std::string_view fen);

// The FEN of `position`, in the form ParseFen reads back: castling letters
// in KQkq order, the en-passant square whenever the last move was a double
// pawn push.
std::string ToFen(const Position& position);

}  // namespace parley::apps::chess
