// parley chess ...: play chess through the node (apps/chess).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli_common.h"

namespace parley::cli {

// Adds "chess new | show | move | resign | offer-draw | accept-draw |
// decline-draw" to `cli`, and holds their arguments: keep it alive until the
// command has run. `o` is read when a command runs.
class ChessCommands {
 public:
  ChessCommands(CLI::App& cli, const Options& o);

 private:
  const Options& o_;
  std::string peer_;
  std::string stake_;
  std::string fen_;
  uint64_t challenge_ = 10;
  std::string channel_id_;
  std::string move_;
};

}  // namespace parley::cli
