#include "parley/settlement/events.h"

namespace parley::settlement {

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kDeposited:
      return "deposited";
    case EventKind::kRegistered:
      return "registered";
    case EventKind::kProgressed:
      return "progressed";
    case EventKind::kConcluded:
      return "concluded";
    case EventKind::kWithdrawn:
      return "withdrawn";
  }
  return "unknown";
}

}  // namespace parley::settlement
