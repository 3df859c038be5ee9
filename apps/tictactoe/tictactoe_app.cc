#include "tictactoe/tictactoe_app.h"

#include <algorithm>

namespace parley::apps {

using channel::Amount;
using channel::ParticipantIndex;
using channel::State;

namespace {

Result<TicTacToeApp::Board> ParseBoard(const Bytes& app_data) {
  if (app_data.size() != 9) {
    return Status::InvalidArgument("a tic-tac-toe board is 9 bytes, got " +
                                   std::to_string(app_data.size()));
  }
  TicTacToeApp::Board board;
  std::copy(app_data.begin(), app_data.end(), board.begin());
  if (std::any_of(board.begin(), board.end(), [](uint8_t c) { return c > 2; })) {
    return Status::InvalidArgument("a board cell holds 0, 1 or 2");
  }
  return board;
}

bool Full(const TicTacToeApp::Board& board) {
  return std::none_of(board.begin(), board.end(), [](uint8_t c) { return c == 0; });
}

// The pot: one asset, two balances, nothing locked (as ValidInit requires).
Result<Amount> Pot(const State& state) {
  const auto& assets = state.allocation.assets;
  if (assets.size() != 1 || assets[0].balances.size() != 2 || !assets[0].locked.empty()) {
    return Status::InvalidArgument("tic-tac-toe is played for one asset with nothing locked");
  }
  return channel::AssetTotal(assets[0]);
}

// Sets the allocation and finality that `board` implies after `mover` moved.
void SettleStakes(const TicTacToeApp::Board& board, ParticipantIndex mover, const Amount& pot,
                  State& state) {
  auto& balances = state.allocation.assets[0].balances;
  uint8_t winner = TicTacToeApp::Winner(board);
  state.is_final = winner != 0 || Full(board);
  if (winner == 0 && Full(board)) {
    balances = {pot / 2, pot - pot / 2};
    return;
  }
  ParticipantIndex paid = winner != 0 ? winner - 1u : mover;
  balances = {paid == 0 ? pot : Amount(0), paid == 1 ? pot : Amount(0)};
}

}  // namespace

ParticipantIndex TicTacToeApp::ToMove(const Board& board) {
  auto xs = std::count(board.begin(), board.end(), 1);
  auto os = std::count(board.begin(), board.end(), 2);
  return xs == os ? 0 : 1;
}

uint8_t TicTacToeApp::Winner(const Board& b) {
  static constexpr int kLines[8][3] = {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6},
                                       {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}};
  for (const auto& line : kLines) {
    if (b[line[0]] != 0 && b[line[0]] == b[line[1]] && b[line[1]] == b[line[2]]) return b[line[0]];
  }
  return 0;
}

Status TicTacToeApp::ValidInit(const channel::Params& params, const State& initial) const {
  if (params.participants.size() != 2)
    return Status::InvalidArgument("tic-tac-toe needs 2 players");
  if (initial.allocation.assets.size() != 1 || !initial.allocation.assets[0].locked.empty()) {
    return Status::InvalidArgument("tic-tac-toe is played for one asset with nothing locked");
  }
  const auto& balances = initial.allocation.assets[0].balances;
  if (balances[0] != balances[1]) {
    return Status::InvalidArgument("both players must stake the same amount");
  }
  PARLEY_ASSIGN_OR_RETURN(Board board, ParseBoard(initial.app_data));
  if (board != Board{}) return Status::InvalidArgument("the game must start on an empty board");
  return Status::Ok();
}

Status TicTacToeApp::ValidTransition(const channel::Params&, const State& from, const State& to,
                                     ParticipantIndex actor) const {
  PARLEY_ASSIGN_OR_RETURN(Board before, ParseBoard(from.app_data));
  PARLEY_ASSIGN_OR_RETURN(Board after, ParseBoard(to.app_data));
  if (from.is_final) return Status::FailedPrecondition("the game is over");
  if (ToMove(before) != actor) {
    return Status::PermissionDenied("it is participant " + std::to_string(ToMove(before)) +
                                    "'s turn, not " + std::to_string(actor) + "'s");
  }
  int changed = 0;
  for (size_t i = 0; i < 9; ++i) {
    if (before[i] == after[i]) continue;
    if (before[i] != 0 || after[i] != actor + 1) {
      return Status::InvalidArgument("cell " + std::to_string(i) + " cannot change from " +
                                     std::to_string(before[i]) + " to " + std::to_string(after[i]));
    }
    ++changed;
  }
  if (changed != 1) return Status::InvalidArgument("a move places exactly one mark");
  PARLEY_ASSIGN_OR_RETURN(Amount pot, Pot(from));
  PARLEY_RETURN_IF_ERROR(Pot(to).status());
  State expected = to;
  SettleStakes(after, actor, pot, expected);
  if (expected.allocation != to.allocation || expected.is_final != to.is_final) {
    return Status::InvalidArgument(
        "the stakes do not follow the board (the mover takes the pot until the game ends)");
  }
  return Status::Ok();
}

Result<State> TicTacToeApp::ApplyAction(const channel::Params&, const State& from,
                                        ParticipantIndex actor, ByteView action) const {
  if (action.size() != 1 || action[0] > 8) {
    return Status::InvalidArgument("a tic-tac-toe move is one cell number 0..8");
  }
  PARLEY_ASSIGN_OR_RETURN(Board board, ParseBoard(from.app_data));
  if (from.is_final) return Status::FailedPrecondition("the game is over");
  if (ToMove(board) != actor) {
    return Status::PermissionDenied("it is not participant " + std::to_string(actor) + "'s turn");
  }
  if (board[action[0]] != 0) {
    return Status::InvalidArgument("cell " + std::to_string(action[0]) + " is taken");
  }
  PARLEY_ASSIGN_OR_RETURN(Amount pot, Pot(from));
  board[action[0]] = static_cast<uint8_t>(actor + 1);
  State next = from;
  next.version = from.version + 1;
  next.app_data.assign(board.begin(), board.end());
  SettleStakes(board, actor, pot, next);
  return next;
}

}  // namespace parley::apps
