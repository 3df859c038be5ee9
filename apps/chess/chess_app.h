// Chess: a full game of chess for stakes between two participants.
//
// Players: participant 0 plays white, participant 1 plays black.
//
// app_data is the game in the canonical encoding of chess/game_codec.h:
// the position, the positions since the last capture or pawn move (for the
// repetition rule), the status and result, and a standing draw offer. The
// rules are those of chess/game.h: checkmate, stalemate, the fifty-move
// rule, threefold repetition and insufficient material end the game at once;
// a player may resign, and offer, accept or decline a draw.
//
// Start: ValidInit accepts a fresh game: the standard position
// (InitialAppData()), or any position given as FEN (InitialAppData(fen))
// that is not already decided and whose move counters are "0 1"; with
// nothing else in the history and no draw offer. The state holds one asset
// with each player's deposit (deposits may differ, e.g. for odds games) and
// nothing locked; the pot is their sum.
//
// Stakes: until the game ends, every state pays the whole pot to the player
// who is not to move (the one who moved last), so a player who stops moving
// loses on timeout. A decided game pays the whole pot to the winner; a drawn
// game splits it, the odd unit to black (who moved second).
//
// Transitions: `to` is the state ApplyAction computes for the actor's
// actions from `from`: at most one move (on the actor's turn), then a
// resignation, an acceptance, or the declining of the opponent's offer
// and/or an offer of the actor's own — so a node that batches "move, offer a
// draw" into one state is understood. Its app_data, allocation and is_final
// must be exactly the computed ones; is_final is set exactly when the game
// is over, after which nothing may follow.
//
// Actions (chess/chess_action.h): MoveAction("e4"), MoveAction("e7e8q"),
// ResignAction(), OfferDrawAction(), AcceptDrawAction(),
// DeclineDrawAction().
#pragma once

#include <string_view>

#include "chess/game.h"
#include "parley/channel/app.h"

namespace parley::apps {

class ChessApp : public channel::App {
 public:
  static constexpr const char* kId = "chess";

  // A move in UCI ("e2e4", "e7e8q", "e1g1") or SAN ("e4", "Nf3", "O-O",
  // "e8=Q+"), parsed when the action is applied.
  static Bytes MoveAction(std::string_view move);
  static Bytes ResignAction();
  static Bytes OfferDrawAction();
  static Bytes AcceptDrawAction();
  static Bytes DeclineDrawAction();

  // The player of `color`: 0 for white, 1 for black.
  static channel::ParticipantIndex PlayerOf(chess::Color color);

  // app_data of a fresh game from the standard position.
  static Bytes InitialAppData();
  // app_data of a fresh game from `fen`. InvalidArgument for malformed FEN,
  // counters other than "0 1", or a position that is already decided.
  static Result<Bytes> InitialAppData(std::string_view fen);

  // The game a state's app_data holds, for UIs: Fen(), side_to_move(),
  // status() (GameStatusName), result() (ResultString: "1-0", "0-1",
  // "1/2-1/2", "*"). InvalidArgument for bytes that are not a chess game.
  static Result<chess::Game> Decode(ByteView app_data);
  static Bytes Encode(const chess::Game& game);

  channel::AppId id() const override { return kId; }
  Status ValidInit(const channel::Params& params, const channel::State& initial) const override;
  Status ValidTransition(const channel::Params& params, const channel::State& from,
                         const channel::State& to, channel::ParticipantIndex actor) const override;
  bool SupportsForceMove() const override { return true; }
  Result<channel::State> ApplyAction(const channel::Params& params, const channel::State& from,
                                     channel::ParticipantIndex actor,
                                     ByteView action) const override;
};

}  // namespace parley::apps
