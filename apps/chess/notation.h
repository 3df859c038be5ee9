// Moves as text: UCI ("e2e4", "e7e8q", "e1g1" for castling) and SAN
// ("e4", "Nf3", "exd5", "O-O", "e8=Q+", "Nbd7", "R1a3").
#pragma once

#include <string>
#include <string_view>

#include "chess/board.h"
#include "chess/types.h"
#include "parley/util/status.h"

namespace parley::apps::chess {

// "e2e4", "e7e8q".
std::string FormatUci(const Move& move);

// The legal move `text` names in UCI. InvalidArgument starting "malformed
// UCI move" when the text is not two squares and an optional promotion
// letter (q, r, b, n), or "illegal move" with the reason when the position
// does not allow it.
Result<Move> ParseUci(const Position& position, std::string_view text);

// The SAN of the legal `move` in `position`, with "+" or "#" when it gives
// check or mate, and only as much disambiguation as needed.
std::string FormatSan(const Position& position, const Move& move);

// The legal move `text` names in SAN. Accepts "0-0" for "O-O", "=" before a
// promotion letter may be left out, a trailing "+" or "#" and up to two "!"
// or "?" are ignored (not checked), and "x" may be left out of piece
// captures. InvalidArgument starting "malformed SAN move", "illegal move" or
// "ambiguous move", with the reason, otherwise.
Result<Move> ParseSan(const Position& position, std::string_view text);

// UCI when `text` (without surrounding spaces) has its shape: a file, a
// rank, a file, a rank and perhaps a letter, e.g. "e2e4" or "e7e8q"; SAN
// otherwise.
Result<Move> ParseMove(const Position& position, std::string_view text);

}  // namespace parley::apps::chess
