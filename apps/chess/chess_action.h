// The chess app's action bytes: one kind byte; a move is followed by its
// text (UCI or SAN, printable ASCII, 1 to 16 bytes), the others by nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "parley/util/bytes.h"
#include "parley/util/status.h"

namespace parley::apps::chess {

enum class ActionKind : uint8_t {
  kMove = 1,
  kResign = 2,
  kOfferDraw = 3,
  kAcceptDraw = 4,
  kDeclineDraw = 5,
};

inline constexpr size_t kMaxMoveTextLength = 16;

struct Action {
  ActionKind kind = ActionKind::kMove;
  std::string move;  // only for kMove
};

Bytes EncodeAction(const Action& action);

// InvalidArgument for an empty action, an unknown kind, bytes after a
// non-move action, or move text that is empty, too long or not printable.
Result<Action> DecodeAction(ByteView bytes);

}  // namespace parley::apps::chess
