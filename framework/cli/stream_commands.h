// parley stream ...: streaming micropayments between two nodes (apps/streaming).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli_common.h"

namespace parley::cli {

// Adds to `cli`:
//   stream open --peer ID --deposit AMOUNT --price AMOUNT [--lag UNITS]
//                                 the payer opens a channel it funds alone
//   stream start CHANNEL_ID --units N [--every MS]
//                                 the payer sends a voucher per unit
//   stream show CHANNEL_ID        what the best voucher pays, on either side
//   stream stop CHANNEL_ID        the payee countersigns the best voucher,
//                                 closes the channel and withdraws
// and holds their arguments: keep it alive until the command has run.
class StreamCommands {
 public:
  StreamCommands(CLI::App& cli, const Options& o);

 private:
  const Options& o_;
  v1::OpenChannelRequest open_;
  std::string deposit_;
  std::string price_;
  uint64_t lag_ = 3;
  uint64_t challenge_ = 10;
  std::string channel_id_;
  uint64_t units_ = 1;
  uint64_t every_ms_ = 0;
};

}  // namespace parley::cli
