// parley statecoin ...: the owner's side of the statechain (docs/
// statechain.md), one command per process, the wallet kept in
// --wallet-dir.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli_common.h"
#include "statecoin_wallet.h"

namespace parley::cli {

// Adds --operator, --chain and --wallet-dir, the options of the statecoin
// wallet, to `command`, storing them in `options`: for `statecoin` and for
// `channel open --statecoin`.
void AddWalletOptions(CLI::App& command, StatecoinOptions& options);

// Adds to `cli`:
//   statecoin deposit --amount SATS   a coin funded from the devchain faucet
//   statecoin list                    the coins this wallet holds, sent or
//                                     handed to a payment channel
//   statecoin address                 this wallet's receive address
//   statecoin transfer COIN_ID ADDRESS [--out FILE]   the sealed message (hex)
//   statecoin receive FILE|HEX        takes a coin over
//   statecoin withdraw COIN_ID [--to SCRIPT_HEX|own]  the cooperative exit
//   statecoin exit COIN_ID            broadcasts the latest backup
// with options --operator, --chain, --wallet-dir and --interval (an
// override of the operator's lock-time interval), and holds their
// arguments: keep it alive until the command has run. `o.json` is read when
// a command runs.
class StatecoinCommands {
 public:
  StatecoinCommands(CLI::App& cli, const Options& o);

 private:
  void Deposit();
  void List();
  void ShowAddress();
  void Transfer();
  void Receive();
  void Withdraw();
  void Exit();
  // The wallet, or Die with why it cannot be opened.
  std::unique_ptr<StatecoinWallet> Open(ChecksBackups checks = ChecksBackups::kNo);

  const Options& o_;
  StatecoinOptions options_;
  uint32_t interval_ = 0;  // --interval, when given
  CLI::Option* interval_option_ = nullptr;
  int64_t amount_ = 0;
  std::string coin_id_;
  std::string address_;
  std::string out_;
  std::string message_;
  std::string to_ = "own";
};

}  // namespace parley::cli
