// Time as the settlement layer sees it: ledger ticks.
#pragma once

#include <cstdint>

namespace parley {

using Tick = uint64_t;

// A source of the current ledger tick. The sim ledger's clock is advanced by
// hand in tests and on a timer in a daemon; an EVM backend reads block time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Tick Now() const = 0;
};

// A clock that moves only when told to. Not thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(Tick start = 0) : now_(start) {}
  Tick Now() const override { return now_; }
  void Advance(Tick ticks) { now_ += ticks; }
  void Set(Tick now) { now_ = now; }

 private:
  Tick now_;
};

}  // namespace parley
