// parley tip ... and parley tips ...: tip a streamer through the node, and
// the streamer's leaderboard and cash-out (apps/tipping).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli_common.h"

namespace parley::cli {

// Adds to `cli`:
//   tip CHANNEL_ID AMOUNT [MESSAGE]   the fan tips over its channel
//   tips open --streamer ID --deposit AMOUNT   the fan opens a channel it funds
//   tips leaderboard                  the streamer's fans by total tipped
//   tips cashout                      the streamer closes and withdraws every channel
// and holds their arguments: keep it alive until the command has run. `o` is
// read when a command runs.
class TipCommands {
 public:
  TipCommands(CLI::App& cli, const Options& o);

 private:
  const Options& o_;
  v1::OpenChannelRequest open_;
  std::string deposit_;
  uint64_t challenge_ = 10;
  std::string channel_id_;
  std::string amount_;
  std::string message_;
};

}  // namespace parley::cli
