// Move generation: pseudo-legal moves (the pieces' own rules) and legal
// moves (those that do not leave the mover's king in check, and castling
// neither out of, through nor into check).
#pragma once

#include <array>
#include <cstddef>

#include "chess/board.h"
#include "chess/types.h"

namespace parley::apps::chess {

// A fixed-capacity list of moves. 512 is above the pseudo-legal moves of any
// position Position::Create accepts: with at most 16 pieces a side, 15
// queens and a king make at most 15 * 27 + 8 = 413.
class MoveList {
 public:
  static constexpr size_t kCapacity = 512;

  void Add(const Move& move) { moves_[size_++] = move; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Move& operator[](size_t i) const { return moves_[i]; }
  Move& operator[](size_t i) { return moves_[i]; }
  const Move* begin() const { return moves_.data(); }
  const Move* end() const { return moves_.data() + size_; }
  // Keeps the first `size` moves.
  void Truncate(size_t size) { size_ = size; }

 private:
  std::array<Move, kCapacity> moves_;
  size_t size_ = 0;
};

// Appends the moves of the side to move that follow the pieces' rules,
// ignoring whether the king is left in check. Castling is included when the
// right stands and the squares between king and rook are empty.
void GeneratePseudoLegalMoves(const Position& position, MoveList& moves);

// True if the pseudo-legal `move` is legal: the mover's king is not in check
// afterwards, and a castling king neither starts nor passes through check.
// `position` is used as scratch space and left as it was.
bool IsLegal(Position& position, const Move& move);

// Appends the legal moves of the side to move. `position` is used as
// scratch space and left as it was.
void GenerateLegalMoves(Position& position, MoveList& moves);

// The legal moves of `position`.
MoveList LegalMoves(const Position& position);

}  // namespace parley::apps::chess
