#include "chess/chess_action.h"

#include <algorithm>

namespace parley::apps::chess {

Bytes EncodeAction(const Action& action) {
  bool move = action.kind == ActionKind::kMove;
  Bytes bytes(1 + (move ? action.move.size() : 0));
  bytes[0] = static_cast<uint8_t>(action.kind);
  if (move) std::copy(action.move.begin(), action.move.end(), bytes.begin() + 1);
  return bytes;
}

Result<Action> DecodeAction(ByteView bytes) {
  if (bytes.empty()) {
    return Status::InvalidArgument(
        "a chess action is empty; expected a move, a resignation or "
        "a draw offer, acceptance or declining");
  }
  Action action;
  uint8_t kind = bytes[0];
  if (kind < static_cast<uint8_t>(ActionKind::kMove) ||
      kind > static_cast<uint8_t>(ActionKind::kDeclineDraw)) {
    return Status::InvalidArgument("unknown chess action kind " + std::to_string(kind) +
                                   " (1 move, 2 resign, 3 offer, 4 accept, 5 decline a draw)");
  }
  action.kind = static_cast<ActionKind>(kind);
  ByteView rest = bytes.subspan(1);
  if (action.kind != ActionKind::kMove) {
    if (!rest.empty()) {
      return Status::InvalidArgument("chess action kind " + std::to_string(kind) +
                                     " takes no arguments, got " + std::to_string(rest.size()) +
                                     " more bytes");
    }
    return action;
  }
  if (rest.empty() || rest.size() > kMaxMoveTextLength) {
    return Status::InvalidArgument("a move is 1 to " + std::to_string(kMaxMoveTextLength) +
                                   " characters of UCI or SAN, got " + std::to_string(rest.size()));
  }
  if (!std::all_of(rest.begin(), rest.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; })) {
    return Status::InvalidArgument("a move is written in printable ASCII, e.g. e4 or e2e4");
  }
  action.move.assign(rest.begin(), rest.end());
  return action;
}

}  // namespace parley::apps::chess
