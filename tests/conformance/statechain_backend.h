// The statechain backend of the settlement conformance suite: channels on
// statecoins, with the statechain operator (OperatorAdjudicator) as their
// adjudicator over a fake Bitcoin ledger.
#pragma once

#include <memory>

#include "conformance/settlement_conformance.h"

namespace parley::settlement::conformance {

std::unique_ptr<SettlementBackend> MakeStatechain();

}  // namespace parley::settlement::conformance
