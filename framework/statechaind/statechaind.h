// The parley-statechain process: the statechain operator (docs/
// statechain.md) over a RocksDB store, settling on a devchain's
// UTXO set, served over gRPC. Wiring, signals and shutdown only.
#pragma once

#include <cstdint>
#include <string>

#include "parley/util/status.h"

namespace parley::statechaind {

struct OperatorConfig {
  std::string data_dir = "parley-statechain-data";  // the operator's RocksDB store
  std::string listen = "127.0.0.1:7950";            // where wallets connect
  std::string chain;                                // the devchain: sim://HOST:PORT
  uint32_t initlock = 10'000;  // blocks from a deposit to its first backup's lock time
  uint32_t interval = 100;     // how much earlier each next backup becomes valid
};

// Runs until SIGTERM or SIGINT, then shuts down cleanly. A Status for what
// stopped it from starting (a bad flag, an unreachable devchain, a port in
// use, a store another process holds).
Status Run(const OperatorConfig& config);

}  // namespace parley::statechaind
