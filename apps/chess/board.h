// Position: the pieces on a 0x88 board, the side to move, castling rights,
// the en-passant square and the move counters, with make/unmake of moves.
//
// A Position is always one that the rules can play from: Create() checks the
// raw fields (from FEN or from bytes) and says what is wrong with them.
#pragma once

#include <array>
#include <cstdint>

#include "chess/types.h"
#include "parley/util/status.h"

namespace parley::apps::chess {

// FEN counters above this are refused: no game is that long, and it keeps
// the counters far from overflow.
inline constexpr uint32_t kMaxMoveCounter = 1'000'000;

// The raw fields of a position, before they are checked.
struct PositionFields {
  std::array<Piece, 64> pieces{};  // by Index64: a1, b1, ..., h8
  Color side_to_move = Color::kWhite;
  uint8_t castling = 0;           // kWhiteKingside | ...
  Square en_passant = kNoSquare;  // the square a pawn skipped on the last move
  uint32_t halfmove_clock = 0;    // half-moves since the last capture or pawn move
  uint32_t fullmove_number = 1;   // starts at 1, grows after each black move
};

// What MakeMove changes that UnmakeMove cannot recompute.
struct Undo {
  Piece captured = kEmpty;
  uint8_t castling = 0;
  Square en_passant = kNoSquare;
  uint32_t halfmove_clock = 0;
};

class Position {
 public:
  // The standard starting position.
  static Position Initial();

  // InvalidArgument, with the reason, unless `fields` is a position the rules
  // can play from: white or black to move, valid piece codes, one king per side, at most 16 pieces
  // per side, no pawn on the first or last rank, the side not to move not in
  // check, castling rights only with king and rook on their squares, an
  // en-passant square only behind a pawn that just advanced two squares, and
  // counters within kMaxMoveCounter (fullmove at least 1).
  static Result<Position> Create(const PositionFields& fields);

  Piece at(Square s) const { return board_[s]; }
  Color side_to_move() const { return side_; }
  uint8_t castling() const { return castling_; }
  Square en_passant() const { return en_passant_; }
  uint32_t halfmove_clock() const { return halfmove_clock_; }
  uint32_t fullmove_number() const { return fullmove_number_; }
  Square king(Color c) const { return kings_[Index(c)]; }

  // True if a piece of colour `by` attacks `target`.
  bool IsAttacked(Square target, Color by) const;
  // True if the side to move is in check.
  bool InCheck() const { return IsAttacked(king(side_), Opponent(side_)); }

  // Plays `move`, which must come from the move generator for this position
  // (pseudo-legal is enough). Returns what UnmakeMove needs to take it back.
  Undo MakeMove(const Move& move);
  // Takes back `move`, the last move made, given MakeMove's result.
  void UnmakeMove(const Move& move, const Undo& undo);

  bool operator==(const Position&) const = default;

 private:
  Position() = default;

  std::array<Piece, 128> board_{};
  Color side_ = Color::kWhite;
  uint8_t castling_ = 0;
  Square en_passant_ = kNoSquare;
  uint32_t halfmove_clock_ = 0;
  uint32_t fullmove_number_ = 1;
  std::array<Square, 2> kings_{};
};

}  // namespace parley::apps::chess
