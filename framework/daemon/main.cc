// parleyd: the Parley node daemon.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "daemon.h"
#include "parley/channel/channel.h"
#include "parley/util/log.h"

int main(int argc, char** argv) {
  parley::daemon::DaemonConfig config;
  std::string log_level = "info";
  CLI::App cli{"parleyd: a Parley node. Peers connect on --listen, clients on --api."};
  cli.set_config("--config", "", "read options from a file (TOML or INI: key = value)");
  cli.add_option("--data-dir", config.data_dir, "node key, channel store, hosted devchain")
      ->capture_default_str();
  cli.add_option("--listen", config.listen, "HOST:PORT for peers")->capture_default_str();
  cli.add_option("--api", config.api, "HOST:PORT for clients")->capture_default_str();
  cli.add_option("--devchain", config.devchain, "host the sim ledger on HOST:PORT");
  cli.add_option("--chain", config.chain,
                 "join a ledger: a devchain sim://HOST:PORT, or an EVM chain's JSON-RPC "
                 "evm://HOST:PORT (with --adjudicator)");
  parley::daemon::AddEvmChainOptions(cli, config.evm);
  cli.add_flag("--devchain-dev-calls", config.devchain_dev_calls,
               "let any client Mint funds and Advance the clock of the hosted devchain "
               "(tests and demos only)");
  cli.add_option("--tick-ms", config.tick_ms, "a hosted devchain advances one tick per this")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600000));
  cli.add_option("--max-deposit", config.max_deposit,
                 "most this node deposits into a channel a peer proposes")
      ->capture_default_str();
  cli.add_option("--max-channels-per-peer", config.max_channels_per_peer,
                 "most channels one peer may open with this node (all peers together: 10000)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{10000}));
  cli.add_option("--updates-in-flight", config.updates_in_flight,
                 "a channel's proposals that may await the peer's answer at once (pipelining)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, parley::channel::kMaxPendingProposals));
  cli.add_option("--actions-per-update", config.actions_per_update,
                 "most queued actions (payments, moves) one signed state carries; 1 gives each "
                 "its own co-signed state")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, parley::client::kMaxActionsPerUpdate));
  cli.add_option("--watchtower", config.watchtower,
                 "hand every channel's latest fully signed state to the parley-watchtower at "
                 "HOST:PORT, which refutes stale registrations while this node is offline "
                 "(docs/operations.md)");
  cli.add_option("--statechain", config.statechain,
                 "run payment channels on statecoins with the parley-statechain operator at "
                 "HOST:PORT: adds the backend 'statechain' (docs/statechain.md)");
  cli.add_option("--statechain-backup-every", config.statechain_backup_every,
                 "with --statechain: the versions between a coin channel's backups, which "
                 "`parley channel backup` broadcasts if the operator vanishes (0: no backups)")
      ->capture_default_str();
  cli.add_option("--statechain-backup-step", config.statechain_backup_step,
                 "with --statechain: the blocks by which each backup's lock time is below the "
                 "one before")
      ->capture_default_str();
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  if (auto s = parley::SetLogLevel(log_level); !s.ok()) {
    std::fprintf(stderr, "parleyd: %s\n", s.message().c_str());
    return 2;
  }
  parley::Status status = parley::daemon::Run(config);
  if (!status.ok()) {
    std::fprintf(stderr, "parleyd: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
