// Checks shared by the Operator's source files.
#pragma once

#include "parley/util/bytes.h"
#include "parley/util/status.h"
#include "records.h"

namespace parley::settlement::statechain {

// The coin's record if the coin exists and is active; FailedPrecondition for
// a withdrawn coin or one in a channel.
Result<CoinRecord> LoadActiveCoin(const store::Store& store, const CoinId& coin_id);

}  // namespace parley::settlement::statechain
