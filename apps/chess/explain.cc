#include "chess/explain.h"

#include "chess/movegen.h"

namespace parley::apps::chess {

namespace {

std::string PieceOn(const Position& p, Square s) {
  Piece piece = p.at(s);
  return std::string("the ") + ColorName(ColorOf(piece)) + " " + PieceTypeName(TypeOf(piece)) +
         " on " + SquareName(s);
}

// A king two files from its start square on its own back rank: a castling
// attempt.
bool IsCastlingAttempt(const Position& p, Square from, Square to) {
  Color us = p.side_to_move();
  int back_rank = us == Color::kWhite ? 0 : 7;
  return p.at(from) == MakePiece(us, kKing) && from == MakeSquare(4, back_rank) &&
         RankOf(to) == back_rank && (FileOf(to) == 6 || FileOf(to) == 2);
}

std::string WhyNoCastling(const Position& p, Square from, Square to) {
  Color us = p.side_to_move();
  Color them = Opponent(us);
  bool kingside = FileOf(to) == 6;
  std::string wing = kingside ? "kingside" : "queenside";
  uint8_t right = us == Color::kWhite ? (kingside ? kWhiteKingside : kWhiteQueenside)
                                      : (kingside ? kBlackKingside : kBlackQueenside);
  if ((p.castling() & right) == 0) {
    return std::string(ColorName(us)) + " may no longer castle " + wing +
           " (the king or that rook has moved or been captured)";
  }
  int step = kingside ? 1 : -1;
  Square rook = MakeSquare(kingside ? 7 : 0, RankOf(from));
  for (int s = from + step; s != rook; s += step) {
    if (p.at(s) != kEmpty) {
      return "cannot castle " + wing + ": " + SquareName(static_cast<Square>(s)) +
             " between king and rook is occupied";
    }
  }
  if (p.InCheck()) return "cannot castle out of check";
  Square passed = static_cast<Square>(from + step);
  if (p.IsAttacked(passed, them)) {
    return "cannot castle through check: " + SquareName(passed) + " is attacked";
  }
  return "cannot castle into check: " + SquareName(to) + " is attacked";
}

}  // namespace

std::string WhyIllegal(const Position& position, Square from, Square to, PieceType promotion) {
  Color us = position.side_to_move();
  Piece piece = position.at(from);
  if (piece == kEmpty) return "there is no piece on " + SquareName(from);
  if (ColorOf(piece) != us) {
    return PieceOn(position, from) + " is not " + ColorName(us) + "'s, and " + ColorName(us) +
           " is to move";
  }
  if (IsCastlingAttempt(position, from, to)) return WhyNoCastling(position, from, to);

  MoveList pseudo;
  GeneratePseudoLegalMoves(position, pseudo);
  bool reaches = false;
  bool promotes = false;
  for (const Move& move : pseudo) {
    if (move.from != from || move.to != to) continue;
    reaches = true;
    promotes = move.promotion != kNoPieceType;
  }
  if (!reaches) return PieceOn(position, from) + " cannot move to " + SquareName(to);
  if (promotes && promotion == kNoPieceType) {
    return "a pawn reaching " + SquareName(to) + " must promote to a queen, rook, bishop or knight";
  }
  if (!promotes && promotion != kNoPieceType) {
    return "only a pawn reaching the last rank promotes";
  }
  std::string king = std::string("the ") + ColorName(us) + " king";
  if (position.InCheck()) return king + " is in check, and this move does not end the check";
  if (TypeOf(piece) == kKing) return king + " would move into check on " + SquareName(to);
  return "it would leave " + king + " in check (" + PieceOn(position, from) + " is pinned)";
}

}  // namespace parley::apps::chess
