#include "chess/fen.h"

#include <string>
#include <vector>

namespace parley::apps::chess {

namespace {

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Fields separated by runs of spaces, ignoring spaces at either end.
std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> fields;
  for (std::string_view part : Split(text, ' ')) {
    if (!part.empty()) fields.push_back(part);
  }
  return fields;
}

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

// The piece a FEN letter names, or kEmpty.
Piece PieceFromLetter(char c) {
  static constexpr std::string_view kWhiteLetters = "PNBRQK";  // by PieceType, from kPawn
  static constexpr std::string_view kBlackLetters = "pnbrqk";
  if (size_t i = kWhiteLetters.find(c); i != std::string_view::npos) {
    return MakePiece(Color::kWhite, static_cast<PieceType>(kPawn + i));
  }
  if (size_t i = kBlackLetters.find(c); i != std::string_view::npos) {
    return MakePiece(Color::kBlack, static_cast<PieceType>(kPawn + i));
  }
  return kEmpty;
}

// Parses one rank of the placement (`rank` 0 is the first rank).
Status ParseRank(std::string_view text, int rank, PositionFields& fields) {
  std::string where = "rank " + std::to_string(rank + 1) + " (" + Quote(text) + ")";
  int file = 0;
  bool after_digit = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (c == '0' || c == '9') {
        return Status::InvalidArgument(where + " counts empty squares with '" + c +
                                       "'; use 1 to 8");
      }
      if (after_digit) {
        return Status::InvalidArgument(where + " has two digits in a row; write their sum");
      }
      file += c - '0';
      after_digit = true;
    } else {
      Piece piece = PieceFromLetter(c);
      if (piece == kEmpty) {
        return Status::InvalidArgument(where + " has '" + std::string(1, c) +
                                       "', which is not a piece letter (PNBRQK for white, "
                                       "pnbrqk for black, 1 to 8 for empty squares)");
      }
      if (file < 8) fields.pieces[Index64(MakeSquare(file, rank))] = piece;
      ++file;
      after_digit = false;
    }
    if (file > 8) {
      return Status::InvalidArgument(where + " describes more than 8 squares");
    }
  }
  if (file != 8) {
    return Status::InvalidArgument(where + " describes " + std::to_string(file) +
                                   " squares; a rank has 8");
  }
  return Status::Ok();
}

Status ParsePlacement(std::string_view text, PositionFields& fields) {
  std::vector<std::string_view> ranks = Split(text, '/');
  if (ranks.size() != 8) {
    return Status::InvalidArgument("the piece placement " + Quote(text) + " has " +
                                   std::to_string(ranks.size()) +
                                   " ranks; expected 8 separated by '/'");
  }
  for (int i = 0; i < 8; ++i) {
    PARLEY_RETURN_IF_ERROR(ParseRank(ranks[i], 7 - i, fields));  // FEN starts at rank 8
  }
  return Status::Ok();
}

Status ParseSide(std::string_view text, PositionFields& fields) {
  if (text == "w" || text == "b") {
    fields.side_to_move = text == "w" ? Color::kWhite : Color::kBlack;
    return Status::Ok();
  }
  return Status::InvalidArgument("the side to move must be 'w' or 'b', got " + Quote(text));
}

Status ParseCastling(std::string_view text, PositionFields& fields) {
  fields.castling = 0;
  if (text == "-") return Status::Ok();
  for (char c : text) {
    uint8_t right = c == 'K'   ? kWhiteKingside
                    : c == 'Q' ? kWhiteQueenside
                    : c == 'k' ? kBlackKingside
                    : c == 'q' ? kBlackQueenside
                               : 0;
    if (right == 0) {
      return Status::InvalidArgument("the castling field " + Quote(text) + " has '" +
                                     std::string(1, c) + "'; use '-' or letters from KQkq");
    }
    if ((fields.castling & right) != 0) {
      return Status::InvalidArgument("the castling field " + Quote(text) + " names '" +
                                     std::string(1, c) + "' twice");
    }
    fields.castling |= right;
  }
  return Status::Ok();
}

