#include "chess/movegen.h"

#include "chess/steps.h"

namespace parley::apps::chess {

namespace {

constexpr PieceType kPromotions[4] = {kQueen, kRook, kBishop, kKnight};

void AddPawnMove(Square from, Square to, uint8_t flags, bool promotes, MoveList& moves) {
  if (!promotes) {
    moves.Add({from, to, kNoPieceType, flags});
    return;
  }
  for (PieceType promotion : kPromotions) moves.Add({from, to, promotion, flags});
}

void AddPawnMoves(const Position& p, Square from, MoveList& moves) {
  Color us = p.side_to_move();
  int forward = us == Color::kWhite ? 16 : -16;
  int start_rank = us == Color::kWhite ? 1 : 6;
  int last_rank = us == Color::kWhite ? 7 : 0;
  int one = from + forward;
  bool promotes = RankOf(static_cast<Square>(one)) == last_rank;
  if (p.at(one) == kEmpty) {
    AddPawnMove(from, one, 0, promotes, moves);
    int two = one + forward;
    if (RankOf(from) == start_rank && p.at(two) == kEmpty) {
      moves.Add({from, static_cast<Square>(two), kNoPieceType, kDoublePush});
    }
  }
  for (int side : {-1, 1}) {
    int to = one + side;
    if (!OnBoard(to)) continue;
    Piece target = p.at(to);
    if (target != kEmpty && ColorOf(target) != us) {
      AddPawnMove(from, to, kCapture, promotes, moves);
    } else if (to == p.en_passant()) {
      moves.Add({from, static_cast<Square>(to), kNoPieceType, kCapture | kEnPassant});
    }
  }
}

// Knights and kings: one step in each direction.
template <size_t N>
void AddStepMoves(const Position& p, Square from, const int (&steps)[N], MoveList& moves) {
  Color us = p.side_to_move();
  for (int step : steps) {
    int to = from + step;
    if (!OnBoard(to)) continue;
    Piece target = p.at(to);
    if (target == kEmpty) {
      moves.Add({from, static_cast<Square>(to), kNoPieceType, 0});
    } else if (ColorOf(target) != us) {
      moves.Add({from, static_cast<Square>(to), kNoPieceType, kCapture});
    }
  }
}

// Bishops, rooks and queens: slides until a piece or the edge.
template <size_t N>
void AddSlideMoves(const Position& p, Square from, const int (&steps)[N], MoveList& moves) {
  Color us = p.side_to_move();
  for (int step : steps) {
    for (int to = from + step; OnBoard(to); to += step) {
      Piece target = p.at(to);
      if (target == kEmpty) {
        moves.Add({from, static_cast<Square>(to), kNoPieceType, 0});
        continue;
      }
      if (ColorOf(target) != us) {
        moves.Add({from, static_cast<Square>(to), kNoPieceType, kCapture});
      }
      break;
    }
  }
}

// Castling needs the right and empty squares between king and rook; whether
// the king passes through check is IsLegal's concern.
void AddCastlingMoves(const Position& p, MoveList& moves) {
  Color us = p.side_to_move();
  bool white = us == Color::kWhite;
  Square king = white ? MakeSquare(4, 0) : MakeSquare(4, 7);
  uint8_t kingside = white ? kWhiteKingside : kBlackKingside;
  uint8_t queenside = white ? kWhiteQueenside : kBlackQueenside;
  if ((p.castling() & kingside) != 0 && p.at(king + 1) == kEmpty && p.at(king + 2) == kEmpty) {
    moves.Add({king, static_cast<Square>(king + 2), kNoPieceType, kCastle});
  }
  if ((p.castling() & queenside) != 0 && p.at(king - 1) == kEmpty && p.at(king - 2) == kEmpty &&
      p.at(king - 3) == kEmpty) {
    moves.Add({king, static_cast<Square>(king - 2), kNoPieceType, kCastle});
  }
}

}  // namespace

void GeneratePseudoLegalMoves(const Position& p, MoveList& moves) {
  Color us = p.side_to_move();
  for (int s = 0; s < 128; ++s) {
    if (!OnBoard(s)) {
      s += 7;  // to the next rank
      continue;
    }
    Piece piece = p.at(s);
    if (piece == kEmpty || ColorOf(piece) != us) continue;
    Square from = static_cast<Square>(s);
    switch (TypeOf(piece)) {
      case kPawn:
        AddPawnMoves(p, from, moves);
        break;
      case kKnight:
        AddStepMoves(p, from, kKnightSteps, moves);
        break;
      case kBishop:
        AddSlideMoves(p, from, kBishopSteps, moves);
        break;
      case kRook:
        AddSlideMoves(p, from, kRookSteps, moves);
        break;
      case kQueen:
        AddSlideMoves(p, from, kBishopSteps, moves);
        AddSlideMoves(p, from, kRookSteps, moves);
        break;
      case kKing:
        AddStepMoves(p, from, kKingSteps, moves);
        break;
      case kNoPieceType:
        break;
    }
  }
  AddCastlingMoves(p, moves);
}

bool IsLegal(Position& position, const Move& move) {
  Color us = position.side_to_move();
  Color them = Opponent(us);
  if ((move.flags & kCastle) != 0) {
    Square passed = static_cast<Square>((move.from + move.to) / 2);
    if (position.InCheck() || position.IsAttacked(passed, them)) return false;
  }
  Undo undo = position.MakeMove(move);
  bool legal = !position.IsAttacked(position.king(us), them);
  position.UnmakeMove(move, undo);
  return legal;
}

void GenerateLegalMoves(Position& position, MoveList& moves) {
  size_t first = moves.size();
  GeneratePseudoLegalMoves(position, moves);
  size_t kept = first;
  for (size_t i = first; i < moves.size(); ++i) {
    if (IsLegal(position, moves[i])) moves[kept++] = moves[i];
  }
  moves.Truncate(kept);
}

MoveList LegalMoves(const Position& position) {
  Position scratch = position;
  MoveList moves;
  GenerateLegalMoves(scratch, moves);
  return moves;
}

}  // namespace parley::apps::chess
