#include "chess/game.h"

#include <algorithm>

#include "chess/explain.h"
#include "chess/fen.h"
#include "chess/movegen.h"
#include "chess/notation.h"

namespace parley::apps::chess {

namespace {

struct Verdict {
  GameStatus status = GameStatus::kOngoing;
  GameResult result = GameResult::kNone;
};

GameResult WinFor(Color c) {
  return c == Color::kWhite ? GameResult::kWhiteWins : GameResult::kBlackWins;
}

// What the rules say of `position`, reached through `history`.
Verdict Judge(const Position& position, const std::vector<PositionKey>& history) {
  if (LegalMoves(position).empty()) {
    if (position.InCheck()) {
      return {GameStatus::kCheckmate, WinFor(Opponent(position.side_to_move()))};
    }
    return {GameStatus::kStalemate, GameResult::kDraw};
  }
  if (HasInsufficientMaterial(position)) {
    return {GameStatus::kInsufficientMaterial, GameResult::kDraw};
  }
  if (std::count(history.begin(), history.end(), history.back()) >= 3) {
    return {GameStatus::kThreefoldRepetition, GameResult::kDraw};
  }
  if (position.halfmove_clock() >= 100) return {GameStatus::kFiftyMoveRule, GameResult::kDraw};
  return {};
}

// The results a status may have when the rules let the game go on.
bool FitsUnjudged(GameStatus status, GameResult result) {
  switch (status) {
    case GameStatus::kOngoing:
      return result == GameResult::kNone;
    case GameStatus::kResignation:
      return result == GameResult::kWhiteWins || result == GameResult::kBlackWins;
    case GameStatus::kDrawAgreed:
      return result == GameResult::kDraw;
    default:
      return false;
  }
}

}  // namespace

const char* GameStatusName(GameStatus status) {
  switch (status) {
    case GameStatus::kOngoing:
      return "ongoing";
    case GameStatus::kCheckmate:
      return "checkmate";
    case GameStatus::kStalemate:
      return "stalemate";
    case GameStatus::kFiftyMoveRule:
      return "fifty-move rule";
    case GameStatus::kThreefoldRepetition:
      return "threefold repetition";
    case GameStatus::kInsufficientMaterial:
      return "insufficient material";
    case GameStatus::kResignation:
      return "resignation";
    case GameStatus::kDrawAgreed:
      return "draw agreed";
  }
  return "unknown";
}

const char* ResultString(GameResult result) {
  switch (result) {
    case GameResult::kNone:
      return "*";
    case GameResult::kWhiteWins:
      return "1-0";
    case GameResult::kBlackWins:
      return "0-1";
    case GameResult::kDraw:
      return "1/2-1/2";
  }
  return "?";
}

bool HasInsufficientMaterial(const Position& position) {
  int knights = 0;
  int bishops = 0;
  bool light_bishop = false;
  bool dark_bishop = false;
  for (int i = 0; i < 64; ++i) {
    Square s = FromIndex64(i);
    switch (TypeOf(position.at(s))) {
      case kPawn:
      case kRook:
      case kQueen:
        return false;
      case kKnight:
        ++knights;
        break;
      case kBishop:
        ++bishops;
        ((FileOf(s) + RankOf(s)) % 2 == 1 ? light_bishop : dark_bishop) = true;
        break;
      case kKing:
      case kNoPieceType:
        break;
    }
  }
  return knights + bishops <= 1 || (knights == 0 && !(light_bishop && dark_bishop));
}

Game Game::Start(const Position& position) {
  Game game(position);
  game.history_.push_back(KeyOf(position));
  Verdict verdict = Judge(position, game.history_);
  game.status_ = verdict.status;
  game.result_ = verdict.result;
  return game;
}

Result<Game> Game::Restore(const Position& position, std::vector<PositionKey> history,
                           GameStatus status, GameResult result, std::optional<Color> draw_offer) {
  size_t allowed = std::min<size_t>(position.halfmove_clock(), kMaxHistory - 1) + 1;
  if (history.empty() || history.size() > allowed) {
    return Status::InvalidArgument(
        "the repetition history holds " + std::to_string(history.size()) +
        " positions; with a halfmove clock of " + std::to_string(position.halfmove_clock()) +
        " it holds 1 to " + std::to_string(allowed));
  }
  if (history.back() != KeyOf(position)) {
    return Status::InvalidArgument("the repetition history does not end with the position");
  }
  Verdict verdict = Judge(position, history);
  if (verdict.status != GameStatus::kOngoing) {
    if (status != verdict.status || result != verdict.result) {
      return Status::InvalidArgument(std::string("the game is recorded as '") +
                                     GameStatusName(status) + "' (" + ResultString(result) +
                                     "), but the rules say '" + GameStatusName(verdict.status) +
                                     "' (" + ResultString(verdict.result) + ")");
    }
  } else if (!FitsUnjudged(status, result)) {
    return Status::InvalidArgument(std::string("the game is recorded as '") +
                                   GameStatusName(status) + "' (" + ResultString(result) +
                                   "), but the rules let it go on");
  }
  if (draw_offer && status != GameStatus::kOngoing) {
    return Status::InvalidArgument("a draw offer is recorded in a game that is over");
  }
  Game game(position);
  game.history_ = std::move(history);
  game.status_ = status;
  game.result_ = result;
  game.draw_offer_ = draw_offer;
  return game;
}

std::string Game::Fen() const { return ToFen(position_); }

Status Game::CheckOngoing() const {
  if (!over()) return Status::Ok();
  return Status::FailedPrecondition(std::string("the game is over (") + GameStatusName(status_) +
                                    ", " + ResultString(result_) + "); nothing more may happen");
}

Status Game::CheckOfferFrom(Color offerer) const {
  if (draw_offer_ == offerer) return Status::Ok();
  return Status::FailedPrecondition(std::string("there is no draw offer from ") +
                                    ColorName(offerer) + " to answer");
}

void Game::End(GameStatus status, GameResult result) {
  status_ = status;
  result_ = result;
  draw_offer_.reset();
}

Status Game::Play(const Move& move) {
  PARLEY_RETURN_IF_ERROR(CheckOngoing());
  if (!OnBoard(move.from) || !OnBoard(move.to)) {
    return Status::InvalidArgument("a move's squares must be on the board");
  }
  MoveList legal = LegalMoves(position_);
  const Move* found = std::find_if(legal.begin(), legal.end(), [&](const Move& m) {
    return m.from == move.from && m.to == move.to && m.promotion == move.promotion;
  });
  if (found == legal.end()) {
    return Status::InvalidArgument("illegal move " + FormatUci(move) + ": " +
                                   WhyIllegal(position_, move.from, move.to, move.promotion));
  }
  Color mover = position_.side_to_move();
  position_.MakeMove(*found);
  if (draw_offer_ && *draw_offer_ != mover) draw_offer_.reset();
  // Positions before a capture or pawn move can never recur.
  if (position_.halfmove_clock() == 0) history_.clear();
  history_.push_back(KeyOf(position_));
  Verdict verdict = Judge(position_, history_);
  if (verdict.status != GameStatus::kOngoing) End(verdict.status, verdict.result);
  return Status::Ok();
}

Status Game::Resign(Color who) {
  PARLEY_RETURN_IF_ERROR(CheckOngoing());
  End(GameStatus::kResignation, WinFor(Opponent(who)));
  return Status::Ok();
}

Status Game::OfferDraw(Color who) {
  PARLEY_RETURN_IF_ERROR(CheckOngoing());
  if (draw_offer_ == who) {
    return Status::FailedPrecondition(std::string(ColorName(who)) +
                                      "'s draw offer already stands until " +
                                      ColorName(Opponent(who)) + " answers it or moves");
  }
  if (draw_offer_) {
    return Status::FailedPrecondition(std::string(ColorName(Opponent(who))) +
                                      " has offered a draw: accept or decline it");
  }
  draw_offer_ = who;
  return Status::Ok();
}

Status Game::AcceptDraw(Color who) {
  PARLEY_RETURN_IF_ERROR(CheckOngoing());
  PARLEY_RETURN_IF_ERROR(CheckOfferFrom(Opponent(who)));
  End(GameStatus::kDrawAgreed, GameResult::kDraw);
  return Status::Ok();
}

Status Game::DeclineDraw(Color who) {
  PARLEY_RETURN_IF_ERROR(CheckOngoing());
  PARLEY_RETURN_IF_ERROR(CheckOfferFrom(Opponent(who)));
  draw_offer_.reset();
  return Status::Ok();
}

}  // namespace parley::apps::chess
