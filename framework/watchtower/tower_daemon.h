// The parley-watchtower process: wiring, signals and the main loop.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "evm_chain.h"
#include "parley/util/status.h"

namespace parley::watchtower {

struct TowerConfig {
  std::string data_dir = "parley-watchtower-data";  // the tower's RocksDB store
  std::string listen = "127.0.0.1:7900";            // where clients connect
  std::string chain;  // the ledger watched: sim://HOST:PORT or evm://HOST:PORT
  // With evm://: the Adjudicator contract, confirmations and poll interval,
  // as parleyd takes them. The tower's own account (tower.key in data_dir,
  // created on first start) pays the gas of its refutations.
  daemon::EvmChainFlags evm;
  size_t quota = 1000;                       // channels per client
  size_t max_channels = 100'000;             // channels of all clients
  std::vector<std::string> allowed_clients;  // client keys (hex); empty: any
};

// Runs until SIGTERM or SIGINT, then shuts down cleanly. A Status for what
// stopped it from starting.
Status Run(const TowerConfig& config);

}  // namespace parley::watchtower
