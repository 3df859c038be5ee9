#include "chess/board.h"

#include <string>

#include "chess/steps.h"

namespace parley::apps::chess {

namespace {

constexpr int kMaxPiecesPerSide = 16;

// Castling rights that survive a move from or to each square: moving the
// king or a rook, or capturing a rook on its home square, ends the right.
constexpr std::array<uint8_t, 128> MakeCastlingMasks() {
  std::array<uint8_t, 128> masks{};
  masks.fill(kAllCastling);
  masks[MakeSquare(4, 0)] = kAllCastling & ~(kWhiteKingside | kWhiteQueenside);
  masks[MakeSquare(7, 0)] = kAllCastling & ~kWhiteKingside;
  masks[MakeSquare(0, 0)] = kAllCastling & ~kWhiteQueenside;
  masks[MakeSquare(4, 7)] = kAllCastling & ~(kBlackKingside | kBlackQueenside);
  masks[MakeSquare(7, 7)] = kAllCastling & ~kBlackKingside;
  masks[MakeSquare(0, 7)] = kAllCastling & ~kBlackQueenside;
  return masks;
}
constexpr std::array<uint8_t, 128> kCastlingMasks = MakeCastlingMasks();

// The square of the pawn an en-passant capture to `to` by `mover` removes.
constexpr Square EnPassantVictim(Square to, Color mover) {
  return static_cast<Square>(mover == Color::kWhite ? to - 16 : to + 16);
}

// The rook's squares when the king castles to `king_to`.
struct RookHop {
  Square from;
  Square to;
};
constexpr RookHop CastlingRook(Square king_to) {
  bool kingside = FileOf(king_to) == 6;
  return kingside ? RookHop{static_cast<Square>(king_to + 1), static_cast<Square>(king_to - 1)}
                  : RookHop{static_cast<Square>(king_to - 2), static_cast<Square>(king_to + 1)};
}

Status CheckCastlingRight(const Position& p, uint8_t rights, uint8_t right, Color c, int rook_file,
                          char letter) {
  if ((rights & right) == 0) return Status::Ok();
  int rank = c == Color::kWhite ? 0 : 7;
  Square king = MakeSquare(4, rank);
  Square rook = MakeSquare(rook_file, rank);
  if (p.at(king) != MakePiece(c, kKing) || p.at(rook) != MakePiece(c, kRook)) {
    return Status::InvalidArgument(std::string("castling right '") + letter + "' needs the " +
                                   ColorName(c) + " king on " + SquareName(king) + " and a " +
                                   ColorName(c) + " rook on " + SquareName(rook));
  }
  return Status::Ok();
}

Status CheckEnPassant(const Position& p, Square ep) {
  if (ep == kNoSquare) return Status::Ok();
  Color mover = p.side_to_move();
  Color pusher = Opponent(mover);
  // The pawn went from `origin` over `ep` to `landing`.
  int forward = pusher == Color::kWhite ? 16 : -16;
  int want_rank = pusher == Color::kWhite ? 2 : 5;
  if (!OnBoard(ep) || RankOf(ep) != want_rank) {
    return Status::InvalidArgument("the en-passant square " + SquareName(ep) + " must be on rank " +
                                   std::to_string(want_rank + 1) + " when " + ColorName(mover) +
                                   " is to move");
  }
  Square origin = static_cast<Square>(ep - forward);
  Square landing = static_cast<Square>(ep + forward);
  if (p.at(landing) != MakePiece(pusher, kPawn) || p.at(ep) != kEmpty || p.at(origin) != kEmpty) {
    return Status::InvalidArgument(
        "the en-passant square " + SquareName(ep) + " needs a " + ColorName(pusher) + " pawn on " +
        SquareName(landing) + " that just advanced two squares from " + SquareName(origin) +
        ", with " + SquareName(ep) + " and " + SquareName(origin) + " empty");
  }
  return Status::Ok();
}

}  // namespace

Position Position::Initial() {
  static constexpr PieceType kBackRank[8] = {kRook, kKnight, kBishop, kQueen,
                                             kKing, kBishop, kKnight, kRook};
  Position p;
  for (int file = 0; file < 8; ++file) {
    p.board_[MakeSquare(file, 0)] = MakePiece(Color::kWhite, kBackRank[file]);
    p.board_[MakeSquare(file, 1)] = MakePiece(Color::kWhite, kPawn);
    p.board_[MakeSquare(file, 6)] = MakePiece(Color::kBlack, kPawn);
    p.board_[MakeSquare(file, 7)] = MakePiece(Color::kBlack, kBackRank[file]);
  }
  p.castling_ = kAllCastling;
  p.kings_ = {MakeSquare(4, 0), MakeSquare(4, 7)};
  return p;
}

Result<Position> Position::Create(const PositionFields& fields) {
  Position p;
  int kings[2] = {0, 0};
  int pieces[2] = {0, 0};
  for (int i = 0; i < 64; ++i) {
    Piece piece = fields.pieces[i];
    if (piece == kEmpty) continue;
    Square s = FromIndex64(i);
    if (!IsValidPiece(piece)) {
      return Status::InvalidArgument("square " + SquareName(s) + " holds the unknown piece code " +
                                     std::to_string(piece));
    }
    Color c = ColorOf(piece);
    if (TypeOf(piece) == kPawn && (RankOf(s) == 0 || RankOf(s) == 7)) {
      return Status::InvalidArgument(std::string("a ") + ColorName(c) + " pawn stands on " +
                                     SquareName(s) +
                                     "; pawns never stand on the first or last rank");
    }
    if (TypeOf(piece) == kKing) {
      ++kings[Index(c)];
      p.kings_[Index(c)] = s;
    }
    ++pieces[Index(c)];
    p.board_[s] = piece;
  }
  for (Color c : {Color::kWhite, Color::kBlack}) {
    if (kings[Index(c)] != 1) {
      return Status::InvalidArgument(std::string("the position needs exactly one ") + ColorName(c) +
                                     " king, found " + std::to_string(kings[Index(c)]));
    }
    if (pieces[Index(c)] > kMaxPiecesPerSide) {
      return Status::InvalidArgument(std::string(ColorName(c)) + " has " +
                                     std::to_string(pieces[Index(c)]) +
                                     " pieces; a side has at most 16");
    }
  }
  if (fields.side_to_move != Color::kWhite && fields.side_to_move != Color::kBlack) {
    return Status::InvalidArgument("the side to move must be white or black");
  }
  p.side_ = fields.side_to_move;
  if ((fields.castling & ~kAllCastling) != 0) {
    return Status::InvalidArgument("unknown castling right bits " +
                                   std::to_string(fields.castling));
  }
  PARLEY_RETURN_IF_ERROR(
      CheckCastlingRight(p, fields.castling, kWhiteKingside, Color::kWhite, 7, 'K'));
  PARLEY_RETURN_IF_ERROR(
      CheckCastlingRight(p, fields.castling, kWhiteQueenside, Color::kWhite, 0, 'Q'));
  PARLEY_RETURN_IF_ERROR(
      CheckCastlingRight(p, fields.castling, kBlackKingside, Color::kBlack, 7, 'k'));
  PARLEY_RETURN_IF_ERROR(
      CheckCastlingRight(p, fields.castling, kBlackQueenside, Color::kBlack, 0, 'q'));
  p.castling_ = fields.castling;
  PARLEY_RETURN_IF_ERROR(CheckEnPassant(p, fields.en_passant));
  p.en_passant_ = fields.en_passant;
  Color waiting = Opponent(p.side_);
  if (p.IsAttacked(p.king(waiting), p.side_)) {
    return Status::InvalidArgument(std::string("the side not to move (") + ColorName(waiting) +
                                   ") is in check, so the position cannot arise");
  }
  if (fields.halfmove_clock > kMaxMoveCounter) {
    return Status::InvalidArgument("the halfmove clock " + std::to_string(fields.halfmove_clock) +
                                   " is above " + std::to_string(kMaxMoveCounter));
  }
  if (fields.fullmove_number < 1 || fields.fullmove_number > kMaxMoveCounter) {
    return Status::InvalidArgument("the fullmove number " + std::to_string(fields.fullmove_number) +
                                   " is not within 1.." + std::to_string(kMaxMoveCounter));
  }
  p.halfmove_clock_ = fields.halfmove_clock;
  p.fullmove_number_ = fields.fullmove_number;
  return p;
}

bool Position::IsAttacked(Square target, Color by) const {
  // A pawn attacks diagonally forward, so look diagonally backward for one.
  int back = by == Color::kWhite ? -16 : 16;
  Piece pawn = MakePiece(by, kPawn);
  for (int side : {-1, 1}) {
    int s = target + back + side;
    if (OnBoard(s) && board_[s] == pawn) return true;
  }
  Piece knight = MakePiece(by, kKnight);
  for (int step : kKnightSteps) {
    int s = target + step;
    if (OnBoard(s) && board_[s] == knight) return true;
  }
  Piece king = MakePiece(by, kKing);
  for (int step : kKingSteps) {
    int s = target + step;
    if (OnBoard(s) && board_[s] == king) return true;
  }
  Piece queen = MakePiece(by, kQueen);
  auto slider_hits = [&](const auto& steps, Piece slider) {
    for (int step : steps) {
      for (int s = target + step; OnBoard(s); s += step) {
        if (board_[s] == kEmpty) continue;
        if (board_[s] == slider || board_[s] == queen) return true;
        break;
      }
    }
    return false;
  };
  return slider_hits(kBishopSteps, MakePiece(by, kBishop)) ||
         slider_hits(kRookSteps, MakePiece(by, kRook));
}

Undo Position::MakeMove(const Move& move) {
  Undo undo{board_[move.to], castling_, en_passant_, halfmove_clock_};
  Piece piece = board_[move.from];
  board_[move.from] = kEmpty;
  board_[move.to] = move.promotion != kNoPieceType ? MakePiece(side_, move.promotion) : piece;
  if ((move.flags & kEnPassant) != 0) {
    Square victim = EnPassantVictim(move.to, side_);
    undo.captured = board_[victim];
    board_[victim] = kEmpty;
  }
  if ((move.flags & kCastle) != 0) {
    RookHop rook = CastlingRook(move.to);
    board_[rook.to] = board_[rook.from];
    board_[rook.from] = kEmpty;
  }
  if (TypeOf(piece) == kKing) kings_[Index(side_)] = move.to;
  castling_ &= kCastlingMasks[move.from] & kCastlingMasks[move.to];
  en_passant_ =
      (move.flags & kDoublePush) != 0 ? static_cast<Square>((move.from + move.to) / 2) : kNoSquare;
  halfmove_clock_ = TypeOf(piece) == kPawn || undo.captured != kEmpty ? 0 : halfmove_clock_ + 1;
  if (side_ == Color::kBlack) ++fullmove_number_;
  side_ = Opponent(side_);
  return undo;
}

void Position::UnmakeMove(const Move& move, const Undo& undo) {
  side_ = Opponent(side_);
  if (side_ == Color::kBlack) --fullmove_number_;
  Piece piece = move.promotion != kNoPieceType ? MakePiece(side_, kPawn) : board_[move.to];
  board_[move.from] = piece;
  if ((move.flags & kEnPassant) != 0) {
    board_[move.to] = kEmpty;
    board_[EnPassantVictim(move.to, side_)] = undo.captured;
  } else {
    board_[move.to] = undo.captured;
  }
  if ((move.flags & kCastle) != 0) {
    RookHop rook = CastlingRook(move.to);
    board_[rook.from] = board_[rook.to];
    board_[rook.to] = kEmpty;
  }
  if (TypeOf(piece) == kKing) kings_[Index(side_)] = move.from;
  castling_ = undo.castling;
  en_passant_ = undo.en_passant;
  halfmove_clock_ = undo.halfmove_clock;
}

}  // namespace parley::apps::chess
