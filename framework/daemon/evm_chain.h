// The EVM chain of parleyd and parley-watchtower: the flags that name one
// (--chain evm://HOST:PORT, --adjudicator, --evm-confirmations,
// --evm-poll-ms), their checks, and joining the chain as one account. Both
// binaries link this (parley_evm_chain), so they take the same flags the same
// way (docs/evm.md, docs/operations.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "parley/crypto/ecdsa.h"
#include "parley/crypto/keys.h"
#include "parley/settlement/evm/eth_client.h"
#include "parley/settlement/evm/evm_client.h"
#include "parley/store/store.h"
#include "parley/util/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace parley::daemon {

// The flags given beside --chain evm://...; empty or unset when not given.
struct EvmChainFlags {
  std::string adjudicator;                // the Adjudicator contract, 0x...
  std::optional<uint64_t> confirmations;  // --evm-confirmations (default 1)
  std::optional<uint64_t> poll_ms;        // --evm-poll-ms (default 100)
};

// Adds --adjudicator, --evm-confirmations and --evm-poll-ms to `cli`; they
// fill `flags`, which must outlive the parse.
void AddEvmChainOptions(CLI::App& cli, EvmChainFlags& flags);

// What --chain evm://HOST:PORT and the flags above name.
struct EvmChain {
  std::string endpoint;  // http://HOST:PORT
  crypto::EthAddress adjudicator{};
  uint64_t confirmations = 1;
  std::chrono::milliseconds poll_interval{100};
};

// The EVM chain that `chain` (the --chain value) and `flags` name, nullopt if
// `chain` is not evm://... and no EVM flag is given. InvalidArgument, naming
// the flag and what to give instead, for an EVM flag without an evm:// chain,
// a value out of range, a URL that is not evm://HOST:PORT, or a missing or
// malformed --adjudicator.
Result<std::optional<EvmChain>> ParseEvmChain(const std::string& chain, const EvmChainFlags& flags);

// Who uses the account, for the line JoinEvmChain prints:
//   "<program> evm: chain ID at URL, adjudicator 0x...; <owner> 0x... (N wei) pays <pays>"
struct EvmAccountUse {
  std::string program;  // "parleyd"
  std::string owner;    // "this node's account"
  std::string pays;     // "deposits and gas"
};

// A chain client, and the Adjudicator's client over it acting as one account.
// Members die in reverse order: the client before the chain it uses.
struct EvmConnection {
  std::unique_ptr<settlement::evm::EthClient> eth;
  std::unique_ptr<settlement::evm::EvmClient> client;
};

// Reaches `chain` and its Adjudicator as `key`'s account, prints which
// account that is with its balance (see EvmAccountUse), and warns if it has
// no ether. `cursor` keeps the event cursor, so that events missed while the
// process was down are delivered after a restart; it must outlive the
// connection. IoError if the chain does not answer, FailedPrecondition if no
// contract is at the address; each names the endpoint.
Result<EvmConnection> JoinEvmChain(const EvmChain& chain, const crypto::PrivateKey& key,
                                   store::Store& cursor, const EvmAccountUse& use);

}  // namespace parley::daemon
