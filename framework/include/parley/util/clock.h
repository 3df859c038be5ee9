// Time as the settlement layer sees it: ledger ticks. The sim ledger counts
// them itself (advanced by hand in tests, on a timer in a daemon); an EVM
// backend will read block time.
#pragma once

#include <cstdint>

namespace parley {

using Tick = uint64_t;

}  // namespace parley
