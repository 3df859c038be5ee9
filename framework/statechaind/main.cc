// parley-statechain: the statechain operator daemon (docs/statechain.md).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "parley/util/log.h"
#include "statechaind.h"

int main(int argc, char** argv) {
  parley::statechaind::OperatorConfig config;
  std::string log_level = "info";
  CLI::App cli{
      "parley-statechain: a statechain operator. It co-owns each statecoin's key with the coin's "
      "owner, signs backups and transfers blindly and counts its signatures; wallets (parley "
      "statecoin ...) connect on --listen. Coins live on the devchain's UTXO set (--chain)."};
  cli.add_option("--data-dir", config.data_dir, "the operator's store (RocksDB)")
      ->capture_default_str();
  cli.add_option("--listen", config.listen, "HOST:PORT for wallets")->capture_default_str();
  cli.add_option("--chain", config.chain,
                 "the devchain whose UTXO set holds the coins: sim://HOST:PORT (parleyd "
                 "--devchain HOST:PORT)")
      ->required();
  cli.add_option("--initlock", config.initlock,
                 "blocks from a deposit's height to its first backup's lock time")
      ->capture_default_str();
  cli.add_option("--interval", config.interval,
                 "blocks by which each transfer lowers the backup's lock time; a coin moves at "
                 "most initlock / interval times")
      ->capture_default_str();
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  if (auto s = parley::SetLogLevel(log_level); !s.ok()) {
    std::fprintf(stderr, "parley-statechain: %s\n", s.message().c_str());
    return 2;
  }
  parley::Status status = parley::statechaind::Run(config);
  if (!status.ok()) {
    std::fprintf(stderr, "parley-statechain: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
