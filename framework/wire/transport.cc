#include "parley/wire/transport.h"

namespace parley::wire {

void Transport::SetReceiver(Receiver receiver) {
  if (!receiver) return SetBatchReceiver(nullptr);
  SetBatchReceiver([receiver = std::move(receiver)](std::vector<Incoming> burst) {
    for (Incoming& in : burst) receiver(in.from, std::move(in.message));
  });
}

}  // namespace parley::wire
