#include "chess/chess_app.h"

#include <string>
#include <vector>

#include "chess/chess_action.h"
#include "chess/fen.h"
#include "chess/game_codec.h"
#include "chess/movegen.h"
#include "chess/notation.h"

namespace parley::apps {

using channel::Amount;
using channel::ParticipantIndex;
using channel::State;
using chess::Color;
using chess::Game;
using chess::GameResult;
using chess::GameStatus;

namespace {

Color ColorOfPlayer(ParticipantIndex player) { return player == 0 ? Color::kWhite : Color::kBlack; }

std::string Player(Color color) {
  return std::string(chess::ColorName(color)) + " (participant " +
         std::to_string(ChessApp::PlayerOf(color)) + ")";
}

Status CheckPlayers(const channel::Params& params) {
  if (params.participants.size() != 2) {
    return Status::InvalidArgument("chess needs exactly 2 participants (white, black), got " +
                                   std::to_string(params.participants.size()));
  }
  return Status::Ok();
}

Status CheckActor(const channel::Params& params, ParticipantIndex actor) {
  PARLEY_RETURN_IF_ERROR(CheckPlayers(params));
  if (actor > 1) {
    return Status::PermissionDenied("participant " + std::to_string(actor) +
                                    " does not play; 0 plays white and 1 black");
  }
  return Status::Ok();
}

// The pot: one asset, two balances, nothing locked.
Result<Amount> Pot(const State& state) {
  const auto& assets = state.allocation.assets;
  if (assets.size() != 1 || assets[0].balances.size() != 2 || !assets[0].locked.empty()) {
    return Status::InvalidArgument(
        "chess is played for one asset with a balance for each player and nothing locked");
  }
  return channel::AssetTotal(assets[0]);
}

// What the state pays once the game stands as `game`.
std::vector<Amount> Payout(const Game& game, const Amount& pot) {
  switch (game.result()) {
    case GameResult::kWhiteWins:
      return {pot, 0};
    case GameResult::kBlackWins:
      return {0, pot};
    case GameResult::kDraw:
      return {pot / 2, pot - pot / 2};  // the odd unit to black, who moved second
    case GameResult::kNone:
      break;
  }
  // The player who is not to move holds the pot, so stalling loses.
  return game.side_to_move() == Color::kWhite ? std::vector<Amount>{0, pot}
                                              : std::vector<Amount>{pot, 0};
}

// The state after `from` once the game has become `game`.
State Follow(const State& from, const Game& game, const Amount& pot) {
  State next = from;
  next.version = from.version + 1;
  next.app_data = chess::EncodeGame(game);
  next.allocation.assets[0].balances = Payout(game, pot);
  next.is_final = game.over();
  return next;
}

Result<Game> DecodeState(const State& state, const std::string& which) {
  auto game = chess::DecodeGame(state.app_data);
  if (!game.ok()) return game.status().WithContext(which);
  return game;
}

Status CheckTurn(const Game& game, Color actor) {
  if (game.side_to_move() == actor) return Status::Ok();
  return Status::PermissionDenied("it is " + Player(game.side_to_move()) + "'s turn to move, not " +
                                  Player(actor) + "'s");
}

// Performs one action of `actor` on `game`.
Status Perform(Game& game, Color actor, const chess::Action& action) {
  switch (action.kind) {
    case chess::ActionKind::kMove: {
      PARLEY_RETURN_IF_ERROR(game.CheckOngoing());
      PARLEY_RETURN_IF_ERROR(CheckTurn(game, actor));
      PARLEY_ASSIGN_OR_RETURN(chess::Move move, chess::ParseMove(game.position(), action.move));
      return game.Play(move);
    }
    case chess::ActionKind::kResign:
      return game.Resign(actor);
    case chess::ActionKind::kOfferDraw:
      return game.OfferDraw(actor);
    case chess::ActionKind::kAcceptDraw:
      return game.AcceptDraw(actor);
    case chess::ActionKind::kDeclineDraw:
      return game.DeclineDraw(actor);
  }
  return Status::InvalidArgument("unknown chess action");
}

// The legal move of `before` that leads to `after`'s position.
Result<chess::Move> MoveBetween(const Game& before, const Game& after) {
  for (const chess::Move& move : chess::LegalMoves(before.position())) {
    chess::Position position = before.position();
    position.MakeMove(move);
    if (position == after.position()) return move;
  }
  return Status::InvalidArgument("the proposed position (" + after.Fen() +
                                 ") does not follow from any legal move of " +
                                 chess::ColorName(before.side_to_move()) + " in " + before.Fen());
}

// Replays on `before` the actions of `actor` that `claimed` shows: at most
// one move, then a resignation, an acceptance, or declining and/or offering
// a draw. The result is what those actions really produce.
Result<Game> Replay(const Game& before, const Game& claimed, Color actor) {
  Game game = before;
  bool acted = false;
  if (claimed.position() != before.position()) {
    PARLEY_RETURN_IF_ERROR(CheckTurn(before, actor));
    PARLEY_ASSIGN_OR_RETURN(chess::Move move, MoveBetween(before, claimed));
    PARLEY_RETURN_IF_ERROR(game.Play(move));
    acted = true;
  }
  if (!game.over()) {
    Color opponent = chess::Opponent(actor);
    if (claimed.status() == GameStatus::kResignation) {
      PARLEY_RETURN_IF_ERROR(game.Resign(actor));
      acted = true;
    } else if (claimed.status() == GameStatus::kDrawAgreed) {
      PARLEY_RETURN_IF_ERROR(game.AcceptDraw(actor));
      acted = true;
    } else {
      if (game.draw_offer() == opponent && claimed.draw_offer() != opponent) {
        PARLEY_RETURN_IF_ERROR(game.DeclineDraw(actor));
        acted = true;
      }
      if (claimed.draw_offer() == actor && game.draw_offer() != actor) {
        PARLEY_RETURN_IF_ERROR(game.OfferDraw(actor));
        acted = true;
      }
    }
  }
  if (!acted) {
    return Status::InvalidArgument("the proposed state shows no action of " + Player(actor) +
                                   ": a move, a resignation, or offering, accepting or "
                                   "declining a draw");
  }
  return game;
}

std::string OfferText(const Game& game) {
  return game.draw_offer() ? std::string(chess::ColorName(*game.draw_offer())) + "'s" : "none";
}

std::string Standing(const Game& game) {
  return std::string("'") + chess::GameStatusName(game.status()) + "' (" +
         chess::ResultString(game.result()) + ")";
}

// How `claimed` differs from the `expected` game.
std::string Difference(const Game& expected, const Game& claimed) {
  if (expected.position() != claimed.position()) {
    return "the position should be " + expected.Fen() + ", not " + claimed.Fen();
  }
  if (expected.status() != claimed.status() || expected.result() != claimed.result()) {
    return "the game should stand " + Standing(expected) + ", not " + Standing(claimed);
  }
  if (expected.draw_offer() != claimed.draw_offer()) {
    return "the standing draw offer should be " + OfferText(expected) + ", not " +
           OfferText(claimed);
  }
  return "the repetition history does not list the positions since the last capture or pawn "
         "move";
}

const char* PayoutReason(const Game& game) {
  switch (game.result()) {
    case GameResult::kNone:
      return "until the game ends, the player who moved last holds the pot";
    case GameResult::kDraw:
      return "a draw splits the pot, the odd unit to black";
    case GameResult::kWhiteWins:
    case GameResult::kBlackWins:
      break;
  }
  return "the winner takes the pot";
}

std::string PayoutText(const Game& game, const Amount& pot) {
  std::vector<Amount> pay = Payout(game, pot);
  return "white (participant 0) " + channel::ToString(pay[0]) + " and black (participant 1) " +
         channel::ToString(pay[1]) + ": " + PayoutReason(game);
}

// A fresh game: not decided, counters "0 1", no other history, no offer.
Status CheckFresh(const Game& game) {
  if (game.over()) {
    return Status::InvalidArgument(std::string("the game is already decided: ") +
                                   chess::GameStatusName(game.status()) + " (" +
                                   chess::ResultString(game.result()) + ")");
  }
  const chess::Position& p = game.position();
  if (p.halfmove_clock() != 0 || p.fullmove_number() != 1) {
    return Status::InvalidArgument("a game starts with the move counters at '0 1' (got '" +
                                   std::to_string(p.halfmove_clock()) + " " +
                                   std::to_string(p.fullmove_number()) +
                                   "'); set the FEN's last two fields to 0 1");
  }
  if (game.history().size() != 1 || game.draw_offer()) {
    return Status::InvalidArgument(
        "a fresh game has only its starting position in its history and no draw offer");
  }
  return Status::Ok();
}

}  // namespace

Bytes ChessApp::MoveAction(std::string_view move) {
  return chess::EncodeAction({chess::ActionKind::kMove, std::string(move)});
}
Bytes ChessApp::ResignAction() { return chess::EncodeAction({chess::ActionKind::kResign}); }
Bytes ChessApp::OfferDrawAction() { return chess::EncodeAction({chess::ActionKind::kOfferDraw}); }
Bytes ChessApp::AcceptDrawAction() { return chess::EncodeAction({chess::ActionKind::kAcceptDraw}); }
Bytes ChessApp::DeclineDrawAction() {
  return chess::EncodeAction({chess::ActionKind::kDeclineDraw});
}

ParticipantIndex ChessApp::PlayerOf(Color color) { return color == Color::kWhite ? 0 : 1; }

Bytes ChessApp::InitialAppData() {
  return chess::EncodeGame(Game::Start(chess::Position::Initial()));
}

Result<Bytes> ChessApp::InitialAppData(std::string_view fen) {
  PARLEY_ASSIGN_OR_RETURN(chess::Position position, chess::ParseFen(fen));
  Game game = Game::Start(position);
  PARLEY_RETURN_IF_ERROR(CheckFresh(game));
  return chess::EncodeGame(game);
}

Result<Game> ChessApp::Decode(ByteView app_data) { return chess::DecodeGame(app_data); }

Bytes ChessApp::Encode(const Game& game) { return chess::EncodeGame(game); }

Status ChessApp::ValidInit(const channel::Params& params, const State& initial) const {
  PARLEY_RETURN_IF_ERROR(CheckPlayers(params));
  PARLEY_RETURN_IF_ERROR(Pot(initial).status());
  if (initial.is_final) return Status::InvalidArgument("a game cannot start in a final state");
  PARLEY_ASSIGN_OR_RETURN(Game game, DecodeState(initial, "the initial state"));
  return CheckFresh(game);
}

Status ChessApp::ValidTransition(const channel::Params& params, const State& from, const State& to,
                                 ParticipantIndex actor) const {
  PARLEY_RETURN_IF_ERROR(CheckActor(params, actor));
  if (from.is_final) return Status::FailedPrecondition("the game is over; nothing may follow");
  PARLEY_ASSIGN_OR_RETURN(Game before, DecodeState(from, "the current state"));
  PARLEY_RETURN_IF_ERROR(before.CheckOngoing());
  PARLEY_ASSIGN_OR_RETURN(Amount pot, Pot(from));
  PARLEY_ASSIGN_OR_RETURN(Game claimed, DecodeState(to, "the proposed state"));
  PARLEY_ASSIGN_OR_RETURN(Game expected, Replay(before, claimed, ColorOfPlayer(actor)));
  State want = Follow(from, expected, pot);
  if (want.app_data != to.app_data) {
    return Status::InvalidArgument("the proposed app_data is not what the actions produce: " +
                                   Difference(expected, claimed));
  }
  if (want.allocation != to.allocation) {
    return Status::InvalidArgument("the allocation must pay " + PayoutText(expected, pot));
  }
  if (want.is_final != to.is_final) {
    return Status::InvalidArgument(
        expected.over()
            ? "the game is over (" + Standing(expected) + "), so the state must be final"
            : std::string("the game goes on, so the state must not be final"));
  }
  return Status::Ok();
}

Result<State> ChessApp::ApplyAction(const channel::Params& params, const State& from,
                                    ParticipantIndex actor, ByteView action) const {
  PARLEY_RETURN_IF_ERROR(CheckActor(params, actor));
  PARLEY_ASSIGN_OR_RETURN(chess::Action parsed, chess::DecodeAction(action));
  if (from.is_final) return Status::FailedPrecondition("the game is over; nothing may follow");
  PARLEY_ASSIGN_OR_RETURN(Game game, DecodeState(from, "the current state"));
  PARLEY_ASSIGN_OR_RETURN(Amount pot, Pot(from));
  PARLEY_RETURN_IF_ERROR(Perform(game, ColorOfPlayer(actor), parsed));
  return Follow(from, game, pot);
}

}  // namespace parley::apps
