// The canonical binary encoding of a Game: the chess app's app_data.
//
// Version 1, all integers big-endian (parley/util/codec.h):
//   u8        format version, 1
//   32 bytes  the board, packed (PackedBoard in position_key.h)
//   u8        side to move: 0 white, 1 black
//   u8        castling rights: 1 K, 2 Q, 4 k, 8 q
//   u8        en-passant square (Index64: a1 = 0 ... h8 = 63), 0xff for none
//   u32       halfmove clock
//   u32       fullmove number
//   u8        status (GameStatus)
//   u8        result (GameResult)
//   u8        standing draw offer: 0 none, 1 white's, 2 black's
//   u32       count (1..101), then count PositionKeys of 34 bytes, oldest
//             first: the positions since the last capture or pawn move
// Decoding accepts exactly the bytes EncodeGame produces for some Game.
#pragma once

#include "chess/game.h"
#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::apps::chess {

inline constexpr uint8_t kGameFormatVersion = 1;

Bytes EncodeGame(const Game& game);

// InvalidArgument, starting "chess app_data", for bytes that are truncated,
// of another format version, have trailing bytes, or describe a position or
// game that Position::Create or Game::Restore refuses.
Result<Game> DecodeGame(ByteView bytes);

}  // namespace parley::apps::chess
