// parley-watchtower: keeps its clients' latest channel states and refutes
// stale registrations on the ledger while they are offline
// (docs/operations.md).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "parley/util/log.h"
#include "tower_daemon.h"

int main(int argc, char** argv) {
  parley::watchtower::TowerConfig config;
  std::string log_level = "info";
  CLI::App cli{
      "parley-watchtower: an outsourced watchtower. Nodes (parleyd --watchtower HOST:PORT) hand "
      "it their latest fully signed states; it refutes stale registrations on the ledger while "
      "they are offline."};
  cli.add_option("--data-dir", config.data_dir, "the tower's store (RocksDB)")
      ->capture_default_str();
  cli.add_option("--listen", config.listen, "HOST:PORT for clients")->capture_default_str();
  cli.add_option("--chain", config.chain,
                 "the ledger to watch: a devchain sim://HOST:PORT (parleyd --devchain), or an "
                 "EVM chain's JSON-RPC evm://HOST:PORT (with --adjudicator; the tower's own "
                 "account, whose key it keeps in --data-dir, pays the gas of its refutations)")
      ->required();
  parley::daemon::AddEvmChainOptions(cli, config.evm);
  cli.add_option("--quota", config.quota, "channels one client may have watched at once")
      ->capture_default_str();
  cli.add_option("--max-channels", config.max_channels, "channels of all clients together")
      ->capture_default_str();
  cli.add_option("--allow-client", config.allowed_clients,
                 "a node key (hex) that may use the tower; repeat for more. Without it, any "
                 "key may");
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  if (auto s = parley::SetLogLevel(log_level); !s.ok()) {
    std::fprintf(stderr, "parley-watchtower: %s\n", s.message().c_str());
    return 2;
  }
  parley::Status status = parley::watchtower::Run(config);
  if (!status.ok()) {
    std::fprintf(stderr, "parley-watchtower: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
