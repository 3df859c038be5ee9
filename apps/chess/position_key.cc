#include "chess/position_key.h"

#include <algorithm>

#include "chess/movegen.h"

namespace parley::apps::chess {

PackedBoard PackBoard(const Position& position) {
  PackedBoard packed{};
  for (int i = 0; i < 64; ++i) {
    Piece piece = position.at(FromIndex64(i));
    packed[i / 2] |= static_cast<uint8_t>(i % 2 == 0 ? piece << 4 : piece);
  }
  return packed;
}

std::array<Piece, 64> UnpackBoard(const PackedBoard& packed) {
  std::array<Piece, 64> pieces{};
  for (int i = 0; i < 64; ++i) {
    pieces[i] = static_cast<Piece>(i % 2 == 0 ? packed[i / 2] >> 4 : packed[i / 2] & 0x0f);
  }
  return pieces;
}

PositionKey KeyOf(const Position& position) {
  PositionKey key{};
  PackedBoard packed = PackBoard(position);
  std::copy(packed.begin(), packed.end(), key.begin());
  key[32] = static_cast<uint8_t>(Index(position.side_to_move()) << 4 | position.castling());
  MoveList legal = LegalMoves(position);
  bool en_passant = std::any_of(legal.begin(), legal.end(),
                                [](const Move& move) { return (move.flags & kEnPassant) != 0; });
  key[33] = en_passant ? static_cast<uint8_t>(Index64(position.en_passant())) : 0xff;
  return key;
}

}  // namespace parley::apps::chess
