// What a settlement backend reports about a channel (DESIGN.md §3).
#pragma once

#include <string>

#include "parley/channel/types.h"
#include "parley/util/clock.h"

namespace parley::settlement {

enum class EventKind { kDeposited, kRegistered, kProgressed, kConcluded, kWithdrawn };
const char* EventKindName(EventKind kind);

struct Event {
  EventKind kind;
  channel::ChannelId channel{};
  // kRegistered, kProgressed: the state now on the ledger and when its phase
  // ends (the dispute timeout, or the force-move timeout).
  uint64_t version = 0;
  Tick timeout = 0;
  // kDeposited, kWithdrawn: who, what and how much.
  channel::ParticipantIndex participant = 0;
  std::string asset;
  channel::Amount amount;
};

}  // namespace parley::settlement
