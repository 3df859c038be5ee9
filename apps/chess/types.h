// The vocabulary of the chess rules: colours, pieces, squares and moves.
//
// Squares are 0x88 indices (rank * 16 + file, a1 = 0x00, h8 = 0x77): a step
// off the board sets a bit of 0x88, so move generation needs no edge tables.
#pragma once

#include <cstdint>
#include <string>

namespace parley::apps::chess {

enum class Color : uint8_t { kWhite = 0, kBlack = 1 };

inline constexpr Color Opponent(Color c) {
  return c == Color::kWhite ? Color::kBlack : Color::kWhite;
}
inline constexpr int Index(Color c) { return static_cast<int>(c); }
// "white" or "black".
inline const char* ColorName(Color c) { return c == Color::kWhite ? "white" : "black"; }

enum PieceType : uint8_t {
  kNoPieceType = 0,
  kPawn = 1,
  kKnight = 2,
  kBishop = 3,
  kRook = 4,
  kQueen = 5,
  kKing = 6,
};

// A piece is its type with the colour in bit 3: white 1..6, black 9..14. The
// same code is a nibble of the binary encoding (position_key.h).
using Piece = uint8_t;
inline constexpr Piece kEmpty = 0;

inline constexpr Piece MakePiece(Color c, PieceType t) {
  return static_cast<Piece>(t | (Index(c) << 3));
}
inline constexpr PieceType TypeOf(Piece p) { return static_cast<PieceType>(p & 7); }
inline constexpr Color ColorOf(Piece p) { return (p & 8) != 0 ? Color::kBlack : Color::kWhite; }
// True for the codes 1..6 and 9..14.
inline constexpr bool IsValidPiece(Piece p) {
  return (p & 7) >= kPawn && (p & 7) <= kKing && p < 16;
}

// "pawn", "knight", ...
const char* PieceTypeName(PieceType t);
// The FEN letter: PNBRQK for white, pnbrqk for black.
char PieceLetter(Piece p);

using Square = uint8_t;
inline constexpr Square kNoSquare = 0xff;

inline constexpr bool OnBoard(int square) { return (square & 0x88) == 0; }
inline constexpr Square MakeSquare(int file, int rank) {
  return static_cast<Square>(rank * 16 + file);
}
inline constexpr int FileOf(Square s) { return s & 7; }
inline constexpr int RankOf(Square s) { return s >> 4; }
// The square's index in a1, b1, ..., h8 order (0..63), used by encodings.
inline constexpr int Index64(Square s) { return RankOf(s) * 8 + FileOf(s); }
inline constexpr Square FromIndex64(int i) { return MakeSquare(i % 8, i / 8); }
// "e4".
std::string SquareName(Square s);

// Castling rights, one bit each.
inline constexpr uint8_t kWhiteKingside = 1;
inline constexpr uint8_t kWhiteQueenside = 2;
inline constexpr uint8_t kBlackKingside = 4;
inline constexpr uint8_t kBlackQueenside = 8;
inline constexpr uint8_t kAllCastling = 15;

// Move flags, set by the move generator.
inline constexpr uint8_t kCapture = 1;
inline constexpr uint8_t kDoublePush = 2;
inline constexpr uint8_t kEnPassant = 4;  // also has kCapture
inline constexpr uint8_t kCastle = 8;     // from/to are the king's squares

struct Move {
  Square from = kNoSquare;
  Square to = kNoSquare;
  PieceType promotion = kNoPieceType;
  uint8_t flags = 0;

  bool operator==(const Move&) const = default;
};

}  // namespace parley::apps::chess
