#include "chess/notation.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "chess/explain.h"
#include "chess/movegen.h"

namespace parley::apps::chess {

namespace {

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

bool IsFile(char c) { return c >= 'a' && c <= 'h'; }
bool IsRank(char c) { return c >= '1' && c <= '8'; }

std::optional<Square> SquareFrom(std::string_view text) {
  if (text.size() != 2 || !IsFile(text[0]) || !IsRank(text[1])) return std::nullopt;
  return MakeSquare(text[0] - 'a', text[1] - '1');
}

// The piece an upper-case SAN letter (N, B, R, Q, K) names, or kNoPieceType.
PieceType PieceFromSanLetter(char c) {
  static constexpr std::string_view kLetters = "NBRQK";  // by PieceType, from kKnight
  size_t i = kLetters.find(c);
  return i == std::string_view::npos ? kNoPieceType : static_cast<PieceType>(kKnight + i);
}

char SanLetter(PieceType t) { return "?PNBRQK?"[t]; }

Status Illegal(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("illegal move " + Quote(text) + ": " + why);
}

// -------------------------------------------------------------------- SAN

// What a SAN text says, before it is matched against the position.
struct SanMove {
  bool castles = false;
  bool kingside = false;
  PieceType piece = kPawn;
  int from_file = -1;  // -1: not given
  int from_rank = -1;
  bool capture = false;
  Square to = kNoSquare;
  PieceType promotion = kNoPieceType;
};

Result<SanMove> ParseSanSyntax(std::string_view text) {
  auto malformed = [&](const std::string& why) {
    return Status::InvalidArgument("malformed SAN move " + Quote(text) + ": " + why);
  };
  std::string_view s = text;
  for (int i = 0; i < 2 && !s.empty() && (s.back() == '!' || s.back() == '?'); ++i) {
    s.remove_suffix(1);
  }
  if (!s.empty() && (s.back() == '+' || s.back() == '#')) s.remove_suffix(1);
  SanMove san;
  if (s == "O-O" || s == "0-0" || s == "O-O-O" || s == "0-0-0") {
    san.castles = true;
    san.kingside = s.size() == 3;
    return san;
  }
  if (s.empty()) return malformed("there is no move in it");
  if (PieceFromSanLetter(s[0]) != kNoPieceType) {
    san.piece = PieceFromSanLetter(s[0]);
    s.remove_prefix(1);
  } else if (!IsFile(s[0])) {
    return malformed(
        "a move starts with a piece letter (N, B, R, Q, K), a pawn's file (a-h) "
        "or is O-O / O-O-O");
  }
  if (!s.empty() && PieceFromSanLetter(s.back()) != kNoPieceType && s.back() != 'K') {
    san.promotion = PieceFromSanLetter(s.back());
    s.remove_suffix(1);
    if (!s.empty() && s.back() == '=') s.remove_suffix(1);
    if (san.piece != kPawn) return malformed("only pawns promote");
  } else if (s.size() >= 2 && s[s.size() - 2] == '=') {
    return malformed("a pawn promotes to Q, R, B or N, written in capitals, e.g. e8=Q");
  }
  std::optional<Square> to = s.size() >= 2 ? SquareFrom(s.substr(s.size() - 2)) : std::nullopt;
  if (!to) return malformed("it must end with the destination square, e.g. f3");
  san.to = *to;
  s.remove_suffix(2);
  if (!s.empty() && s.back() == 'x') {
    san.capture = true;
    s.remove_suffix(1);
  }
  if (!s.empty() && IsFile(s[0])) {
    san.from_file = s[0] - 'a';
    s.remove_prefix(1);
  }
  if (!s.empty() && IsRank(s[0])) {
    san.from_rank = s[0] - '1';
    s.remove_prefix(1);
  }
  if (!s.empty()) {
    return malformed("it has " + Quote(s) +
                     " where the moving piece's file and/or rank belong, e.g. Nbd7, R1a3");
  }
  if (san.piece == kPawn) {
    if (san.capture && (san.from_file < 0 || san.from_rank >= 0)) {
      return malformed("a pawn capture names the pawn's file, e.g. exd5");
    }
    if (!san.capture && (san.from_file >= 0 || san.from_rank >= 0)) {
      return malformed("a pawn move names only its destination, e.g. e4 (captures: exd5)");
    }
  }
  return san;
}

// True if `move` fits the piece, squares and capture of `san`. Promotion is
// left to the caller, which explains a missing or needless one.
bool Fits(const Position& p, const SanMove& san, const Move& move) {
  if ((move.flags & kCastle) != 0 || move.to != san.to) return false;
  if (TypeOf(p.at(move.from)) != san.piece) return false;
  if (san.from_file >= 0 && FileOf(move.from) != san.from_file) return false;
  if (san.from_rank >= 0 && RankOf(move.from) != san.from_rank) return false;
  // Pawns capture exactly when written so; pieces may leave out the "x".
  return san.piece != kPawn || san.capture == ((move.flags & kCapture) != 0);
}

Result<Move> ResolveCastling(const Position& p, const SanMove& san, std::string_view text) {
  Color us = p.side_to_move();
  Square home = MakeSquare(4, us == Color::kWhite ? 0 : 7);
  Square to = static_cast<Square>(san.kingside ? home + 2 : home - 2);
  for (const Move& move : LegalMoves(p)) {
    if ((move.flags & kCastle) != 0 && move.to == to) return move;
  }
  if (p.king(us) != home) {
    return Illegal(text, std::string(ColorName(us)) + " may no longer castle (the king has moved)");
  }
  return Illegal(text, WhyIllegal(p, home, to, kNoPieceType));
}

// Why no legal move fits `san`, from the pseudo-legal moves that would.
Status ExplainNoFit(const Position& p, const SanMove& san, std::string_view text) {
  MoveList pseudo;
  GeneratePseudoLegalMoves(p, pseudo);
  for (const Move& move : pseudo) {
    if (Fits(p, san, move)) return Illegal(text, WhyIllegal(p, move.from, move.to, san.promotion));
  }
  std::string who =
      std::string("no ") + ColorName(p.side_to_move()) + " " + PieceTypeName(san.piece);
  if (san.from_file >= 0 && san.from_rank >= 0) {
    who += " on " + SquareName(MakeSquare(san.from_file, san.from_rank));
  } else if (san.from_file >= 0) {
    who += std::string(" on the ") + static_cast<char>('a' + san.from_file) + "-file";
  } else if (san.from_rank >= 0) {
    who += " on rank " + std::to_string(san.from_rank + 1);
  }
  return Illegal(text,
                 who + " can " + (san.capture ? "capture on " : "move to ") + SquareName(san.to));
}

Result<Move> ResolveSan(const Position& p, const SanMove& san, std::string_view text) {
  if (san.castles) return ResolveCastling(p, san, text);
  MoveList legal = LegalMoves(p);
  std::vector<Move> fits;
  for (const Move& move : legal) {
    if (Fits(p, san, move)) fits.push_back(move);
  }
  if (fits.empty()) return ExplainNoFit(p, san, text);
  bool promotes = fits[0].promotion != kNoPieceType;
  if (promotes && san.promotion == kNoPieceType) {
    return Illegal(text, "a pawn reaching " + SquareName(san.to) + " must promote: write " +
                             SquareName(san.to) + "=Q (or =R, =B, =N)");
  }
  if (!promotes && san.promotion != kNoPieceType) {
    return Illegal(text, "only a pawn reaching the last rank promotes");
  }
  std::erase_if(fits, [&](const Move& move) { return move.promotion != san.promotion; });
  if (fits.size() > 1) {
    std::sort(fits.begin(), fits.end(),
              [](const Move& a, const Move& b) { return SquareName(a.from) < SquareName(b.from); });
    std::string from;
    for (size_t i = 0; i < fits.size(); ++i) {
      from += (i == 0 ? "" : i + 1 == fits.size() ? " and " : ", ") + SquareName(fits[i].from);
    }
    return Status::InvalidArgument("ambiguous move " + Quote(text) + ": the " +
                                   PieceTypeName(san.piece) + "s on " + from +
                                   " can each move to " + SquareName(san.to) +
                                   "; name the one you mean, e.g. " + FormatSan(p, fits[0]));
  }
  if (san.capture && (fits[0].flags & kCapture) == 0) {
    return Illegal(text, "there is nothing to capture on " + SquareName(san.to));
  }
  return fits[0];
}

std::string Disambiguation(const Position& p, const Move& move) {
  PieceType piece = TypeOf(p.at(move.from));
  bool rivals = false;
  bool same_file = false;
  bool same_rank = false;
  for (const Move& other : LegalMoves(p)) {
    if (other.to != move.to || other.from == move.from || TypeOf(p.at(other.from)) != piece) {
      continue;
    }
    rivals = true;
    same_file |= FileOf(other.from) == FileOf(move.from);
    same_rank |= RankOf(other.from) == RankOf(move.from);
  }
  if (!rivals) return "";
  std::string square = SquareName(move.from);
  if (!same_file) return square.substr(0, 1);
  if (!same_rank) return square.substr(1, 1);
  return square;
}

}  // namespace

std::string FormatUci(const Move& move) {
  std::string text = SquareName(move.from) + SquareName(move.to);
  if (move.promotion != kNoPieceType) {
    text += static_cast<char>(std::tolower(SanLetter(move.promotion)));
  }
  return text;
}

Result<Move> ParseUci(const Position& position, std::string_view text) {
  auto malformed = [&](const std::string& why) {
    return Status::InvalidArgument("malformed UCI move " + Quote(text) + ": " + why);
  };
  if (text.size() != 4 && text.size() != 5) {
    return malformed(
        "expected a from-square, a to-square and an optional promotion letter, "
        "e.g. e2e4 or e7e8q");
  }
  std::optional<Square> from = SquareFrom(text.substr(0, 2));
  std::optional<Square> to = SquareFrom(text.substr(2, 2));
  if (!from) return malformed(Quote(text.substr(0, 2)) + " is not a square (a-h, 1-8)");
  if (!to) return malformed(Quote(text.substr(2, 2)) + " is not a square (a-h, 1-8)");
  PieceType promotion = kNoPieceType;
  if (text.size() == 5) {
    char letter = text[4];
    promotion = letter == 'q'   ? kQueen
                : letter == 'r' ? kRook
                : letter == 'b' ? kBishop
                : letter == 'n' ? kKnight
                                : kNoPieceType;
    if (promotion == kNoPieceType) {
      return malformed("the promotion letter must be q, r, b or n, got '" + std::string(1, letter) +
                       "'");
    }
  }
  for (const Move& move : LegalMoves(position)) {
    if (move.from == *from && move.to == *to && move.promotion == promotion) return move;
  }
  return Illegal(text, WhyIllegal(position, *from, *to, promotion));
}

std::string FormatSan(const Position& position, const Move& move) {
  std::string san;
  PieceType piece = TypeOf(position.at(move.from));
  bool capture = (move.flags & kCapture) != 0;
  if ((move.flags & kCastle) != 0) {
    san = FileOf(move.to) == 6 ? "O-O" : "O-O-O";
  } else if (piece == kPawn) {
    if (capture) san = SquareName(move.from).substr(0, 1) + "x";
    san += SquareName(move.to);
    if (move.promotion != kNoPieceType) san += std::string("=") + SanLetter(move.promotion);
  } else {
    san = SanLetter(piece) + Disambiguation(position, move) + (capture ? "x" : "") +
          SquareName(move.to);
  }
  Position after = position;
  after.MakeMove(move);
  if (after.InCheck()) san += LegalMoves(after).empty() ? "#" : "+";
  return san;
}

Result<Move> ParseSan(const Position& position, std::string_view text) {
  PARLEY_ASSIGN_OR_RETURN(SanMove san, ParseSanSyntax(text));
  return ResolveSan(position, san, text);
}

Result<Move> ParseMove(const Position& position, std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool uci_shape = (text.size() == 4 || text.size() == 5) && lower(text[0]) && digit(text[1]) &&
                   lower(text[2]) && digit(text[3]);
  return uci_shape ? ParseUci(position, text) : ParseSan(position, text);
}

}  // namespace parley::apps::chess
