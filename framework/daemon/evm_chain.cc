#include "evm_chain.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <utility>

#include "parley/channel/amount.h"

namespace parley::daemon {

namespace {

constexpr uint64_t kMaxConfirmations = 64;
constexpr uint64_t kMinPollMs = 10;
constexpr uint64_t kMaxPollMs = 60'000;

// The --evm-* flags into `chain`, the defaults for those not given;
// InvalidArgument for a value out of range.
Status ReadEvmOptions(const EvmChainFlags& flags, EvmChain& chain) {
  chain.confirmations = flags.confirmations.value_or(chain.confirmations);
  if (chain.confirmations == 0 || chain.confirmations > kMaxConfirmations) {
    return Status::InvalidArgument("--evm-confirmations " + std::to_string(chain.confirmations) +
                                   " is out of range: give 1 (a transaction counts once mined) "
                                   "to " +
                                   std::to_string(kMaxConfirmations));
  }
  uint64_t poll_ms = flags.poll_ms.value_or(chain.poll_interval.count());
  if (poll_ms < kMinPollMs || poll_ms > kMaxPollMs) {
    return Status::InvalidArgument("--evm-poll-ms " + std::to_string(poll_ms) +
                                   " is out of range: give " + std::to_string(kMinPollMs) + " to " +
                                   std::to_string(kMaxPollMs) + " ms");
  }
  chain.poll_interval = std::chrono::milliseconds(poll_ms);
  return Status::Ok();
}

}  // namespace

void AddEvmChainOptions(CLI::App& cli, EvmChainFlags& flags) {
  cli.add_option("--adjudicator", flags.adjudicator,
                 "with --chain evm://: the address of the Adjudicator contract "
                 "(parley evm deploy prints it)");
  cli.add_option("--evm-confirmations", flags.confirmations,
                 "with --chain evm://: blocks a transaction needs, its own and those on top, "
                 "before it counts; events are read as deep (1 to 64, default 1: mined; more on "
                 "a chain that reorganizes)");
  cli.add_option("--evm-poll-ms", flags.poll_ms,
                 "with --chain evm://: how often the chain's events are read, in ms (10 to "
                 "60000, default 100)");
}

Result<std::optional<EvmChain>> ParseEvmChain(const std::string& chain_flag,
                                              const EvmChainFlags& flags) {
  if (!chain_flag.starts_with("evm://")) {
    for (const auto& [given, flag] : {std::pair{!flags.adjudicator.empty(), "--adjudicator"},
                                      {flags.confirmations.has_value(), "--evm-confirmations"},
                                      {flags.poll_ms.has_value(), "--evm-poll-ms"}}) {
      if (given) {
        return Status::InvalidArgument(std::string(flag) +
                                       " is for an EVM chain: --chain evm://HOST:PORT");
      }
    }
    return std::optional<EvmChain>();
  }
  EvmChain chain;
  PARLEY_RETURN_IF_ERROR(ReadEvmOptions(flags, chain));
  std::string host_port = chain_flag.substr(6);
  size_t colon = host_port.rfind(':');
  if (host_port.empty() || colon == std::string::npos || colon == 0 ||
      colon + 1 == host_port.size() || host_port.find('/') != std::string::npos) {
    return Status::InvalidArgument("--chain '" + chain_flag +
                                   "' is not evm://HOST:PORT (the chain's JSON-RPC over HTTP)");
  }
  if (flags.adjudicator.empty()) {
    return Status::InvalidArgument(
        "--chain evm:// needs --adjudicator 0x...: the address of the Adjudicator contract "
        "(parley evm deploy deploys one and prints it)");
  }
  auto adjudicator = crypto::AddressFromHex(flags.adjudicator);
  if (!adjudicator.ok()) return adjudicator.status().WithContext("--adjudicator");
  chain.endpoint = "http://" + host_port;
  chain.adjudicator = *adjudicator;
  return std::optional<EvmChain>(chain);
}

Result<EvmConnection> JoinEvmChain(const EvmChain& chain, const crypto::PrivateKey& key,
                                   store::Store& cursor, const EvmAccountUse& use) {
  namespace evm = settlement::evm;
  auto opened = evm::EthClient::Open(chain.endpoint);
  if (!opened.ok()) return opened.status().WithContext("--chain " + chain.endpoint);
  EvmConnection connection;
  connection.eth = std::make_unique<evm::EthClient>(std::move(*opened));
  auto client = evm::EvmClient::Create(*connection.eth, chain.adjudicator, key,
                                       {.tx = {.confirmations = chain.confirmations},
                                        .poll_interval = chain.poll_interval,
                                        .event_cursor = &cursor});
  if (!client.ok()) {
    return client.status().WithContext("cannot use the Adjudicator " +
                                       crypto::AddressToHex(chain.adjudicator) + " on " +
                                       chain.endpoint);
  }
  connection.client = std::move(*client);
  const evm::EvmClient& joined = *connection.client;
  const std::string account = crypto::AddressToHex(joined.address());
  auto balance = connection.eth->GetBalance(joined.address());
  std::string wei = balance.ok() ? channel::ToString(*balance) : balance.status().ToString();
  std::printf("%s evm: chain %llu at %s, adjudicator %s; %s %s (%s wei) pays %s\n",
              use.program.c_str(), static_cast<unsigned long long>(joined.scheme().chain_id()),
              chain.endpoint.c_str(), crypto::AddressToHex(chain.adjudicator).c_str(),
              use.owner.c_str(), account.c_str(), wei.c_str(), use.pays.c_str());
  std::fflush(stdout);
  if (balance.ok() && *balance == 0) {
    spdlog::warn("{} {} has no ether: fund it to pay for {}", use.owner, account, use.pays);
  }
  return connection;
}

}  // namespace parley::daemon
