#include "chess/game_codec.h"

#include <string>
#include <utility>
#include <vector>

#include "parley/util/codec.h"

namespace parley::apps::chess {

namespace {

constexpr uint8_t kNoEnPassant = 0xff;

Result<Position> ReadPosition(Reader& r) {
  PackedBoard packed;
  uint8_t side = 0;
  uint8_t en_passant = 0;
  PositionFields fields;
  PARLEY_RETURN_IF_ERROR(r.Fixed(&packed));
  PARLEY_RETURN_IF_ERROR(r.U8(&side));
  PARLEY_RETURN_IF_ERROR(r.U8(&fields.castling));
  PARLEY_RETURN_IF_ERROR(r.U8(&en_passant));
  PARLEY_RETURN_IF_ERROR(r.U32(&fields.halfmove_clock));
  PARLEY_RETURN_IF_ERROR(r.U32(&fields.fullmove_number));
  if (side > 1) {
    return Status::InvalidArgument("the side to move is " + std::to_string(side) +
                                   " (0 white, 1 black)");
  }
  if (en_passant >= 64 && en_passant != kNoEnPassant) {
    return Status::InvalidArgument("the en-passant square is " + std::to_string(en_passant) +
                                   " (0..63, or 255 for none)");
  }
  fields.pieces = UnpackBoard(packed);
  fields.side_to_move = side == 0 ? Color::kWhite : Color::kBlack;
  fields.en_passant = en_passant == kNoEnPassant ? kNoSquare : FromIndex64(en_passant);
  return Position::Create(fields);
}

Result<Game> ReadGame(Reader& r) {
  uint8_t version = 0;
  PARLEY_RETURN_IF_ERROR(r.U8(&version));
  if (version != kGameFormatVersion) {
    return Status::InvalidArgument("format version " + std::to_string(version) +
                                   " is unknown; this build reads version " +
                                   std::to_string(kGameFormatVersion));
  }
  PARLEY_ASSIGN_OR_RETURN(Position position, ReadPosition(r));
  uint8_t status = 0;
  uint8_t result = 0;
  uint8_t offer = 0;
  PARLEY_RETURN_IF_ERROR(r.U8(&status));
  PARLEY_RETURN_IF_ERROR(r.U8(&result));
  PARLEY_RETURN_IF_ERROR(r.U8(&offer));
  if (status > kLastGameStatus) {
    return Status::InvalidArgument("the game status " + std::to_string(status) + " is unknown");
  }
  if (result > kLastGameResult) {
    return Status::InvalidArgument("the game result " + std::to_string(result) + " is unknown");
  }
  if (offer > 2) {
    return Status::InvalidArgument("the draw offer is " + std::to_string(offer) +
                                   " (0 none, 1 white's, 2 black's)");
  }
  uint32_t count = 0;
  PARLEY_RETURN_IF_ERROR(r.Count(Game::kMaxHistory, &count));
  std::vector<PositionKey> history(count);
  for (PositionKey& key : history) PARLEY_RETURN_IF_ERROR(r.Fixed(&key));
  PARLEY_RETURN_IF_ERROR(r.Finish());
  std::optional<Color> draw_offer;
  if (offer != 0) draw_offer = offer == 1 ? Color::kWhite : Color::kBlack;
  return Game::Restore(position, std::move(history), static_cast<GameStatus>(status),
                       static_cast<GameResult>(result), draw_offer);
}

}  // namespace

Bytes EncodeGame(const Game& game) {
  const Position& p = game.position();
  Writer w;
  w.U8(kGameFormatVersion);
  w.Fixed(PackBoard(p));
  w.U8(static_cast<uint8_t>(Index(p.side_to_move())));
  w.U8(p.castling());
  w.U8(p.en_passant() == kNoSquare ? kNoEnPassant : static_cast<uint8_t>(Index64(p.en_passant())));
  w.U32(p.halfmove_clock());
  w.U32(p.fullmove_number());
  w.U8(static_cast<uint8_t>(game.status()));
  w.U8(static_cast<uint8_t>(game.result()));
  w.U8(game.draw_offer() ? static_cast<uint8_t>(Index(*game.draw_offer()) + 1) : 0);
  w.U32(static_cast<uint32_t>(game.history().size()));
  for (const PositionKey& key : game.history()) w.Fixed(key);
  return w.Take();
}

Result<Game> DecodeGame(ByteView bytes) {
  Reader r(bytes, "the encoding");
  auto game = ReadGame(r);
  if (!game.ok()) return game.status().WithContext("chess app_data");
  return game;
}

}  // namespace parley::apps::chess
