// Daemon: wires one node together (DESIGN.md §4) and runs it until a signal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "evm_chain.h"
#include "parley/client/node.h"
#include "parley/util/status.h"

namespace parley::daemon {

struct DaemonConfig {
  std::string data_dir = "parley-data";   // keys, the node's store, a hosted devchain
  std::string listen = "127.0.0.1:7700";  // where peers connect
  std::string api = "127.0.0.1:7701";     // where clients (the parley CLI) connect
  std::string devchain;                   // host the sim ledger here, HOST:PORT
  std::string chain;                      // or join one: sim://HOST:PORT, or evm://HOST:PORT
  // With evm://: the Adjudicator contract; the blocks a transaction needs
  // (its own and those on top) before the node counts it, which is also how
  // deep events are read (default 1); how often the chain's logs are read for
  // events (default 100 ms).
  EvmChainFlags evm;
  uint64_t tick_ms = 1000;            // a hosted devchain's clock: one tick per this
  bool devchain_dev_calls = false;    // let anyone Mint and Advance on the hosted devchain
  std::string max_deposit = "0";      // most this node deposits into a peer's channel
  size_t max_channels_per_peer = 64;  // channels one peer may open with this node
  size_t updates_in_flight = 1;       // a channel's proposals awaiting the peer at once
  std::string watchtower;             // hand every latest state to this tower, HOST:PORT
  // Most queued actions one signed state carries.
  size_t actions_per_update = client::kMaxActionsPerUpdate;
  // Run channels on statecoins with the statechain operator at HOST:PORT
  // (docs/statechain.md): a second backend, "statechain".
  std::string statechain;
  // Its channels' backups (docs/statechain.md, "parley channel backup"):
  // one every this many versions (0: none), each this many blocks below the
  // one before.
  uint64_t statechain_backup_every = 100;
  uint32_t statechain_backup_step = 10;
};

// Runs until SIGTERM or SIGINT, then shuts down cleanly. A Status for what
// stopped it from starting.
Status Run(const DaemonConfig& config);

}  // namespace parley::daemon
