// A parley-watchtower process for end-to-end tests, on a free loopback port.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "e2e/daemon_harness.h"

namespace parley::e2e {

// parley-watchtower with its data directory in `data_dir` and the ledger
// flags `chain` (--chain and, on an EVM chain, --adjudicator ...), stopped
// by the test or killed when the object dies.
class TowerProcess : public Process {
 public:
  TowerProcess(const std::filesystem::path& data_dir, const std::vector<std::string>& chain)
      : TowerProcess(data_dir, chain, Local(FreePort())) {}
  const std::string& address() const { return listen_; }

  // Starts a stopped tower again, on the same data directory and port, and
  // waits for the new process's ready line rather than the old log's.
  bool Restart() {
    RemoveLog();
    return Start();
  }

 private:
  TowerProcess(const std::filesystem::path& data_dir, const std::vector<std::string>& chain,
               std::string listen)
      : Process(Args(data_dir, chain, listen), data_dir.string() + ".log",
                "parley-watchtower ready"),
        listen_(std::move(listen)) {}

  static std::vector<std::string> Args(const std::filesystem::path& data_dir,
                                       const std::vector<std::string>& chain,
                                       const std::string& listen) {
    std::vector<std::string> args = {
        PARLEY_WATCHTOWER_PATH, "--data-dir", data_dir.string(), "--listen", listen,
        "--log-level",          "info"};
    args.insert(args.end(), chain.begin(), chain.end());
    return args;
  }

  std::string listen_;
};

}  // namespace parley::e2e
