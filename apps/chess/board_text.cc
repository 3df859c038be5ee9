#include "chess/board_text.h"

namespace parley::apps::chess {
namespace {

// U+2654..U+265F: white king, queen, rook, bishop, knight, pawn, then black's.
const char* Glyph(Piece piece) {
  static constexpr const char* kWhite[] = {"", "♙", "♘", "♗", "♖", "♕", "♔"};
  static constexpr const char* kBlack[] = {"", "♟", "♞", "♝", "♜", "♛", "♚"};
  return ColorOf(piece) == Color::kWhite ? kWhite[TypeOf(piece)] : kBlack[TypeOf(piece)];
}

}  // namespace

std::string BoardText(const Position& position, Color view) {
  bool white_view = view == Color::kWhite;
  std::string out;
  for (int row = 0; row < 8; ++row) {
    int rank = white_view ? 7 - row : row;
    out += std::to_string(rank + 1) + " ";
    for (int column = 0; column < 8; ++column) {
      int file = white_view ? column : 7 - column;
      Piece piece = position.at(MakeSquare(file, rank));
      out += " ";
      out += piece == kEmpty ? ((file + rank) % 2 == 0 ? "·" : " ") : Glyph(piece);
    }
    out += "\n";
  }
  out += "  ";
  for (int column = 0; column < 8; ++column) {
    out += " ";
    out += static_cast<char>('a' + (white_view ? column : 7 - column));
  }
  return out + "\n";
}

std::string GameText(const Game& game, Color view) {
  std::string out = BoardText(game.position(), view);
  if (game.over()) {
    return out + ResultString(game.result()) + " " + GameStatusName(game.status()) + "\n";
  }
  out += std::string(ColorName(game.side_to_move())) + " to move";
  if (game.position().InCheck()) out += ", check";
  if (game.draw_offer())
    out += std::string(", ") + ColorName(*game.draw_offer()) + " offers a draw";
  return out + "\n";
}

}  // namespace parley::apps::chess
