// The statechain backends of the settlement conformance suite: channels on
// statecoins, with the statechain operator (OperatorAdjudicator) as their
// adjudicator over a fake Bitcoin ledger; in process, and over gRPC on
// loopback (RemoteOperatorAdjudicator).
#pragma once

#include <memory>

#include "conformance/settlement_conformance.h"

namespace parley::settlement::conformance {

std::unique_ptr<SettlementBackend> MakeStatechain();
std::unique_ptr<SettlementBackend> MakeRemoteStatechain();

}  // namespace parley::settlement::conformance
