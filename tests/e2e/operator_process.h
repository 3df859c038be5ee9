// A parley-statechain process (the statechain operator) for end-to-end
// tests, on a free loopback port.
#pragma once

#include <filesystem>
#include <string>

#include "e2e/daemon_harness.h"

namespace parley::e2e {

// parley-statechain on the devchain `chain` (sim://HOST:PORT), with its
// store in `data_dir`, a first backup `initlock` blocks after a deposit and
// `interval` blocks between backups; stopped by the test or killed when the
// object dies.
class OperatorProcess : public Process {
 public:
  OperatorProcess(const std::filesystem::path& data_dir, const std::string& chain, int initlock,
                  int interval)
      : OperatorProcess(data_dir, chain, initlock, interval, Local(FreePort())) {}
  const std::string& address() const { return listen_; }

 private:
  OperatorProcess(const std::filesystem::path& data_dir, const std::string& chain, int initlock,
                  int interval, std::string listen)
      : Process(
            {PARLEY_STATECHAIN_PATH, "--data-dir", data_dir.string(), "--listen", listen, "--chain",
             chain, "--initlock", std::to_string(initlock), "--interval", std::to_string(interval)},
            data_dir.string() + ".log", "parley-statechain ready"),
        listen_(std::move(listen)) {}

  std::string listen_;
};

// A devchain whose clock moves only when the test advances it, at
// `devchain` (HOST:PORT), and an operator on it; Start starts both.
struct StatechainWorld {
  StatechainWorld(const std::filesystem::path& dir, const std::string& devchain, int initlock,
                  int interval)
      : chain(dir / "chain",
              {"--devchain", devchain, "--devchain-dev-calls", "--tick-ms", "3600000"}),
        op(dir / "operator", "sim://" + devchain, initlock, interval) {}
  // False, with the failing process's log in `*log`, if either fails.
  bool Start(std::string* log) {
    if (!chain.Start()) {
      *log = chain.Log();
      return false;
    }
    if (!op.Start()) {
      *log = op.Log();
      return false;
    }
    return true;
  }
  Daemon chain;
  OperatorProcess op;
};

}  // namespace parley::e2e