Status ParseEnPassant(std::string_view text, PositionFields& fields) {
  fields.en_passant = kNoSquare;
  if (text == "-") return Status::Ok();
  if (text.size() != 2 || text[0] < 'a' || text[0] > 'h' || (text[1] != '3' && text[1] != '6')) {
    return Status::InvalidArgument(
        "the en-passant field must be '-' or a square on rank 3 or 6 "
        "such as e3, got " +
        Quote(text));
  }
  fields.en_passant = MakeSquare(text[0] - 'a', text[1] - '1');
  return Status::Ok();
}

Status ParseCounter(std::string_view text, const std::string& name, uint32_t min, uint32_t& out) {
  auto refuse = [&] {
    return Status::InvalidArgument("the " + name + " must be a whole number from " +
                                   std::to_string(min) + " to " + std::to_string(kMaxMoveCounter) +
                                   ", got " + Quote(text));
  };
  if (text.empty() || text.size() > 7) return refuse();
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return refuse();
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value < min || value > kMaxMoveCounter) return refuse();
  out = value;
  return Status::Ok();
}

Status ParseFields(std::string_view fen, PositionFields& fields) {
  std::vector<std::string_view> parts = Fields(fen);
  if (parts.size() != 6) {
    return Status::InvalidArgument(
        "found " + std::to_string(parts.size()) +
        " fields; expected 6 separated by spaces (placement, side to move, castling, en "
        "passant, halfmove clock, fullmove number)");
  }
  PARLEY_RETURN_IF_ERROR(ParsePlacement(parts[0], fields));
  PARLEY_RETURN_IF_ERROR(ParseSide(parts[1], fields));
  PARLEY_RETURN_IF_ERROR(ParseCastling(parts[2], fields));
  PARLEY_RETURN_IF_ERROR(ParseEnPassant(parts[3], fields));
  PARLEY_RETURN_IF_ERROR(ParseCounter(parts[4], "halfmove clock", 0, fields.halfmove_clock));
  return ParseCounter(parts[5], "fullmove number", 1, fields.fullmove_number);
}

}  // namespace

Result<Position> ParseFen(std::string_view fen) {
  PositionFields fields;
  Status parsed = ParseFields(fen, fields);
  if (!parsed.ok()) return parsed.WithContext("invalid FEN");
  auto position = Position::Create(fields);
  if (!position.ok()) return position.status().WithContext("invalid FEN");
  return position;
}

std::string ToFen(const Position& position) {
  std::string fen;
  for (int rank = 7; rank >= 0; --rank) {
    int empty = 0;
    for (int file = 0; file < 8; ++file) {
      Piece piece = position.at(MakeSquare(file, rank));
      if (piece == kEmpty) {
        ++empty;
        continue;
      }
      if (empty > 0) fen += static_cast<char>('0' + empty);
      empty = 0;
      fen += PieceLetter(piece);
    }
    if (empty > 0) fen += static_cast<char>('0' + empty);
    if (rank > 0) fen += '/';
  }
  fen += position.side_to_move() == Color::kWhite ? " w " : " b ";
  std::string castling;
  if ((position.castling() & kWhiteKingside) != 0) castling += 'K';
  if ((position.castling() & kWhiteQueenside) != 0) castling += 'Q';
  if ((position.castling() & kBlackKingside) != 0) castling += 'k';
  if ((position.castling() & kBlackQueenside) != 0) castling += 'q';
  fen += castling.empty() ? "-" : castling;
  fen += ' ';
  fen += position.en_passant() == kNoSquare ? "-" : SquareName(position.en_passant());
  fen += ' ' + std::to_string(position.halfmove_clock()) + ' ' +
         std::to_string(position.fullmove_number());
  return fen;
}

}  // namespace parley::apps::chess
