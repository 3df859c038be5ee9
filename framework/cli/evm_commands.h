// parley evm ...: putting Parley on an EVM chain (docs/evm.md): deploy the
// contracts, move ether to a node's account, read balances. These talk to
// the chain's JSON-RPC directly, not to parleyd.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli_common.h"

namespace parley::cli {

// Adds to `cli`:
//   evm deploy --rpc URL (--key HEX | --key-file FILE)
//       deploys the Adjudicator and the app rules; prints their addresses
//   evm send-eth --rpc URL (--key HEX | --key-file FILE) --to ADDRESS|NODE_ID --amount WEI
//       sends ether, e.g. to a node's account for deposits and gas
//   evm balance --rpc URL ADDRESS|NODE_ID [--asset eth|0xTOKEN]
//       an account's balance in wei (or token units)
// and holds their arguments: keep it alive until the command has run. `o` is
// read when a command runs (--json).
class EvmCommands {
 public:
  EvmCommands(CLI::App& cli, const Options& o);

 private:
  const Options& o_;
  std::string rpc_ = "http://127.0.0.1:8545";
  std::string key_hex_;
  std::string key_file_;
  std::string to_;
  std::string amount_;
  std::string account_;
  std::string asset_ = "eth";
};

}  // namespace parley::cli
