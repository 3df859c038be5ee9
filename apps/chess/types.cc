#include "chess/types.h"

#include <cctype>

namespace parley::apps::chess {

const char* PieceTypeName(PieceType t) {
  switch (t) {
    case kPawn:
      return "pawn";
    case kKnight:
      return "knight";
    case kBishop:
      return "bishop";
    case kRook:
      return "rook";
    case kQueen:
      return "queen";
    case kKing:
      return "king";
    case kNoPieceType:
      break;
  }
  return "nothing";
}

char PieceLetter(Piece p) {
  static constexpr char kLetters[] = "?PNBRQK?";  // by type; 0 and 7 are no piece
  char letter = kLetters[TypeOf(p)];
  return ColorOf(p) == Color::kBlack ? static_cast<char>(std::tolower(letter)) : letter;
}

std::string SquareName(Square s) {
  if (!OnBoard(s)) return "-";
  return {static_cast<char>('a' + FileOf(s)), static_cast<char>('1' + RankOf(s))};
}

}  // namespace parley::apps::chess
