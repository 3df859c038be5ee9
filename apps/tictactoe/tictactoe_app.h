// Tic-tac-toe: the smallest turn-based app, used to exercise force-moves.
//
// Two participants with equal stakes of one asset. app_data is the board: 9
// bytes, row by row, 0 empty, 1 for participant 0 (X, who moves first), 2 for
// participant 1 (O). A move adds one mark of the player whose turn it is.
//
// Stakes: every state's allocation pays the whole pot to the player who just
// moved, so a player who stops answering loses on timeout. A win is final
// and pays the winner; a full board without a line is final and splits the
// pot.
//
// Action: one byte, the cell 0..8.
#pragma once

#include <array>

#include "parley/channel/app.h"

namespace parley::apps {

class TicTacToeApp : public channel::App {
 public:
  static constexpr const char* kId = "tictactoe";
  using Board = std::array<uint8_t, 9>;

  static Bytes MoveAction(uint8_t cell) { return Bytes{cell}; }
  // The player whose turn it is on `board`.
  static channel::ParticipantIndex ToMove(const Board& board);
  // 1 or 2 for a line of that mark, 0 otherwise.
  static uint8_t Winner(const Board& board);

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
